import type {ModelFrame} from "../frame/frame.js";
import type {BlockSparse, Blocked, TermSize} from "./blocks.js";

/**
 * The weighted cross-products `[Z X y]ᵀ W [Z X y]` in blocked form, computed once per model; `y` here is
 * the response minus any offset. Cost O(n (Σpᵢ + p)²) time; memory by the block structure, never n × n.
 * The shape (sizes and the sparsity of the blocks below term 0) comes from {@link crossProductShape}, the
 * values from {@link fillCrossProducts}, which can refill them for new weights.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 and §3.1.
 *
 * @example
 *   const A = crossProducts(frame); // the last entry of A.xyXy is yᵀWy
 */
export function crossProducts(frame: ModelFrame): Blocked {
  const A = crossProductShape(frame);
  fillCrossProducts(A, frame, frame.weights, frame.y);
  return A;
}

/**
 * The blocked shape of the cross-products of a frame, with zero values: sizes, and for each term after the
 * first its blocks against term 0 at the (level of term 0, level of term i) pairs that occur in the rows.
 *
 * @example
 *   const A = crossProductShape(frame); // A.zzBelowFirst[1].rowLevel: term 1's levels met by each level of term 0
 */
export function crossProductShape(frame: ModelFrame): Blocked {
  const {n, terms} = frame;
  const p = frame.X.length;
  const px = p + 1;
  const sizes: TermSize[] = terms.map((t) => ({p: t.p, l: t.levels.length, q: t.p * t.levels.length}));
  const s0 = sizes[0];
  const zzBelowFirst: BlockSparse[] = [];
  const zzDiagonal: Float64Array[] = [];
  const zzOffDiagonal: Float64Array[][] = [];
  for (let i = 1; i < sizes.length; i++) {
    zzBelowFirst[i] = blockSparsePattern(terms[i].refs, sizes[i], terms[0].refs, s0, n);
    zzDiagonal[i] = new Float64Array(sizes[i].l * sizes[i].p * sizes[i].p);
    zzOffDiagonal[i] = [];
    for (let j = 1; j < i; j++) zzOffDiagonal[i][j] = new Float64Array(sizes[i].q * sizes[j].q);
  }
  return {
    sizes,
    nFixed: p,
    zzFirst: new Float64Array(s0.l * s0.p * s0.p),
    zzBelowFirst,
    zzDiagonal,
    zzOffDiagonal,
    xyZ: sizes.map((s) => new Float64Array(px * s.q)),
    xyXy: new Float64Array(px * px)
  };
}

/**
 * Writes `[Z X y]ᵀ W [Z X y]` for the weights `weights` (null: all 1) and the response `y` (minus the frame's
 * offset) into `A`, a {@link crossProductShape} of `frame`, in place: the shape is kept, every value recomputed.
 * For the frame's own weights and response it gives {@link crossProducts}'s values bit for bit.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 and §3.1; MixedModels.jl's `reweight!`.
 *
 * @example
 *   fillCrossProducts(A, frame, newWeights, frame.y);
 */
export function fillCrossProducts(A: Blocked, frame: ModelFrame, weights: ArrayLike<number> | null, y: ArrayLike<number>): void {
  const {n, terms} = frame;
  const {sizes} = A;
  const p = A.nFixed;
  const px = p + 1;
  const {sw, xy, Z} = scratchOf(A, frame);
  const s0 = sizes[0];
  A.xyXy.fill(0);
  for (const block of A.xyZ) block.fill(0);
  A.zzFirst.fill(0);
  const blocks: Int32Array[] = [];
  for (let i = 1; i < sizes.length; i++) {
    A.zzBelowFirst[i].values.fill(0);
    blocks[i] = blocksOfRows(A.zzBelowFirst[i], terms[0].refs, terms[i].refs, n);
    A.zzDiagonal[i].fill(0);
    for (let j = 1; j < i; j++) A.zzOffDiagonal[i][j].fill(0);
  }
  if (!weights) sw.fill(1);

  // rows in chunks of CHUNK_ROWS: each chunk's weighted rows ([X y] row-major m × (p + 1), Z of each term
  // m × pᵢ) go into small buffers and are added into the blocks at once; every block still adds its rows in
  // ascending order, so the sums are those of one pass over all rows, and the buffers stay in the cache
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, n - from);
    if (weights) for (let r = 0; r < m; r++) sw[r] = Math.sqrt(weights[from + r]);
    for (let a = 0; a < p; a++) weightedColumn(xy, frame.X[a], sw, px, a, m, from);
    weightedResponse(xy, y, frame.offset ?? null, sw, px, p, m, from);
    for (let i = 0; i < terms.length; i++) weightedRows(Z[i], terms[i].Z, sw, terms[i].p, m, from);
    const refs = terms.map((t) => t.refs.subarray(from, from + m));

    addGramLower(A.xyXy, xy, px, m);
    for (let j = 0; j < sizes.length; j++) addXyZProduct(A.xyZ[j], refs[j], Z[j], sizes[j].p, sizes[j].q, xy, px, m);
    addBlockDiagonalProduct(A.zzFirst, refs[0], Z[0], s0, m);
    for (let i = 1; i < sizes.length; i++) {
      addBlockSparseProduct(A.zzBelowFirst[i], blocks[i].subarray(from, from + m), Z[i], sizes[i], Z[0], s0, m);
      addBlockDiagonalProduct(A.zzDiagonal[i], refs[i], Z[i], sizes[i], m);
      for (let j = 1; j < i; j++) addDenseProduct(A.zzOffDiagonal[i][j], refs[i], Z[i], sizes[i], refs[j], Z[j], sizes[j], m);
    }
  }
}

