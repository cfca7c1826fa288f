/**
 * Which columns of a model matrix are aliased, from its Gram matrix XᵀX alone (a database gives the sums,
 * not the rows).
 *
 * Columns are taken in order, as R's `qr(X, tol = 1e-7)` with its limited pivoting takes them (frame/rank.ts
 * does it on the rows by Gram–Schmidt): column j's remaining norm after projection on the kept columns
 * before it is the square root of the Schur complement `G_jj − g_jᵀ G_K⁻¹ g_j`, which the Cholesky factor of
 * the kept columns' Gram matrix gives; the column is aliased when that norm is below `tol` times its norm
 * (squared: the Schur complement below tol² G_jj). Sums of 1e-16 relative rounding decide the same way as the
 * rows do for columns that are exactly aliased (Schur complement at rounding level, far below 1e-14) or
 * clearly not.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §5.3.2 (R of X = QR is the Cholesky factor of
 * XᵀX) and §4.2.
 *
 * @example
 *   aliasedFromGram(Float64Array.of(2, 0, 4, 8), 2); // [1]: column 2 is twice column 1
 */
export function aliasedFromGram(G: Float64Array, p: number, tol = 1e-7, stride = p): number[] {
  const kept: number[] = [];
  const aliased: number[] = [];
  // L[j][k]: the Cholesky factor's entries for kept columns, row j
  const L = new Map<number, Float64Array>();
  const g = (a: number, b: number) => (a >= b ? G[a * stride + b] : G[b * stride + a]);
  for (let j = 0; j < p; j++) {
    const row = new Float64Array(kept.length + 1);
    kept.forEach((k, i) => {
      let s = g(j, k);
      const lk = L.get(k)!;
      for (let m = 0; m < i; m++) s -= row[m] * lk[m];
      row[i] = s / lk[i];
    });
    let d = g(j, j);
    for (let m = 0; m < kept.length; m++) d -= row[m] * row[m];
    const norm2 = g(j, j);
    if (!(norm2 > 0) || !(d > tol * tol * norm2)) {
      aliased.push(j);
      continue;
    }
    row[kept.length] = Math.sqrt(d);
    L.set(j, row);
    kept.push(j);
  }
  return aliased;
}
