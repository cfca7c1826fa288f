import {BLOCK, factorDiagonalBlock} from "./cholesky-blocked.js";

/**
 * The blocked Cholesky factorization of {@link choleskyWithRows} shared by two threads as a pipeline, with
 * no meeting of the two after each half-step. At each block step the rows below the diagonal block are
 * split at a row `mid` ({@link pipelineSplit}): the calling thread ("main") factors the diagonal block, solves
 * its panel rows `k1…mid-1` and updates them; the helper solves and updates rows `mid…`. Main's rows, being
 * above the helper's, need only main's own panel rows; the helper's need main's too. So each thread waits
 * only for what it reads:
 * - the helper, before its panel rows, for the diagonal block of the step (signal `diag`), and before its
 *   trailing update for main's panel rows (signal `panel`);
 * - main, before the next step, for the helper's rows that become main's (the next diagonal block and
 *   main's next rows, `mid…nextMid-1`), which the helper updates first and then signals (`handoff`).
 * Main thus factors the next diagonal block and solves its next panel rows while the helper is still
 * updating the rest of its rows: the panel solve, which cannot be split finely, overlaps the bulk of the
 * flops. Writes and reads of the two threads never touch the same entries at once: at step s main writes
 * columns from the step's diagonal block on, while a helper still at step s − 1 reads only that step's
 * panel columns and writes only rows below main's.
 *
 * Every entry is computed by row kernels that sum in the same order ({@link RowKernels}), whichever thread
 * computes it: the factor has the same bits as the one-thread factorization.
 *
 * Signals are words of a shared Int32Array holding step numbers (1-based; reset to 0 before a
 * factorization; `FAILED` when the diagonal block is not positive definite, which ends the helper's loop).
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (block Cholesky); Kurzak & Dongarra,
 * "Implementing linear algebra routines on multi-core processors with pipelining and a look ahead"
 * (PARA 2006), for the look-ahead of the next panel.
 *
 * @example
 *   const words = {diag: 0, panel: 1, handoff: 2};
 *   // main:   pipelineMain(a, n, m, ctl, words, kernels)   helper: pipelineHelper(n, m, ctl, words, kernels)
 */
export interface PipelineWords {
  diag: number;
  panel: number;
  handoff: number;
}

/** The value of `diag` when a diagonal block was not positive definite. */
export const FAILED = -1;

/**
 * The row kernels a thread runs on the matrix: the panel solve and the trailing update of rows `from…to-1`
 * for the block columns `k0…k1-1` (in {@link solvePanelRows}'s and {@link updateTrailingRows}'s order), and
 * what main does once a diagonal block is factored, before the helper may read it (the WebAssembly panel
 * solve's transposed copy of the block).
 */
export interface RowKernels {
  /**
   * Cost of a panel row's multiply-add relative to a trailing update's with these kernels (the panel
   * solve's substitution has a chain of dependent operations per row; the trailing update's sums are
   * independent). It only moves the split ({@link pipelineSplit}), never a result.
   */
  panelCost: number;
  panel(k0: number, k1: number, from: number, to: number): void;
  trailing(k0: number, k1: number, from: number, to: number): void;
  /** Where trailing rows taken from row `from` on end: n + m, or past it to whole groups of four rows. */
  end(from: number): number;
  factored?(k0: number, k1: number): void;
}

/** Checks of a signal before sleeping on it (a hand-off usually arrives within microseconds). */
const SPINS = 20000;

/**
 * The row splitting the rows below the diagonal block `k0…k1-1` between main (`k1…mid-1`, which also
 * factors the diagonal block) and the helper (`mid…n+m-1`) so that their work is about equal: a row costs
 * its panel solve and its trailing update (its entries in columns `k1…min(i, n − 1)`). `mid − k1` is a
 * multiple of 4 (the WebAssembly kernel's groups of rows).
 *
 * @example
 *   pipelineSplit(1128, 28, 0, 48, 4); // about 800: main takes the shorter upper rows and the diagonal block
 */
