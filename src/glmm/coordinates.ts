/**
 * The coordinates glmer's second stage optimizes in: (θ, β) mapped from y so that the deviance is about
 * ‖y‖² + const near the start, while the bounds on θ stay box bounds.
 */
import {cholesky} from "../linalg/cholesky.js";

/** A map from the optimizer's y to (θ, β), with the bounds of y. */
export interface StageTwoCoordinates {
  lower: Float64Array;
  toNatural(y: Float64Array): {theta: Float64Array; beta: Float64Array};
}

/**
 * Coordinates y for (θ, β) near (θ₀, β₀): `θ = θ₀ + s ⊙ y_θ`, `β = β₀ + K(θ − θ₀) + M y_β`. From the Hessian H
 * of the deviance over the free coordinates (θ entries at a bound are not free: their s is 1 and K ignores
 * them): `K = −H_ββ⁻¹ H_βθ` follows the conditional optimum of β as θ moves, `M = √2 L⁻ᵀ` with `H_ββ = LLᵀ`
 * makes β's block the identity, and sᵢ = √(2/Sᵢᵢ), S the Schur complement `H_θθ − H_θβ H_ββ⁻¹ H_βθ`, scales
 * θ. So a unit step in any y changes the deviance by about 1, and the β coordinates are uncorrelated with each
 * other and with θ. Without a usable H (null: not positive definite), M is the Cholesky factor of `vcovRX`
 * (stage 1's (R_XᵀR_X)⁻¹) and θ is unscaled. θ's lower bounds are the bounds of y_θ = (lower − θ₀)/s.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §2.2 (scaling) and §7.1 (a Hessian
 * as the metric); Powell (2009), BOBYQA (a spherical trust region, box bounds).
 *
 * @example
 *   const c = stageTwoCoordinates(H, free, theta0, beta0, lower, V);
 *   const {theta, beta} = c.toNatural(new Float64Array(theta0.length + beta0.length)); // (θ₀, β₀)
 */
export function stageTwoCoordinates(
  H: Float64Array | null, free: number[], theta0: Float64Array, beta0: Float64Array, lowerTheta: Float64Array, vcovRX: Float64Array
): StageTwoCoordinates {
  const nTheta = theta0.length, p = beta0.length;
  const s = new Float64Array(nTheta).fill(1);
  const K = new Float64Array(p * nTheta);
  let M = fallbackM(vcovRX, p);
  if (H) {
    const fitted = fromHessian(H, free, nTheta, p);
    if (fitted) {
      s.set(fitted.s);
      K.set(fitted.K);
      M = fitted.M;
    }
  }
  const lower = new Float64Array(nTheta + p).fill(-Infinity);
  for (let i = 0; i < nTheta; i++) if (Number.isFinite(lowerTheta[i])) lower[i] = Math.min(0, (lowerTheta[i] - theta0[i]) / s[i]);
  return {
    lower,
    toNatural(y) {
      const theta = new Float64Array(nTheta);
      for (let i = 0; i < nTheta; i++) theta[i] = theta0[i] + s[i] * y[i];
      for (let i = 0; i < nTheta; i++) if (y[i] === lower[i] && Number.isFinite(lower[i])) theta[i] = lowerTheta[i];
      const beta = Float64Array.from(beta0);
      for (let a = 0; a < p; a++) {
        let v = 0;
        for (let i = 0; i < nTheta; i++) v += K[a * nTheta + i] * (theta[i] - theta0[i]);
        for (let c = 0; c < p; c++) v += M[a * p + c] * y[nTheta + c];
        beta[a] += v;
      }
      return {theta, beta};
    }
  };
}

/** s, K and M from the Hessian over the free coordinates (θ's free entries, then every β), or null. */
function fromHessian(H: Float64Array, free: number[], nTheta: number, p: number): {s: Float64Array; K: Float64Array; M: Float64Array} | null {
  const m = free.length;
  const pos = free.map((f) => f);
  const thetaFree = pos.filter((f) => f < nTheta);
  const t = thetaFree.length;
  if (m !== t + p) return null;
  const at = (i: number, j: number) => H[i * m + j];
  // H_ββ = L Lᵀ
  const L = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) L[a * p + b] = at(t + a, t + b);
  if (!cholesky(L, p) || !L.every(Number.isFinite)) return null;
  const solveH = (rhs: Float64Array) => {
    for (let a = 0; a < p; a++) {
      let v = rhs[a];
      for (let c = 0; c < a; c++) v -= L[a * p + c] * rhs[c];
      rhs[a] = v / L[a * p + a];
    }
    for (let a = p - 1; a >= 0; a--) {
      let v = rhs[a];
      for (let c = a + 1; c < p; c++) v -= L[c * p + a] * rhs[c];
      rhs[a] = v / L[a * p + a];
    }
    return rhs;
  };
  const s = new Float64Array(nTheta).fill(1);
  const K = new Float64Array(p * nTheta);
  thetaFree.forEach((i, k) => {
    const col = solveH(Float64Array.from({length: p}, (_, a) => at(t + a, k)));
    let schur = at(k, k);
    for (let a = 0; a < p; a++) {
      K[a * nTheta + i] = -col[a];
      schur -= at(k, t + a) * col[a];
    }
    if (schur > 0 && Number.isFinite(schur)) s[i] = Math.sqrt(2 / schur);
  });
  // M = √2 L⁻ᵀ (upper triangular): column c solves Lᵀ m = √2 e_c
  const M = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    const x = new Float64Array(p);
    x[c] = Math.SQRT2;
    for (let a = p - 1; a >= 0; a--) {
      let v = x[a];
      for (let b = a + 1; b < p; b++) v -= L[b * p + a] * x[b];
      x[a] = v / L[a * p + a];
    }
    for (let a = 0; a < p; a++) M[a * p + c] = x[a];
  }
  return {s, K, M};
}

/** The lower Cholesky factor of (R_XᵀR_X)⁻¹, or its diagonal of standard errors where that fails. */
function fallbackM(V: Float64Array, p: number): Float64Array {
  const C = Float64Array.from(V);
  if (cholesky(C, p) && C.every(Number.isFinite)) {
    for (let a = 0; a < p; a++) for (let c = a + 1; c < p; c++) C[a * p + c] = 0;
    return C;
  }
  const D = new Float64Array(p * p);
  for (let a = 0; a < p; a++) D[a * p + a] = Math.sqrt(V[a * p + a]) || 1;
  return D;
}
