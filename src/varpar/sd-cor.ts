import type {TermSize} from "../lmm/blocks.js";
import {termCovariances} from "../lmm/evaluator.js";

/**
 * lme4's names of the variance parameters on the standard-deviation/correlation scale, in θ's order per
 * term (column by column down the lower triangle): `sd_(Intercept)|Subject` on the diagonal,
 * `cor_Days.(Intercept)|Subject` below it; then `sigma`.
 *
 * Reference: lme4's `profile.merMod` with `signames = TRUE` (the names of `confint(profile(m))`).
 *
 * @example
 *   sdCorNames([{group: "Subject", names: ["(Intercept)", "Days"]}]);
 *   // ["sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject", "sigma"]
 */
export function sdCorNames(terms: {group: string; names: string[]}[]): string[] {
  const out: string[] = [];
  for (const {group, names} of terms) {
    for (let c = 0; c < names.length; c++) {
      for (let r = c; r < names.length; r++) out.push(r === c ? `sd_${names[c]}|${group}` : `cor_${names[r]}.${names[c]}|${group}`);
    }
  }
  out.push("sigma");
  return out;
}

/**
 * The variance parameters on the SD/correlation scale from (θ, σ): for each term, `Σ = σ² T Tᵀ`,
 * standard deviations `√Σᵢᵢ` (Σ from the evaluator's `termCovariances`) and correlations `Σᵢⱼ/√(ΣᵢᵢΣⱼⱼ)` in θ's positions, then σ. A correlation with a
 * zero standard deviation is 0.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §2.2 (Σ = σ² Λ Λᵀ per term).
 *
 * @example
 *   sdCorFromTheta([{p: 2, l: 18, q: 36}], [0.9667, 0.0152, 0.2309], 25.59); // [24.74, 0.066, 5.92, 25.59]
 */
export function sdCorFromTheta(sizes: TermSize[], theta: ArrayLike<number>, sigma: number): Float64Array {
  const covariances = termCovariances(sizes, theta, sigma);
  const out: number[] = [];
  sizes.forEach(({p}, k) => {
    const S = covariances[k];
    for (let c = 0; c < p; c++) {
      for (let r = c; r < p; r++) {
        if (r === c) out.push(Math.sqrt(S[c * p + c]));
        else {
          const d = Math.sqrt(S[r * p + r] * S[c * p + c]);
          out.push(d > 0 ? S[r * p + c] / d : 0);
        }
      }
    }
  });
  out.push(sigma);
  return Float64Array.from(out);
}

/**
 * θ from the SD/correlation parameters (the inverse of {@link sdCorFromTheta}): per term, with D the
 * diagonal of standard deviations and C the lower Cholesky factor of the correlation matrix,
 * `Σ = D C Cᵀ D`, so `T = D C / σ` is lower triangular with a non-negative diagonal, even when a standard
 * deviation is 0. Returns null when a correlation matrix is not positive definite.
 *
 * Reference: Pinheiro & Bates (1996), "Unconstrained parametrizations for variance-covariance matrices",
 * Statistics and Computing 6, 289–296 (the Cholesky parametrization); Golub & Van Loan §4.2.
 *
 * @example
 *   thetaFromSdCor([{p: 2, l: 18, q: 36}], [24.74, 0.066, 5.92, 25.59]); // ≈ [0.9667, 0.0152, 0.2309]
 */
export function thetaFromSdCor(sizes: TermSize[], phi: ArrayLike<number>): Float64Array | null {
  const sigma = phi[phi.length - 1];
  const theta: number[] = [];
  let k = 0;
  for (const {p} of sizes) {
    const sd = new Float64Array(p);
    const R = new Float64Array(p * p);
    for (let c = 0; c < p; c++) {
      for (let r = c; r < p; r++) {
        const v = phi[k++];
        if (r === c) ((sd[c] = v), (R[c * p + c] = 1));
        else R[r * p + c] = R[c * p + r] = v;
      }
    }
    // Cholesky of the correlation matrix
    const C = new Float64Array(p * p);
    for (let j = 0; j < p; j++) {
      let d = R[j * p + j];
      for (let m = 0; m < j; m++) d -= C[j * p + m] * C[j * p + m];
      if (!(d > 0)) return null;
      C[j * p + j] = Math.sqrt(d);
      for (let i = j + 1; i < p; i++) {
        let s = R[i * p + j];
        for (let m = 0; m < j; m++) s -= C[i * p + m] * C[j * p + m];
        C[i * p + j] = s / C[j * p + j];
      }
    }
    for (let c = 0; c < p; c++) for (let r = c; r < p; r++) theta.push((sd[r] * C[r * p + c]) / sigma);
  }
  return Float64Array.from(theta);
}
