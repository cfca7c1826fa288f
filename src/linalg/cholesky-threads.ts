import {BLOCK, balancedSplit, factorDiagonalBlock, solvePanelRows, updateTrailingRows} from "./cholesky-blocked.js";
import {helperThread, HelperOp} from "./helper-thread.js";
import {gramSplit, negatedGramRows} from "./sparse-gram.js";

/**
 * The blocked Cholesky factorization of {@link choleskyWithRows} on two threads, for the large dense blocks
 * of crossed models (InstEval's 1128 lecturers): the main thread and the helper split each panel solve and
 * each trailing update by rows and meet after each half-step. The n × n triangle of `a` becomes L and the
 * `m` rows after it become M L⁻ᵀ. Returns null, leaving `a` alone, when `a` is not in shared memory
 * ({@link sharedFloat64}) or there is no helper thread; the caller then uses the one-thread kernel, which
 * gives the same numbers.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 and §6.3 (block algorithms).
 *
 * @example
 *   const ok = parallelCholeskyWithRows(a, 1128, 30) ?? choleskyWithRows(a, 1128, 30);
 */
export function parallelCholeskyWithRows(a: Float64Array, n: number, m: number): boolean | null {
  const pool = helperThread();
  if (!pool || !pool.bind(0, a)) return null;
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    if (!factorDiagonalBlock(a, n, k0, k1)) return false;
    if (k1 === n + m) break;
    const half = k1 + ((n + m - k1) >> 1);
    pool.run(HelperOp.Panel, [n, m, k0, k1, half, n + m]);
    solvePanelRows(a, n, k0, k1, k1, half);
    pool.wait();
    if (k1 === n) continue;
    const split = balancedSplit(k1, n, m);
    pool.run(HelperOp.Trailing, [n, m, k0, k1, split, n + m]);
    updateTrailingRows(a, n, k0, k1, k1, split);
    pool.wait();
  }
  return true;
}

/** A sparse matrix by columns, as {@link negatedGramRows} reads it. */
export interface SparseColumns {
  values: Float64Array;
  colPtr: Int32Array;
  rowLevel: Int32Array;
  columns: number;
}

const splits = new WeakMap<Int32Array, number>();

/**
 * {@link negatedGramRows} over all q rows, on two threads when M and S are in shared memory: M's lower
 * triangle becomes −S Sᵀ. The same numbers on one thread or two.
 *
 * @example
 *   negatedGram(S, D, 1128);
 */
export function negatedGram(S: SparseColumns, M: Float64Array, q: number): void {
  const pool = helperThread();
  if (!pool || !pool.bind(0, M) || !pool.bind(1, S.values) || !pool.bind(2, S.colPtr) || !pool.bind(3, S.rowLevel)) {
    negatedGramRows(S.values, S.colPtr, S.rowLevel, S.columns, M, q, 0, q);
    return;
  }
  let split = splits.get(S.rowLevel);
  if (split === undefined) splits.set(S.rowLevel, (split = gramSplit(S.colPtr, S.rowLevel, S.columns, q)));
  pool.run(HelperOp.SparseGram, [S.columns, q, split, q]);
  negatedGramRows(S.values, S.colPtr, S.rowLevel, S.columns, M, q, 0, split);
  pool.wait();
}
