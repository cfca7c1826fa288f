/**
 * The helper thread of {@link helperThread}: it waits on a shared control array for a job, does its share
 * of rows, and signals that it is done. A Node worker thread (the control array in its workerData) or a
 * browser's module Web Worker (the control array in its first message; it answers with one message when it
 * serves).
 *
 * Control words: 0 job number, 1 finished job number, 2 operation, 3… arguments, then its counts of the
 * work done (see helperWork in helper-thread.ts), then READY, KERNEL and the pipeline's signals. Operations:
 * 1 the helper's side of the pipelined Cholesky factorization of slot 0 (n, m; cholesky-pipeline.ts) with
 * the JavaScript row kernels, 2 the same with the WebAssembly kernels on the memory in slot 4 (slot 0
 * then views that memory; the third argument is where main writes the transposed diagonal block); 3 rows of the negated Gram matrix of the sparse matrix in slots 1 (values),
 * 2 (column pointers) and 3 (rows), with its row index in slots 5, 6 and 7 (sparse-gram.ts's GramRowIndex),
 * into slot 0 (columns, q, rows a chunk), taking chunks of rows from the GRAM_NEXT counter as the caller
 * does; 8 bind: read one {slot, array} message. In Node the
 * bind reads the message synchronously; a Web Worker, which cannot, leaves its wait loop, takes the message
 * from its event loop, and resumes.
 */
import {pipelineHelper} from "./cholesky-pipeline.js";
import {ARGS, COUNTS, Count, HelperOp, KERNEL, PIPELINE, READY} from "./helper-thread.js";
import {gramChunks} from "./sparse-gram.js";
import {wasmApi, type WasmMemory} from "./wasm-api.js";
import {wasmKernel, type WasmKernel} from "./wasm-kernel.js";
import {jsRowKernels, wasmRowKernels} from "./row-kernels.js";

type Bound = Float64Array | Int32Array | WasmMemory;

interface WorkerThreads {
  workerData: {control: SharedArrayBuffer} | null;
  parentPort: unknown;
  receiveMessageOnPort(port: unknown): {message: {slot: number; array: Bound}} | undefined;
}

interface WebWorkerScope {
  addEventListener(event: "message", listener: (event: {data: {control?: SharedArrayBuffer; slot?: number; array?: Bound}}) => void): void;
  postMessage(message: unknown): void;
}

const threads = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process?.getBuiltinModule?.("node:worker_threads") as
  | WorkerThreads
  | undefined;
if (threads?.workerData) serveNode(threads, threads.workerData.control);
else if (!threads && typeof (globalThis as Partial<WebWorkerScope>).postMessage === "function") serveWeb(globalThis as unknown as WebWorkerScope);

/** What a helper holds: its control array, its slots and its kernel. */
interface Helper {
  ctl: Int32Array;
  slots: Bound[];
  kernel: WasmKernel | null;
  /** The last job number seen. */
  seen: number;
}

function helperOf(control: SharedArrayBuffer): Helper {
  return {ctl: new Int32Array(control), slots: [], kernel: null, seen: 0};
}

/** Puts `array` in `slot` (compiling the kernel on a memory) and says the bind job is done. */
function bindSlot(h: Helper, slot: number, array: Bound): void {
  h.slots[slot] = array;
  if (wasmApi && array instanceof wasmApi.Memory) {
    h.kernel = wasmKernel(array);
    Atomics.store(h.ctl, KERNEL, h.kernel ? 1 : 0);
  }
  finish(h);
}

function finish(h: Helper): void {
  Atomics.store(h.ctl, 1, h.seen);
  Atomics.notify(h.ctl, 1);
}

/** Waits for and runs jobs until a bind job comes; returns then, its message still to read. */
function serveJobs(h: Helper): void {
  const {ctl} = h;
  const f64 = (i: number) => h.slots[i] as Float64Array;
  const i32 = (i: number) => h.slots[i] as Int32Array;
  // what this thread did, counted where the caller can read it (helperWork)
  const count = (k: number, rows: number) => Atomics.add(ctl, COUNTS + k, rows);
  for (;;) {
    Atomics.wait(ctl, 0, h.seen);
    h.seen = Atomics.load(ctl, 0);
    const op = ctl[2];
    if (op === HelperOp.Bind) return;
    const [a0, a1, a2, a3, a4, a5] = [ctl[ARGS], ctl[ARGS + 1], ctl[ARGS + 2], ctl[ARGS + 3], ctl[ARGS + 4], ctl[ARGS + 5]];
    if (op === HelperOp.Cholesky || (op === HelperOp.CholeskyWasm && h.kernel)) {
      const a = f64(0), n = a0, m = a1, kernel = op === HelperOp.CholeskyWasm ? h.kernel : null;
      const kernels = kernel ? wasmRowKernels(kernel, a, n, m, a2) : jsRowKernels(a, n, m);
      const done = pipelineHelper(n, m, ctl, PIPELINE, kernels);
      count(Count.PanelRows, done.panelRows);
      count(kernel ? Count.TrailingRowsWasm : Count.TrailingRows, done.trailingRows);
    } else if (op === HelperOp.SparseGram) {
      const S = {values: f64(1), colPtr: i32(2), rowLevel: i32(3), columns: a0, byRows: {rowPtr: i32(5), entry: i32(6), start: i32(7)}};
      count(Count.GramRows, gramChunks(ctl, S, f64(0), a1, a2));
    }
    count(Count.Jobs, 1);
    finish(h);
  }
}

function serveNode(threads: WorkerThreads, control: SharedArrayBuffer): void {
  const h = helperOf(control);
  Atomics.store(h.ctl, READY, 1);
  for (;;) {
    serveJobs(h);
    let received = threads.receiveMessageOnPort(threads.parentPort);
    while (!received) {
      Atomics.wait(h.ctl, 0, h.seen, 1);
      received = threads.receiveMessageOnPort(threads.parentPort);
    }
    bindSlot(h, received.message.slot, received.message.array);
  }
}

function serveWeb(scope: WebWorkerScope): void {
  let h: Helper | null = null;
  scope.addEventListener("message", ({data}) => {
    if (!h) {
      if (!data.control) return;
      h = helperOf(data.control);
      Atomics.store(h.ctl, READY, 1);
      scope.postMessage("ready");
    } else if (data.slot !== undefined && data.array) bindSlot(h, data.slot, data.array);
    serveJobs(h);
  });
}
