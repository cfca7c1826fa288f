/**
 * The parameters of residual structures: from the optimizer's unconstrained scale (nlme's, where it has one)
 * to the natural scale nlme reports (`coef(…, unconstrained = FALSE)`), and back for start values; and the
 * correlation functions they give.
 */
import {exp, log} from "../math/index.js";

/**
 * A correlation in (−1, 1) from an unconstrained value: `(eᵘ − 1)/(eᵘ + 1)`, nlme's transform of corAR1's φ
 * and of corARMA's partial autocorrelations.
 *
 * Reference: nlme's corStruct.R (`coef.corAR1`, `coef.corARMA`); Pinheiro & Bates (2000), §5.3.
 *
 * @example
 *   fisherInverse(0); // 0
 */
export function fisherInverse(u: number): number {
  if (u > 40) return 1 - 2 * exp(-u);
  if (u < -40) return -1 + 2 * exp(u);
  const e = exp(u);
  return (e - 1) / (e + 1);
}

/** `log((1 + r)/(1 − r))`, the inverse of {@link fisherInverse}. */
export function fisher(r: number): number {
  return log((1 + r) / (1 - r));
}

/** The logistic `1/(1 + e⁻ᵘ)` (corCAR1's φ in (0, 1), nlme's transform). */
export function logistic(u: number): number {
  return u >= 0 ? 1 / (1 + exp(-u)) : exp(u) / (1 + exp(u));
}

/**
 * Coefficients of a stationary AR polynomial `1 − φ₁z − … − φ_p z^p` from partial autocorrelations in (−1, 1),
 * by the Durbin–Levinson recursion `φ_k^(k) = r_k`, `φ_j^(k) = φ_j^(k−1) − r_k φ_{k−j}^(k−1)`.
 *
 * Reference: Brockwell & Davis (1991), Time Series: Theory and Methods, §5.2; Jones (1980), Technometrics 22
 * (the reparametrization nlme's corARMA uses).
 *
 * @example
 *   fromPartials([0.5]); // [0.5]
 */
export function fromPartials(r: ArrayLike<number>): Float64Array {
  const phi = new Float64Array(r.length);
  const prev = new Float64Array(r.length);
  for (let k = 0; k < r.length; k++) {
    prev.set(phi);
    phi[k] = r[k];
    for (let j = 0; j < k; j++) phi[j] = prev[j] - r[k] * prev[k - 1 - j];
  }
  return phi;
}

/** The inverse of {@link fromPartials} (the reverse Durbin–Levinson recursion); NaN outside the stationary region. */
export function toPartials(phi: ArrayLike<number>): Float64Array {
  const p = phi.length;
  const cur = Float64Array.from(phi);
  const r = new Float64Array(p);
  for (let k = p - 1; k >= 0; k--) {
    const rk = cur[k];
    r[k] = rk;
    const denom = 1 - rk * rk;
    const next = new Float64Array(k);
    for (let j = 0; j < k; j++) next[j] = (cur[j] + rk * cur[k - 1 - j]) / denom;
    cur.set(next);
  }
  return r;
}

/**
 * The autocorrelations ρ(0 … maxLag) of a stationary ARMA(p, q) process
 * `x_t = Σ φ_k x_{t−k} + ε_t + Σ θ_j ε_{t−j}`: the ψ-weights, then the linear system for γ(0 … p) from
 * `γ(h) − Σ φ_k γ(|h − k|) = Σ_{j≥h} θ_j ψ_{j−h}`, then the same recursion for larger lags.
 *
 * Reference: Brockwell & Davis (1991), §3.3 (the second method for the ARMA autocovariance).
 *
 * @example
 *   armaAutocorrelation([0.5], [], 2); // [1, 0.5, 0.25]
 */
