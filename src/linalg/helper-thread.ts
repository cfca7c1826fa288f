/**
 * One helper thread for the two-thread kernels, sharing memory with the thread that fits: a Node worker
 * thread, or in a browser a module Web Worker started from a worker (the kit's fit worker) of a page that is
 * cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, so that SharedArrayBuffer exists). It is kept for the life
 * of its thread and never keeps a Node process alive.
 *
 * The kernels work on arrays in shared memory ({@link sharedFloat64}, {@link sharedInt32}). The helper
 * holds one array per numbered slot; {@link HelperThread.bind} hands it an array for a slot when the slot
 * holds another one, so that binding the same arrays again, as every criterion evaluation of a fit does,
 * costs nothing. A job is an operation code and up to eight integer arguments in a shared control array;
 * the caller starts it, does its own share, and waits (Atomics.wait), so every kernel stays synchronous. The
 * kernels split rows, never a sum, and sum as the one-thread kernels do: a fit has the same bits on one
 * thread or two.
 *
 * Where there can be no helper (no worker threads, no SharedArrayBuffer, a page's main thread, where
 * Atomics.wait is not allowed, or the TypeScript sources under a test runner, where the built helper script
 * is absent) {@link helperThread} returns null and the shared arrays are ordinary ones. Until the helper
 * has started ({@link HelperThread.ready}; a Web Worker starts only while its creator is idle, see
 * {@link helperReady}) the kernels run on one thread.
 *
 * @example
 *   const a = sharedFloat64(1128 * 1128);
 *   const h = helperThread();
 *   if (h?.ready() && h.bind(0, a)) { h.run(OP, [n, k0]); ownShare(); h.wait(); }
 */

import type {WasmMemory} from "./wasm-api.js";

/**
 * Dense blocks at least this wide are factored on two threads where there is a helper (below it the
 * hand-offs cost more than the flops). A fit needs at least this many rows to have such a block.
 */
export const PARALLEL_MIN = 384;

/** Operation codes of the helper's jobs (see helper-worker.ts). */
export const HelperOp = {Cholesky: 1, CholeskyWasm: 2, SparseGram: 3, Bind: 8} as const;
export type HelperOp = (typeof HelperOp)[keyof typeof HelperOp];

/**
 * Control words: job number, finished job number, operation, then the arguments, then what the helper has
 * done ({@link HelperWork}, which the helper adds to after each job), then its state: whether it is serving
 * ({@link READY}) and whether it compiled the WebAssembly kernel on the memory bound last ({@link KERNEL}).
 */
export const ARGS = 3;
const MAX_ARGS = 8;
/** Where the helper's counts start: jobs, panel rows, trailing rows (JavaScript), trailing rows (WebAssembly), Gram rows. */
export const COUNTS = ARGS + MAX_ARGS;
export const Count = {Jobs: 0, PanelRows: 1, TrailingRows: 2, TrailingRowsWasm: 3, GramRows: 4} as const;
/** 1 once the helper waits for jobs. */
export const READY = COUNTS + 5;
/** 1 when the helper has the WebAssembly kernel on the memory bound last, 0 when it could not compile it. */
export const KERNEL = COUNTS + 6;
/** The signals of the pipelined Cholesky factorization (cholesky-pipeline.ts). */
export const PIPELINE = {diag: COUNTS + 7, panel: COUNTS + 8, handoff: COUNTS + 9};
/** The next row of a Gram matrix for either thread to take (sparse-gram.ts's gramChunks). */
export const GRAM_NEXT = COUNTS + 10;
export const CONTROL_WORDS = COUNTS + 11;

/** What the helper thread has done since it started: jobs run, and rows of each kind it computed. */
export interface HelperWork {
  jobs: number;
  panelRows: number;
  trailingRows: number;
  trailingRowsWasm: number;
  gramRows: number;
}

export interface HelperThread {
  /** Whether the helper has started and waits for jobs (a Web Worker takes a moment to start). */
  ready(): boolean;
  /**
   * Gives the helper `array` for `slot` (a shared WebAssembly memory: its kernel's memory). False when the
   * array is not in shared memory, the helper is not ready, or, for a memory, the helper could not compile
   * its kernel there.
   */
  bind(slot: number, array: Float64Array | Int32Array | WasmMemory): boolean;
  /** Starts a job on the helper. */
  run(op: HelperOp, args: number[]): void;
  /** Waits until the job started last is done. */
  wait(): void;
  /** The shared control words (for signals between the two sides of a job, see {@link PIPELINE}). */
  control: Int32Array;
}