export function pipelineSplit(n: number, m: number, k0: number, k1: number, panelCost: number): number {
  const w = k1 - k0;
  const panelRow = (panelCost * w * (w - 1)) / 2;
  const cost = (i: number) => panelRow + w * Math.max(0, Math.min(i, n - 1) - k1 + 1);
  let helper = 0;
  for (let i = k1; i < n + m; i++) helper += cost(i);
  let main = (panelCost * w * w * w) / 6;
  let mid = k1;
  // move groups of four rows from the helper to main while that narrows the gap
  while (mid < n + m) {
    let group = 0;
    for (let i = mid; i < Math.min(mid + 4, n + m); i++) group += cost(i);
    if (Math.abs(main + group - (helper - group)) >= Math.abs(main - helper)) break;
    main += group;
    helper -= group;
    mid += 4;
  }
  return Math.min(mid, n + m);
}

/**
 * Main's side: the whole factorization loop, main's rows of each step. False when A is not positive
 * definite (the helper is told, and stops). The helper must run {@link pipelineHelper} on the same matrix.
 *
 * @example
 *   resetPipeline(ctl, words); startHelper(); const ok = pipelineMain(a, n, m, ctl, words, kernels); waitHelper();
 */
export function pipelineMain(a: Float64Array, n: number, m: number, ctl: Int32Array, words: PipelineWords, kernels: RowKernels): boolean {
  for (let step = 1, k0 = 0; k0 < n; step++, k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    if (step > 1) waitFor(ctl, words.handoff, step - 1);
    if (!factorDiagonalBlock(a, n, k0, k1)) {
      signal(ctl, words.diag, FAILED);
      return false;
    }
    kernels.factored?.(k0, k1);
    signal(ctl, words.diag, step);
    if (k1 === n + m) break;
    const mid = pipelineSplit(n, m, k0, k1, kernels.panelCost);
    kernels.panel(k0, k1, k1, mid);
    signal(ctl, words.panel, step);
    if (k1 < n) kernels.trailing(k0, k1, k1, mid);
  }
  return true;
}

/**
 * The helper's side of {@link pipelineMain}: the helper's rows of each step, the rows main needs next
 * first. Returns the rows it solved and updated, for its counts.
 *
 * @example
 *   const {panelRows, trailingRows} = pipelineHelper(n, m, ctl, words, kernels);
 */
export function pipelineHelper(n: number, m: number, ctl: Int32Array, words: PipelineWords, kernels: RowKernels): {panelRows: number; trailingRows: number} {
  let panelRows = 0, trailingRows = 0;
  for (let step = 1, k0 = 0; k0 < n; step++, k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    if (k1 === n + m || !waitFor(ctl, words.diag, step)) break;
    const mid = pipelineSplit(n, m, k0, k1, kernels.panelCost);
    kernels.panel(k0, k1, mid, n + m);
    panelRows += n + m - mid;
    if (k1 === n) break;
    const last = kernels.end(mid);
    // the rows main needs at the next step: up to the next split (and past the next diagonal block)
    const first = Math.max(mid, Math.min(last, pipelineSplit(n, m, k1, Math.min(n, k1 + BLOCK), kernels.panelCost)));
    waitFor(ctl, words.panel, step);
    kernels.trailing(k0, k1, mid, first);
    signal(ctl, words.handoff, step);
    kernels.trailing(k0, k1, first, last);
    trailingRows += last - mid;
  }
  return {panelRows, trailingRows};
}

/**
 * Sets the signals to 0 before a factorization (no step done).
 *
 * @example
 *   resetPipeline(ctl, {diag: 20, panel: 21, handoff: 22});
 */
export function resetPipeline(ctl: Int32Array, words: PipelineWords): void {
  Atomics.store(ctl, words.diag, 0);
  Atomics.store(ctl, words.panel, 0);
  Atomics.store(ctl, words.handoff, 0);
}

function signal(ctl: Int32Array, word: number, value: number): void {
  Atomics.store(ctl, word, value);
  Atomics.notify(ctl, word);
}

/** Waits until the signal reaches `step`; false if it says FAILED. */
function waitFor(ctl: Int32Array, word: number, step: number): boolean {
  for (let spin = 0; ; spin++) {
    const v = Atomics.load(ctl, word);
    if (v >= step) return true;
    if (v === FAILED) return false;
    if (spin >= SPINS) Atomics.wait(ctl, word, v);
  }
}
