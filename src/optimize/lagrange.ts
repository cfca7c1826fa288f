/**
 * Lagrange functions of least-Frobenius-norm quadratic interpolation, the heart of BOBYQA's model.
 *
 * Given m interpolation points y_j in n dimensions (n + 2 ≤ m ≤ (n+1)(n+2)/2), the quadratic of least
 * Frobenius norm of its Hessian that takes values r_j at the points is
 * `ℓ(x) = c + gᵀs + ½ Σ_j λ_j (s_jᵀ s)²` with `s = x − base`, `s_j = y_j − base`, where (λ, c, g)
 * solves the KKT system `W [λ; c; g] = [r; 0; 0]`,
 *
 *     W = [ A   1   Sᵀ ]      A_ij = ½ (s_iᵀ s_j)²,  S = [s_1 … s_m] (n × m).
 *         [ 1ᵀ  0   0  ]
 *         [ S   0   0  ]
 *
 * Column t of H = W⁻¹ holds the coefficients of the Lagrange function ℓ_t (ℓ_t(y_j) = δ_tj), and
 * replacing y_t by a point x multiplies det W by `σ_t = α_t β + τ_t²` with `α_t = H_tt`,
 * `τ_t = ℓ_t(x)`, `β = ½‖s‖⁴ − wᵀHw`, `w = [½(s_jᵀs)²; 1; s]` (Powell 2004, section 2; Powell 2009,
 * section 5). We keep H exactly by inverting W afresh after every change of the points (it is at most
 * 32 × 32 for n = 10), in coordinates scaled by the largest ‖s_j‖ so that every entry is O(1).
 *
 * References: M. J. D. Powell (2004), "Least Frobenius norm updating of quadratic models that satisfy
 * interpolation conditions", Math. Program. 100, 183–215; M. J. D. Powell (2009), "The BOBYQA algorithm
 * for bound constrained optimization without derivatives", DAMTP 2009/NA06.
 *
 * @example
 *   // three points on a line determine the parabola through them
 *   const basis = lagrangeBasis(Float64Array.of(0, 1, -1), 3, 1)!;
 *   lagrangeValue(basis, 1, Float64Array.of(0.5)); // ℓ_1(0.5) = 0.375
 */

import {invertInPlace} from "./invert";

/** The inverse KKT matrix of an interpolation set, in coordinates scaled by `scale`. */
export interface LagrangeBasis {
  /** Number of interpolation points. */
  readonly m: number;
  /** Number of variables. */
  readonly n: number;
  /** The largest distance of a point from the base; `u_j = s_j / scale`. */
  readonly scale: number;
  /** Scaled offsets u_j (row j holds point j), m × n. */
  readonly u: Float64Array;
  /** Inverse of the scaled KKT matrix, (m + n + 1)², row major and symmetric. */
  readonly h: Float64Array;
}

/**
 * Inverts the KKT matrix of the points whose offsets from the base are the rows of `offsets`
 * (m × n, row major). Returns `undefined` when the points do not determine the Lagrange functions
 * (for instance two points coincide, or all points lie in a hyperplane).
 */
export function lagrangeBasis(offsets: Float64Array, m: number, n: number): LagrangeBasis | undefined {
  let scale = 0;
  for (let j = 0; j < m; j++) {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += offsets[j * n + i] * offsets[j * n + i];
    scale = Math.max(scale, Math.sqrt(ss));
  }
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  const u = new Float64Array(m * n);
  for (let k = 0; k < m * n; k++) u[k] = offsets[k] / scale;
  const size = m + n + 1;
  const w = new Float64Array(size * size);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[a * n + i] * u[b * n + i];
      w[a * size + b] = w[b * size + a] = 0.5 * dot * dot;
    }
    w[a * size + m] = w[m * size + a] = 1;
    for (let i = 0; i < n; i++) w[a * size + m + 1 + i] = w[(m + 1 + i) * size + a] = u[a * n + i];
  }
  return invertInPlace(w, size) ? {m, n, scale, u, h: w} : undefined;
}

/** The vector w(x) = [½(u_jᵀv)²; 1; v] with v = s / scale, for the step s from the base. */
export function interpolationVector(basis: LagrangeBasis, s: ArrayLike<number>): Float64Array {
  const {m, n, scale, u} = basis;
  const w = new Float64Array(m + n + 1);
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += u[j * n + i] * s[i];
    dot /= scale;
    w[j] = 0.5 * dot * dot;
  }
  w[m] = 1;
  for (let i = 0; i < n; i++) w[m + 1 + i] = s[i] / scale;
  return w;
}

/** ℓ_t(base + s), the t-th Lagrange function at the step s from the base. */
export function lagrangeValue(basis: LagrangeBasis, t: number, s: ArrayLike<number>): number {
  const w = interpolationVector(basis, s);
  const size = w.length;
  let value = 0;
  for (let k = 0; k < size; k++) value += basis.h[t * size + k] * w[k];
  return value;
}

/**
 * The denominators σ_t = α_t β + τ_t² of replacing each point t by base + s (Powell 2004, eq. 2.12),
 * with `tau[t] = ℓ_t(base + s)`. A large |σ_t| means the new set keeps the Lagrange functions bounded.
 */
export function denominators(basis: LagrangeBasis, s: ArrayLike<number>): {sigma: Float64Array; tau: Float64Array} {
  const {m, n, scale, h} = basis;
  const size = m + n + 1;
  const w = interpolationVector(basis, s);
  const hw = new Float64Array(size);
  for (let a = 0; a < size; a++) {
    let sum = 0;
    for (let b = 0; b < size; b++) sum += h[a * size + b] * w[b];
    hw[a] = sum;
  }
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const t = s[i] / scale;
    ss += t * t;
  }
  let whw = 0;
  for (let a = 0; a < size; a++) whw += w[a] * hw[a];
  const beta = Math.max(0.5 * ss * ss - whw, 0);
  const sigma = new Float64Array(m);
  const tau = hw.slice(0, m);
  for (let t = 0; t < m; t++) sigma[t] = h[t * size + t] * beta + tau[t] * tau[t];
  return {sigma, tau};
}

/** Adds `factor` × ∇ℓ_t(base) to `gradient` (length n). */
export function addLagrangeGradient(basis: LagrangeBasis, t: number, factor: number, gradient: Float64Array): void {
  const {m, n, scale, h} = basis;
  const size = m + n + 1;
  for (let i = 0; i < n; i++) gradient[i] += (factor * h[t * size + m + 1 + i]) / scale;
}

/** Adds `factor` × ∇²ℓ_t = factor × Σ_j λ_tj s_j s_jᵀ to `hessian` (n × n, row major). */
export function addLagrangeHessian(basis: LagrangeBasis, t: number, factor: number, hessian: Float64Array): void {
  const {m, n, scale, u, h} = basis;
  const size = m + n + 1;
  const c = factor / (scale * scale);
  for (let j = 0; j < m; j++) {
    const lambda = c * h[t * size + j];
    if (lambda === 0) continue;
    for (let a = 0; a < n; a++) {
      const ua = lambda * u[j * n + a];
      for (let b = 0; b < n; b++) hessian[a * n + b] += ua * u[j * n + b];
    }
  }
}
