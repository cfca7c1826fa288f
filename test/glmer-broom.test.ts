/**
 * tidy, glance and augment of glmer fits against broom.mixed 0.2.9 on lme4 1.1-31
 * (test/fixtures/glmer-downstream, tools/make-glmer-downstream.R, at the reference optima): column names and
 * order, row order, and values.
 *
 * Tolerances, from the glmer fixtures' (β within 1e-3 SE, SEs and SDs 1e-3 relative, modes 1e-3 conditional SD):
 * estimates of fixed effects within 2e-3 SE, other estimates, SEs, z statistics, intervals and glance's
 * numbers 2e-3 relative (or of the column's scale where a value is near 0), p-values through z: |log p − log p_R|
 * within 2e-3 z² (d log p/dz ≈ −z); augment's columns 2e-3 relative to each value or to the column's largest.
 * Correlations absolutely, 2e-3.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {augment, glance, tidy} from "../src/broom/index.js";
import {dataset} from "./helpers/fits.js";
import {glmerFitOf, loadGlmerFixture} from "./helpers/glmer.js";

type Columns = Record<string, (number | string | null)[]>;
interface Broom {tidy: Columns; tidy_ran_vals: Columns; glance: Columns; augment_columns: string[]; augment_head: Columns}
const load = (id: string): Broom => JSON.parse(readFileSync(new URL(`./fixtures/glmer-downstream/${id}.json`, import.meta.url), "utf8")).broom;
const near = (a: number, b: number, scale: number, tol = 2e-3) => Math.abs(a - b) <= tol * Math.max(Math.abs(b), scale);

describe.each(["cbpp-binomial", "grouseticks-poisson", "Mmmec-offset", "VerbAgg-crossed", "sleepstudy-gamma-log"])("broom of glmer %s", (id) => {
  const fx = loadGlmerFixture(id);
  const ref = load(id);
  const m = glmerFitOf(fx);

  it("tidy (conf.int): columns, rows and values", () => {
    const t = tidy(m, {confInt: true});
    expect(t.columnNames()).toEqual(Object.keys(ref.tidy));
    const col = (name: string) => t.array(name) as ArrayLike<unknown>;
    for (const name of ["effect", "group", "term"]) expect(Array.from(col(name))).toEqual(ref.tidy[name]);
    const n = ref.tidy.term.length;
    for (let i = 0; i < n; i++) {
      const term = ref.tidy.term[i] as string, fixed = ref.tidy.effect[i] === "fixed";
      const est = col("estimate")[i] as number, r = ref.tidy.estimate[i] as number;
      if (fixed) {
        const se = ref.tidy["std.error"][i] as number;
        expect(Math.abs(est - r) / se).toBeLessThan(2e-3);
        expect(near(col("std.error")[i] as number, se, 0)).toBe(true);
        const z = ref.tidy.statistic[i] as number;
        expect(near(col("statistic")[i] as number, z, 1)).toBe(true);
        const p = col("p.value")[i] as number, pr = ref.tidy["p.value"][i] as number;
        if (pr > 1e-300) expect(Math.abs(Math.log(p / pr))).toBeLessThan(2e-3 * z * z + 1e-9);
        else expect(p).toBeLessThan(1e-300);
        for (const c of ["conf.low", "conf.high"]) expect(Math.abs((col(c)[i] as number) - (ref.tidy[c][i] as number)) / se).toBeLessThan(3e-3);
      } else {
        if (term.startsWith("cor__")) expect(Math.abs(est - r)).toBeLessThan(2e-3);
        else expect(near(est, r, 0)).toBe(true);
        for (const c of ["std.error", "statistic", "p.value", "conf.low", "conf.high"]) {
          expect(ref.tidy[c][i]).toBeNull();
          expect(col(c)[i]).toBeNaN();
        }
      }
    }
  });

  it("tidy ran_vals", () => {
    const t = tidy(m, {effects: "ran_vals"});
    expect(t.columnNames()).toEqual(Object.keys(ref.tidy_ran_vals));
    const k = ref.tidy_ran_vals.term.length;
    for (const name of ["effect", "group", "level", "term"]) expect(Array.from(t.array(name) as ArrayLike<unknown>).slice(0, k)).toEqual(ref.tidy_ran_vals[name]);
    const est = t.array("estimate") as ArrayLike<number>, se = t.array("std.error") as ArrayLike<number>;
    for (let i = 0; i < k; i++) {
      const sd = ref.tidy_ran_vals["std.error"][i] as number;
      expect(Math.abs(est[i] - (ref.tidy_ran_vals.estimate[i] as number)) / sd).toBeLessThan(2e-3);
      expect(near(se[i], sd, 0)).toBe(true);
    }
  });

  it("glance", () => {
    const g = glance(m).objects()[0] as Record<string, number>;
    expect(Object.keys(g)).toEqual(Object.keys(ref.glance));
    // one row: jsonlite wrote its values unboxed
    const row = ref.glance as unknown as Record<string, number>;
    expect(g.nobs).toBe(row.nobs);
    expect(g["df.residual"]).toBe(row["df.residual"]);
    for (const key of ["sigma", "logLik", "AIC", "BIC", "deviance"]) expect(near(g[key], row[key], 0)).toBe(true);
  });

  it("augment: the data's columns, then broom.mixed's, and their values", () => {
    const data = dataset(fx.dataset);
    const a = augment(m, data);
    const added = a.columnNames().filter((c) => c.startsWith("."));
    expect(added).toEqual(ref.augment_columns.filter((c) => c.startsWith(".")));
    expect(a.columnNames().slice(0, data.numCols())).toEqual(data.columnNames());
    expect(a.numRows()).toBe(m.nobs);
    for (const name of added) {
      const ours = Array.from(a.array(name) as ArrayLike<number>).slice(0, 10);
      const theirs = ref.augment_head[name] as number[];
      const scale = Math.max(...theirs.map(Math.abs));
      ours.forEach((v, i) => expect(near(v, theirs[i], scale)).toBe(true));
    }
  });
});

describe("broom of glmer: options", () => {
  it("refuses ddf for a glmer fit", () => {
    const m = glmerFitOf(loadGlmerFixture("cbpp-binomial"));
    expect(() => tidy(m, {ddf: "Kenward-Roger"})).toThrow(/ddf does not apply to a glmer fit/);
  });
});
