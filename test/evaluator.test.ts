import {describe, expect, it} from "vitest";
import {formula} from "../src/formula/index.js";
import {modelFrame} from "../src/frame/index.js";
import type {Blocked} from "../src/lmm/blocks.js";
import {Evaluator, termCovariances} from "../src/lmm/evaluator.js";
import {lmer} from "../src/lmm/fit.js";
import {criterionFunction, modelStructure} from "../src/lmm/objective.js";
import {dataset} from "./helpers/fits.js";

/** Every value of a blocked matrix, in one fixed order. */
function values(A: Blocked): number[] {
  return [
    ...A.zzFirst,
    ...A.zzBelowFirst.slice(1).flatMap((s) => [...s.values]),
    ...A.zzDiagonal.slice(1).flatMap((d) => [...d]),
    ...A.zzOffDiagonal.flatMap((row) => row.filter(Boolean).flatMap((d) => [...d])),
    ...A.xyZ.flatMap((d) => [...d]),
    ...A.xyXy
  ];
}

/** Three crossed grouping factors with a slope on the first, 120 rows, and positive weights. */
function crossed(): Record<string, number[] | string[]> {
  const n = 120;
  const a: string[] = [], b: string[] = [], c: string[] = [], x: number[] = [], y: number[] = [], w: number[] = [], w2: number[] = [];
  for (let r = 0; r < n; r++) {
    a.push(`a${r % 12}`);
    b.push(`b${(r * 7) % 9}`);
    c.push(`c${(r * 5) % 4}`);
    x.push((r % 10) / 3);
    y.push(3 + 0.5 * x[r] + Math.sin(r * 1.3) + 0.7 * Math.cos((r % 12) * 2.1) + 0.4 * Math.sin(((r * 7) % 9) * 0.9) + 0.2 * ((r * 5) % 4));
    w.push(1 + (r % 3) / 2);
    w2.push(0.5 + ((r * 11) % 7) / 4);
  }
  return {a, b, c, x, y, w, w2};
}

const CROSSED = "y ~ x + (x | a) + (1 | b) + (1 | c)";

