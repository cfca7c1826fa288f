import {Evaluator} from "../lmm/evaluator.js";
import type {MixedModelStructure} from "../lmm/structure.js";

/**
 * The deviance of a model as a function of all its variance parameters `varpar = (θ, σ)`, with β at its
 * conditional estimate β̂(θ) but σ not profiled out (lmerTest's `devfun_vp`):
 *
 * - ML:   `−2 log L(θ, σ) = log|L_θ|² − log|W| + n log(2πσ²) + r²(θ)/σ²`;
 * - REML: `−2 log L_R(θ, σ) = log|L_θ|² + log|R_X|² − log|W| + (n − p) log(2πσ²) + r²(θ)/σ²`
 *
 * (the evaluator's `devianceAtSigma`, lmm/criterion.ts's `criterionAtSigma`).
 *
 * At σ² = r²/n (ML) or r²/(n − p) (REML) these equal the profiled criteria. θ may leave its bounds (a
 * negative diagonal entry gives the same Λ Λᵀ), so central differences work at a boundary estimate.
 * Returns Infinity where the factor breaks down.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 32–34 and 41 (the deviance before profiling σ);
 * Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.1 (the deviance in θ and σ).
 *
 * @example
 *   const dev = varparDeviance(model.structure, model.REML);
 *   dev(Float64Array.of(...model.theta, model.sigma)); // = model.REMLcrit for a REML fit
 */
export function varparDeviance(structure: MixedModelStructure, REML: boolean): (varpar: ArrayLike<number>) => number {
  const ev = new Evaluator(structure);
  return (varpar) => {
    const k = varpar.length - 1;
    if (!ev.setTheta(Array.prototype.slice.call(varpar, 0, k)).updateL()) return Infinity;
    return ev.devianceAtSigma(varpar[k], REML);
  };
}

/**
 * The pieces of the deviance in (θ, σ) that depend on θ, with `(R_XᵀR_X)⁻¹`, from one factorization:
 * `[log|L_θ|² (+ log|R_X|² for REML), r²(θ), (R_XᵀR_X)⁻¹ row-major…]`. Returns NaNs where the factor
 * breaks down.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 34, 41 and 54.
 *
 * @example
 *   const pieces = thetaPieces(model.structure, true);
 *   const [logDets, r2, ...V] = pieces(model.theta);
 */
export function thetaPieces(structure: MixedModelStructure, REML: boolean): (theta: ArrayLike<number>) => Float64Array {
  const ev = new Evaluator(structure);
  const p = structure.A.nFixed;
  return (theta) => {
    const out = new Float64Array(2 + p * p);
    if (!ev.setTheta(theta).updateL()) return out.fill(NaN);
    out[0] = ev.logDets(REML);
    out[1] = ev.r2;
    out.set(ev.unscaledVcov(), 2);
    return out;
  };
}
