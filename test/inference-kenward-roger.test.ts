/**
 * Kenward–Roger t tests against lmerTest 3.1-3 with pbkrtest 0.5.2 (test/fixtures/inference/kenward-roger.json,
 * made by tools/make-kenward-roger.R): every REML reference case with Satterthwaite values, among them the
 * sleepstudy random slope, the crossed Penicillin and the nested Pastes. Relative 1e-3 for df, standard
 * errors, t and p, as for Satterthwaite; the refusals; the CLI's `--ddf Kenward-Roger`.
 */
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {table} from "arquero";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {checkDdf} from "../src/inference/ddf.js";
import {fixedEffectTests, satterthwaiteLines} from "../src/inference/t-tests/fixed-effect-tests.js";
import {denseGram} from "../src/varpar/dense-gram.js";
import {kenwardRogerCovariance} from "../src/varpar/kenward-roger-covariance.js";
import {kenwardRoger, kenwardRogerContrast, kenwardRogerDf, kenwardRogerValues} from "../src/inference/t-tests/kenward-roger-t.js";
import {satterthwaiteValues} from "../src/inference/t-tests/satterthwaite.js";
import {lmer} from "../src/lmm/fit.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import {fitOf} from "./helpers/fits.js";
import {refusal} from "./helpers/refusal.js";

type Table = Record<"estimate" | "se" | "df" | "t" | "p", Record<string, number>>;
interface KenwardRogerReference {
  id: string;
  dataset: string;
  formula: string;
  theta: number | number[];
  kenward_roger: Table;
  vcov: number[][];
  vcov_adjusted: number[][];
  contrast: {L: number | number[]; estimate: number; se: number; df: number; t: number; p: number};
  optimum: {theta: number | number[]; kenward_roger: Table};
}

const cases = JSON.parse(readFileSync(new URL("./fixtures/inference/kenward-roger.json", import.meta.url), "utf8")) as KenwardRogerReference[];
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
const vector = (x: number | number[]) => Float64Array.from([x].flat());
const fitAt = (ref: KenwardRogerReference, theta: number | number[]) => {
  const fit = fitOf(ref.dataset, ref.formula);
  return new LinearMixedModel(fit.structure, vector(theta), fit.isSingular, [], fit.optimizer);
};

/**
 * Every column of lmerTest's table to relative 1e-3 (a p that R's pt() underflows to 0 must be tiny here too).
 * A p below 1e-50 is compared on the log scale, to relative 1e-5 of log p: its relative change is about
 * |log p| times the t value's, so a θ that differs in the 5th digit along a flat direction moves it by more
 * than 1e-3 (Produc-nested-log's log(emp), p ≈ 8e-93: 1.5e-3 between our θ and the optimum's, whose
 * criteria differ by 5e-8, as much as our criterion and lme4's differ at one θ).
 */
function expectTable(values: Table, ref: Table) {
  for (const key of ["estimate", "se", "df", "t", "p"] as const) {
    expect(Object.keys(values[key]).sort()).toEqual(Object.keys(ref[key]).sort());
    for (const [name, v] of Object.entries(ref[key])) {
      if (key === "p" && v === 0) expect(values.p[name]).toBeLessThan(1e-300);
      else if (key === "p" && v < 1e-50) expect(rel(Math.log(values.p[name]), Math.log(v)), `log p[${name}]`).toBeLessThan(1e-5);
      else expect(rel(values[key][name], v), `${key}[${name}] ${values[key][name]} vs ${v}`).toBeLessThan(1e-3);
    }
  }
}

/**
 * Three comparisons per case, as for Satterthwaite. At lme4's θ̂ (the model rebuilt there), the computation
 * alone: measured, df within 1.2e-10, standard errors within 1e-12 and p within 1.7e-8 (a p of 8e-93), and
 * the whole adjusted covariance of β̂ as pbkrtest's vcovAdj (checked to 1e-8 of its diagonal scale). At the
 * exact optimum θ*, against lmerTest there. At our θ̂: against lmerTest at θ* (p within 4.6e-4) and against
 * lme4's fit (p within 4.4e-4, Produc-nested-log; Penicillin-crossed, where lme4's θ̂ is 1e-4 from θ*, 2.2e-4).
 */