describe("the evaluator", () => {
  it("gives the criterion of criterionFunction and the fitted model's numbers", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", dataset("sleepstudy"));
    const ev = new Evaluator(m.structure);
    expect(ev.setTheta(m.theta).updateL()).toBe(true);
    expect(ev.objective()).toBe(criterionFunction(m.structure)(m.theta));
    expect(ev.objective()).toBe(m.REMLcrit);
    expect(ev.objective(false)).toBe(m.deviance);
    expect(ev.objectiveAt(m.theta)).toBe(m.REMLcrit);
    expect(Array.from(ev.beta())).toEqual(Array.from(m.beta));
    const V = ev.unscaledVcov();
    expect(m.vcov[0][1] / V[1]).toBeCloseTo(m.sigma2, 9);
    // R_Xᵀ R_X = (unscaled vcov)⁻¹
    const R = ev.rXt();
    const RtR = [R[0] * R[0], R[0] * R[2], R[2] * R[2] + R[3] * R[3]];
    const det = V[0] * V[3] - V[1] * V[2];
    expect(RtR[0]).toBeCloseTo(V[3] / det, 6);
    expect(RtR[2]).toBeCloseTo(V[0] / det, 6);
    expect(RtR[1]).toBeCloseTo(-V[1] / det, 6);
    expect(ev.r() ** 2).toBe(ev.r2);
    // σ² T Tᵀ: VarCorr's variances and covariance
    const [S] = ev.termCovariance(m.sigma);
    expect(S[0]).toBe(m.varCorr[0].vcov);
    expect(S[3]).toBe(m.varCorr[1].vcov);
    expect(S[1]).toBe(m.varCorr[2].vcov);
    expect(Array.from(termCovariances(m.structure.A.sizes, m.theta, m.sigma)[0])).toEqual(Array.from(S));
    // the deviance at the σ that profiling picks is the profiled criterion
    expect(ev.devianceAtSigma(m.sigma, true)).toBeCloseTo(m.REMLcrit!, 9);
    expect(ev.mlDeviance(null)).toBe(m.deviance);
    const sigmaML = Math.sqrt(ev.r2 / m.nobs);
    expect(ev.mlDeviance(sigmaML)).toBeCloseTo(m.deviance, 9);
    // holding β₁ at β̂₁ adds nothing; away from it the deviance grows
    expect(ev.mlDeviance(null, {j: 1, value: m.beta[1]})).toBe(m.deviance);
    expect(ev.mlDeviance(null, {j: 1, value: m.beta[1] + 1})).toBeGreaterThan(m.deviance);
    // b = Λũ
    expect(Array.from(ev.modes(m.u)[0])).toEqual(Array.from(m.b[0]));
  });

  it("refuses to read a factor it does not have, and says where L breaks down", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", dataset("sleepstudy"));
    const ev = new Evaluator(m.structure);
    expect(() => ev.objective()).toThrow(/call updateL/);
    expect(() => ev.updateL()).toThrow(/call setTheta/);
    expect(ev.objectiveAt([NaN, 0, 1])).toBe(Infinity);
    expect(() => ev.rXt()).toThrow(/call updateL/);
  });

  it("reweight with the prior weights reproduces the cross-products bit for bit, and leaves the structure's alone", () => {
    const data = crossed();
    for (const weights of [undefined, "w"]) {
      const structure = modelStructure(modelFrame(formula(CROSSED), data, weights ? {weights} : {}), true);
      const before = values(structure.A);
      const ev = new Evaluator(structure);
      const prior = structure.frame.weights ?? new Float64Array(structure.frame.n).fill(1);
      ev.reweight(prior);
      expect(ev.A).not.toBe(structure.A);
      expect(values(ev.A)).toEqual(before);
      expect(ev.logDetW).toBe(structure.logDetW);
      const theta = [0.8, 0.1, 0.3, 0.5, 0.4];
      expect(ev.objectiveAt(theta)).toBe(criterionFunction(structure)(theta));
      ev.reweight(Float64Array.from(data.w2 as number[]), (data.y as number[]).map((v) => 2 * v));
      expect(values(structure.A)).toEqual(before);
    }
  });

  it("reweight with other weights (and a new response) equals a fresh structure built with them", () => {
    const data = crossed();
    const structure = modelStructure(modelFrame(formula(CROSSED), data), false);
    const y2 = (data.y as number[]).map((v, r) => v + Math.cos(r));
    const fresh = modelStructure(modelFrame(formula(CROSSED), {...data, y: y2}, {weights: "w2"}), false);
    const ev = new Evaluator(structure).reweight(Float64Array.from(data.w2 as number[]), y2);
    expect(values(ev.A)).toEqual(values(fresh.A));
    expect(ev.A.zzBelowFirst[1].rowLevel).toEqual(fresh.A.zzBelowFirst[1].rowLevel);
    expect(ev.logDetW).toBe(fresh.logDetW);
    const theta = [0.6, -0.2, 0.5, 0.9, 0.3];
    expect(ev.objectiveAt(theta)).toBe(criterionFunction(fresh)(theta));
    // again, in place: the same arrays, other values
    const A = ev.A, first = A.zzFirst;
    ev.reweight(Float64Array.from(data.w as number[]));
    expect(ev.A).toBe(A);
    expect(ev.A.zzFirst).toBe(first);
    const withW = modelStructure(modelFrame(formula(CROSSED), {...data, y: y2}, {weights: "w"}), false);
    expect(values(ev.A)).toEqual(values(withW.A));
    expect(ev.objectiveAt(theta)).toBe(criterionFunction(withW)(theta));
  });

  it("reweight refuses weights that are not positive or of the wrong length", () => {
    const structure = modelStructure(modelFrame(formula(CROSSED), crossed()), true);
    const ev = new Evaluator(structure);
    expect(() => ev.reweight(new Float64Array(3).fill(1))).toThrow(/invalid weights: 3 values for 120 rows/);
    const w = new Float64Array(120).fill(1);
    w[5] = 0;
    expect(() => ev.reweight(w)).toThrow(/invalid weight: 0 in row 6/);
  });
});
