/**
 * The coordinates glmer's second stage optimizes in: (θ, β) mapped from y so that the deviance is about
 * ‖y‖² + const near the start, while the bounds on θ stay box bounds.
 */
import {cholesky} from "../linalg/cholesky.js";

/** A map from the optimizer's y to (θ, β), with the bounds of y. */
export interface StageTwoCoordinates {
  lower: Float64Array;
  toNatural(y: Float64Array): {theta: Float64Array; beta: Float64Array};
  /** ∂(θ, β)/∂y, (nθ + p) × (nθ + p) row-major: lower triangular, the map being affine (bounds aside). */
  jacobian(): Float64Array;
}

/** The pieces of the map: θ's scales s, β's slopes K on θ (p × nθ, row-major) and β's factor M (p × p). */
export interface CoordinatePieces {
  s: Float64Array;
  K: Float64Array;
  M: Float64Array;
}

/**
 * Coordinates y for (θ, β) near (θ₀, β₀): `θ = θ₀ + s ⊙ y_θ`, `β = β₀ + K(θ − θ₀) + M y_β`. K makes β follow its
 * conditional optimum as θ moves, M whitens β (the deviance's Hessian in β is about 2 (MMᵀ)⁻¹), and s scales θ
 * by the curvature along those paths, so that a unit step in any y changes the deviance by about 1 and the
 * coordinates are about uncorrelated. θ's lower bounds are the bounds of y_θ = (lower − θ₀)/s, and a y on such
 * a bound gives θ exactly on it.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §2.2 (scaling); Powell (2009), BOBYQA (a
 * spherical trust region, box bounds).
 *
 * @example
 *   const c = stageTwoCoordinates({s, K, M}, theta0, beta0, lower);
 *   c.toNatural(new Float64Array(theta0.length + beta0.length)); // (θ₀, β₀)
 */
export function stageTwoCoordinates({s, K, M}: CoordinatePieces, theta0: Float64Array, beta0: Float64Array, lowerTheta: Float64Array): StageTwoCoordinates {
  const nTheta = theta0.length, p = beta0.length;
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
    },
    jacobian() {
      const n = nTheta + p;
      const A = new Float64Array(n * n);
      for (let i = 0; i < nTheta; i++) A[i * n + i] = s[i];
      for (let a = 0; a < p; a++) {
        for (let i = 0; i < nTheta; i++) A[(nTheta + a) * n + i] = K[a * nTheta + i] * s[i];
        for (let c = 0; c <= a; c++) A[(nTheta + a) * n + nTheta + c] = M[a * p + c];
      }
      return A;
    }
  };
}

/**
 * The gradient and Hessian of a function in (θ, β) over the coordinates `free`, from those in y: with A the
 * map's Jacobian ∂(θ, β)/∂y restricted to `free` (the others held fixed; lower triangular), g = A⁻ᵀ g_y and
 * H = A⁻ᵀ H_y A⁻¹.
 *
 * Reference: the chain rule for an affine change of variables (Nocedal & Wright 2006, Numerical Optimization,
 * §2.2).
 *
 * @example
 *   const {gradient, hessian} = naturalDerivatives(gy, Hy, coordinates.jacobian(), free);
 */
export function naturalDerivatives(gy: Float64Array, Hy: Float64Array, A: Float64Array, free: number[]): {gradient: Float64Array; hessian: Float64Array} {
  const m = free.length, n = Math.round(Math.sqrt(A.length));
  // B = A⁻¹ over the free coordinates, column by column (forward substitution)
  const B = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < m; i++) {
      let v = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) v -= A[free[i] * n + free[k]] * B[k * m + c];
      B[i * m + c] = v / A[free[i] * n + free[i]];
    }
  }
  const gradient = new Float64Array(m), HB = new Float64Array(m * m), hessian = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) gradient[i] += B[k * m + i] * gy[k];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) HB[i * m + j] += Hy[i * m + k] * B[k * m + j];
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) {
    let v = 0;
    for (let k = 0; k < m; k++) v += B[k * m + i] * HB[k * m + j];
    hessian[i * m + j] = hessian[j * m + i] = v;
  }
  return {gradient, hessian};
}

/**
 * The lower Cholesky factor of a covariance (such as stage 1's (R_XᵀR_X)⁻¹), or its diagonal of standard
 * deviations where that fails.
 *
 * @example
 *   covarianceFactor(Float64Array.of(4, 0, 0, 1), 2); // [2, 0, 0, 1]
 */
export function covarianceFactor(V: Float64Array, p: number): Float64Array {
  const C = Float64Array.from(V);
  if (cholesky(C, p) && C.every(Number.isFinite)) {
    for (let a = 0; a < p; a++) for (let c = a + 1; c < p; c++) C[a * p + c] = 0;
    return C;
  }
  const D = new Float64Array(p * p);
  for (let a = 0; a < p; a++) D[a * p + a] = Math.sqrt(V[a * p + a]) || 1;
  return D;
}
