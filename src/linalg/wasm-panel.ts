import {solvePanelRows} from "./cholesky-blocked.js";
import type {WasmKernel} from "./wasm-kernel.js";

/**
 * Writes the factored diagonal block `k0…k1-1` of the row-major matrix `a` (row stride n) transposed at
 * `a[at…]` (w × w, w = k1 − k0): entry (k, j) holds L[k0 + j, k0 + k], so that the panel solve reads each
 * column of the block as contiguous memory ({@link panelRowsWasm}).
 *
 * @example
 *   transposeDiagonal(view, n, k0, k1, n * (n + m) + 3 * n);
 */
export function transposeDiagonal(a: Float64Array, n: number, k0: number, k1: number, at: number): void {
  const w = k1 - k0;
  for (let k = 0; k < w; k++) for (let j = k; j < w; j++) a[at + k * w + j] = a[(k0 + j) * n + k0 + k];
}

/**
 * {@link solvePanelRows} with its pairs of rows in WebAssembly ({@link WasmKernel.panel22}), reading the
 * diagonal block transposed at `a[at…]` ({@link transposeDiagonal}); an odd last row in JavaScript. Every
 * entry is computed by the same operations in the same order as the JavaScript loop: the same bits. `a`
 * views the kernel's memory from byte 0.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §3.1.4 (triangular systems with many
 * right-hand sides, column-oriented).
 *
 * @example
 *   transposeDiagonal(view, n, k0, k1, at);
 *   panelRowsWasm(kernel, view, n, k0, k1, k1, n + m, at);
 */
export function panelRowsWasm(kernel: WasmKernel, a: Float64Array, n: number, k0: number, k1: number, from: number, to: number, at: number): void {
  const pairs = from + 2 * ((to - from) >> 1);
  if (pairs > from) kernel.panel22(0, n, k0, k1, from, pairs, 8 * at);
  if (pairs < to) solvePanelRows(a, n, k0, k1, pairs, to);
}
