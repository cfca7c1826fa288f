import {balancedSplit, factorDiagonalBlock, solvePanelRows, solveRowsAfterFactor, updateTrailingRows} from "./cholesky-blocked.js";

/**
 * Dense Cholesky on two threads, for the large dense blocks of crossed models (InstEval's 1128 lecturers).
 * The main thread and one helper thread (Node's worker_threads, sharing memory) split each step of the
 * right-looking blocked factorization by rows and meet at a barrier (Atomics.wait) after each half-step,
 * so the call stays synchronous. Where there are no worker threads or no SharedArrayBuffer (browsers without
 * cross-origin isolation, or the TypeScript sources under a test runner) it returns null and the caller
 * uses the one-thread kernel.
 *
 * The helper thread is started on first use and kept, unreferenced, for later factorizations: it does not
 * keep the process alive.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 and §6.3 (block algorithms).
 *
 * @example
 *   const ok = parallelCholesky(a, 1128); // true, false (not positive definite) or null (no threads)
 */
export function parallelCholesky(a: Float64Array, n: number): boolean | null {
  const pool = helperThread(n * (n + EXTRA_ROWS));
  holding = null;
  if (!pool) return null;
  const shared = pool.matrix;
  for (let i = 0; i < n; i++) shared.set(a.subarray(i * n, i * n + i + 1), i * n);
  let ok = true;
  for (let k0 = 0; k0 < n && ok; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    ok = factorDiagonalBlock(shared, n, k0, k1);
    if (!ok || k1 === n) break;
    const half = k1 + ((n - k1) >> 1);
    pool.run(1, n, k0, k1, half, n);
    solvePanelRows(shared, n, k0, k1, k1, half);
    pool.wait();
    const split = balancedSplit(k1, n);
    pool.run(2, n, k0, k1, split, n);
    updateTrailingRows(shared, n, k0, k1, k1, split);
    pool.wait();
  }
  for (let i = 0; i < n; i++) a.set(shared.subarray(i * n, i * n + i + 1), i * n);
  holding = ok ? a : null;
  return ok;
}

/**
 * M L⁻ᵀ on two threads (each row x of M replaced by the solution of L x = row), for the factor L that
 * {@link parallelCholesky} has just computed and still holds in shared memory. Returns false, leaving M
 * alone, when that is not so (another factor since, no helper thread, or more than 64 rows).
 *
 * @example
 *   if (!parallelRightSolve(M, 28, L, 1128)) rightSolveLowerTranspose(M, 28, L, 1128);
 */
export function parallelRightSolve(M: Float64Array, m: number, L: Float64Array, n: number): boolean {
  if (holding !== L || !helper || m > EXTRA_ROWS) return false;
  const shared = helper.matrix;
  shared.set(M.subarray(0, m * n), n * n);
  const half = m >> 1;
  helper.run(3, n, 0, 0, half, m);
  solveRowsAfterFactor(shared, n, 0, half);
  helper.wait();
  M.set(shared.subarray(n * n, n * n + m * n));
  return true;
}

/** Rows of M that {@link parallelRightSolve} takes, kept after the factor in the shared buffer. */
const EXTRA_ROWS = 64;

/** The matrix whose factor the shared buffer holds, if any. */
let holding: Float64Array | null = null;

/** Columns per block step. */
const BLOCK = 48;

interface Helper {
  matrix: Float64Array;
  run(op: number, n: number, k0: number, k1: number, from: number, to: number): void;
  wait(): void;
}

let helper: Helper | null | undefined;
let capacity = 0;
let stop: (() => void) | null = null;

function helperThread(size: number): Helper | null {
  if (helper === null) return null;
  if (helper && capacity >= size) return helper;
  stop?.();
  helper = startHelper(size);
  capacity = helper ? size : 0;
  return helper;
}

type WorkerThreads = {
  Worker: new (url: URL, options: {workerData: unknown}) => {unref(): void; terminate(): unknown};
  isMainThread: boolean;
};

function startHelper(size: number): Helper | null {
  const proc = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process;
  const threads = proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
  const fs = proc?.getBuiltinModule?.("node:fs") as {existsSync(url: URL): boolean} | undefined;
  if (!threads || !fs || !threads.isMainThread || typeof SharedArrayBuffer !== "function") return null;
  const script = new URL("./cholesky-worker.js", import.meta.url);
  if (script.protocol !== "file:" || !fs.existsSync(script)) return null;
  const control = new SharedArrayBuffer(8 * 4);
  const matrix = new SharedArrayBuffer(size * 8);
  const ctl = new Int32Array(control);
  const worker = new threads.Worker(script, {workerData: {control, matrix}});
  worker.unref();
  let job = 0;
  stop = () => {
    ctl[2] = 9;
    Atomics.store(ctl, 0, ++job);
    Atomics.notify(ctl, 0);
    worker.terminate();
  };
  return {
    matrix: new Float64Array(matrix),
    run(op, n, k0, k1, from, to) {
      ctl[2] = op;
      ctl[3] = n;
      ctl[4] = k0;
      ctl[5] = k1;
      ctl[6] = from;
      ctl[7] = to;
      Atomics.store(ctl, 0, ++job);
      Atomics.notify(ctl, 0);
    },
    wait() {
      for (;;) {
        const done = Atomics.load(ctl, 1);
        if (done === job) return;
        Atomics.wait(ctl, 1, done);
      }
    }
  };
}
