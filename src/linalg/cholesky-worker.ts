/**
 * The helper thread of {@link parallelCholesky}: it waits on a shared control array for a step of the
 * blocked factorization, does its share of rows, and signals that it is done. Node's worker_threads only.
 *
 * Control words: 0 job number, 1 finished job number, 2 operation (1 panel, 2 trailing, 3 rows solved
 * against the factor, 9 stop),
 * 3 n, 4 k0, 5 k1, 6 first row, 7 end row.
 */
import {solvePanelRows, solveRowsAfterFactor, updateTrailingRows} from "./cholesky-blocked.js";

interface WorkerData {
  control: SharedArrayBuffer;
  matrix: SharedArrayBuffer;
}

const threads = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process?.getBuiltinModule?.("node:worker_threads") as
  | {workerData: WorkerData}
  | undefined;
if (threads?.workerData) serve(threads.workerData);

function serve({control, matrix}: WorkerData): void {
  const ctl = new Int32Array(control);
  const a = new Float64Array(matrix);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    const op = ctl[2];
    if (op === 9) return;
    const [n, k0, k1, from, to] = [ctl[3], ctl[4], ctl[5], ctl[6], ctl[7]];
    if (op === 1) solvePanelRows(a, n, k0, k1, from, to);
    else if (op === 2) updateTrailingRows(a, n, k0, k1, from, to);
    else if (op === 3) solveRowsAfterFactor(a, n, from, to);
    Atomics.store(ctl, 1, seen);
    Atomics.notify(ctl, 1);
  }
}
