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
 * Four rows are solved together so that each entry of L loaded serves four of them.
 *
 * @example
 *   const L = Float64Array.of(2, 0, 1, 2);
 *   const M = Float64Array.of(2, 5, 4, 4);
 *   rightSolveLowerTranspose(M, 2, L, 2); // M = [1, 2, 2, 1]
 */
export function rightSolveLowerTranspose(M: Float64Array, m: number, L: Float64Array, n: number): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const x0 = r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s0 = M[x0 + i], s1 = M[x1 + i], s2 = M[x2 + i], s3 = M[x3 + i];
      for (let k = 0; k < i; k++) {
        const v = L[ri + k];
        s0 -= v * M[x0 + k];
        s1 -= v * M[x1 + k];
        s2 -= v * M[x2 + k];
        s3 -= v * M[x3 + k];
      }
      const d = L[ri + i];
      M[x0 + i] = s0 / d;
      M[x1 + i] = s1 / d;
      M[x2 + i] = s2 / d;
      M[x3 + i] = s3 / d;
    }
  }
  for (; r < m; r++) solveLower(L, n, M, 0, r * n);
}
