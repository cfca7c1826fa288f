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
  /**
   * The panel solve of {@link solvePanelRows} for the pairs of rows `from…to-1` (`to − from` even), the
   * factored diagonal block given transposed at byte address `lt` (w × w, w = k1 − k0, entry (k, j) holding
   * L[k0 + j, k0 + k]): each row goes through the substitution column by column, subtracting
   * `L[i, k] · L[j, k]` from every later entry j two at a time, in order of k, as the JavaScript loop
   * subtracts them (the same bits).
   */
  panel22(base: number, n: number, k0: number, k1: number, from: number, to: number, lt: number): void;
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

// panel22's locals after its seven parameters
const [PROW, PP0, PP1, PW, PKK, PJJ, PQ, PSTRIDE, PA] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
const [PD, PX0, PX1] = [16, 17, 18];
const [PV0, PV1, PL] = [19, 20, 21];

/** The body of panel22 (see {@link WasmKernel.panel22}). */
function panelBody(): number[][] {
  const LT = 6;
  const byte = (index: number[]) => [...index, ...I.i32(8), ...I.i32Mul];
  // A[p + 8 jj] (two lanes) −= splat(x) · Lt(q)
  const pairUpdate = (p: number, v: number) => [
    ...g(p), ...g(PJJ), ...I.i32(8), ...I.i32Mul, ...I.i32Add, ...s(PA),
    ...g(PA), ...g(PA), ...I.v128Load, ...g(v), ...g(PL), ...I.f64x2Mul, ...I.f64x2Sub, ...I.v128Store
  ];
  // A[p + 8 jj] −= x · Lt(q), one lane
  const singleUpdate = (p: number, x: number) => [
    ...g(p), ...g(PJJ), ...I.i32(8), ...I.i32Mul, ...I.i32Add, ...s(PA),
    ...g(PA), ...g(PA), ...I.f64Load(0), ...g(x), ...g(PQ), ...I.f64Load(0), ...I.f64Mul, ...I.f64Sub, ...I.f64Store(0)
  ];
  // x = A[p + 8 kk] / d, stored back
  const divide = (p: number, x: number) => [
    ...g(p), ...g(PKK), ...I.i32(8), ...I.i32Mul, ...I.i32Add, ...s(PA),
    ...g(PA), ...g(PA), ...I.f64Load(0), ...g(PD), ...I.f64Div, ...I.set(x), ...g(x), ...I.f64Store(0)
  ];
  return [
    g(N), I.i32(8), I.i32Mul, s(PSTRIDE),
    g(K1), g(K0), I.i32Sub, s(PW),
    g(FROM), s(PROW),
    I.block, I.loop,
    g(PROW), I.i32(1), I.i32Add, g(TO), I.i32GeS, I.brIf(1),
    // p0 = base + 8 (row n + k0), p1 the next row
    g(BASE), byte([...g(PROW), ...g(N), ...I.i32Mul, ...g(K0), ...I.i32Add]), I.i32Add, s(PP0),
    g(PP0), g(PSTRIDE), I.i32Add, s(PP1),
    I.i32(0), s(PKK),
    I.block, I.loop,
    g(PKK), g(PW), I.i32GeS, I.brIf(1),
    // q = lt + 8 (kk w + kk): the diagonal entry, then the entries after it in Lt's row kk
    g(LT), byte([...g(PKK), ...g(PW), ...I.i32Mul, ...g(PKK), ...I.i32Add]), I.i32Add, s(PQ),
    g(PQ), I.f64Load(0), s(PD),
    divide(PP0, PX0), divide(PP1, PX1),
    g(PX0), I.f64x2Splat, s(PV0),
    g(PX1), I.f64x2Splat, s(PV1),
    g(PKK), I.i32(1), I.i32Add, s(PJJ),
    g(PQ), I.i32(8), I.i32Add, s(PQ),
    I.block, I.loop,
    g(PJJ), I.i32(1), I.i32Add, g(PW), I.i32GeS, I.brIf(1),
    g(PQ), I.v128Load, s(PL),
    pairUpdate(PP0, PV0), pairUpdate(PP1, PV1),
    g(PJJ), I.i32(2), I.i32Add, s(PJJ),
    g(PQ), I.i32(16), I.i32Add, s(PQ),
    I.br(0),
    I.end, I.end,
    // an odd last entry
    I.block,
    g(PJJ), g(PW), I.i32GeS, I.brIf(0),
    singleUpdate(PP0, PX0), singleUpdate(PP1, PX1),
    I.end,
    g(PKK), I.i32(1), I.i32Add, s(PKK),
    I.br(0),
    I.end, I.end,
    g(PROW), I.i32(2), I.i32Add, s(PROW),
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
        functions: [
          {name: "trailing42", params: 6, locals: [[13, T.i32], [14, T.v128]], body: trailingBody()},
          {name: "panel22", params: 7, locals: [[9, T.i32], [3, T.f64], [3, T.v128]], body: panelBody()}
        ]
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
