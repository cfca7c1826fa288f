/**
 * Which columns of a model matrix are aliased (linear combinations of earlier columns).
 *
 * Columns are taken in order and orthogonalized against the kept ones (modified Gram–Schmidt, twice for
 * accuracy); a column whose remaining norm is below `tol` times its original norm is aliased, as in R's
 * `qr(X, tol = 1e-7)` with its limited pivoting (LINPACK `dqrdc2`), which lme4 uses to drop columns.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §5.2.8 (modified Gram–Schmidt), §5.4.2.
 *
 * @example
 *   aliasedColumns([Float64Array.of(1, 1), Float64Array.of(2, 2)]); // [1]
 */
export function aliasedColumns(columns: Float64Array[], tol = 1e-7): number[] {
  const kept: Float64Array[] = [];
  const aliased: number[] = [];
  columns.forEach((column, j) => {
    const v = column.slice();
    const norm0 = norm2(v);
    for (let pass = 0; pass < 2; pass++) for (const q of kept) subtractProjection(v, q);
    const norm = norm2(v);
    if (norm0 === 0 || norm < tol * norm0) aliased.push(j);
    else {
      for (let i = 0; i < v.length; i++) v[i] /= norm;
      kept.push(v);
    }
  });
  return aliased;
}

/** v − (qᵀv) q, in place. */
function subtractProjection(v: Float64Array, q: Float64Array): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += q[i] * v[i];
  for (let i = 0; i < v.length; i++) v[i] -= dot * q[i];
}

/** The 2-norm, scaled against overflow. */
function norm2(v: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < v.length; i++) scale = Math.max(scale, Math.abs(v[i]));
  if (scale === 0) return 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const t = v[i] / scale;
    s += t * t;
  }
  return Math.sqrt(s) * scale;
}
