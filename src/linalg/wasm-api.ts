/**
 * The part of the WebAssembly JavaScript API the kernel uses, typed here because the library compiles
 * without DOM or Node type libraries. `wasmApi` is undefined where the platform has no WebAssembly.
 *
 * Reference: WebAssembly JavaScript Interface (W3C), §5 (Memory, Module, Instance).
 *
 * @example
 *   const memory = wasmApi && new wasmApi.Memory({initial: 1, maximum: 1, shared: true});
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

export interface WasmApi {
  Memory: new (descriptor: {initial: number; maximum: number; shared: boolean}) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => {exports: unknown};
}

export const wasmApi = (globalThis as {WebAssembly?: WasmApi}).WebAssembly;
