import type {ModelFrame} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";
import {crossProducts} from "./crossproducts.js";
import {factorSummary, profiledCriterion} from "./criterion.js";
import {factorWorkspace, updateL} from "./factor.js";
import {checkFinite} from "./finite.js";
import {fail} from "../errors.js";
import {templates} from "./lambda.js";
import {log} from "../math/index.js";

/** What the criterion needs, computed once per model: the cross-products and constants. */
export interface MixedModelStructure {
  frame: ModelFrame;
  A: Blocked;
  /** log |W| for prior weights (0 without). */
  logDetW: number;
  REML: boolean;
}

/**
 * The structure of a model: cross-products once, so that each criterion evaluation only rescales and
 * refactors them.
 *
 * @example
 *   const m = modelStructure(frame, true);
 */
export function modelStructure(frame: ModelFrame, REML: boolean): MixedModelStructure {
  let logDetW = 0;
  if (frame.weights) for (const w of frame.weights) logDetW += log(w);
  const A = crossProducts(frame);
  checkFinite(frame, A);
  return {frame, A, logDetW, REML};
}

/**
 * The profiled criterion as a function of θ, reading like its definition:
 * `criterion(θ) = objective(updateL(setTheta(model, θ)))`. It owns a private workspace for L.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.4.
 *
 * @example
 *   const f = criterionFunction(m);
 *   f(Float64Array.of(0.9667, 0.0152, 0.2309)); // ≈ 1743.628 for sleepstudy (Days | Subject), REML
 */
export function criterionFunction(m: MixedModelStructure): (theta: ArrayLike<number>) => number {
  const L = factorWorkspace(m.A);
  const {n} = m.frame;
  const p = m.A.nFixed;
  return (theta) => (updateL(m.A, templates(m.A.sizes, theta), L) ? profiledCriterion(factorSummary(L), n, p, m.logDetW, m.REML) : Infinity);
}

/**
 * A fresh factor at θ, for the fitted model's results.
 *
 * @example
 *   const L = factorAt(m, thetaHat);
 */
export function factorAt(m: MixedModelStructure, theta: ArrayLike<number>): Blocked {
  const L = factorWorkspace(m.A);
  if (!updateL(m.A, templates(m.A.sizes, theta), L)) {
    fail(`the factor of the model is not positive definite at θ = [${Array.from(theta, (t) => t.toPrecision(4)).join(", ")}]; rescale the variables (centre them, or divide large ones by a power of ten)`);
  }
  return L;
}
