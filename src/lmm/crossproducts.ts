import type {ModelFrame} from "../frame/frame.js";
import type {BlockSparse, Blocked, TermSize} from "./blocks.js";

/**
 * The weighted cross-products `[Z X y]ᵀ W [Z X y]` in blocked form, computed once per model; `y` here is
 * the response minus any offset. Cost O(n (Σpᵢ + p)²) time; memory by the block structure, never n × n.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 and §3.1.
 *
 * @example
 *   const A = crossProducts(frame); // A.xyXy[p * (p + 1) + p] is yᵀy
 */
export function crossProducts(frame: ModelFrame): Blocked {
  const {n, terms} = frame;
  const p = frame.X.length;
  const px = p + 1;
  const sizes: TermSize[] = terms.map((t) => ({p: t.p, l: t.levels.length, q: t.p * t.levels.length}));
  const sw = new Float64Array(n);
  for (let r = 0; r < n; r++) sw[r] = frame.weights ? Math.sqrt(frame.weights[r]) : 1;

  // [X y] rows, weighted, row-major n × (p + 1)
  const xy = new Float64Array(n * px);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < p; a++) xy[r * px + a] = frame.X[a][r] * sw[r];
    xy[r * px + p] = (frame.y[r] - (frame.offset ? frame.offset[r] : 0)) * sw[r];
  }
  // weighted Z of each term, row-major n × pᵢ
  const Z = terms.map((t) => {
    const z = new Float64Array(n * t.p);
    for (let r = 0; r < n; r++) for (let a = 0; a < t.p; a++) z[r * t.p + a] = t.Z[r * t.p + a] * sw[r];
    return z;
  });

  const xx = new Float64Array(px * px);
  for (let r = 0; r < n; r++) {
    const o = r * px;
    for (let a = 0; a < px; a++) {
      const v = xy[o + a];
      for (let b = 0; b <= a; b++) xx[a * px + b] += v * xy[o + b];
    }
  }

  const xz = sizes.map((s, j) => {
    const out = new Float64Array(px * s.q);
    const refs = terms[j].refs, z = Z[j], pj = s.p;
    for (let r = 0; r < n; r++) {
      const col = refs[r] * pj;
      for (let a = 0; a < px; a++) {
        const v = xy[r * px + a];
        for (let b = 0; b < pj; b++) out[a * s.q + col + b] += v * z[r * pj + b];
      }
    }
    return out;
  });

  const s0 = sizes[0];
  const diag0 = blockDiagonalProduct(terms[0].refs, Z[0], s0, n);

  const sparse0: BlockSparse[] = [];
  const diag: Float64Array[] = [];
  const dense: Float64Array[][] = [];
  for (let i = 1; i < sizes.length; i++) {
    sparse0[i] = blockSparseProduct(terms[i].refs, Z[i], sizes[i], terms[0].refs, Z[0], s0, n);
    diag[i] = blockDiagonalProduct(terms[i].refs, Z[i], sizes[i], n);
    dense[i] = [];
    for (let j = 1; j < i; j++) {
      const m = new Float64Array(sizes[i].q * sizes[j].q);
      addDenseProduct(m, terms[i].refs, Z[i], sizes[i], terms[j].refs, Z[j], sizes[j], n);
      dense[i][j] = m;
    }
  }
  return {sizes, nFixed: p, zzFirst: diag0, zzBelowFirst: sparse0, zzDiagonal: diag, zzOffDiagonal: dense, xyZ: xz, xyXy: xx};
}

/** Z_iᵀ Z_i, which is block diagonal: one p × p block per level. */
function blockDiagonalProduct(refs: Int32Array, z: Float64Array, s: TermSize, n: number): Float64Array {
  const p = s.p;
  const out = new Float64Array(s.l * p * p);
  for (let r = 0; r < n; r++) {
    const o = refs[r] * p * p;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) out[o + a * p + b] += z[r * p + a] * z[r * p + b];
  }
  return out;
}

/** Z_iᵀ Z_j accumulated into a dense q_i × q_j row-major matrix. */
function addDenseProduct(out: Float64Array, ri: Int32Array, zi: Float64Array, si: TermSize, rj: Int32Array, zj: Float64Array, sj: TermSize, n: number) {
  const pi = si.p, pj = sj.p, qj = sj.q;
  for (let r = 0; r < n; r++) {
    const row = ri[r] * pi, col = rj[r] * pj;
    for (let a = 0; a < pi; a++) {
      const v = zi[r * pi + a];
      for (let b = 0; b < pj; b++) out[(row + a) * qj + col + b] += v * zj[r * pj + b];
    }
  }
}

/** Z_iᵀ Z_0 as a block-sparse matrix by the levels of term 0, block rows ascending within each column. */
function blockSparseProduct(ri: Int32Array, zi: Float64Array, si: TermSize, r0: Int32Array, z0: Float64Array, s0: TermSize, n: number): BlockSparse {
  const pr = si.p, pc = s0.p, bs = pr * pc;
  // distinct (column level, row level) pairs
  const pairs = new Map<number, number>();
  const keys: number[] = [];
  for (let r = 0; r < n; r++) {
    const key = r0[r] * si.l + ri[r];
    if (!pairs.has(key)) (pairs.set(key, 0), keys.push(key));
  }
  keys.sort((a, b) => a - b);
  const colPtr = new Int32Array(s0.l + 1);
  const rowLevel = new Int32Array(keys.length);
  keys.forEach((key, k) => {
    pairs.set(key, k);
    colPtr[Math.floor(key / si.l) + 1]++;
    rowLevel[k] = key % si.l;
  });
  for (let g = 0; g < s0.l; g++) colPtr[g + 1] += colPtr[g];
  const values = new Float64Array(keys.length * bs);
  for (let r = 0; r < n; r++) {
    const o = pairs.get(r0[r] * si.l + ri[r])! * bs;
    for (let a = 0; a < pr; a++) {
      const v = zi[r * pr + a];
      for (let b = 0; b < pc; b++) values[o + a * pc + b] += v * z0[r * pc + b];
    }
  }
  return {pr, pc, colPtr, rowLevel, values};
}