export function armaAutocorrelation(phi: ArrayLike<number>, theta: ArrayLike<number>, maxLag: number): Float64Array {
  const p = phi.length, q = theta.length;
  const th = (j: number) => (j === 0 ? 1 : j <= q ? theta[j - 1] : 0);
  const psi = new Float64Array(q + 1);
  for (let j = 0; j <= q; j++) {
    let s = th(j);
    for (let k = 1; k <= Math.min(j, p); k++) s += phi[k - 1] * psi[j - k];
    psi[j] = s;
  }
  const c = (h: number) => {
    let s = 0;
    for (let j = h; j <= q; j++) s += th(j) * psi[j - h];
    return s;
  };
  const size = p + 1;
  const M = new Float64Array(size * size);
  const b = new Float64Array(size);
  for (let h = 0; h <= p; h++) {
    M[h * size + h] += 1;
    for (let k = 1; k <= p; k++) M[h * size + Math.abs(h - k)] -= phi[k - 1];
    b[h] = c(h);
  }
  const g0 = solveSmall(M, b, size);
  const gamma = new Float64Array(Math.max(maxLag, p) + 1);
  gamma.set(g0.subarray(0, Math.min(g0.length, gamma.length)));
  for (let h = p + 1; h < gamma.length; h++) {
    let s = c(h);
    for (let k = 1; k <= p; k++) s += phi[k - 1] * gamma[h - k];
    gamma[h] = s;
  }
  const out = new Float64Array(maxLag + 1);
  for (let h = 0; h <= maxLag; h++) out[h] = gamma[h] / gamma[0];
  return out;
}

/** Gaussian elimination with partial pivoting on a small dense system (row-major), a copy solved. */
function solveSmall(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = Float64Array.from(A), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[piv * n + k]] = [M[piv * n + k], M[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= M[c * n + k] * x[k];
    x[c] = s / M[c * n + c];
  }
  return x;
}

/**
 * A correlation matrix (M × M, row-major) from M(M − 1)/2 unconstrained values: canonical partial
 * correlations `z = (eᵘ − 1)/(eᵘ + 1)` in row order of the strict lower triangle, built into a Cholesky factor
 * row by row (`L_i0 = z_i0`, `L_ij = z_ij (1 − Σ_{k<j} L_ik²)^½`, `L_ii = (1 − Σ_{k<i} L_ik²)^½`), so that every
 * value gives a positive-definite correlation matrix and 0 gives the identity.
 *
 * Reference: Lewandowski, Kurowicka & Joe (2009), J. Multivariate Analysis 100 (the canonical partial
 * correlations); Pinheiro & Bates (1996), Statistics and Computing 6 (unconstrained parametrizations).
 *
 * @example
 *   symmetricCorrelation([0], 2); // [1, 0, 0, 1]
 */
export function symmetricCorrelation(u: ArrayLike<number>, M: number): Float64Array {
  const L = new Float64Array(M * M);
  let k = 0;
  for (let i = 0; i < M; i++) {
    let rest = 1;
    for (let j = 0; j < i; j++) {
      const z = fisherInverse(u[k++]);
      L[i * M + j] = z * Math.sqrt(rest);
      rest -= L[i * M + j] * L[i * M + j];
    }
    L[i * M + i] = Math.sqrt(Math.max(rest, 0));
  }
  const C = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c <= j; c++) s += L[i * M + c] * L[j * M + c];
      C[i * M + j] = C[j * M + i] = i === j ? 1 : s;
    }
  }
  return C;
}

/** The unconstrained values of a correlation matrix for {@link symmetricCorrelation} (its inverse). */
export function symmetricUnconstrained(C: ArrayLike<number>, M: number): Float64Array {
  const L = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i * M + j];
      for (let c = 0; c < j; c++) s -= L[i * M + c] * L[j * M + c];
      L[i * M + j] = i === j ? Math.sqrt(s) : s / L[j * M + j];
    }
  }
  const u = new Float64Array((M * (M - 1)) / 2);
  let k = 0;
  for (let i = 0; i < M; i++) {
    let rest = 1;
    for (let j = 0; j < i; j++) {
      u[k++] = fisher(L[i * M + j] / Math.sqrt(rest));
      rest -= L[i * M + j] * L[i * M + j];
    }
  }
  return u;
}
