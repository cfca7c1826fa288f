/**
 * The pieces of a right-looking blocked Cholesky factorization (lower, row-major, n × n), each working on
 * a range of rows so that two threads can share a step: factor the diagonal block of columns `k0…k1-1`,
 * solve the panel below it, and subtract the panel's outer product from the trailing matrix.
 *
 * The matrix may carry `m` extra rows after its n × n triangle (row stride n, all n columns used): the
 * factorization then also replaces them by `M L⁻ᵀ`, as the blocks below a diagonal block of a larger
 * symmetric matrix are in a block Cholesky factorization.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (block Cholesky), Algorithm 4.2.2.
 *
 * @example
 *   // one step with block columns k0…k1-1, all rows (and m extra rows) in one thread:
 *   factorDiagonalBlock(a, n, k0, k1);
 *   solvePanelRows(a, n, k0, k1, k1, n + m);
 *   updateTrailingRows(a, n, k0, k1, k1, n + m);
 */

/** Columns per block step. */
export const BLOCK = 48;

/**
 * The whole blocked factorization on one thread: the n × n lower triangle of `a` is replaced by L with
 * L Lᵀ = A, and the `m` rows stored after it by M L⁻ᵀ. False when A is not positive definite.
 *
 * @example
 *   const a = Float64Array.of(4, 0, 2, 5, 2, 4); // [[4, 2], [2, 5]] and one extra row [2, 4]
 *   choleskyWithRows(a, 2, 1); // a = [2, 0, 1, 2, 1, 1.5]
 */
export function choleskyWithRows(a: Float64Array, n: number, m: number): boolean {
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    if (!factorDiagonalBlock(a, n, k0, k1)) return false;
    solvePanelRows(a, n, k0, k1, k1, n + m);
    updateTrailingRows(a, n, k0, k1, k1, n + m);
  }
  return true;
}

/**
 * Whether the lower triangle of the n × n matrix at the start of `a` (row stride n) is block diagonal with
 * p × p blocks: zero outside them. A nested term's diagonal block is, after the terms it is nested in.
 *
 * @example
 *   isBlockDiagonal(Float64Array.of(4, 0, 0, 9), 2, 1); // true
 */
export function isBlockDiagonal(a: Float64Array, n: number, p: number): boolean {
  for (let i = p; i < n; i++) {
    const ri = i * n, first = i - (i % p);
    for (let j = 0; j < first; j++) if (a[ri + j] !== 0) return false;
  }
  return true;
}

/**
 * {@link choleskyWithRows} for a block-diagonal matrix (see {@link isBlockDiagonal}): each p × p block factored
 * and the m rows below solved against it alone, in O(n p² + m n p) rather than O(n³ + m n²). The same numbers
 * as the dense routine, which would only subtract exact zeros besides.
 *
 * @example
 *   choleskyBlockDiagonalWithRows(Float64Array.of(4, 0, 0, 9, 2, 3), 2, 1, 1); // L = diag(2, 3), row [1, 1]
 */
export function choleskyBlockDiagonalWithRows(a: Float64Array, n: number, p: number, m: number): boolean {
  for (let k0 = 0; k0 < n; k0 += p) {
    const k1 = Math.min(n, k0 + p);
    if (!factorDiagonalBlock(a, n, k0, k1)) return false;
    solvePanelRows(a, n, k0, k1, n, n + m);
  }
  return true;
}

/** Factors rows and columns `k0…k1-1` (earlier columns already subtracted). False if not positive definite. */
export function factorDiagonalBlock(a: Float64Array, n: number, k0: number, k1: number): boolean {
  for (let i = k0; i < k1; i++) {
    const ri = i * n;
    for (let j = k0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = k0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j];
    }
  }
  return true;
}

/** Rows `from…to-1` of the panel: L[i, k0…k1) = A[i, k0…k1) L_KK⁻ᵀ. */
export function solvePanelRows(a: Float64Array, n: number, k0: number, k1: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const ri = i * n;
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = k0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / a[rj + j];
    }
  }
}

/**
 * Rows `from…to-1` (≥ k1) of the trailing update: A[i, j] −= L[i, k0…k1) · L[j, k0…k1) for k1 ≤ j ≤ i
 * and j < n (rows from n on are extra rows), four rows against two columns at a time.
 */
export function updateTrailingRows(a: Float64Array, n: number, k0: number, k1: number, from: number, to: number): void {
  let i = from;
  for (; i + 3 < to; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    const top = Math.min(i, n - 1);
    let j = k1;
    for (; j + 1 <= top; j += 2) {
      const ja = j * n, jb = ja + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = k0; k < k1; k++) {
        const v = a[ja + k], w = a[jb + k];
        const x0 = a[r0 + k], x1 = a[r1 + k], x2 = a[r2 + k], x3 = a[r3 + k];
        s0 += x0 * v;
        s1 += x1 * v;
        s2 += x2 * v;
        s3 += x3 * v;
        t0 += x0 * w;
        t1 += x1 * w;
        t2 += x2 * w;
        t3 += x3 * w;
      }
      a[r0 + j] -= s0;
      a[r1 + j] -= s1;
      a[r2 + j] -= s2;
      a[r3 + j] -= s3;
      a[r0 + j + 1] -= t0;
      a[r1 + j + 1] -= t1;
      a[r2 + j + 1] -= t2;
      a[r3 + j + 1] -= t3;
    }
    // the remaining columns up to the diagonal of each of the four rows
    for (let r = 0; r < 4; r++) {
      const ri = (i + r) * n;
      const end = Math.min(i + r, n - 1);
      for (let jj = j; jj <= end; jj++) {
        const rj = jj * n;
        let s = 0;
        for (let k = k0; k < k1; k++) s += a[ri + k] * a[rj + k];
        a[ri + jj] -= s;
      }
    }
  }
  for (; i < to; i++) {
    const ri = i * n;
    const end = Math.min(i, n - 1);
    for (let j = k1; j <= end; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = k0; k < k1; k++) s += a[ri + k] * a[rj + k];
      a[ri + j] -= s;
    }
  }
}

/**
 * The row that splits the trailing rows `from…n+m-1` (m extra rows of full width after the triangle) into
 * two parts of equal work for {@link updateTrailingRows}.
 *
 * @example
 *   balancedSplit(0, 100, 0); // 71: rows 71…99 of a triangle hold about as many entries as rows 0…70
 */
export function balancedSplit(from: number, n: number, m: number): number {
  const width = (i: number) => Math.min(i, n - 1) - from + 1;
  let total = 0;
  for (let i = from; i < n + m; i++) total += width(i);
  let below = 0;
  for (let i = n + m - 1; i > from; i--) {
    const before = below;
    below += width(i);
    if (2 * below >= total) return 2 * below - total <= total - 2 * before ? i : i + 1;
  }
  return from;
}
