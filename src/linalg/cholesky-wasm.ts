import {BLOCK, factorDiagonalBlock} from "./cholesky-blocked.js";
import {wasmApi, type WasmMemory} from "./wasm-api.js";
import {MAX_PAGES, wasmKernel, type WasmKernel} from "./wasm-kernel.js";
import {wasmRowKernels} from "./row-kernels.js";

/** A kernel on a memory of its own and a view of that memory. */
export interface WasmScratch {
  memory: WasmMemory;
  view: Float64Array;
  kernel: WasmKernel;
}

/**
 * A memory of at least `doubles` doubles with the kernel instantiated on it, kept in `held` and reused while
 * it is large enough; null without WebAssembly (or where the page's policy refuses to compile it), or when
 * the size passes {@link MAX_PAGES}. `shared` asks for a shared memory (for two threads).
 *
 * @example
 *   const s = wasmScratch(null, 1128 * 1160, false); // {memory, view, kernel} or null
 */
export function wasmScratch(held: WasmScratch | null, doubles: number, shared: boolean): WasmScratch | null {
  if (held && held.view.length >= doubles) return held;
  const pages = Math.ceil((doubles * 8) / 65536);
  if (!wasmApi || pages > MAX_PAGES) return null;
  let memory: WasmMemory;
  try {
    memory = new wasmApi.Memory({initial: pages, maximum: pages, shared});
  } catch {
    return null; // a shared memory where the page is not cross-origin isolated, or no memory that large
  }
  const kernel = wasmKernel(memory);
  return kernel ? {memory, view: new Float64Array(memory.buffer), kernel} : null;
}

let scratch: WasmScratch | null = null;

/**
 * {@link choleskyWithRows} on one thread with the panel solves and trailing updates in WebAssembly ({@link wasmKernel}), on a
 * copy of `a` in the kernel's memory: the n × n triangle of `a` becomes L and the `m` rows after it M L⁻ᵀ,
 * with the same bits as the JavaScript factorization (both kernels sum each dot product in two lanes).
 * Returns null, leaving `a` alone, where WebAssembly cannot run; the caller then factors in JavaScript. This
 * is the browser's path where the page is not cross-origin isolated (no second thread) but allows
 * WebAssembly.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (block Cholesky).
 *
 * @example
 *   const ok = wasmCholeskyWithRows(a, 600, 12) ?? choleskyWithRows(a, 600, 12);
 */
export function wasmCholeskyWithRows(a: Float64Array, n: number, m: number): boolean | null {
  if (BLOCK % 2 !== 0) return null;
  const size = n * (n + m);
  // up to three rows of zeros after the matrix let the kernel take the last rows as a whole group of four;
  // after them, the diagonal block of the step transposed for the panel solve
  const at = size + 3 * n;
  const fast = (scratch = wasmScratch(scratch, at + BLOCK * BLOCK, false));
  if (!fast) return null;
  const work = fast.view;
  work.set(a.subarray(0, size));
  work.fill(0, size, size + 3 * n);
  const kernels = wasmRowKernels(fast.kernel, work, n, m, at);
  let ok = true;
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    ok = factorDiagonalBlock(work, n, k0, k1);
    if (!ok || k1 === n + m) break;
    kernels.factored?.(k0, k1);
    kernels.panel(k0, k1, k1, n + m);
    if (k1 < n) kernels.trailing(k0, k1, k1, kernels.end(k1));
  }
  a.set(work.subarray(0, size));
  return ok;
}