/** Rows weighted and added at a time by {@link fillCrossProducts}. */
const CHUNK_ROWS = 4096;

// The row loops below take typed arrays and numbers only, so that each compiles to one tight loop whatever
// model (or evaluator) calls it.

/** Column a of the row-major `[X y]` rows `from` to `from + m`: x · √w. */
function weightedColumn(xy: Float64Array, x: Float64Array, sw: Float64Array, px: number, a: number, m: number, from: number): void {
  for (let r = 0; r < m; r++) xy[r * px + a] = x[from + r] * sw[r];
}

/** The last column of the `[X y]` rows: (y − offset) · √w. */
function weightedResponse(xy: Float64Array, y: ArrayLike<number>, offset: Float64Array | null, sw: Float64Array, px: number, p: number, m: number, from: number): void {
  if (offset) for (let r = 0; r < m; r++) xy[r * px + p] = (y[from + r] - offset[from + r]) * sw[r];
  else for (let r = 0; r < m; r++) xy[r * px + p] = (y[from + r] - 0) * sw[r];
}

/** A term's rows `from` to `from + m` of Z times √w (p values a row). */
function weightedRows(out: Float64Array, z: Float64Array, sw: Float64Array, p: number, m: number, from: number): void {
  if (p === 1) for (let r = 0; r < m; r++) out[r] = z[from + r] * sw[r];
  else for (let r = 0; r < m; r++) for (let a = 0; a < p; a++) out[r * p + a] = z[(from + r) * p + a] * sw[r];
}

/** The lower triangle of `[X y]ᵀ[X y]` from its weighted rows. */
function addGramLower(out: Float64Array, xy: Float64Array, px: number, n: number): void {
  if (px === 1) {
    for (let r = 0; r < n; r++) out[0] += xy[r] * xy[r];
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = r * px;
    for (let a = 0; a < px; a++) {
      const v = xy[o + a];
      for (let b = 0; b <= a; b++) out[a * px + b] += v * xy[o + b];
    }
  }
}

/** `[X y]ᵀ Z_j`, a dense `(p + 1) × q_j` row-major block, from the weighted rows. */
function addXyZProduct(out: Float64Array, refs: Int32Array, z: Float64Array, pj: number, q: number, xy: Float64Array, px: number, n: number): void {
  if (pj === 1) {
    for (let r = 0; r < n; r++) {
      const col = refs[r], zr = z[r], o = r * px;
      for (let a = 0; a < px; a++) out[a * q + col] += xy[o + a] * zr;
    }
    return;
  }
  for (let r = 0; r < n; r++) {
    const col = refs[r] * pj;
    for (let a = 0; a < px; a++) {
      const v = xy[r * px + a];
      for (let b = 0; b < pj; b++) out[a * q + col + b] += v * z[r * pj + b];
    }
  }
}

/** Buffers of {@link fillCrossProducts} (one chunk of rows) kept per cross-products object, so that refills (PIRLS) allocate nothing. */
interface FillScratch {
  rows: number;
  sw: Float64Array;
  xy: Float64Array;
  Z: Float64Array[];
}

