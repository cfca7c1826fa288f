/**
 * In-place lower Cholesky factor of a dense symmetric positive-definite matrix, row-major, n × n.
 *
 * Only the lower triangle of `a` is read; on return it holds L with L Lᵀ = A (the strict upper triangle is
 * left as it was). Rows are processed in panels of four so that each earlier row is read once per panel.
 * Returns false (leaving `a` partly overwritten) when a pivot is not positive.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.5, the "dot product" (row) form.
 *
 * @example
 *   const a = Float64Array.of(4, 0, 2, 5); // [[4, 2], [2, 5]], lower triangle read
 *   cholesky(a, 2); // a = [2, 0, 1, 2]
 */
export function cholesky(a: Float64Array, n: number, offset = 0): boolean {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = offset + i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let j = 0; j < i; j++) {
      const rj = offset + j * n;
      let s0 = a[r0 + j], s1 = a[r1 + j], s2 = a[r2 + j], s3 = a[r3 + j];
      for (let k = 0; k < j; k++) {
        const v = a[rj + k];
        s0 -= a[r0 + k] * v;
        s1 -= a[r1 + k] * v;
        s2 -= a[r2 + k] * v;
        s3 -= a[r3 + k] * v;
      }
      const d = a[rj + j];
      a[r0 + j] = s0 / d;
      a[r1 + j] = s1 / d;
      a[r2 + j] = s2 / d;
      a[r3 + j] = s3 / d;
    }
    if (!factorRows(a, n, offset, i, i + 4, i)) return false;
  }
  return factorRows(a, n, offset, i, n, 0);
}

/** Rows `from` to `to` of the row form, given rows before `from` done and, for these rows, columns before `col`. */
function factorRows(a: Float64Array, n: number, offset: number, from: number, to: number, col: number): boolean {
  for (let i = from; i < to; i++) {
    const ri = offset + i * n;
    for (let j = col; j <= i; j++) {
      const rj = offset + j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j];
    }
  }
  return true;
}
