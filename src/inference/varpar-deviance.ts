import {factorSummary} from "../lmm/criterion.js";
import {factorWorkspace, updateL} from "../lmm/factor.js";
import {templates} from "../lmm/lambda.js";
import type {MixedModelStructure} from "../lmm/objective.js";
import {unscaledVcov} from "../lmm/solution.js";
import {log} from "../math/index.js";

/**
 * The deviance of a model as a function of all its variance parameters `varpar = (θ, σ)`, with β at its
 * conditional estimate β̂(θ) but σ not profiled out (lmerTest's `devfun_vp`):
 *
 * - ML:   `−2 log L(θ, σ) = log|L_θ|² − log|W| + n log(2πσ²) + r²(θ)/σ²`;
 * - REML: `−2 log L_R(θ, σ) = log|L_θ|² + log|R_X|² − log|W| + (n − p) log(2πσ²) + r²(θ)/σ²`.
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
  const {A, logDetW} = structure;
  const L = factorWorkspace(A);
  const n = structure.frame.n, p = A.nFixed;
  const nu = REML ? n - p : n;
  return (varpar) => {
    const k = varpar.length - 1;
    const sigma2 = varpar[k] * varpar[k];
    if (!updateL(A, templates(A.sizes, Array.prototype.slice.call(varpar, 0, k)), L)) return Infinity;
    const s = factorSummary(L);
    return s.logDetL + (REML ? s.logDetRX : 0) - logDetW + nu * log(2 * Math.PI * sigma2) + s.r2 / sigma2;
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
  const {A} = structure;
  const L = factorWorkspace(A);
  const p = A.nFixed;
  return (theta) => {
    const out = new Float64Array(2 + p * p);
    if (!updateL(A, templates(A.sizes, theta), L)) return out.fill(NaN);
    const s = factorSummary(L);
    out[0] = s.logDetL + (REML ? s.logDetRX : 0);
    out[1] = s.r2;
    out.set(unscaledVcov(L), 2);
    return out;
  };
}
