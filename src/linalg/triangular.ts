/**
 * Triangular solves with a dense lower-triangular factor L (row-major, n × n, lower triangle used).
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §3.1 (forward and back substitution).
 *
 * @example
 *   const L = Float64Array.of(2, 0, 1, 2);
 *   const x = Float64Array.of(2, 5);
 *   solveLower(L, 2, x); // x = [1, 2]: L x = [2, 5]
 */
export function solveLower(L: Float64Array, n: number, x: Float64Array, lOffset = 0, xOffset = 0): void {
  for (let i = 0; i < n; i++) {
    const ri = lOffset + i * n;
    let s = x[xOffset + i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * x[xOffset + k];
    x[xOffset + i] = s / L[ri + i];
  }
}

/**
 * Solves Lᵀ x = b in place (back substitution with the transpose of a lower factor).
 *
 * @example
 *   const L = Float64Array.of(2, 0, 1, 2);
 *   const x = Float64Array.of(4, 4);
 *   solveLowerTranspose(L, 2, x); // x = [1, 2]: Lᵀ x = [4, 4]
 */
export function solveLowerTranspose(L: Float64Array, n: number, x: Float64Array, lOffset = 0, xOffset = 0): void {
  for (let i = n - 1; i >= 0; i--) {
    const xi = (x[xOffset + i] /= L[lOffset + i * n + i]);
    const ri = lOffset + i * n;
    for (let k = 0; k < i; k++) x[xOffset + k] -= L[ri + k] * xi;
  }
}

/**
 * Replaces the rows of M (m × n, row-major) by M L⁻ᵀ: each row r becomes the solution x of L x = r.
 *
 * @example
 *   const L = Float64Array.of(2, 0, 1, 2);
 *   const M = Float64Array.of(2, 5, 4, 4);
 *   rightSolveLowerTranspose(M, 2, L, 2); // M = [1, 2, 2, 1]
 */
export function rightSolveLowerTranspose(M: Float64Array, m: number, L: Float64Array, n: number): void {
  for (let r = 0; r < m; r++) solveLower(L, n, M, 0, r * n);
}
