import {GRAM_NEXT} from "./helper-thread.js";

/**
 * The lower triangle of `−S Sᵀ` for a sparse matrix S with one entry per (row, column) pair, row by row,
 * so that two threads can each take a range of rows: in a blocked Cholesky factorization this is the
 * update that a block-diagonal first term leaves on a later term's dense diagonal block (S = L₁₀, the
 * block below the first term's factor, of a term with one coefficient per level against a first term with
 * one coefficient per level).
 *
 * S is stored by columns ({@link SparseColumns}).
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (the Schur complement update of block
 * Cholesky); Davis, Direct Methods for Sparse Linear Systems (2006), §2.2 (compressed-column storage).
 *
 * With `byRows` (S's {@link gramRowIndex}) the rows of M are filled one at a time, in the same order.
 *
 * @example
 *   // S = [[1, 0], [2, 3]] by columns: column 0 rows 0, 1; column 1 row 1
 *   const S = {values: Float64Array.of(1, 2, 3), colPtr: Int32Array.of(0, 2, 3), rowLevel: Int32Array.of(0, 1, 1), columns: 2};
 *   const M = new Float64Array(4);
 *   negatedGramRows(S, M, 2, 0, 2); // M's lower triangle = −[[1, ·], [2, 13]]
 */
export function negatedGramRows(S: SparseColumns, M: Float64Array, q: number, from: number, to: number): void {
  const {values, colPtr, rowLevel, columns, byRows} = S;
  if (colPtr[columns] === q * columns) {
    denseNegatedGramRows(values, columns, M, q, from, to);
    return;
  }
  if (byRows) {
    gramByRows(values, rowLevel, byRows, M, q, from, to);
    return;
  }
  for (let r = from; r < to; r++) M.fill(0, r * q, r * q + r + 1);
  for (let g = 0; g < columns; g++) {
    const start = colPtr[g], end = colPtr[g + 1];
    for (let a = start; a < end; a++) {
      const r = rowLevel[a];
      if (r < from) continue;
      if (r >= to) break;
      const va = values[a], row = r * q;
      for (let b = start; b <= a; b++) M[row + rowLevel[b]] -= va * values[b];
    }
  }
}

/**
 * A sparse matrix S by columns: column g holds `values[b]` in rows `rowLevel[b]`, `b = colPtr[g] …
 * colPtr[g+1]-1`, rows ascending within a column; `byRows`, its row index ({@link gramRowIndex}), if made.
 */
export interface SparseColumns {
  values: Float64Array;
  colPtr: Int32Array;
  rowLevel: Int32Array;
  columns: number;
  byRows?: GramRowIndex;
}

/**
 * S's entries listed by rows (compressed-row over the column storage): row r's entries are
 * `entry[rowPtr[r] … rowPtr[r+1]-1]`, indices into S's `values`, in order of column, and `start[k]` is where
 * the column of `entry[k]` starts. Made once per sparsity pattern ({@link gramRowIndex}).
 */
export interface GramRowIndex {
  rowPtr: Int32Array;
  entry: Int32Array;
  start: Int32Array;
}

/**
 * The row index of S ({@link GramRowIndex}), its arrays made by `alloc` (shared memory for two threads).
 *
 * @example
 *   // S = [[1, 0], [2, 3]] by columns: column 0 rows 0, 1; column 1 row 1
 *   gramRowIndex(Int32Array.of(0, 2, 3), Int32Array.of(0, 1, 1), 2, 2);
 *   // {rowPtr: [0, 1, 3], entry: [0, 1, 2], start: [0, 0, 2]}
 */
export function gramRowIndex(
  colPtr: Int32Array,
  rowLevel: Int32Array,
  columns: number,
  q: number,
  alloc: (values: ArrayLike<number>) => Int32Array = (values) => Int32Array.from(values)
): GramRowIndex {
  const nnz = colPtr[columns];
  const rowPtr = new Int32Array(q + 1);
  for (let a = 0; a < nnz; a++) rowPtr[rowLevel[a] + 1]++;
  for (let r = 0; r < q; r++) rowPtr[r + 1] += rowPtr[r];
  const next = rowPtr.slice(0, q);
  const entry = new Int32Array(nnz), start = new Int32Array(nnz);
  for (let g = 0; g < columns; g++) {
    for (let a = colPtr[g]; a < colPtr[g + 1]; a++) {
      const k = next[rowLevel[a]]++;
      entry[k] = a;
      start[k] = colPtr[g];
    }
  }
  return {rowPtr: alloc(rowPtr), entry: alloc(entry), start: alloc(start)};
}

