import {wasmApi, type WasmMemory} from "./wasm-api.js";
import {I, T, wasmModule} from "./wasm-bytes.js";

/**
 * The core of the blocked Cholesky's trailing update ({@link updateTrailingRows}) as WebAssembly with
 * two-lane double arithmetic (SIMD), about three times the speed of the JavaScript kernel.
 *
 * `trailing42(base, n, k0, k1, from, to)` works on the row-major matrix at byte address `base` of a
 * shared memory: for each group of four rows `i…i+3` in `from…to-1` (`to − from` a multiple of 4) and each
 * pair of columns `j, j+1` with `k1 ≤ j`, `j + 1 ≤ min(i, n − 1)`, it subtracts
 * `L[r, k0…k1) · L[c, k0…k1)` from `A[r, c]`, the sums taken two lanes at a time (`k1 − k0` even). The
 * columns it leaves (from `k1 + 2⌊(min(i, n−1) − k1 + 1)/2⌋` to each row's last) are the caller's.
 *
 * It runs wherever WebAssembly may be compiled (Node, and browsers whose page allows it: no
 * Content-Security-Policy, or one with `'wasm-unsafe-eval'`); elsewhere the JavaScript kernel runs, summing
 * in the same order, so a fit has the same bits either way.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (block Cholesky) and §1.5
 * (register blocking of matrix products).
 *
 * @example
 *   const kernel = wasmKernel(memory); // memory: a shared WasmMemory
 *   kernel.trailing42(0, n, k0, k1, k1, k1 + 4 * ((n - k1) >> 2));
 */
export interface WasmKernel {
  trailing42(base: number, n: number, k0: number, k1: number, from: number, to: number): void;
}

/** Pages of 64 KiB the kernel's memory may grow to (2 GiB: dense blocks of up to about 16 000 columns). */
export const MAX_PAGES = 32768;

// locals: parameters, then i32 work variables, then v128 accumulators and loads
const [BASE, N, K0, K1, FROM, TO] = [0, 1, 2, 3, 4, 5];
const [ROW, COL, TOP, P0, P1, P2, P3, Q0, Q1, KK, W8, STRIDE, ADDR] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
const S = [19, 20, 21, 22]; // row r against column j
const U = [23, 24, 25, 26]; // row r against column j + 1
const X = [27, 28, 29, 30];
const [V, W] = [31, 32];

const g = I.get, s = I.set;

/** The body of trailing42. */
function trailingBody(): number[][] {
  const load = (ptr: number) => [...g(ptr), ...g(KK), ...I.i32Add, ...I.v128Load];
  const fma = (acc: number, x: number, y: number) => [...g(acc), ...g(x), ...g(y), ...I.f64x2Mul, ...I.f64x2Add, ...s(acc)];
  // A[addr + offset] −= lane 0 + lane 1 of acc
  const store = (acc: number, offset: number) => [
    ...g(ADDR),
    ...g(ADDR),
    ...I.f64Load(offset),
    ...g(acc),
    ...I.f64x2Lane(0),
    ...g(acc),
    ...I.f64x2Lane(1),
    ...I.f64Add,
    ...I.f64Sub,
    ...I.f64Store(offset)
  ];
  const next = (ptr: number, from: number) => [...g(from), ...g(STRIDE), ...I.i32Add, ...s(ptr)];
  return [
    // stride = 8 n; w8 = 8 (k1 − k0); row = from
    g(N), I.i32(8), I.i32Mul, s(STRIDE),
    g(K1), g(K0), I.i32Sub, I.i32(8), I.i32Mul, s(W8),
    g(FROM), s(ROW),
    I.block, I.loop,
    g(ROW), g(TO), I.i32GeS, I.brIf(1),
    // top = min(row, n − 1)
    g(ROW), g(N), I.i32(1), I.i32Sub, g(ROW), g(N), I.i32(1), I.i32Sub, I.i32LtS, I.select, s(TOP),
    // p0 = base + 8 (row n + k0), p1…p3 the next rows
    g(BASE), g(ROW), g(N), I.i32Mul, g(K0), I.i32Add, I.i32(8), I.i32Mul, I.i32Add, s(P0),
    next(P1, P0), next(P2, P1), next(P3, P2),
    g(K1), s(COL),
    I.block, I.loop,
    g(COL), I.i32(1), I.i32Add, g(TOP), I.i32GtS, I.brIf(1),
    g(BASE), g(COL), g(N), I.i32Mul, g(K0), I.i32Add, I.i32(8), I.i32Mul, I.i32Add, s(Q0),
    next(Q1, Q0),
    ...[...S, ...U].map((acc) => [...I.v128Zero, ...s(acc)]),
    I.i32(0), s(KK),
    I.loop,
    ...[P0, P1, P2, P3].map((p, r) => [...load(p), ...s(X[r])]),
    load(Q0), s(V), load(Q1), s(W),
    ...X.map((x, r) => [...fma(S[r], x, V), ...fma(U[r], x, W)]),
    g(KK), I.i32(16), I.i32Add, s(KK),
    g(KK), g(W8), I.i32LtS, I.brIf(0),
    I.end,
    // addr = p0 + 8 (col − k0): the entry (row, col)
    g(P0), g(COL), g(K0), I.i32Sub, I.i32(8), I.i32Mul, I.i32Add, s(ADDR),
    ...S.map((acc, r) => [...(r > 0 ? [...g(ADDR), ...g(STRIDE), ...I.i32Add, ...s(ADDR)] : []), ...store(acc, 0), ...store(U[r], 8)]),
    g(COL), I.i32(2), I.i32Add, s(COL),
    I.br(0),
    I.end, I.end,
    g(ROW), I.i32(4), I.i32Add, s(ROW),
    I.br(0),
    I.end, I.end,
    I.end
  ];
}

/** The compiled module for a shared memory and for an unshared one, or null once compiling it failed. */
const compiled = new Map<boolean, object | null>();

/**
 * The kernel instantiated on `memory` (shared, for two threads, or not), or null where WebAssembly with
 * SIMD is not available or may not be compiled.
 *
 * Detection is by trying, once per kind of memory: a page whose Content-Security-Policy lacks
 * `'wasm-unsafe-eval'` refuses to compile (the browser reports one `securitypolicyviolation` of "wasm-eval"
 * and throws), and from then on the JavaScript kernel runs, with the same bits ({@link updateTrailingRows}
 * sums as this kernel does). Nothing tries to compile before a fit has a dense block to factor.
 *
 * @example
 *   const memory = new WebAssembly.Memory({initial: 160, maximum: 160, shared: true});
 *   const kernel = wasmKernel(memory);
 */
export function wasmKernel(memory: WasmMemory): WasmKernel | null {
  if (!wasmApi) return null;
  const shared = typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
  let module = compiled.get(shared);
  if (module === null) return null;
  try {
    if (module === undefined) {
      const bytes = wasmModule({
        memoryPages: [1, MAX_PAGES],
        shared,
        functions: [{name: "trailing42", params: 6, locals: [[13, T.i32], [14, T.v128]], body: trailingBody()}]
      });
      // an engine without SIMD fails validation; only a module that validates is compiled (which a policy may refuse)
      module = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
      compiled.set(shared, module);
      if (!module) return null;
    }
    const instance = new wasmApi.Instance(module, {env: {memory}});
    return instance.exports as unknown as WasmKernel;
  } catch {
    compiled.set(shared, null);
    return null;
  }
}
