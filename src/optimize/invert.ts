/**
 * In-place inverse of a small dense square matrix by Gauss–Jordan elimination with partial pivoting
 * (Golub & Van Loan, "Matrix Computations", 4th ed., sections 3.2 and 3.4). Used for the KKT matrix of
 * the interpolation points, which is symmetric but indefinite, so Cholesky does not apply.
 *
 * Returns false, leaving `a` overwritten, when a pivot is zero or negligible (below 1e-13 times the
 * largest entry of its column at the start), meaning the matrix is singular to working precision.
 *
 * @example
 *   const a = Float64Array.of(0, 1, 1, 1); // [[0, 1], [1, 1]]
 *   invertInPlace(a, 2); // true; a is now [[-1, 1], [1, 0]]
 */
export function invertInPlace(a: Float64Array, size: number): boolean {
  const columnMax = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) columnMax[c] = Math.max(columnMax[c], Math.abs(a[r * size + c]));
  }
  const swaps = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    let p = k;
    let best = Math.abs(a[k * size + k]);
    for (let r = k + 1; r < size; r++) {
      const v = Math.abs(a[r * size + k]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 1e-13 * columnMax[k])) return false;
    swaps[k] = p;
    if (p !== k) {
      for (let c = 0; c < size; c++) {
        const tmp = a[k * size + c];
        a[k * size + c] = a[p * size + c];
        a[p * size + c] = tmp;
      }
    }
    const pivot = a[k * size + k];
    a[k * size + k] = 1;
    for (let c = 0; c < size; c++) a[k * size + c] /= pivot;
    for (let r = 0; r < size; r++) {
      if (r === k) continue;
      const factor = a[r * size + k];
      if (factor === 0) continue;
      a[r * size + k] = 0;
      for (let c = 0; c < size; c++) a[r * size + c] -= factor * a[k * size + c];
    }
  }
  for (let k = size - 1; k >= 0; k--) {
    const p = swaps[k];
    if (p === k) continue;
    for (let r = 0; r < size; r++) {
      const tmp = a[r * size + k];
      a[r * size + k] = a[r * size + p];
      a[r * size + p] = tmp;
    }
  }
  return true;
}
