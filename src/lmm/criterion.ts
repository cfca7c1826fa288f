import {factorR, factorRXt, type Blocked} from "./blocks.js";
import {log} from "../math/index.js";

/** The pieces of the profiled criterion read off the factor L_θ. */
export interface FactorSummary {
  /** log |L_θ|², the log-determinant of ΛᵀZᵀWZΛ + I. */
  logDetL: number;
  /** log |R_X|². */
  logDetRX: number;
  /** r²(θ): the penalized residual sum of squares (including ‖u‖²). */
  r2: number;
}

/** Products of diagonal entries are kept within [1e-200, 1e200] before their logarithm is taken. */
const PRODUCT_CEILING = 1e200;

/**
 * Reads log|L_θ|², log|R_X|² and r²(θ) off a factor from `updateL`. The random-effects block's diagonal (each
 * entry ≥ 1: the factor of ΛᵀZᵀWZΛ + I) is multiplied into running products, one logarithm per product
 * that reaches 1e200 (each multiplication exact to ε/2 relative, as a sum of logarithms is), so that a
 * model with 10⁴ levels takes a few logarithms an evaluation instead of 10⁴; an entry outside [1e-100, 1e100]
 * gets its own logarithm.
 *
 * @example
 *   const {logDetL, logDetRX, r2} = factorSummary(L);
 */
export function factorSummary(L: Blocked): FactorSummary {
  const {sizes, nFixed: p} = L;
  const det = {logs: 0, product: 1};
  const p0 = sizes[0].p;
  for (let g = 0; g < sizes[0].l; g++) {
    const o = g * p0 * p0;
    for (let a = 0; a < p0; a++) multiplyInto(det, L.zzFirst[o + a * p0 + a]);
  }
  for (let i = 1; i < sizes.length; i++) {
    const q = sizes[i].q, D = L.zzDiagonal[i];
    for (let a = 0; a < q; a++) multiplyInto(det, D[a * q + a]);
  }
  const logDetL = det.logs + log(det.product);
  const RXt = factorRXt(L);
  let logDetRX = 0;
  for (let a = 0; a < p; a++) logDetRX += log(RXt[a * p + a]);
  const r = factorR(L);
  return {logDetL: 2 * logDetL, logDetRX: 2 * logDetRX, r2: r * r};
}

/** Multiplies d into the running product (taking the logarithm when it grows past the ceiling, or of d alone when d is extreme). */
function multiplyInto(det: {logs: number; product: number}, d: number): void {
  if (d >= 1e-100 && d <= 1e100) {
    det.product *= d;
    if (det.product > PRODUCT_CEILING || det.product < 1 / PRODUCT_CEILING) {
      det.logs += log(det.product);
      det.product = 1;
    }
  } else det.logs += log(d);
}

/**
 * The log-determinants of the criterion: `log|L_θ|²`, plus `log|R_X|²` for REML.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 34 and 41.
 *
 * @example
 *   criterionLogDets(factorSummary(L), true);
 */
export function criterionLogDets(s: FactorSummary, REML: boolean): number {
  return s.logDetL + (REML ? s.logDetRX : 0);
}

/**
 * The profiled deviance (ML) or REML criterion of a factor, σ profiled out.
 *
 * ML: `d(θ) = log|L_θ|² − log|W| + n (1 + log(2π r²/n))`.
 * REML: `d_R(θ) = log|L_θ|² + log|R_X|² − log|W| + (n − p)(1 + log(2π r²/(n − p)))`.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 34 and 41; MixedModels.jl's `objective`.
 *
 * @example
 *   profiledCriterion(factorSummary(L), 180, 2, 0, true); // 1743.628… at sleepstudy's REML optimum
 */
export function profiledCriterion(s: FactorSummary, n: number, p: number, logDetW: number, REML: boolean): number {
  const nu = REML ? n - p : n;
  const value = criterionLogDets(s, REML) - logDetW + nu * (1 + log((2 * Math.PI * s.r2) / nu));
  return Number.isFinite(value) ? value : Infinity;
}

/**
 * The deviance (ML) or REML deviance at a given σ, before σ is profiled out (β at β̂(θ)):
 *
 * ML: `−2 log L(θ, σ) = log|L_θ|² − log|W| + n log(2πσ²) + r²/σ²`;
 * REML: `−2 log L_R(θ, σ) = log|L_θ|² + log|R_X|² − log|W| + (n − p) log(2πσ²) + r²/σ²`.
 *
 * At σ² = r²/n (ML) or r²/(n − p) (REML) it equals {@link profiledCriterion}. Not finite values are returned
 * as they are.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 32–34 and 41; Kuznetsova, Brockhoff & Christensen (2017),
 * JSS 82(13), §3.1 (lmerTest's deviance in θ and σ).
 *
 * @example
 *   criterionAtSigma(factorSummary(L), 180, 2, 0, true, 25.59); // ≈ the REML criterion at sleepstudy's σ̂
 */
export function criterionAtSigma(s: FactorSummary, n: number, p: number, logDetW: number, REML: boolean, sigma: number): number {
  const nu = REML ? n - p : n;
  const sigma2 = sigma * sigma;
  // 2π·σ·σ in this order (not 2π·σ²): the profiles' deviance has always been computed so
  return criterionLogDets(s, REML) - logDetW + nu * log(2 * Math.PI * sigma * sigma) + s.r2 / sigma2;
}
