import fc from "fast-check";
import {expect, it} from "vitest";
import {choleskyBlockDiagonalWithRows, choleskyWithRows, factorDiagonalBlock, isBlockDiagonal, solvePanelRows, updateTrailingRows} from "../src/linalg/cholesky-blocked.js";
import {pipelineSplit} from "../src/linalg/cholesky-pipeline.js";
import {subtractDenseOuter} from "../src/lmm/factor-kernels.js";
import {wasmApi} from "../src/linalg/wasm-api.js";
import {wasmKernel} from "../src/linalg/wasm-kernel.js";
import {trailingRowsWasm} from "../src/linalg/wasm-trailing.js";
import {panelRowsWasm, transposeDiagonal} from "../src/linalg/wasm-panel.js";
import {gramChunks, gramRowIndex, negatedGramRows} from "../src/linalg/sparse-gram.js";
import {GRAM_NEXT} from "../src/linalg/helper-thread.js";

const seeded = {seed: 42, numRuns: 40};

/** A symmetric positive-definite n × n matrix G Gᵀ + n I (row-major) and m extra rows, from a seed. */
function problem(n: number, m: number, seed: number) {
  let state = seed >>> 0 || 1;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  const g = Array.from({length: n * n}, uniform);
  const a = new Float64Array((n + m) * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k];
      a[i * n + j] = s;
    }
  }
  for (let r = n * n; r < (n + m) * n; r++) a[r] = uniform();
  return a;
}

it("choleskyWithRows factors the triangle and solves the extra rows (L Lᵀ = A, X Lᵀ = M)", () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 130}), fc.integer({min: 0, max: 7}), fc.integer(), (n, m, seed) => {
      const a = problem(n, m, seed);
      const L = a.slice();
      expect(choleskyWithRows(L, n, m)).toBe(true);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
          expect(Math.abs(s - a[i * n + j])).toBeLessThan(1e-9 * n);
        }
      }
      for (let r = n; r < n + m; r++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += L[r * n + k] * L[j * n + k];
          expect(Math.abs(s - a[r * n + j])).toBeLessThan(1e-9 * n);
        }
      }
    }),
    seeded
  );
});

it("choleskyWithRows refuses a matrix that is not positive definite", () => {
  expect(choleskyWithRows(Float64Array.of(1, 0, 2, 1), 2, 0)).toBe(false);
});

it("pipelineSplit gives main whole groups of four rows and about half the work of a step", () => {
  fc.assert(
    fc.property(fc.integer({min: 2, max: 400}), fc.integer({min: 0, max: 60}), fc.integer({min: 0, max: 399}), fc.constantFrom(1, 4), (n, m, at, panelCost) => {
      const k0 = Math.min(at, n - 1), k1 = Math.min(n, k0 + 48), w = k1 - k0;
      const mid = pipelineSplit(n, m, k0, k1, panelCost);
      expect(mid).toBeGreaterThanOrEqual(k1);
      expect(mid).toBeLessThanOrEqual(n + m);
      if (mid < n + m) expect((mid - k1) % 4).toBe(0);
      // each side's work at a split, a panel row's multiply-adds weighted by the kernels' panel cost; the split is the
      // one of least difference among its neighbours (four rows more or fewer for main)
      const cost = (i: number) => (panelCost * w * (w - 1)) / 2 + w * Math.max(0, Math.min(i, n - 1) - k1 + 1);
      const gap = (at: number) => {
        let main = (panelCost * w * w * w) / 6, helper = 0;
        for (let i = k1; i < n + m; i++) (i < at ? (main += cost(i)) : (helper += cost(i)));
        return Math.abs(main - helper);
      };
      if (mid < n + m) expect(gap(mid)).toBeLessThanOrEqual(gap(Math.min(n + m, mid + 4)));
      if (mid > k1) expect(gap(mid)).toBeLessThanOrEqual(gap(mid - 4));
    }),
    seeded
  );
});

