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

/**
 * Rows `from…to-1` of the panel: L[i, k0…k1) = A[i, k0…k1) L_KK⁻ᵀ, by forward substitution along each row.
 * Four rows go through the substitution side by side (each row's sum still taken in order of k, so the
 * same bits as one row at a time): four independent chains of subtractions keep the processor's adders busy
 * where one chain would wait on each subtraction's latency.
 *
 * @example
 *   const a = Float64Array.of(2, 4); // n = 1: L_KK = [2] (k0 = 0, k1 = 1), one extra row holding 4
 *   solvePanelRows(a, 1, 0, 1, 1, 2); // a[1] = 2
 */
export function solvePanelRows(a: Float64Array, n: number, k0: number, k1: number, from: number, to: number): void {
  let i = from;
  for (; i + 3 < to; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let s0 = a[r0 + j], s1 = a[r1 + j], s2 = a[r2 + j], s3 = a[r3 + j];
      for (let k = k0; k < j; k++) {
        const l = a[rj + k];
        s0 -= a[r0 + k] * l;
        s1 -= a[r1 + k] * l;
        s2 -= a[r2 + k] * l;
        s3 -= a[r3 + k] * l;
      }
      const d = a[rj + j];
      a[r0 + j] = s0 / d;
      a[r1 + j] = s1 / d;
      a[r2 + j] = s2 / d;
      a[r3 + j] = s3 / d;
    }
  }
  for (; i < to; i++) {
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
 * and j < n (rows from n on are extra rows), two rows against two columns at a time.
 *
 * Every dot product is summed in two lanes, as the WebAssembly kernel's two-lane SIMD sums it
 * ({@link dotTwoLanes}): so this kernel, the WebAssembly one and any split of the rows between threads give
 * the same bits, entry by entry, whichever runs.
 */
export function updateTrailingRows(a: Float64Array, n: number, k0: number, k1: number, from: number, to: number): void {
  const even = k0 + 2 * ((k1 - k0) >> 1);
  let i = from;
  for (; i + 1 < to; i += 2) {
    const r0 = i * n, r1 = r0 + n;
    const top = Math.min(i, n - 1);
    let j = k1;
    for (; j + 1 <= top; j += 2) {
      const ja = j * n, jb = ja + n;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
      let k = k0;
      for (; k < even; k += 2) {
        const v0 = a[ja + k], v1 = a[ja + k + 1], w0 = a[jb + k], w1 = a[jb + k + 1];
        const x0 = a[r0 + k], x1 = a[r0 + k + 1], y0 = a[r1 + k], y1 = a[r1 + k + 1];
        a0 += x0 * v0;
        a1 += x1 * v1;
        b0 += x0 * w0;
        b1 += x1 * w1;
        c0 += y0 * v0;
        c1 += y1 * v1;
        d0 += y0 * w0;
        d1 += y1 * w1;
      }
      if (k < k1) {
        a0 += a[r0 + k] * a[ja + k];
        b0 += a[r0 + k] * a[jb + k];
        c0 += a[r1 + k] * a[ja + k];
        d0 += a[r1 + k] * a[jb + k];
      }
      a[r0 + j] -= a0 + a1;
      a[r0 + j + 1] -= b0 + b1;
      a[r1 + j] -= c0 + c1;
      a[r1 + j + 1] -= d0 + d1;
    }
    // the remaining columns up to the diagonal of each of the two rows
    for (let r = 0; r < 2; r++) {
      const ri = (i + r) * n;
      const end = Math.min(i + r, n - 1);
      for (let jj = j; jj <= end; jj++) a[ri + jj] -= dotTwoLanes(a, ri, jj * n, k0, k1);
    }
  }
  for (; i < to; i++) {
    const ri = i * n;
    const end = Math.min(i, n - 1);
    for (let j = k1; j <= end; j++) a[ri + j] -= dotTwoLanes(a, ri, j * n, k0, k1);
  }
}

/**
 * The dot product of `a[p + k0…k1)` and `a[q + k0…k1)` summed in two lanes: the terms at even offsets from
 * k0 in one sum, those at odd offsets in another, each in order, then the two added — the order of a
 * two-lane SIMD accumulator (WebAssembly's f64x2, a multiply then an add, no fused multiply-add).
 *
 * Reference: WebAssembly Core Specification 2.0, §4.3.2 (f64x2 lane-wise arithmetic, IEEE 754 rounding).
 *
 * @example
 *   dotTwoLanes(Float64Array.of(1, 2, 3, 4, 5, 6), 0, 3, 0, 3); // (1·4 + 3·6) + 2·5 = 32
 */
export function dotTwoLanes(a: Float64Array, p: number, q: number, k0: number, k1: number): number {
  let s0 = 0, s1 = 0;
  let k = k0;
  for (; k + 1 < k1; k += 2) {
    s0 += a[p + k] * a[q + k];
    s1 += a[p + k + 1] * a[q + k + 1];
  }
  if (k < k1) s0 += a[p + k] * a[q + k];
  return s0 + s1;
}
