/**
 * glmer's refusals of bad input: each an LmmError naming the value and the fix, none thrown from deep inside.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import {glmer} from "../src/glmm/index.js";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/index.js";

const cbpp = readCSV(readFileSync(new URL("../datasets/cbpp.csv", import.meta.url), "utf8"));
const rows = (cbpp.objects() as {herd: number; incidence: number; size: number; period: number}[]).map((r) => ({...r}));

/** The message of the LmmError `f` throws (failing when it throws anything else or nothing). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LmmError);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("glmer refuses bad input with the value and the fix", () => {
  it("a binomial response outside [0, 1]", () => {
    const message = refusal(() => glmer("incidence ~ period + (1 | herd)", rows, {family: "binomial"}));
    expect(message).toMatch(/^the binomial response incidence is 2 in row 1, outside \[0, 1\]; give 0\/1 values, a two-level factor, proportions with weights = trials/);
  });

  it("a response the fixed effects separate: an error when PIRLS cannot converge, else glm's warning on the result", () => {
    let state = 7;
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const x = Array.from({length: 200}, () => 4 * uniform() - 2);
    const data = {x, y: x.map((v) => (v > 0 ? 1 : 0)), g: x.map((_, i) => `g${i % 10}`)};
    const message = refusal(() => glmer("y ~ x + (1 | g)", data, {family: "binomial"}));
    expect(message).toMatch(/^the fixed effects separate the response: .* \(complete separation\); remove or combine the covariates that predict the outcome perfectly/);
    const m = glmer("y ~ period + (1 | herd)", rows.map((r) => ({...r, y: r.period >= 3 ? 1 : 0})), {family: "binomial"});
    expect(m.warnings.some((w) => w.startsWith("fitted probabilities numerically 0 or 1 occurred: the fixed effects may separate the response"))).toBe(true);
    expect(glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", rows, {family: "binomial"}).warnings.join()).not.toMatch(/numerically 0 or 1/);
  });

  it("a factor response with three levels", () => {
    const data = rows.map((r) => ({...r, y: ["low", "mid", "high"][r.incidence % 3]}));
    const message = refusal(() => glmer("y ~ period + (1 | herd)", data, {family: "binomial"}));
    expect(message).toMatch(/^the response y has 3 levels \(high, low, mid\) but a binomial response has two/);
  });

  it("a factor response for a family other than binomial", () => {
    const data = rows.map((r) => ({...r, y: r.incidence > 0 ? "yes" : "no"}));
    expect(refusal(() => glmer("y ~ period + (1 | herd)", data, {family: "poisson"}))).toMatch(/^the response y is not numeric/);
  });

  it("a negative Poisson count, and one that is not whole (its log-likelihood is −∞: lme4 warns, then fails)", () => {
    const negative = rows.map((r, i) => ({...r, incidence: i === 3 ? -1 : r.incidence}));
    expect(refusal(() => glmer("incidence ~ period + (1 | herd)", negative, {family: "poisson"})))
      .toBe("the Poisson response incidence is -1 in row 4; counts cannot be negative: fix the value or choose another family");
    const fractional = rows.map((r, i) => ({...r, incidence: i === 3 ? 1.5 : r.incidence}));
    expect(refusal(() => glmer("incidence ~ period + (1 | herd)", fractional, {family: "poisson"})))
      .toMatch(/^the Poisson response incidence is 1\.5 in row 4, not a whole number: .*; round the counts/);
  });

  it("a Gamma response that is not positive", () => {
    expect(refusal(() => glmer("incidence ~ period + (1 | herd)", rows, {family: "Gamma"})))
      .toMatch(/^the Gamma response incidence is 0 in row \d+; the Gamma family needs positive values/);
  });

  it("the gaussian family with the identity link, which is lmer's model", () => {
    expect(refusal(() => glmer("incidence ~ period + (1 | herd)", rows, {family: "gaussian"}))).toMatch(/^family "gaussian" with the identity link is a linear mixed model: fit it with lmer/);
  });

  it("an unknown family or link, an unknown option, a bad nAGQ", () => {
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {family: "binomail", weights: "size"}))).toMatch(/^family "binomail" is not one glmer fits; did you mean "binomial"\? use /);
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {link: "logt", weights: "size"}))).toMatch(/^link "logt" is not available for the binomial family; did you mean "logit" or "log"\? use one of "logit"/);
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {nagq: 9} as never))).toMatch(/^unknown option "nagq" of glmer; did you mean "nAGQ"\?/);
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {nAGQ: 1.5}))).toMatch(/^invalid nAGQ: the number 1\.5; use a whole number from 0 to 25/);
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {REML: true} as never))).toMatch(/^option "REML" does not apply to glmer/);
  });

  it("nAGQ > 1 without a single scalar random-effects term, as lme4", () => {
    const data = rows.map((r, i) => ({...r, block: i % 4}));
    expect(refusal(() => glmer("cbind(incidence, size - incidence) ~ period + (1 | herd) + (1 | block)", data, {nAGQ: 9})))
      .toBe("nAGQ = 9 (adaptive Gauss–Hermite quadrature) needs a single scalar random-effects term, such as (1 | group), as in lme4; this model has (1 | herd) + (1 | block): use nAGQ = 1 (Laplace)");
    expect(refusal(() => glmer("cbind(incidence, size - incidence) ~ period + (period | herd)", data, {nAGQ: 2}))).toMatch(/^nAGQ = 2 .* this model has \(period \| herd\)/);
  });

  it("an offset of the wrong length, and a start of the wrong length", () => {
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {weights: "size", offset: [1, 2]}))).toBe(`invalid offset: 2 values for ${rows.length} rows of the data; give one value a row`);
    expect(refusal(() => glmer("incidence / size ~ period + (1 | herd)", rows, {weights: "size", start: [1, 2]}))).toMatch(/^invalid start: 2 values; give the 1 θ values, or θ then the 2 fixed effects \(3 values\)/);
  });

  it("lmer still refuses glmer's family", () => {
    expect(refusal(() => lmer("incidence ~ period + (1 | herd)", rows, {family: "poisson"} as never))).toMatch(/^option "family" is glmer's/);
  });
});

describe("glmer's options", () => {
  it("nAGQ = 0 stops after the first stage: β from PIRLS, Var(β̂) from R_X", () => {
    const m = glmer("incidence / size ~ factor(period) + (1 | herd)", rows, {weights: "size", nAGQ: 0});
    expect(m.nAGQ).toBe(0);
    expect(m.vcov).toEqual(m.vcovRX);
    const laplace = glmer("incidence / size ~ factor(period) + (1 | herd)", rows, {weights: "size"});
    expect(m.objective).toBeGreaterThan(laplace.objective - 1e-6);
  });

  it("onProgress sees every evaluation of both stages; an aborted signal stops the fit", () => {
    const stages = new Set<number>();
    let count = 0;
    const m = glmer("incidence / size ~ factor(period) + (1 | herd)", rows, {weights: "size", onProgress: ({stage}) => (stages.add(stage), count++)});
    expect([...stages]).toEqual([1, 2]);
    expect(count).toBeGreaterThanOrEqual(m.optimizer.evaluations);
    const controller = new AbortController();
    controller.abort();
    expect(() => glmer("incidence / size ~ factor(period) + (1 | herd)", rows, {weights: "size", signal: controller.signal})).toThrow(/abort/i);
  });
});
