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
  if (clearlyFullRank(columns)) return [];
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

/**
 * The relative size, √(Schur complement / ‖x_j‖²), below which {@link clearlyFullRank} leaves the decision to
 * Gram–Schmidt: 1e-3, four orders of magnitude above the aliasing tolerance, far beyond the rounding of
 * the Gram matrix (about n ε relative in the worst case, 2e-10 for a million rows).
 */
const CLEARLY_INDEPENDENT = 1e-3;

/**
 * Whether no column can be aliased: the Cholesky factorization of the Gram matrix XᵀX (one pass over the
 * rows per pair of columns, no copies) has every column's remaining norm above {@link CLEARLY_INDEPENDENT}
 * times its norm. In exact arithmetic that remaining norm is Gram–Schmidt's (R_jj of X = QR), so Gram–Schmidt
 * would keep every column; when a pivot is smaller, or the sums overflow, Gram–Schmidt decides as before.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §5.3.2 (normal equations: R of X = QR is the
 * Cholesky factor of XᵀX), §4.2.7.
 */
function clearlyFullRank(columns: Float64Array[]): boolean {
  const p = columns.length;
  if (p === 0) return true;
  const G = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) G[a * p + b] = dotProduct(columns[a], columns[b]);
  for (let j = 0; j < p; j++) {
    const norm2j = G[j * p + j];
    let d = norm2j;
    for (let k = 0; k < j; k++) d -= G[j * p + k] * G[j * p + k];
    if (!(d > CLEARLY_INDEPENDENT * CLEARLY_INDEPENDENT * norm2j) || !Number.isFinite(norm2j)) return false;
    const ljj = Math.sqrt(d);
    G[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = G[i * p + j];
      for (let k = 0; k < j; k++) s -= G[i * p + k] * G[j * p + k];
      G[i * p + j] = s / ljj;
    }
  }
  return true;
}

function dotProduct(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
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
