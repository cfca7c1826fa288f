/**
 * anova() between glmer fits against lme4 1.1-31's anova.merMod: cbpp (test/fixtures/glmer/cbpp-binomial.json,
 * both models at their reference optima) and three Poisson models of Mmmec with an offset
 * (test/fixtures/glmer-downstream/Mmmec-offset.json; the smaller and larger models fitted by lme4's bobyqa at
 * rhoend 1e-10, tolPwrss 1e-12).
 *
 * Tolerances: log-likelihoods, AIC, BIC and deviances to 1e-7 relative (the glmer fixtures hold the objective to
 * 1e-6; these fits agree more closely), χ² to 1e-4 absolute (a difference of two deviances of ~200–2300, each
 * within 1e-7 relative), p-values to 1e-3 relative; npar and Df exactly; the printed table line for line
 * (lme4 names models by the expressions passed, we by position: the names are replaced before comparing).
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {glmer} from "../src/glmm/index.js";
import {anova, anovaLines, anovaValues} from "../src/inference/index.js";
import {lmer} from "../src/lmm/fit.js";
import {dataset} from "./helpers/fits.js";
import {glmerFitOf, loadGlmerFixture} from "./helpers/glmer.js";

interface RAnova {
  models: string[]; npar: number[]; AIC: number[]; BIC: number[]; logLik: number[]; deviance: number[];
  Chisq: (number | null)[]; Df: (number | null)[]; p: (number | null)[]; printed?: string[];
}
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function expectTable(ours: ReturnType<typeof anovaValues>, ref: RAnova) {
  expect(ours.models).toEqual(ref.models);
  expect(ours.npar).toEqual(ref.npar);
  for (const key of ["AIC", "BIC", "logLik", "deviance"] as const) ours[key].forEach((v, i) => expect(rel(v, ref[key][i])).toBeLessThan(1e-7));
  expect(ours.Df).toEqual(ref.Df);
  ours.Chisq.forEach((v, i) => (ref.Chisq[i] === null ? expect(v).toBeNull() : expect(Math.abs(v! - ref.Chisq[i]!)).toBeLessThan(1e-4)));
  ours.p.forEach((v, i) => (ref.p[i] === null ? expect(v).toBeNull() : expect(rel(v!, ref.p[i]!)).toBeLessThan(1e-3)));
}

describe("anova(glmer, glmer)", () => {
  it("cbpp: period against none", () => {
    const fx = loadGlmerFixture<ReturnType<typeof loadGlmerFixture> & {anova: RAnova}>("cbpp-binomial");
    const m1 = glmerFitOf(fx);
    const m0 = glmer(fx.anova.models[0], dataset("cbpp"), {family: "binomial"});
    expectTable(anovaValues(m1, m0), fx.anova);
    expect(anovaValues(m1, m0).order).toEqual([1, 0]);
    expect(anova(m0, m1).numRows()).toBe(2);
  });

  it("Mmmec with an offset: three models, as lme4 prints them", () => {
    const ref = (JSON.parse(readFileSync(new URL("./fixtures/glmer-downstream/Mmmec-offset.json", import.meta.url), "utf8")) as {anova: RAnova}).anova;
    const d = dataset("Mmmec");
    const [f0, f1, f2] = ref.models;
    const m1 = glmerFitOf(loadGlmerFixture("Mmmec-offset"));
    const m0 = glmer(f0, d, {family: "poisson"});
    const m2 = glmer(f2, d, {family: "poisson"});
    const a = anovaValues(m1, m0, m2);
    expectTable(a, ref);
    // lme4 names the rows by the expressions passed (m0, x$m, m2), we by position; χ² = 10.1124961 prints as
    // 10.113 (printCoefmat rounds a test statistic to 4 decimals before formatting it to 5 digits)
    const body = (lines: string[]) => lines.map((l) => l.replace(/^(m\d|x\$m) +/, "M ").replace(/^(m\d|x\$m):/, "M:").replace(/^ +npar/, "npar"));
    const ours = body(anovaLines(a));
    const theirs = body(ref.printed!.slice(1)); // our printout has no "Data:" line
    expect(ours.length).toBe(theirs.length);
    expect(ours).toEqual(theirs);
  });

  it("refuses a linear and a generalized model together, and different responses", () => {
    const d = dataset("cbpp");
    const g = glmerFitOf(loadGlmerFixture("cbpp-binomial"));
    const l = lmer("incidence ~ 1 + (1 | herd)", d, {REML: false});
    expect(() => anovaValues(g, l)).toThrow(/cannot compare linear \(lmer\) and generalized \(glmer\) models/);
    const other = glmer("incidence ~ 1 + (1 | herd)", d, {family: "poisson"});
    expect(() => anovaValues(g, other)).toThrow(/different responses/);
  });
});
