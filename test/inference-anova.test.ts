/**
 * Likelihood-ratio tests (`anova`) against lme4's sleepstudy-anova.json (to 1e-6 relative), refitting by ML
 * against fresh ML fits, the refusals of models fitted to different data, and `lmm anova`.
 */
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {anova, anovaValues} from "../src/inference/compare/anova.js";
import {refit} from "../src/inference/refit.js";
import {lmer} from "../src/lmm/fit.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {loadReference} from "./helpers/reference.js";

const ref = loadReference("sleepstudy-anova") as unknown as {
  models: string[]; npar: number[]; AIC: number[]; BIC: number[]; logLik: number[]; deviance: number[];
  Chisq: (number | null)[]; Df: (number | null)[]; p: (number | null)[];
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const [F0, F1] = ref.models;

describe("anova matches lme4", () => {
  const m0 = fitOf("sleepstudy", F0), m1 = fitOf("sleepstudy", F1);
  it("sleepstudy: Chisq, Df, p, AIC, BIC, logLik, deviance to 1e-6 relative", () => {
    const a = anovaValues(m0, m1);
    expect(a.models).toEqual(ref.models);
    expect(a.npar).toEqual(ref.npar);
    for (const k of ["AIC", "BIC", "logLik", "deviance"] as const) {
      a[k].forEach((v, i) => expect(rel(v, ref[k][i]), `${k}[${i}] ${v} vs ${ref[k][i]}`).toBeLessThan(1e-6));
    }
    expect(a.Chisq[0]).toBeNull();
    expect(a.Df).toEqual(ref.Df);
    expect(rel(a.Chisq[1]!, ref.Chisq[1]!)).toBeLessThan(1e-6);
    expect(rel(a.p[1]!, ref.p[1]!)).toBeLessThan(1e-6);
    expect(a.refitted).toEqual([0, 1]);
  });
  it("orders the models by their number of parameters", () => {
    const a = anovaValues(m1, m0);
    expect(a.models).toEqual(ref.models);
    expect(a.order).toEqual([1, 0]);
    expect(rel(a.Chisq[1]!, ref.Chisq[1]!)).toBeLessThan(1e-6);
  });
  it("an Arquero table with lme4's columns", () => {
    const rows = anova(m0, m1).objects() as Record<string, unknown>[];
    expect(Object.keys(rows[0])).toEqual(["model", "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "p"]);
    expect(rows[1].Df).toBe(2);
  });
  it("equal models: Chisq 0 on 0 df, no p-value", () => {
    const a = anovaValues(m0, fitOf("sleepstudy", F0, {REML: false}));
    expect(a.Chisq[1]).toBeCloseTo(0, 6);
    expect(a.Df[1]).toBe(0);
    expect(a.p[1]).toBeNull();
    expect(a.refitted).toEqual([0]);
  });
});

describe("refit", () => {
  it("a REML fit refitted by ML is the ML fit", () => {
    const ml = refit(fitOf("sleepstudy", F1), {REML: false});
    const direct = fitOf("sleepstudy", F1, {REML: false});
    expect(ml.REML).toBe(false);
    expect(ml.deviance).toBeLessThanOrEqual(direct.deviance + 1e-7);
    expect(Math.abs(ml.deviance - direct.deviance)).toBeLessThan(1e-6);
    expect(ml.sigma).toBeCloseTo(direct.sigma, 3);
  });
  it("shares the frame and the cross-products", () => {
    const m = fitOf("sleepstudy", F1);
    const ml = refit(m, {REML: false});
    expect(ml.structure.A).toBe(m.structure.A);
    expect(ml.structure.frame).toBe(m.structure.frame);
  });
  it("back to REML from an ML fit", () => {
    const reml = refit(fitOf("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", {REML: false}), {REML: true});
    expect(Math.abs(reml.REMLcrit! - loadReference("Penicillin-crossed").REMLcrit!)).toBeLessThan(1e-6);
  });
  it("refuses a bad REML value and a start of the wrong length", () => {
    const m = fitOf("sleepstudy", F1);
    expect(() => refit(m, {REML: "no" as unknown as boolean})).toThrow(/invalid REML: no; use true or false/);
    expect(() => refit(m, {start: [1]})).toThrow(/invalid start: 1 values for 3 θ parameters/);
  });
});

describe("anova refuses models fitted to different data", () => {
  const sleep = dataset("sleepstudy");
  const rows = sleep.objects() as Record<string, unknown>[];
  it("different numbers of rows", () => {
    const part = lmer(F0, rows.slice(0, 170));
    expect(() => anovaValues(part, fitOf("sleepstudy", F1))).toThrow(/models were fitted to different numbers of rows: 170 \(model 1 .*\) and 180 \(model 2/);
  });
  it("different rows of the same table (missing values in one model's column only)", () => {
    const withX = rows.map((r, i) => ({...r, x: i === 3 ? null : i % 7, z: i === 5 ? null : i % 5}));
    const a = lmer("Reaction ~ Days + x + (1 | Subject)", withX);
    const b = lmer("Reaction ~ Days + z + (1 | Subject)", withX);
    expect(() => anovaValues(a, b)).toThrow(/models were fitted to different rows: row 6 is used by model 1 .* but not by model 2/);
  });
  it("different responses", () => {
    const logged = lmer("log(Reaction) ~ Days + (1 | Subject)", sleep);
    expect(() => anovaValues(fitOf("sleepstudy", F0), logged)).toThrow(/models were fitted to different responses: Reaction = 249.56 .* but log\(Reaction\) = 5.51/);
  });
  it("the same response from a different table", () => {
    const shifted = rows.map((r, i) => ({...r, Reaction: i === 10 ? (r.Reaction as number) + 1 : r.Reaction}));
    expect(() => anovaValues(fitOf("sleepstudy", F0), lmer(F1, shifted))).toThrow(/different responses: Reaction = .* in row 11/);
  });
  it("fewer than two models, or something else than a model", () => {
    expect(() => anovaValues(fitOf("sleepstudy", F0))).toThrow(/anova needs at least two models, got 1/);
    expect(() => anovaValues(fitOf("sleepstudy", F0), {} as never)).toThrow(/invalid model 2 in anova: not a fitted model/);
  });
});

describe("lmm anova", () => {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const csv = join(root, "datasets", "sleepstudy.csv");
  const run = (...argv: string[]) => {
    let stdout = "", stderr = "";
    const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
    return {code, stdout, stderr};
  };
  it("--json: the reference's fields", () => {
    const r = run("anova", csv, F0, F1, "--json");
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.models).toEqual(ref.models);
    expect(rel(a.Chisq[1], ref.Chisq[1]!)).toBeLessThan(1e-6);
    expect(a.Chisq[0]).toBeNull();
    expect(a.refitted).toBe(true);
  });
  it("prints lme4's table", () => {
    const r = run("anova", csv, F1, F0);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 4)).toEqual(["refitting model(s) with ML (instead of REML)", "Models:", `m2: ${F0}`, `m1: ${F1}`]);
    expect(lines[4]).toMatch(/^\s+npar\s+AIC\s+BIC\s+logLik deviance\s+Chisq Df Pr\(>Chisq\)/);
    expect(lines[5]).toMatch(/^m2\s+4 1802\.1 1814\.8 -897\.04\s+1794\.1\s+$/);
    expect(lines[6]).toMatch(/^m1\s+6 1763\.9 1783\.1 -875\.97\s+1751\.9 42\.139\s+2\s+7\.072e-10 \*\*\*$/);
  });
  it("usage error without a formula (one formula prints lmerTest's F tests: test/inference-f-tests.test.ts)", () => {
    const r = run("anova", csv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lmm: anova needs a CSV file and one formula \(F tests of its terms\) or several \(likelihood-ratio tests\); usage: lmm anova/);
  });
});
