/**
 * A small WebAssembly binary writer: just what the kernels of the blocked Cholesky need
 * (one imported memory, shared or not, functions of i32 parameters, i32/f64/v128 locals, structured control flow,
 * scalar and two-lane double arithmetic). The kernels are written as instruction lists in wasm-kernel.ts.
 *
 * Reference: WebAssembly Core Specification 2.0, §5 (binary format) and the fixed-width SIMD proposal
 * (opcodes after the 0xFD prefix).
 *
 * @example
 *   const bytes = wasmModule({memoryPages: [1, 16], functions: [{name: "f", params: 1, locals: [], body: [I.end]}]});
 *   new WebAssembly.Module(bytes);
 */

/** Value types. */
export const T = {i32: 0x7f, f64: 0x7c, v128: 0x7b} as const;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 for 32-bit integers. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (code: number) => [0xfd, ...uleb(code)];

/** Instructions, as byte lists. */
export const I = {
  end: [0x0b],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  select: [0x1b],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  v128Load: [...simd(0x00), 3, 0],
  v128Store: [...simd(0x0b), 3, 0],
  f64x2Splat: simd(0x14),
  f64x2Sub: simd(0xf1),
  v128Zero: [...simd(0x0c), ...new Array(16).fill(0)],
  f64x2Lane: (lane: number) => [...simd(0x21), lane],
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2)
};

/** A function of `params` i32 parameters and no result. */
export interface WasmFunction {
  name: string;
  params: number;
  /** Runs of locals after the parameters: [count, type]. */
  locals: [number, number][];
  body: number[][];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => vector([...text].map((c) => [c.charCodeAt(0)]));

/**
 * The bytes of a module that imports a memory `env.memory` (pages [minimum, maximum]; shared, for two
 * threads, unless `shared` is false) and exports the given functions.
 */
export function wasmModule({memoryPages, shared = true, functions}: {memoryPages: [number, number]; shared?: boolean; functions: WasmFunction[]}): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(new Array(f.params).fill([T.i32])), 0]);
  // limits: 0x03 shared with a maximum, 0x01 not shared with a maximum
  const memory = [...name("env"), ...name("memory"), 0x02, shared ? 0x03 : 0x01, ...uleb(memoryPages[0]), ...uleb(memoryPages[1])];
  const codes = functions.map((f) => {
    const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body.flat()];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memory])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(codes))
  ]);
}
