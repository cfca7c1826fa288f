/**
 * In-place lower Cholesky factor of a dense symmetric positive-definite matrix, row-major, n × n.
 *
 * Only the lower triangle of `a` (starting at `offset`) is read; on return it holds L with L Lᵀ = A (the
 * strict upper triangle is left as it was). The row ("dot product") form, register-blocked: four rows of L
 * are computed together against two earlier rows at a time, so each value loaded serves several products.
 * Returns false (leaving `a` partly overwritten) when a pivot is not positive.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.5 (the dot-product Cholesky).
 *
 * @example
 *   const a = Float64Array.of(4, 0, 2, 5); // [[4, 2], [2, 5]], lower triangle read
 *   cholesky(a, 2); // a = [2, 0, 1, 2]
 */
export function cholesky(a: Float64Array, n: number, offset = 0): boolean {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = offset + i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const ja = offset + j * n, jb = ja + n;
      let s0 = a[r0 + j], s1 = a[r1 + j], s2 = a[r2 + j], s3 = a[r3 + j];
      let t0 = a[r0 + j + 1], t1 = a[r1 + j + 1], t2 = a[r2 + j + 1], t3 = a[r3 + j + 1];
      for (let k = 0; k < j; k++) {
        const v = a[ja + k], w = a[jb + k];
        const x0 = a[r0 + k], x1 = a[r1 + k], x2 = a[r2 + k], x3 = a[r3 + k];
        s0 -= x0 * v;
        s1 -= x1 * v;
        s2 -= x2 * v;
        s3 -= x3 * v;
        t0 -= x0 * w;
        t1 -= x1 * w;
        t2 -= x2 * w;
        t3 -= x3 * w;
      }
      const d = a[ja + j], l = a[jb + j], e = a[jb + j + 1];
      s0 /= d;
      s1 /= d;
      s2 /= d;
      s3 /= d;
      a[r0 + j] = s0;
      a[r1 + j] = s1;
      a[r2 + j] = s2;
      a[r3 + j] = s3;
      a[r0 + j + 1] = (t0 - s0 * l) / e;
      a[r1 + j + 1] = (t1 - s1 * l) / e;
      a[r2 + j + 1] = (t2 - s2 * l) / e;
      a[r3 + j + 1] = (t3 - s3 * l) / e;
    }
    if (j < i && !factorRows(a, n, offset, i, i + 4, j, i)) return false;
    if (!factorRows(a, n, offset, i, i + 4, i, i + 4)) return false;
  }
  return factorRows(a, n, offset, i, n, 0, n);
}

/**
 * The plain row form for rows `from…to-1` and columns `col…` up to the diagonal or `colEnd`, given every
 * earlier row done and, for these rows, every column before `col`.
 */
function factorRows(a: Float64Array, n: number, offset: number, from: number, to: number, col: number, colEnd: number): boolean {
  for (let i = from; i < to; i++) {
    const ri = offset + i * n;
    const end = Math.min(i, colEnd - 1);
    for (let j = col; j <= end; j++) {
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
