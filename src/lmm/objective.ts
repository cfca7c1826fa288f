import type {ModelFrame} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";
import type {MixedModelStructure} from "./structure.js";
import {crossProducts} from "./crossproducts.js";
import {Evaluator} from "./evaluator.js";
import {checkFinite} from "./finite.js";
import {log} from "../math/index.js";


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
 * `criterion(θ) = objective(updateL(setTheta(model, θ)))`, through a private {@link Evaluator} (which owns
 * the workspace for L).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.4; MixedModels.jl's `objective!(m, θ)`.
 *
 * @example
 *   const f = criterionFunction(m);
 *   f(Float64Array.of(0.9667, 0.0152, 0.2309)); // ≈ 1743.628 for sleepstudy (Days | Subject), REML
 */
export function criterionFunction(m: MixedModelStructure): (theta: ArrayLike<number>) => number {
  const ev = new Evaluator(m);
  return (theta) => (ev.setTheta(theta).updateL() ? ev.objective() : Infinity);
}

/**
 * A fresh factor at θ, for the fitted model's results ({@link Evaluator.at}'s factor).
 *
 * @example
 *   const L = factorAt(m, thetaHat);
 */
export function factorAt(m: MixedModelStructure, theta: ArrayLike<number>): Blocked {
  return Evaluator.at(m, theta).factor;
}