/**
 * {@link negatedGramRows} row by row through the row index: each row of M gets its products from the
 * columns in increasing order, as the column loop gives them (so the same numbers), but one row of M is
 * written at a time, which stays in cache, instead of scattered rows of all of M for each column.
 */
function gramByRows(values: Float64Array, rowLevel: Int32Array, index: GramRowIndex, M: Float64Array, q: number, from: number, to: number): void {
  const {rowPtr, entry, start} = index;
  for (let r = from; r < to; r++) {
    const row = r * q;
    M.fill(0, row, row + r + 1);
    for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
      const a = entry[k], va = values[a];
      for (let b = start[k]; b <= a; b++) M[row + rowLevel[b]] -= va * values[b];
    }
  }
}

/**
 * {@link negatedGramRows} by chunks of `chunk` rows taken from the shared counter `ctl[GRAM_NEXT]` until
 * none are left: two threads calling it share the rows as they go. Returns the rows this thread computed.
 *
 * @example
 *   Atomics.store(ctl, GRAM_NEXT, 0); // then on each thread:
 *   gramChunks(ctl, S, M, q, 16);
 */
export function gramChunks(ctl: Int32Array, S: SparseColumns, M: Float64Array, q: number, chunk: number): number {
  const {values, colPtr, columns} = S;
  const dense = colPtr[columns] === q * columns;
  // fully crossed: S by rows once for all of this thread's chunks
  const T = dense ? transposedRows(values, columns, q) : null;
  let rows = 0;
  for (;;) {
    const from = Atomics.add(ctl, GRAM_NEXT, chunk);
    if (from >= q) return rows;
    const to = Math.min(q, from + chunk);
    if (T) denseRows(T, columns, M, q, from, to);
    else negatedGramRows(S, M, q, from, to);
    rows += to - from;
  }
}

const transposed = new WeakMap<Float64Array, Float64Array>();

/** S (every column holding all q rows) copied by rows, into an array kept for `values`. */
function transposedRows(values: Float64Array, columns: number, q: number): Float64Array {
  let T = transposed.get(values);
  if (!T || T.length !== values.length) transposed.set(values, (T = new Float64Array(values.length)));
  for (let g = 0; g < columns; g++) for (let r = 0; r < q; r++) T[r * columns + g] = values[g * q + r];
  return T;
}

/**
 * {@link negatedGramRows} when every column holds all q rows (fully crossed factors): S copied by rows, then
 * each entry of −S Sᵀ summed in a register, four entries at a time, over the columns in the same order as the
 * sparse loop (so the same numbers), instead of a read-modify-write of M per product.
 */
function denseNegatedGramRows(values: Float64Array, columns: number, M: Float64Array, q: number, from: number, to: number): void {
  denseRows(transposedRows(values, columns, q), columns, M, q, from, to);
}

/** Rows `from…to-1` of −S Sᵀ from S by rows (`T`). */
function denseRows(T: Float64Array, columns: number, M: Float64Array, q: number, from: number, to: number): void {
  for (let r = from; r < to; r++) {
    const a = r * columns;
    let c = 0;
    for (; c + 3 <= r; c += 4) {
      const b0 = c * columns, b1 = b0 + columns, b2 = b1 + columns, b3 = b2 + columns;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let g = 0; g < columns; g++) {
        const v = T[a + g];
        s0 -= v * T[b0 + g];
        s1 -= v * T[b1 + g];
        s2 -= v * T[b2 + g];
        s3 -= v * T[b3 + g];
      }
      M[r * q + c] = s0;
      M[r * q + c + 1] = s1;
      M[r * q + c + 2] = s2;
      M[r * q + c + 3] = s3;
    }
    for (; c <= r; c++) {
      const b = c * columns;
      let s = 0;
      for (let g = 0; g < columns; g++) s -= T[a + g] * T[b + g];
      M[r * q + c] = s;
    }
  }
}