it("negatedGramRows gives −S Sᵀ on any split of the rows, by columns, by rows and in chunks with the same bits", () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 40}), fc.integer({min: 1, max: 30}), fc.double({min: 0.05, max: 1}), fc.integer(), (q, columns, density, seed) => {
      let state = seed >>> 0 || 1;
      const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const dense = new Float64Array(q * columns);
      const colPtr = [0], rowLevel: number[] = [], values: number[] = [];
      for (let g = 0; g < columns; g++) {
        for (let r = 0; r < q; r++) {
          // density 1: every column full (the fully crossed path)
          if (density === 1 || uniform() < density) {
            const v = uniform() - 0.5;
            dense[r * columns + g] = v;
            rowLevel.push(r);
            values.push(v);
          }
        }
        colPtr.push(rowLevel.length);
      }
      const S = {values: Float64Array.from(values), colPtr: Int32Array.from(colPtr), rowLevel: Int32Array.from(rowLevel), columns};
      const byRows = gramRowIndex(S.colPtr, S.rowLevel, columns, q);
      const M = new Float64Array(q * q).fill(7);
      const split = Math.abs(seed) % (q + 1);
      negatedGramRows(S, M, q, split, q);
      negatedGramRows(S, M, q, 0, split);
      for (let i = 0; i < q; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let g = 0; g < columns; g++) s += dense[i * columns + g] * dense[j * columns + g];
          expect(M[i * q + j]).toBeCloseTo(-s, 12);
        }
        for (let j = i + 1; j < q; j++) expect(M[i * q + j]).toBe(7);
      }
      const rows = new Float64Array(q * q).fill(7);
      negatedGramRows({...S, byRows}, rows, q, 0, split);
      negatedGramRows({...S, byRows}, rows, q, split, q);
      expect(Array.from(rows)).toEqual(Array.from(M));
      const chunks = new Float64Array(q * q).fill(7);
      const ctl = new Int32Array(GRAM_NEXT + 1);
      expect(gramChunks(ctl, {...S, byRows}, chunks, q, 1 + (Math.abs(seed) % 5))).toBe(q);
      expect(Array.from(chunks)).toEqual(Array.from(M));
    }),
    seeded
  );
});

it("the WebAssembly trailing update equals the JavaScript one bit for bit, edges and extra rows included", () => {
  const memory = new wasmApi!.Memory({initial: 64, maximum: 64, shared: true});
  const kernel = wasmKernel(memory);
  expect(kernel).not.toBeNull();
  const view = new Float64Array(memory.buffer);
  fc.assert(
    fc.property(fc.integer({min: 3, max: 150}), fc.integer({min: 0, max: 9}), fc.integer({min: 1, max: 12}), fc.integer(), (n, m, half, seed) => {
      const k0 = Math.min(n - 2, seed & 15) & ~1;
      const k1 = Math.min(n - 1, k0 + 2 * half);
      fc.pre(k1 - k0 >= 2 && (k1 - k0) % 2 === 0);
      const a = problem(n, m, seed);
      const from = k1 + (Math.abs(seed >> 8) % Math.max(1, n + m - k1));
      const js = a.slice();
      updateTrailingRows(js, n, k0, k1, from, n + m);
      view.set(a);
      trailingRowsWasm(kernel!, view, n, k0, k1, from, n + m);
      expect(Array.from(view.subarray(0, a.length))).toEqual(Array.from(js));
    }),
    seeded
  );
});

it("the WebAssembly panel solve equals the JavaScript one bit for bit, odd widths and an odd last row included", () => {
  const memory = new wasmApi!.Memory({initial: 64, maximum: 64, shared: false});
  const kernel = wasmKernel(memory);
  expect(kernel).not.toBeNull();
  const view = new Float64Array(memory.buffer);
  fc.assert(
    fc.property(fc.integer({min: 2, max: 150}), fc.integer({min: 0, max: 9}), fc.integer({min: 1, max: 60}), fc.integer(), (n, m, width, seed) => {
      const k0 = Math.abs(seed) % (n - 1);
      const k1 = Math.min(n, k0 + width);
      const a = problem(n, m, seed);
      // the diagonal block factored (earlier columns' updates left out: the panel solve only reads it)
      expect(factorDiagonalBlock(a, n, k0, k1)).toBe(true);
      const from = k1 + (Math.abs(seed >> 8) % Math.max(1, n + m - k1));
      const js = a.slice();
      solvePanelRows(js, n, k0, k1, from, n + m);
      view.set(a);
      const at = a.length + 8;
      transposeDiagonal(view, n, k0, k1, at);
      panelRowsWasm(kernel!, view, n, k0, k1, from, n + m, at);
      expect(Array.from(view.subarray(0, a.length))).toEqual(Array.from(js));
    }),
    seeded
  );
});

