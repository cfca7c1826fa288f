import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {fTests, lmer, readCSV, satterthwaite} from "../src/index.js";
import {LmmError} from "../src/errors.js";

// Issue 9: numbers that give no finite criterion, gradient or Hessian were a TypeError from ml-matrix's
// eigen-decomposition ("Cannot read properties of undefined (reading '0')"). Now: a refusal that names the
// column and the fix, or lme4's warnings on a fit that says it did not converge.

const rows = readCSV(readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8")).objects() as Record<string, unknown>[];

function refusal(run: () => unknown): LmmError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(LmmError);
    return e as LmmError;
  }
  throw new Error("expected a refusal");
}

describe("non-finite criteria, gradients and Hessians", () => {
  it("refuses a response that overflows, naming it", () => {
    expect(refusal(() => lmer("exp(Reaction) ~ (1 | Subject)", rows)).message).toMatch(/cross-products of the model overflow: exp\(Reaction\) reaches 3\.43e\+202.*rescale it/);
  });
  it("refuses one covariate value of 1e200, naming the column", () => {
    const data = rows.map((r, i) => ({...r, Days: i === 0 ? 1e200 : r.Days}));
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", data)).message).toMatch(/overflow: Days reaches 1\.00e\+200/);
  });
  it("refuses weights of Infinity by row, and weights of 1e300 that overflow", () => {
    const inf = rows.map((r, i) => ({...r, w: i === 4 ? Infinity : 1}));
    expect(refusal(() => lmer("Reaction ~ Days + (Days | Subject)", inf, {weights: "w"})).message).toMatch(/weight is Infinity in row 5/);
    const huge = rows.map((r, i) => ({...r, w: i === 0 ? 1e300 : 1}));
    expect(refusal(() => lmer("Reaction ~ Days + (Days | Subject)", huge, {weights: "w"})).message).toMatch(/not finite|overflow/);
  });
  it("fits a covariate scaled by 1e9 in a random slope as lme4 does: the same model as Days", () => {
    // the optimizer's coordinates scale each template row by its column's size (theta-scale.ts), so the
    // start is not 1e9 too wide for the slope (it was a non-finite criterion everywhere, then a TypeError)
    const big = lmer("Reaction ~ I(Days * 1e9) + (I(Days * 1e9) | Subject)", rows, {REML: false});
    const days = lmer("Reaction ~ Days + (Days | Subject)", rows, {REML: false});
    expect(Math.abs(big.deviance - days.deviance)).toBeLessThan(1e-6);
    expect(big.fixef["I(Days * 1e+09)"] * 1e9).toBeCloseTo(days.fixef.Days, 4);
    expect(big.optimizer.converged).toBe(true);
  });
  it("fits a covariate of 1e150 times Days (its squares still finite) as the Days model", () => {
    const data = rows.map((r) => ({...r, x: (r.Days as number) * 1e150}));
    const m = lmer("Reaction ~ x + (x | Subject)", data, {REML: false});
    const days = lmer("Reaction ~ Days + (Days | Subject)", rows, {REML: false});
    expect(Math.abs(m.deviance - days.deviance)).toBeLessThan(1e-6);
    expect(m.theta[2] * 1e150).toBeCloseTo(days.theta[2], 4);
  });
  it("fits a constant response with lme4's warnings and one verdict: not converged", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", rows.map((r) => ({...r, Reaction: 5})));
    expect(m.warnings).toContain("Problem with Hessian check (infinite or missing values?)");
    expect(m.optimizer.converged).toBe(false);
    expect(m.optimizer.ending.verdict).toBe("failed-checks");
    expect(m.optimizer.message).toMatch(/^Model failed to converge: unable to evaluate scaled gradient/);
  });
  it("runs satterthwaite and fTests on a model whose response was on the right-hand side", () => {
    const m = lmer("Reaction ~ Reaction + (1 | Subject)", rows);
    expect(satterthwaite(m).numRows()).toBe(1);
    expect(fTests(m).numRows()).toBe(0);
  });
});
