import {dotTwoLanes} from "./cholesky-blocked.js";
import type {WasmKernel} from "./wasm-kernel.js";

let calls = 0;

/**
 * How many trailing updates this thread has run with the WebAssembly kernel: a diagnostic, to show which
 * kernel ran (the numbers are the same either way).
 *
 * @example
 *   wasmTrailingCalls(); // 0 where WebAssembly may not be compiled
 */
export function wasmTrailingCalls(): number {
  return calls;
}

/**
 * {@link updateTrailingRows} with its core in WebAssembly: the kernel takes the full groups of four rows
 * and their column pairs, this function the columns and rows left at the edges, in JavaScript, summed in
 * two lanes as the kernel sums: the same bits as {@link updateTrailingRows}, entry by entry. `a` views
 * the kernel's memory from byte 0 and holds the matrix from entry 0; `k1 − k0` is even.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9.
 *
 * @example
 *   trailingRowsWasm(kernel, view, n, k0, k1, k1, n + m);
 */
export function trailingRowsWasm(kernel: WasmKernel, a: Float64Array, n: number, k0: number, k1: number, from: number, to: number): void {
  calls++;
  const end4 = from + 4 * ((to - from) >> 2);
  kernel.trailing42(0, n, k0, k1, from, end4);
  for (let i = from; i < end4; i += 4) {
    const top = Math.min(i, n - 1);
    const j0 = k1 + 2 * ((top - k1 + 1) >> 1);
    for (let r = 0; r < 4; r++) subtractDots(a, n, k0, k1, i + r, j0, Math.min(i + r, n - 1));
  }
  for (let i = end4; i < to; i++) subtractDots(a, n, k0, k1, i, k1, Math.min(i, n - 1));
}

/** A[i, j] −= L[i, k0…k1) · L[j, k0…k1) for j = from…to, summed in two lanes as the kernel sums. */
function subtractDots(a: Float64Array, n: number, k0: number, k1: number, i: number, from: number, to: number): void {
  const ri = i * n;
  for (let j = from; j <= to; j++) a[ri + j] -= dotTwoLanes(a, ri, j * n, k0, k1);
}