it("a block-diagonal matrix (a nested term's block) factored level by level gives the dense factor bit for bit", () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 60}), fc.integer({min: 1, max: 3}), fc.integer({min: 0, max: 9}), fc.integer(), (levels, p, m, seed) => {
      const n = levels * p;
      let state = seed >>> 0 || 1;
      const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
      const a = new Float64Array((n + m) * n);
      for (let h = 0; h < levels; h++) {
        const g = Array.from({length: p * p}, uniform);
        for (let i = 0; i < p; i++) {
          for (let j = 0; j <= i; j++) {
            let s = i === j ? p : 0;
            for (let k = 0; k < p; k++) s += g[i * p + k] * g[j * p + k];
            a[(h * p + i) * n + h * p + j] = s;
          }
        }
      }
      for (let k = n * n; k < a.length; k++) a[k] = uniform();
      expect(isBlockDiagonal(a, n, p)).toBe(true);
      const dense = a.slice(), blocked = a.slice();
      expect(choleskyWithRows(dense, n, m)).toBe(true);
      expect(choleskyBlockDiagonalWithRows(blocked, n, p, m)).toBe(true);
      for (let i = 0; i < n + m; i++) for (let j = 0; j <= Math.min(i, n - 1); j++) expect(Object.is(blocked[i * n + j] + 0, dense[i * n + j] + 0)).toBe(true);
      if (levels > 1) {
        a[(n - 1) * n] = 1e-300;
        expect(isBlockDiagonal(a, n, p)).toBe(false);
      }
    }),
    seeded
  );
});

it("the outer product of a mostly-zero block (a nested term's rows) equals the dense loop's bit for bit", () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 40}), fc.integer({min: 1, max: 40}), fc.integer({min: 16, max: 200}), fc.boolean(), fc.integer(), (rows, cols, inner, lower, seed) => {
      let state = seed >>> 0 || 1;
      const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
      const r = rows, c = lower ? rows : cols;
      const P = new Float64Array(r * inner);
      for (let k = 0; k < P.length; k++) if (uniform() < -0.4) P[k] = uniform();
      const Q = lower ? P : Float64Array.from({length: c * inner}, uniform);
      const M = Float64Array.from({length: r * c}, uniform);
      const sparse = M.slice();
      subtractDenseOuter(P, r, Q, c, inner, sparse, c, lower);
      // the dense loop: two accumulators by parity
      const dense = M.slice();
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < (lower ? i + 1 : c); j++) {
          let s0 = 0, s1 = 0;
          for (let k = 0; k < inner; k++) (k & 1 ? (s1 += P[i * inner + k] * Q[j * inner + k]) : (s0 += P[i * inner + k] * Q[j * inner + k]));
          dense[i * c + j] -= s0 + s1;
        }
      }
      for (let k = 0; k < M.length; k++) expect(sparse[k] + 0).toBe(dense[k] + 0);
    }),
    seeded
  );
});

it("−S Sᵀ of a fully crossed S (every column holds every row) equals the product summed column by column, bit for bit", () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 30}), fc.integer({min: 1, max: 50}), fc.integer(), (q, columns, seed) => {
      let state = seed >>> 0 || 1;
      const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
      const values = Float64Array.from({length: q * columns}, uniform);
      const colPtr = Int32Array.from({length: columns + 1}, (_, g) => g * q);
      const rowLevel = Int32Array.from({length: q * columns}, (_, k) => k % q);
      const M = new Float64Array(q * q);
      const split = Math.floor(q / 2);
      negatedGramRows({values, colPtr, rowLevel, columns}, M, q, 0, split);
      negatedGramRows({values, colPtr, rowLevel, columns}, M, q, split, q);
      for (let r = 0; r < q; r++) {
        for (let c = 0; c <= r; c++) {
          let s = 0;
          for (let g = 0; g < columns; g++) s -= values[g * q + r] * values[g * q + c];
          expect(M[r * q + c]).toBe(s);
        }
      }
    }),
    seeded
  );
});
