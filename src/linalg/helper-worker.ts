/**
 * The helper thread of {@link helperThread}: it waits on a shared control array for a job, does its share
 * of rows, and signals that it is done. Node's worker_threads only.
 *
 * Control words: 0 job number, 1 finished job number, 2 operation, 3… arguments, then its counts of the
 * work done (see helperWork in helper-thread.ts). Operations:
 * 1 panel rows and 2 trailing rows of the blocked Cholesky of slot 0 (n, m, k0, k1, from, to);
 * 3 rows of the negated Gram matrix of the sparse matrix in slots 1 (values), 2 (column pointers) and
 * 3 (rows) into slot 0 (columns, q, from, to); 4 trailing rows as 2, by the WebAssembly kernel on the
 * memory in slot 4 (slot 0 then views that memory); 8 bind: read one {slot, array} message.
 */
import {solvePanelRows, updateTrailingRows} from "./cholesky-blocked.js";
import {ARGS, COUNTS, Count, HelperOp} from "./helper-thread.js";
import {negatedGramRows} from "./sparse-gram.js";
import {wasmApi, type WasmMemory} from "./wasm-api.js";
import {wasmKernel, type WasmKernel} from "./wasm-kernel.js";
import {trailingRowsWasm} from "./wasm-trailing.js";

interface WorkerThreads {
  workerData: {control: SharedArrayBuffer};
  parentPort: unknown;
  receiveMessageOnPort(port: unknown): {message: {slot: number; array: Float64Array | Int32Array | WasmMemory}} | undefined;
}

const threads = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process?.getBuiltinModule?.("node:worker_threads") as
  | WorkerThreads
  | undefined;
if (threads?.workerData) serve(threads);

function serve(threads: WorkerThreads): void {
  const ctl = new Int32Array(threads.workerData.control);
  const slots: (Float64Array | Int32Array | WasmMemory)[] = [];
  let kernel: WasmKernel | null = null;
  const f64 = (i: number) => slots[i] as Float64Array;
  const i32 = (i: number) => slots[i] as Int32Array;
  // what this thread did, counted where the caller can read it (helperWork)
  const count = (k: number, rows: number) => Atomics.add(ctl, COUNTS + k, rows);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    const op = ctl[2];
    const [a0, a1, a2, a3, a4, a5] = [ctl[ARGS], ctl[ARGS + 1], ctl[ARGS + 2], ctl[ARGS + 3], ctl[ARGS + 4], ctl[ARGS + 5]];
    if (op === HelperOp.Panel) {
      solvePanelRows(f64(0), a0, a2, a3, a4, a5);
      count(Count.PanelRows, a5 - a4);
    } else if (op === HelperOp.Trailing) {
      updateTrailingRows(f64(0), a0, a2, a3, a4, a5);
      count(Count.TrailingRows, a5 - a4);
    } else if (op === HelperOp.SparseGram) {
      negatedGramRows(f64(1), i32(2), i32(3), a0, f64(0), a1, a2, a3);
      count(Count.GramRows, a3 - a2);
    } else if (op === HelperOp.TrailingWasm && kernel) {
      trailingRowsWasm(kernel, f64(0), a0, a2, a3, a4, a5);
      count(Count.TrailingRowsWasm, a5 - a4);
    } else if (op === HelperOp.Bind) {
      let received = threads.receiveMessageOnPort(threads.parentPort);
      while (!received) {
        Atomics.wait(ctl, 0, seen, 1);
        received = threads.receiveMessageOnPort(threads.parentPort);
      }
      const {slot, array} = received.message;
      slots[slot] = array;
      if (wasmApi && array instanceof wasmApi.Memory) kernel = wasmKernel(array);
    }
    if (op !== HelperOp.Bind) count(Count.Jobs, 1);
    Atomics.store(ctl, 1, seen);
    Atomics.notify(ctl, 1);
  }
}
