import type {Blocked} from "./blocks.js";
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

/**
 * Reads log|L_θ|², log|R_X|² and r²(θ) off a factor from `updateL`.
 *
 * @example
 *   const {logDetL, logDetRX, r2} = factorSummary(L);
 */
export function factorSummary(L: Blocked): FactorSummary {
  const {sizes, nFixed: p} = L;
  const px = p + 1;
  let logDetL = 0;
  const p0 = sizes[0].p;
  for (let g = 0; g < sizes[0].l; g++) {
    const o = g * p0 * p0;
    for (let a = 0; a < p0; a++) logDetL += log(L.zzFirst[o + a * p0 + a]);
  }
  for (let i = 1; i < sizes.length; i++) {
    const q = sizes[i].q, D = L.zzDiagonal[i];
    for (let a = 0; a < q; a++) logDetL += log(D[a * q + a]);
  }
  let logDetRX = 0;
  for (let a = 0; a < p; a++) logDetRX += log(L.xyXy[a * px + a]);
  const r = L.xyXy[p * px + p];
  return {logDetL: 2 * logDetL, logDetRX: 2 * logDetRX, r2: r * r};
}

/**
 * The profiled deviance (ML) or REML criterion of a factor.
 *
 * ML: `d(θ) = log|L_θ|² − log|W| + n (1 + log(2π r²/n))`.
 * REML: `d_R(θ) = log|L_θ|² + log|R_X|² − log|W| + (n − p)(1 + log(2π r²/(n − p)))`.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 34 and 41.
 *
 * @example
 *   profiledCriterion(factorSummary(L), 180, 2, 0, true); // 1743.628… at sleepstudy's REML optimum
 */
export function profiledCriterion(s: FactorSummary, n: number, p: number, logDetW: number, REML: boolean): number {
  const nu = REML ? n - p : n;
  const value = s.logDetL + (REML ? s.logDetRX : 0) - logDetW + nu * (1 + log((2 * Math.PI * s.r2) / nu));
  return Number.isFinite(value) ? value : Infinity;
}
