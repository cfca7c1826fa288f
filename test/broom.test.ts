import {readFileSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import type {ColumnTable} from "arquero";
import {afterAll, describe, expect, it} from "vitest";
import {augment, glance, tidy} from "../src/broom/index.js";
import {LmmError} from "../src/errors.js";
import {studentTQuantile} from "../src/stats/student-t-quantile.js";
import {lmer} from "../src/lmm/fit.js";
import {dataset, fitOf} from "./helpers/fits.js";

// broom.mixed 0.2.9.4's tidy, glance and augment of every reference fit (test/fixtures/broom, made by
// tools/make-broom.R with lmerTest 3.1 and lme4 1.1-31). R fitted each model from the reference's θ at
// rhoend 1e-12, so its tables are at the optimum (its criterion is within 1e-9 of the reference's); ours are
// lmer's default fits, whose criterion is within 1e-6 of the optimum (lme4-reference.test.ts). A criterion
// that close leaves the parameters uncertain by about the square root of its relative error: so the
// tolerances below are those of the optimum's precision, stated per column as |ours − R| ≤ abs + rel·|R|
// (abs scaled by σ̂ or the standard errors where written so). Measured over all 20 fits (run with
// BROOM_MEASURE=1 to print the largest difference as a fraction of its tolerance): at most 0.61 of the
// tolerance (a fixed estimate), the others under 0.1; data columns are equal exactly.
const broomDir = fileURLToPath(new URL("./fixtures/broom/", import.meta.url));

type Column = (number | string | boolean | null)[];
interface BroomFixture {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  criterion: number;
  reference_criterion: number;
  tidy: Record<string, Column>;
  tidy_kr?: Record<string, Column>;
  tidy_ran_vals?: Record<string, Column>;
  glance: Record<string, Column>;
  augment: Record<string, Column>;
  augment_rows: number;
}

const measured = new Map<string, number>();
afterAll(() => {
  if (process.env.BROOM_MEASURE) console.log([...measured].map(([k, v]) => `${k}: ${v.toExponential(1)}`).join("\n"));
});
const fixtures: BroomFixture[] = readdirSync(broomDir).filter((f) => f.endsWith(".json")).sort()
  .map((f) => JSON.parse(readFileSync(broomDir + f, "utf8")) as BroomFixture);

/** A tolerance: |ours − R| ≤ abs·scale + rel·|R|. */
interface Tolerance {
  abs?: number;
  rel?: number;
}

/**
 * Differences beyond tolerance between our table and R's, column by column, each a message naming the fit,
 * column and row. Columns must be the same, in the same order; text and missing values must be equal.
 */
function compareTable(label: string, ours: ColumnTable, theirs: Record<string, Column>, tol: (column: string) => Tolerance | "exact", rows?: number): string[] {
  const bad: string[] = [];
  expect(ours.columnNames(), `${label} columns`).toEqual(Object.keys(theirs));
  for (const name of Object.keys(theirs)) {
    const r = theirs[name];
    const o = Array.from(ours.array(name) as ArrayLike<unknown>).slice(0, rows ?? r.length);
    if (o.length !== r.length) {
      bad.push(`${label} ${name}: ${o.length} rows, R has ${r.length}`);
      continue;
    }
    const t = tol(name);
    for (let i = 0; i < r.length; i++) {
      const x = o[i], y = r[i];
      if (y === null) {
        if (!(x === null || (typeof x === "number" && Number.isNaN(x)))) bad.push(`${label} ${name}[${i}]: ${String(x)}, R has NA`);
      } else if (typeof y === "string" || t === "exact") {
        if (String(x) !== String(y)) bad.push(`${label} ${name}[${i}]: ${String(x)}, R has ${String(y)}`);
      } else if (typeof y === "number") {
        const d = Math.abs((x as number) - y);
        const limit = (t.abs ?? 0) + (t.rel ?? 0) * Math.abs(y);
        if (process.env.BROOM_MEASURE && limit > 0) {
          const key = `${label.replace(/^\S+ /, "")} ${name}`;
          measured.set(key, Math.max(measured.get(key) ?? 0, d / limit));
        }
        if (!(d <= limit)) bad.push(`${label} ${name}[${i}]: ${String(x)}, R has ${y} (difference ${d.toExponential(2)} > ${limit.toExponential(2)})`);
      }
    }
  }
  return bad;
}

describe("tidy, glance and augment equal broom.mixed's", () => {
  it("has a fixture for each reference fit, made at the reference's optimum", () => {
    const references = readdirSync(fileURLToPath(new URL("./fixtures/reference/", import.meta.url)))
      .filter((f) => {
        const ref = JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/reference/${f}`, import.meta.url)), "utf8"));
        return ref.formula && ref.dataset && ref.REML !== undefined;
      });
    expect(fixtures.map((f) => `${f.id}.json`)).toEqual(references.sort());
    for (const f of fixtures) expect(Math.abs(f.criterion - f.reference_criterion)).toBeLessThan(1e-8);
  });

  for (const f of fixtures) {
    describe(f.id, () => {
      const model = () => fitOf(f.dataset, f.formula, {REML: f.REML});
      const sigma = () => model().sigma;

      it("tidy: fixed and ran_pars with Satterthwaite's df and Wald t intervals", () => {
        const m = model();
        const se = f.tidy["std.error"];
        const bad = compareTable(`${f.id} tidy`, tidy(m, {effects: ["fixed", "ran_pars"], "conf.int": true}), f.tidy, (name) => {
          switch (name) {
            case "estimate": return {abs: 1e-4 * Math.min(...se.filter((x): x is number => x !== null)), rel: 2e-4};
            case "std.error": return {rel: 2e-4};
            case "statistic": return {abs: 1e-3, rel: 2e-4};
            case "df": return {rel: 2e-3};
            case "p.value": return {abs: 1e-10, rel: 1e-2};
            case "conf.low": case "conf.high": return {abs: 2e-4 * Math.max(...se.filter((x): x is number => x !== null)), rel: 1e-6};
            default: return "exact";
          }
        });
        expect(bad).toEqual([]);
      });

      if (f.tidy_kr) {
        it("tidy: fixed with Kenward-Roger's df", () => {
          const se = f.tidy_kr!["std.error"] as number[];
          const bad = compareTable(`${f.id} tidy KR`, tidy(model(), {effects: "fixed", confInt: true, ddf: "Kenward-Roger"}), f.tidy_kr!, (name) => {
            switch (name) {
              case "estimate": return {abs: 1e-4 * Math.min(...se), rel: 2e-4};
              case "std.error": return {rel: 2e-4};
              case "statistic": return {abs: 1e-3, rel: 2e-4};
              case "df": return {rel: 2e-3};
              case "p.value": return {abs: 1e-10, rel: 1e-2};
              case "conf.low": case "conf.high": return {abs: 2e-4 * Math.max(...se), rel: 1e-6};
              default: return "exact";
            }
          });
          expect(bad).toEqual([]);
        });
      }

      if (f.tidy_ran_vals) {
        it("tidy: ran_vals with normal intervals", () => {
          const sd = (f.tidy_ran_vals!["std.error"] as number[]);
          const scale = Math.max(...sd);
          // a singular fit's modes and their SDs are 0 here and ~5e-9 in R (θ̂ at, or next to, 0): abs 1e-7 σ
          const floor = 1e-7 * sigma();
          const bad = compareTable(`${f.id} tidy ran_vals`, tidy(model(), {effects: "ran_vals", "conf.int": true}), f.tidy_ran_vals!, (name) =>
            name === "estimate" || name === "conf.low" || name === "conf.high" ? {abs: 1e-3 * scale + floor} : name === "std.error" ? {abs: floor, rel: 1e-3} : "exact");
          expect(bad).toEqual([]);
        });
      }

      it("glance", () => {
        const bad = compareTable(`${f.id} glance`, glance(model()), f.glance, (name) =>
          name === "sigma" ? {rel: 1e-5} : name === "nobs" || name === "df.residual" ? "exact" : {abs: 1e-6, rel: 1e-10});
        expect(bad).toEqual([]);
      });

      it(`augment (${f.augment.Reaction ? "all" : "the"} rows R stored)`, () => {
        const rows = f.augment[".fitted"].length;
        expect(f.augment_rows).toBe(model().nobs);
        const ours = augment(model(), dataset(f.dataset));
        expect(ours.numRows()).toBe(f.augment_rows);
        const s = sigma();
        const bad = compareTable(`${f.id} augment`, ours, f.augment, (name) => {
          switch (name) {
            case ".fitted": case ".resid": case ".mu": case ".wtres": case ".fixed": return {abs: 1e-4 * s};
            case ".hat": return {abs: 1e-6, rel: 1e-5};
            case ".cooksd": return {abs: 1e-9, rel: 1e-3};
            case ".offset": case ".sqrtXwt": case ".sqrtrwt": case ".weights": return {abs: 0};
            default: return {abs: 0, rel: 1e-14};
          }
        }, rows);
        expect(bad).toEqual([]);
      });
    });
  }
});

describe("prior weights and naAction exclude, against R", () => {
  // sleepstudy with w = (Days + 1)/5 and Reaction missing in rows 4 and 51, na.action = na.exclude in R
  const f = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/broom-extra/sleepstudy-weights-exclude.json", import.meta.url)), "utf8")) as BroomFixture & {fitted: (number | null)[]; residuals: (number | null)[]};
  const data = (dataset("sleepstudy").objects() as Record<string, unknown>[]).map((r, i) => ({
    ...r, Reaction: i === 3 || i === 50 ? null : r.Reaction, w: ((r.Days as number) + 1) / 5
  }));
  const m = lmer(f.formula, data, {weights: "w", naAction: "exclude"});

  it("has R's criterion, tidy and glance", () => {
    expect(Math.abs(m.REMLcrit! - f.criterion)).toBeLessThan(1e-6);
    const se = f.tidy["std.error"].filter((x): x is number => x !== null);
    expect(compareTable("weights tidy", tidy(m, {confInt: true}), f.tidy, (name) =>
      name === "estimate" ? {abs: 1e-4 * Math.min(...se), rel: 2e-4} : name === "df" ? {rel: 2e-3} : name === "p.value" ? {abs: 1e-10, rel: 1e-2}
        : name === "conf.low" || name === "conf.high" ? {abs: 2e-4 * Math.max(...se)} : ["effect", "group", "term"].includes(name) ? "exact" : {abs: 1e-3, rel: 2e-4})).toEqual([]);
    expect(compareTable("weights glance", glance(m), f.glance, (name) => name === "sigma" ? {rel: 1e-5} : {abs: 1e-6, rel: 1e-10})).toEqual([]);
  });

  it("pads fitted, residuals and augment's rows as R's na.exclude does", () => {
    expect(m.fitted.length).toBe(180);
    const s = m.sigma;
    const close = (ours: Float64Array, theirs: (number | null)[]) => theirs.every((y, i) => (y === null ? Number.isNaN(ours[i]) : Math.abs(ours[i] - y) <= 1e-4 * s));
    expect(close(m.fitted, f.fitted)).toBe(true);
    expect(close(m.residuals, f.residuals)).toBe(true);
    const bad = compareTable("weights augment", augment(m, data), f.augment, (name) => {
      switch (name) {
        case ".fitted": case ".resid": case ".mu": case ".wtres": case ".fixed": return {abs: 1e-4 * s};
        case ".hat": return {abs: 1e-6, rel: 1e-5};
        case ".cooksd": return {abs: 1e-9, rel: 1e-3};
        default: return {abs: 0, rel: 1e-14};
      }
    });
    expect(bad).toEqual([]);
  });
});

describe("options of tidy, glance and augment", () => {
  const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
  const refused = (f: () => unknown, message: RegExp) => {
    expect(f).toThrow(LmmError);
    expect(f).toThrow(message);
  };

  it("accepts broom's dotted names and their camelCase spellings alike", () => {
    const dotted = tidy(m, {"conf.int": true, "conf.level": 0.9, "ddf.method": "Kenward-Roger"}).objects();
    expect(tidy(m, {confInt: true, confLevel: 0.9, ddf: "Kenward-Roger"}).objects()).toEqual(dotted);
    // a 90% interval is the t quantile at the row's df times its standard error
    const row = dotted[1] as Record<string, number>;
    expect(row["conf.high"] - row.estimate).toBeCloseTo(studentTQuantile(0.95, row.df) * row["std.error"], 10);
    expect(tidy(m).columnNames()).toEqual(["effect", "group", "term", "estimate", "std.error", "statistic", "df", "p.value"]);
    expect(tidy(m, {effects: "ran_pars"}).columnNames()).toEqual(["effect", "group", "term", "estimate"]);
    expect(tidy(m, {effects: ["ran_vals", "fixed"]}).columnNames())
      .toEqual(["effect", "group", "level", "term", "estimate", "std.error", "statistic", "df", "p.value"]);
  });

  it("refuses unknown, doubled and invalid options, naming them", () => {
    refused(() => tidy(m, {confint: true} as never), /unknown option "confint" of tidy; did you mean "confInt"\?/);
    refused(() => tidy(m, {conf_int: true} as never), /unknown option "conf_int" of tidy; did you mean "conf\.int"/);
    refused(() => tidy(m, {"conf.int": true, confInt: false}), /options conf\.int and confInt of tidy are the same option/);
    refused(() => tidy(m, {effects: "random" as never}), /invalid effects of tidy: the string "random"/);
    refused(() => tidy(m, {effects: []}), /invalid effects of tidy/);
    refused(() => tidy(m, {"conf.level": 95}), /invalid conf\.level of tidy: the number 95; use a number between 0 and 1/);
    refused(() => tidy(m, {"conf.int": "yes" as never}), /invalid conf\.int of tidy/);
    refused(() => tidy(m, {ddf: "KR" as never}), /invalid ddf: "KR"/);
    refused(() => tidy(m, "fixed" as never), /invalid options of tidy/);
    refused(() => tidy({} as never), /invalid model of tidy/);
    refused(() => glance(null as never), /invalid model of glance/);
    refused(() => augment(m, dataset("sleepstudy").slice(0, 10)), /the data of augment has 10 rows but the model was fitted to a table of 180/);
    refused(() => augment(m, dataset("sleepstudy").derive({".hat": () => 0})), /has a column \.hat, which augment adds; rename it/);
  });
});