describe("Kenward-Roger df, standard errors and p-values match lmerTest", () => {
  it("covers the REML cases, among them sleepstudy's slope, the crossed Penicillin and the nested Pastes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(13);
    for (const id of ["sleepstudy-slope", "Penicillin-crossed", "Pastes-nested"]) expect(cases.map((c) => c.id)).toContain(id);
  });
  for (const ref of cases) {
    it(`${ref.id} at lme4's estimates`, () => {
      const m = fitAt(ref, ref.theta);
      expectTable(kenwardRogerValues(m), ref.kenward_roger);
      const {vcov, adjusted} = kenwardRogerCovariance(m);
      const p = ref.vcov.length;
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          const scale = Math.sqrt(ref.vcov_adjusted[a][a] * ref.vcov_adjusted[b][b]);
          expect(Math.abs(adjusted.get(a, b) - ref.vcov_adjusted[a][b]) / scale).toBeLessThan(1e-8);
          expect(Math.abs(vcov.get(a, b) - ref.vcov[a][b]) / Math.sqrt(ref.vcov[a][a] * ref.vcov[b][b])).toBeLessThan(1e-8);
        }
      }
      const c = kenwardRogerContrast(m, vector(ref.contrast.L));
      for (const key of ["estimate", "se", "df", "t", "p"] as const) expect(rel(c[key], ref.contrast[key]), `contrast ${key}`).toBeLessThan(1e-3);
    });
    it(`${ref.id} at the exact optimum`, () => {
      expectTable(kenwardRogerValues(fitAt(ref, ref.optimum.theta)), ref.optimum.kenward_roger);
    });
    it(`${ref.id} at our estimates`, () => {
      const fit = fitOf(ref.dataset, ref.formula);
      expectTable(kenwardRogerValues(fit), ref.optimum.kenward_roger);
      expectTable(kenwardRogerValues(fit), ref.kenward_roger);
    });
  }
});

describe("Kenward-Roger's degrees of freedom", () => {
  const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
  it("for one row the general formula reduces to 2/A₂", () => {
    const kr = kenwardRogerCovariance(m);
    const L = [[0, 1]];
    const phi = kr.vcov;
    const lpl = phi.get(1, 1);
    const a = kr.P.map((P) => phi.mmul(P).mmul(phi).get(1, 1) / lpl);
    let A = 0;
    a.forEach((x, r) => a.forEach((y, s) => (A += kr.W.get(r, s) * x * y)));
    expect(rel(kenwardRogerDf(kr, L), 2 / A)).toBeLessThan(1e-10);
  });
  it("a contrast scaled by a constant keeps its df and t", () => {
    const one = kenwardRogerContrast(m, [1, 2]);
    const three = kenwardRogerContrast(m, [3, 6]);
    expect(rel(three.df, one.df)).toBeLessThan(1e-10);
    expect(rel(three.t, one.t)).toBeLessThan(1e-12);
  });
  it("the dense cross-products of [Z X] are the frame's", () => {
    const {q, p, gram} = denseGram(m.structure.frame);
    expect([q, p]).toEqual([36, 2]);
    expect(gram.get(0, 0)).toBe(10);
    expect(gram.get(q, q)).toBe(180);
    expect(gram.get(q + 1, q)).toBe(810);
  });
  it("an Arquero table and the ddf switch", () => {
    const rows = kenwardRoger(m).objects() as Record<string, unknown>[];
    expect(Object.keys(rows[1])).toEqual(["term", "estimate", "se", "df", "t", "p"]);
    expect(fixedEffectTests(m, "Kenward-Roger").df.Days).toBe(kenwardRogerValues(m).df.Days);
    expect(fixedEffectTests(m).df.Days).toBe(satterthwaiteValues(m).df.Days);
  });
});