interface WorkerThreads {
  Worker: new (url: URL, options: {workerData: unknown; execArgv: string[]}) => {unref(): void; postMessage(value: unknown): void};
}

interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(event: "error" | "message", listener: () => void): void;
}
declare const Worker: (new (url: URL, options: {type: "module"}) => WebWorker) | undefined;

let helper: HelperThread | null | undefined;
let control: Int32Array | null = null;
/** Settles when a Web Worker helper is ready or has failed to start. */
let started: Promise<void> = Promise.resolve();

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
 *   const h = helperThread(); // null on a page's main thread
 */
export function helperThread(): HelperThread | null {
  if (helper === undefined) helper = startHelper();
  return helper;
}

/**
 * Starts the helper thread where there can be one and resolves once it is ready, or failed to start, or
 * after `limit` ms. A Web Worker helper starts only while the thread that created it is idle, so a fit
 * worker awaits this before it fits; in Node, and where there is no helper, it resolves at once (a Node
 * helper starts on first use).
 *
 * @example
 *   await helperReady(); // in the fit worker, before fitting
 */
export function helperReady(limit = 2000): Promise<void> {
  const proc = (globalThis as {process?: {getBuiltinModule?: unknown}}).process;
  if (typeof proc?.getBuiltinModule === "function" || !helperThread()) return Promise.resolve();
  return Promise.race([started, new Promise<void>((resolve) => setTimeout(resolve, limit))]);
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
  if (typeof SharedArrayBuffer !== "function") return null;
  const proc = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process;
  if (typeof proc?.getBuiltinModule === "function") {
    const threads = proc.getBuiltinModule("node:worker_threads") as WorkerThreads | undefined;
    const fs = proc.getBuiltinModule("node:fs") as {existsSync(url: URL): boolean} | undefined;
    const execArgv = (proc as {execArgv?: string[]}).execArgv ?? [];
    if (!threads || !fs) return null;
    const script = new URL("./helper-worker.js", import.meta.url);
    if (script.protocol !== "file:" || !fs.existsSync(script)) return null;
    const shared = new SharedArrayBuffer(4 * CONTROL_WORDS);
    // a worker inherits the process's flags, and refuses to start with --input-type (`node --input-type=module
    // -e …`): that one is left out
    const worker = new threads.Worker(script, {workerData: {control: shared}, execArgv: execArgv.filter((a) => !a.startsWith("--input-type"))});
    worker.unref();
    return helperOn(shared, (message) => worker.postMessage(message));
  }
  // a browser: only from a worker (a page's main thread may not Atomics.wait) of a cross-origin isolated page
  const scope = globalThis as {crossOriginIsolated?: boolean; document?: unknown};
  if (scope.crossOriginIsolated !== true || scope.document !== undefined || typeof Worker !== "function") return null;
  let worker: WebWorker;
  try {
    worker = new Worker(new URL("./helper-worker.js", import.meta.url), {type: "module"});
  } catch {
    return null;
  }
  const shared = new SharedArrayBuffer(4 * CONTROL_WORDS);
  started = new Promise<void>((resolve) => {
    worker.addEventListener("message", () => resolve()); // the helper's one message: it is ready
    worker.addEventListener("error", () => resolve()); // its script did not load: never ready, one thread
  });
  worker.postMessage({control: shared});
  return helperOn(shared, (message) => worker.postMessage(message));
}

/**
 * The caller's side of a helper whose control array is `shared` and to which `post` sends a message. It is
 * used once the helper says it serves: until then (and for good if its thread never starts) the kernels run
 * on one thread, with the same bits, and nothing waits for a helper that is not there.
 */
function helperOn(shared: SharedArrayBuffer, post: (message: unknown) => void): HelperThread {
  const ctl = (control = new Int32Array(shared));
  (globalThis as Record<symbol, unknown>)[Symbol.for("lmm-kit.helperWork")] = helperWork;
  const bound: (Float64Array | Int32Array | WasmMemory)[] = [];
  let job = 0;
  const self: HelperThread = {
    control: ctl,
    ready: () => Atomics.load(ctl, READY) === 1,
    bind(slot, array) {
      if (!(array.buffer instanceof SharedArrayBuffer) || !self.ready()) return false;
      if (bound[slot] === array) return true;
      post({slot, array});
      self.run(HelperOp.Bind, []);
      self.wait();
      const isArray = array instanceof Float64Array || array instanceof Int32Array;
      if (!isArray && Atomics.load(ctl, KERNEL) !== 1) return false;
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