const SCRATCH = new WeakMap<Blocked, FillScratch>();
const BLOCK_OF_ROW = new WeakMap<BlockSparse, Int32Array>();

function scratchOf(A: Blocked, frame: ModelFrame): FillScratch {
  const {terms} = frame;
  const rows = Math.min(CHUNK_ROWS, frame.n);
  let s = SCRATCH.get(A);
  if (!s || s.rows !== rows || s.Z.length !== terms.length || s.xy.length !== rows * (A.nFixed + 1) || s.Z.some((z, i) => z.length !== rows * terms[i].p)) {
    s = {rows, sw: new Float64Array(rows), xy: new Float64Array(rows * (A.nFixed + 1)), Z: terms.map((t) => new Float64Array(rows * t.p))};
    SCRATCH.set(A, s);
  }
  return s;
}

/** The block of each row in a block-sparse shape (computed once per shape and rows, by bisection). */
function blocksOfRows(S: BlockSparse, r0: Int32Array, ri: Int32Array, n: number): Int32Array {
  let out = BLOCK_OF_ROW.get(S);
  if (!out || out.length !== n) {
    out = new Int32Array(n);
    for (let r = 0; r < n; r++) out[r] = blockIndex(S, r0[r], ri[r]);
    BLOCK_OF_ROW.set(S, out);
  }
  return out;
}

/** Z_iᵀ Z_i, which is block diagonal (one p × p block per level), added into `out`. */
function addBlockDiagonalProduct(out: Float64Array, refs: Int32Array, z: Float64Array, s: TermSize, n: number) {
  const p = s.p;
  if (p === 1) {
    for (let r = 0; r < n; r++) out[refs[r]] += z[r] * z[r];
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = refs[r] * p * p;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) out[o + a * p + b] += z[r * p + a] * z[r * p + b];
  }
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

/** The block-sparse shape of Z_iᵀ Z_0 by the levels of term 0, block rows ascending within each column; zero values. */
function blockSparsePattern(ri: Int32Array, si: TermSize, r0: Int32Array, s0: TermSize, n: number): BlockSparse {
  const pr = si.p, pc = s0.p, bs = pr * pc;
  // the distinct (column level, row level) pairs, by a counting sort of the rows on the column level and a
  // mark per row level: O(n + levels) with no per-row keys (a Set of a million keys took 0.1 s and 50 MB)
  const start = new Int32Array(s0.l + 1);
  for (let r = 0; r < n; r++) start[r0[r] + 1]++;
  for (let g = 0; g < s0.l; g++) start[g + 1] += start[g];
  const next = start.slice(0, s0.l);
  const byColumn = new Int32Array(n);
  for (let r = 0; r < n; r++) byColumn[next[r0[r]]++] = ri[r];
  const mark = new Int32Array(si.l).fill(-1);
  const colPtr = new Int32Array(s0.l + 1);
  const found = new Int32Array(n);
  let count = 0;
  for (let g = 0; g < s0.l; g++) {
    const first = count;
    for (let k = start[g]; k < start[g + 1]; k++) {
      const h = byColumn[k];
      if (mark[h] !== g) (mark[h] = g), (found[count++] = h);
    }
    found.subarray(first, count).sort();
    colPtr[g + 1] = count;
  }
  const rowLevel = found.slice(0, count);
  return {pr, pc, colPtr, rowLevel, values: new Float64Array(count * bs)};
}

/** Z_iᵀ Z_0 added into the values of its block-sparse shape `S` (from {@link blockSparsePattern}); `blocks`: each row's block. */
function addBlockSparseProduct(S: BlockSparse, blocks: Int32Array, zi: Float64Array, si: TermSize, z0: Float64Array, s0: TermSize, n: number) {
  const pr = si.p, pc = s0.p, bs = pr * pc;
  const values = S.values;
  if (bs === 1) {
    for (let r = 0; r < n; r++) values[blocks[r]] += zi[r] * z0[r];
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = blocks[r] * bs;
    for (let a = 0; a < pr; a++) {
      const v = zi[r * pr + a];
      for (let b = 0; b < pc; b++) values[o + a * pc + b] += v * z0[r * pc + b];
    }
  }
}

/** The index of block (row level h, column level g) of a block-sparse matrix, by bisection in column g. */
function blockIndex(S: BlockSparse, g: number, h: number): number {
  let lo = S.colPtr[g], hi = S.colPtr[g + 1] - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (S.rowLevel[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
