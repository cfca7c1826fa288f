/** lmerTest's threshold below which a pivot or a multiplier of the factorization counts as zero. */
const EPS = 1e-6;

/**
 * The rows of `Lᵀ` in Doolittle's factorization `M = L U` of a symmetric p × p matrix (row-major), L unit lower
 * triangular, without pivoting: row i of `Lᵀ` is `U[i, ·]/U[i, i]`, the coefficients that make column i of a
 * design orthogonal to the columns before it, so that `Lᵀ` applied to `XᵀX` gives the sequential (type I)
 * hypotheses. As lmerTest's `doolittle`, a pivot `|U[i, i]| < 1e-6` gives a row with only its unit diagonal and
 * multipliers below 1e-6 in absolute value are set to 0.
 *
 * Reference: Doolittle (1878), the elimination method for normal equations; Goodnight (1978), "Tests of
 * hypotheses in fixed effects linear models", SAS Technical Report R-101 (the type I hypotheses from the
 * forward Doolittle of `XᵀX`); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   doolittleRows(Float64Array.of(4, 2, 2, 3), 2); // [[1, 0.5], [0, 1]]
 */
export function doolittleRows(M: ArrayLike<number>, p: number): number[][] {
  const L = Array.from({length: p}, (_, i) => Array.from({length: p}, (_, j): number => (i === j ? 1 : 0)));
  const U = Array.from({length: p}, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let u = M[i * p + j];
      for (let k = 0; k < i; k++) u -= L[i][k] * U[k][j];
      U[i][j] = u;
    }
    for (let j = i + 1; j < p; j++) {
      let l = M[j * p + i];
      for (let k = 0; k < i; k++) l -= L[j][k] * U[k][i];
      L[j][i] = Math.abs(U[i][i]) < EPS ? 0 : l / U[i][i];
    }
  }
  return Array.from({length: p}, (_, i) => Array.from({length: p}, (_, j) => (Math.abs(L[j][i]) < EPS ? 0 : L[j][i])));
}
