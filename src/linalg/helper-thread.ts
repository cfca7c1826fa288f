/**
 * One helper thread for the two-thread kernels (Node's worker_threads, sharing memory), kept for the
 * life of the process and unreferenced so that it never keeps the process alive.
 *
 * The kernels work on arrays in shared memory ({@link sharedFloat64}, {@link sharedInt32}). The helper
 * holds one array per numbered slot; {@link HelperThread.bind} hands it an array for a slot when the slot
 * holds another one (a message it reads synchronously), so that binding the same arrays again, as every
 * criterion evaluation of a fit does, costs nothing. A job is an operation code and up to eight integer
 * arguments in a shared control array; the caller starts it, does its own share, and waits (Atomics.wait),
 * so every kernel stays synchronous.
 *
 * Where there are no worker threads or no SharedArrayBuffer (browsers, or the TypeScript sources under a
 * test runner, where the built helper script is absent) there is no helper: {@link helperThread} returns
 * null and the shared arrays are ordinary ones. A Node worker thread (the kit's fit worker) starts its own
 * helper.
 *
 * @example
 *   const a = sharedFloat64(1128 * 1128);
 *   const h = helperThread();
 *   if (h && h.bind(0, a)) { h.run(OP, [n, k0]); ownShare(); h.wait(); }
 */

import type {WasmMemory} from "./wasm-api.js";

/** Operation codes of the helper's jobs (see helper-worker.ts). */
export const HelperOp = {Panel: 1, Trailing: 2, SparseGram: 3, TrailingWasm: 4, Bind: 8} as const;
export type HelperOp = (typeof HelperOp)[keyof typeof HelperOp];

/**
 * Control words: job number, finished job number, operation, then the arguments, then what the helper has
 * done ({@link HelperWork}, which the helper adds to after each job).
 */
export const ARGS = 3;
const MAX_ARGS = 8;
/** Where the helper's counts start: jobs, panel rows, trailing rows (JavaScript), trailing rows (WebAssembly), Gram rows. */
export const COUNTS = ARGS + MAX_ARGS;
export const Count = {Jobs: 0, PanelRows: 1, TrailingRows: 2, TrailingRowsWasm: 3, GramRows: 4} as const;
const CONTROL_WORDS = COUNTS + 5;

/** What the helper thread has done since it started: jobs run, and rows of each kind it computed. */
export interface HelperWork {
  jobs: number;
  panelRows: number;
  trailingRows: number;
  trailingRowsWasm: number;
  gramRows: number;
}

export interface HelperThread {
  /**
   * Gives the helper `array` for `slot` (a shared WebAssembly memory: its kernel's memory). False when the
   * array is not in shared memory.
   */
  bind(slot: number, array: Float64Array | Int32Array | WasmMemory): boolean;
  /** Starts a job on the helper. */
  run(op: HelperOp, args: number[]): void;
  /** Waits until the job started last is done. */
  wait(): void;
}

interface WorkerThreads {
  Worker: new (url: URL, options: {workerData: unknown}) => {unref(): void; postMessage(value: unknown): void};
}

let helper: HelperThread | null | undefined;
let control: Int32Array | null = null;

/**
 * What the helper thread has done (its own count, kept in shared memory), or null where there is none: for
 * tests and diagnostics, to show that the second thread ran. Also reachable without importing this module,
 * as `globalThis[Symbol.for("lmm-kit.helperWork")]()`, once the helper has started (the built library
 * exports no internals).
 *
 * @example
 *   helperWork(); // {jobs: 3131, panelRows: 96 400, trailingRows: 0, trailingRowsWasm: 95 800, gramRows: 1680}
 */
export function helperWork(): HelperWork | null {
  if (!control) return null;
  const at = (k: number) => Atomics.load(control!, COUNTS + k);
  return {
    jobs: at(Count.Jobs),
    panelRows: at(Count.PanelRows),
    trailingRows: at(Count.TrailingRows),
    trailingRowsWasm: at(Count.TrailingRowsWasm),
    gramRows: at(Count.GramRows)
  };
}

/**
 * The helper thread, started on first use, or null where there can be none.
 *
 * @example
 *   const h = helperThread(); // null in a browser
 */
export function helperThread(): HelperThread | null {
  if (helper === undefined) helper = startHelper();
  return helper;
}

/**
 * A Float64Array of `length` zeros, in shared memory when a helper thread can work on it.
 *
 * @example
 *   const d = sharedFloat64(1128 * 1128);
 */
export function sharedFloat64(length: number): Float64Array {
  return helperThread() ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
}

/**
 * An Int32Array copy of `values`, in shared memory when a helper thread can work on it.
 *
 * @example
 *   const ptr = sharedInt32(colPtr);
 */
export function sharedInt32(values: ArrayLike<number>): Int32Array {
  if (!helperThread()) return Int32Array.from(values);
  const out = new Int32Array(new SharedArrayBuffer(values.length * 4));
  out.set(values);
  return out;
}

function startHelper(): HelperThread | null {
  const proc = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process;
  const threads = proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
  const fs = proc?.getBuiltinModule?.("node:fs") as {existsSync(url: URL): boolean} | undefined;
  if (!threads || !fs || typeof SharedArrayBuffer !== "function") return null;
  const script = new URL("./helper-worker.js", import.meta.url);
  if (script.protocol !== "file:" || !fs.existsSync(script)) return null;
  const shared = new SharedArrayBuffer(4 * CONTROL_WORDS);
  const ctl = (control = new Int32Array(shared));
  const worker = new threads.Worker(script, {workerData: {control: shared}});
  worker.unref();
  (globalThis as Record<symbol, unknown>)[Symbol.for("lmm-kit.helperWork")] = helperWork;
  const bound: (Float64Array | Int32Array | WasmMemory)[] = [];
  let job = 0;
  const self: HelperThread = {
    bind(slot, array) {
      if (!(array.buffer instanceof SharedArrayBuffer)) return false;
      if (bound[slot] === array) return true;
      worker.postMessage({slot, array});
      self.run(HelperOp.Bind, []);
      self.wait();
      bound[slot] = array;
      return true;
    },
    run(op, args) {
      ctl[2] = op;
      for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i];
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
  return self;
}
