import {solvePanelRows, updateTrailingRows} from "./cholesky-blocked.js";
import type {RowKernels} from "./cholesky-pipeline.js";
import type {WasmKernel} from "./wasm-kernel.js";
import {panelRowsWasm, transposeDiagonal} from "./wasm-panel.js";
import {trailingRowsWasm} from "./wasm-trailing.js";

/**
 * The row kernels of the pipelined factorization ({@link RowKernels}) in JavaScript, on the matrix `a`
 * (n × n and m extra rows).
 *
 * @example
 *   pipelineMain(a, n, m, ctl, PIPELINE, jsRowKernels(a, n, m));
 */
export function jsRowKernels(a: Float64Array, n: number, m: number): RowKernels {
  return {
    // both scalar loops: measured on a 1128 block, 0.5 to 1 gave the same times (4 was 30–90 % slower)
    panelCost: 1,
    panel: (k0, k1, from, to) => solvePanelRows(a, n, k0, k1, from, to),
    trailing: (k0, k1, from, to) => updateTrailingRows(a, n, k0, k1, from, to),
    end: () => n + m
  };
}

/**
 * The row kernels in WebAssembly on the kernel's memory (`a` viewing it from byte 0, the matrix followed by
 * three rows of zeros), the factored diagonal block written transposed at `a[at…]` for the panel solve. The
 * trailing update takes rows in whole groups of four, into the rows of zeros (their updates subtract
 * zeros). The same bits as {@link jsRowKernels}.
 *
 * @example
 *   pipelineMain(view, n, m, ctl, PIPELINE, wasmRowKernels(kernel, view, n, m, n * (n + m) + 3 * n));
 */
export function wasmRowKernels(kernel: WasmKernel, a: Float64Array, n: number, m: number, at: number): RowKernels {
  return {
    // InstEval crossed: 3 to 6 gave the same times
    panelCost: 4,
    panel: (k0, k1, from, to) => panelRowsWasm(kernel, a, n, k0, k1, from, to, at),
    trailing: (k0, k1, from, to) => trailingRowsWasm(kernel, a, n, k0, k1, from, to),
    end: (from) => from + 4 * Math.ceil((n + m - from) / 4),
    factored: (k0, k1) => transposeDiagonal(a, n, k0, k1, at)
  };
}
