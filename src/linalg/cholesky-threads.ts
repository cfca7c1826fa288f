import {BLOCK, updateTrailingRows} from "./cholesky-blocked.js";
import {pipelineMain, resetPipeline, type TrailingRows} from "./cholesky-pipeline.js";
import {wasmScratch, type WasmScratch} from "./cholesky-wasm.js";
import {helperThread, helperWork, HelperOp, PIPELINE, type HelperThread} from "./helper-thread.js";
import {gramSplit, negatedGramRows} from "./sparse-gram.js";
import {trailingRowsWasm, wasmTrailingCalls} from "./wasm-trailing.js";

/**
 * The blocked Cholesky factorization of {@link choleskyWithRows} on two threads, for the large dense blocks
 * of crossed models (InstEval's 1128 lecturers): the main thread and the helper share each block step by
 * rows as a pipeline ({@link pipelineMain}), each waiting only for the rows it reads. The n × n triangle of
 * `a` becomes L and the `m` rows after it become M L⁻ᵀ. The trailing updates run in WebAssembly
 * ({@link wasmKernel}) on a copy of `a` in the kernel's shared memory where it compiles, else in JavaScript
 * on `a` itself when `a` is in shared memory ({@link sharedFloat64}). Returns null, leaving `a` alone, when
 * neither is possible or the helper is not ready; the caller then uses a one-thread kernel. Every kernel
 * sums as the one-thread kernels do, so L has the same bits either way.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 and §6.3 (block algorithms).
 *
 * @example
 *   const ok = parallelCholeskyWithRows(a, 1128, 30) ?? choleskyWithRows(a, 1128, 30);
 */
export function parallelCholeskyWithRows(a: Float64Array, n: number, m: number): boolean | null {
  const pool = helperThread();
  if (!pool?.ready()) return null;
  const size = n * (n + m);
  // the WebAssembly kernel takes rows four at a time: up to three rows of zeros after the matrix let the
  // last group be whole (their updates subtract zeros), so no row is left to the JavaScript loop
  const fast = BLOCK % 2 === 0 ? sharedScratch(pool, size + 3 * n) : null;
  const work = fast ? fast.view : a;
  if (fast) {
    work.set(a.subarray(0, size));
    work.fill(0, size, size + 3 * n);
  }
  if (!pool.bind(0, work)) return null;
  const trailing: TrailingRows = fast
    ? (k0, k1, from, to) => trailingRowsWasm(fast.kernel, work, n, k0, k1, from, to)
    : (k0, k1, from, to) => updateTrailingRows(work, n, k0, k1, from, to);
  resetPipeline(pool.control, PIPELINE);
  pool.run(fast ? HelperOp.CholeskyWasm : HelperOp.Cholesky, [n, m]);
  const ok = pipelineMain(work, n, m, pool.control, PIPELINE, trailing);
  pool.wait();
  if (fast && ok) a.set(work.subarray(0, size));
  return ok;
}

let scratch: WasmScratch | null = null;
let noWasm = false;

/**
 * The kernel's shared memory, at least `size` doubles, bound to the helper (slot 4, and slot 0 viewing
 * it), or null without WebAssembly here or in the helper. A larger block makes a new memory.
 */
function sharedScratch(pool: HelperThread, size: number): WasmScratch | null {
  if (noWasm) return null;
  const next = wasmScratch(scratch, size, true);
  if (next !== scratch) {
    if (!next || !pool.bind(4, next.memory)) {
      noWasm = true;
      return null;
    }
    scratch = next;
  }
  return scratch;
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
  if (!pool?.ready() || !pool.bind(0, M) || !pool.bind(1, S.values) || !pool.bind(2, S.colPtr) || !pool.bind(3, S.rowLevel)) {
    negatedGramRows(S.values, S.colPtr, S.rowLevel, S.columns, M, q, 0, q);
    return;
  }
  let split = splits.get(S.rowLevel);
  if (split === undefined) splits.set(S.rowLevel, (split = gramSplit(S.colPtr, S.rowLevel, S.columns, q)));
  pool.run(HelperOp.SparseGram, [S.columns, q, split, q]);
  negatedGramRows(S.values, S.colPtr, S.rowLevel, S.columns, M, q, 0, split);
  pool.wait();
}

/** Counts of the kernels' work so far: jobs the helper thread ran, trailing updates run in WebAssembly here. */
export interface KernelCounts {
  helperJobs: number;
  wasmUpdates: number;
}

/**
 * What the fast kernels have done so far on this thread and its helper: a diagnostic, compared before and
 * after a fit to tell whether it used a second thread and WebAssembly (the numbers are the same either way).
 *
 * @example
 *   const before = kernelCounts(); fit(); const after = kernelCounts();
 *   const twoThreads = after.helperJobs > before.helperJobs;
 */
export function kernelCounts(): KernelCounts {
  return {helperJobs: helperWork()?.jobs ?? 0, wasmUpdates: wasmTrailingCalls()};
}
