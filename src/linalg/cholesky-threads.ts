import {BLOCK} from "./cholesky-blocked.js";
import {pipelineMain, resetPipeline} from "./cholesky-pipeline.js";
import {jsRowKernels, wasmRowKernels} from "./row-kernels.js";
import {wasmScratch, type WasmScratch} from "./cholesky-wasm.js";
import {GRAM_NEXT, helperThread, helperWork, HelperOp, PIPELINE, type HelperThread} from "./helper-thread.js";
import {gramChunks, negatedGramRows, type GramRowIndex, type SparseColumns} from "./sparse-gram.js";
import {wasmTrailingCalls} from "./wasm-trailing.js";

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
  // after them, the diagonal block of the step transposed for the WebAssembly panel solve
  const at = size + 3 * n;
  const fast = BLOCK % 2 === 0 ? sharedScratch(pool, at + BLOCK * BLOCK) : null;
  const work = fast ? fast.view : a;
  if (fast) {
    work.set(a.subarray(0, size));
    work.fill(0, size, size + 3 * n);
  }
  if (!pool.bind(0, work)) return null;
  const kernels = fast ? wasmRowKernels(fast.kernel, work, n, m, at) : jsRowKernels(work, n, m);
  resetPipeline(pool.control, PIPELINE);
  pool.run(fast ? HelperOp.CholeskyWasm : HelperOp.Cholesky, [n, m, at]);
  const ok = pipelineMain(work, n, m, pool.control, PIPELINE, kernels);
  pool.wait();
  if (fast && ok) a.set(work.subarray(0, size));
  return ok;
}

let scratch: WasmScratch | null = null;
let noWasm = false;

/**
 * The kernel's shared scratch memory, at least `size` doubles, bound to the helper (slot 4), or null
 * without WebAssembly here or in the helper. A larger block makes a new memory.
 */
function sharedScratch(pool: HelperThread, size: number): WasmScratch | null {
  if (noWasm) return null;
  const next = wasmScratch(scratch, size, true);
  if (!next || !pool.bind(4, next.memory)) {
    noWasm = true;
    return null;
  }
  return (scratch = next);
}

/** Rows of the Gram matrix a thread takes at a time from the shared counter. */
const GRAM_CHUNK = 16;

/**
 * {@link negatedGramRows} over all q rows, on two threads when M and S are in shared memory: M's lower
 * triangle becomes −S Sᵀ. The threads take rows in chunks from a shared counter, so that the calling
 * thread can first do `alongside` (other work, independent of M) while the helper starts on the rows, and
 * neither waits for a fixed share of the other. The same numbers on one thread or two, whoever takes a row.
 *
 * @example
 *   negatedGram(S, D, 1128, () => blocksBelow());
 */
export function negatedGram(S: SparseColumns & {byRows: GramRowIndex}, M: Float64Array, q: number, alongside: () => void = () => {}): void {
  const pool = helperThread();
  const {rowPtr, entry, start} = S.byRows;
  const bound = pool?.ready() && [M, S.values, S.colPtr, S.rowLevel, null, rowPtr, entry, start].every((a, slot) => !a || pool.bind(slot, a));
  if (!pool || !bound) {
    alongside();
    negatedGramRows(S, M, q, 0, q);
    return;
  }
  Atomics.store(pool.control, GRAM_NEXT, 0);
  pool.run(HelperOp.SparseGram, [S.columns, q, GRAM_CHUNK]);
  alongside();
  gramChunks(pool.control, S, M, q, GRAM_CHUNK);
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