describe("Kenward-Roger refusals", () => {
  it("an ML fit, prior weights, a bad ddf, a bad contrast", () => {
    const ml = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)", {REML: false});
    expect(refusal(() => kenwardRogerValues(ml))).toMatch(/only available for REML fits; refit with REML: true/);
    const data = table({y: [1, 3, 2, 5, 4, 6, 8, 7], g: ["a", "a", "b", "b", "c", "c", "d", "d"], w: [1, 2, 1, 2, 1, 2, 1, 2]});
    expect(refusal(() => kenwardRogerValues(lmer("y ~ 1 + (1 | g)", data, {weights: "w"})))).toMatch(/does not support prior weights/);
    expect(refusal(() => checkDdf("KR"))).toBe('invalid ddf: "KR"; use "Satterthwaite" or "Kenward-Roger"');
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    expect(refusal(() => kenwardRogerContrast(m, [1]))).toMatch(/invalid contrast: 1 coefficients for 2 fixed effects/);
  });
  it("more random effects than the dense algebra allows", () => {
    const g = Array.from({length: 4002}, (_, i) => `g${i >> 1}`);
    const y = g.map((_, i) => Math.sin(i) + (i >> 1) / 1000);
    const m = lmer("y ~ 1 + (1 | g)", table({y, g}));
    expect(refusal(() => kenwardRogerValues(m))).toMatch(/this model has q = 2001 \(at most 2000\); use Satterthwaite's df/);
  });
});

const root = fileURLToPath(new URL("../", import.meta.url));
function run(...argv: string[]): {code: number; stdout: string; stderr: string} {
  let stdout = "", stderr = "";
  const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
}

describe("lmm fit --ddf Kenward-Roger", () => {
  const grunfeld = join(root, "datasets", "Grunfeld.csv");
  const formula = "inv ~ value + capital + (1 | firm) + (1 | year)";
  it("--json adds kenwardRoger: {df, p, se} beside satterthwaite", () => {
    const r = run("fit", grunfeld, formula, "--ddf", "Kenward-Roger", "--json");
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout);
    expect(Object.keys(fit.kenwardRoger)).toEqual(["df", "p", "se"]);
    expect(Object.keys(fit.satterthwaite)).toEqual(["df", "p"]);
    const ref = cases.find((c) => c.id === "Grunfeld-crossed")!;
    for (const key of ["df", "p", "se"] as const) {
      for (const [name, v] of Object.entries(ref.kenward_roger[key])) expect(rel(fit.kenwardRoger[key][name], v)).toBeLessThan(1e-3);
    }
    expect(JSON.parse(run("fit", grunfeld, formula, "--json").stdout).kenwardRoger).toBeUndefined();
  });
  it("the summary ends with the Kenward-Roger table", () => {
    const r = run("fit", grunfeld, formula, "--ddf=Kenward-Roger");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("Linear mixed model fit by REML. t-tests use Kenward-Roger's method [\nlmerModLmerTest]\n")).toBe(true);
    const tail = r.stdout.slice(r.stdout.indexOf("Fixed effects:")).split("\n");
    expect(tail[1]).toBe("             Estimate Std. Error        df t value Pr(>|t|)    ");
    expect(tail.slice(2, 5).map((line) => line.split(/\s+/)[0])).toEqual(["(Intercept)", "value", "capital"]);
  });
  it("at lme4's estimates the table is lmerTest's, digit for digit", () => {
    const ref = cases.find((c) => c.id === "Grunfeld-crossed")!;
    // printed by summary(m, ddf = "Kenward-Roger") in R 4 with lmerTest 3.1-3
    expect(satterthwaiteLines(fitAt(ref, ref.theta), 4, "Kenward-Roger").slice(0, 4)).toEqual([
      "             Estimate Std. Error        df t value Pr(>|t|)    ",
      "(Intercept) -58.83719   29.73909  10.76263  -1.978    0.074 .  ",
      "value         0.11007    0.01122 104.99489   9.809   <2e-16 ***",
      "capital       0.31063    0.01801  89.90011  17.252   <2e-16 ***"
    ]);
  });
  it("refuses a misspelled method and an ML fit", () => {
    const bad = run("fit", grunfeld, formula, "--ddf", "kenward");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('lmm: invalid ddf: "kenward"; use "Satterthwaite" or "Kenward-Roger"\n');
    expect(run("fit", grunfeld, formula, "--ddf", "Kenward-Roger", "--ml").stderr).toBe("lmm: --ddf Kenward-Roger needs a REML fit; leave out --ml\n");
  });
});
