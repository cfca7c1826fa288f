/**
 * The lower triangle of `−S Sᵀ` for a sparse matrix S with one entry per (row, column) pair, row by row,
 * so that two threads can each take a range of rows: in a blocked Cholesky factorization this is the
 * update that a block-diagonal first term leaves on a later term's dense diagonal block (S = L₁₀, the
 * block below the first term's factor, of a term with one coefficient per level against a first term with
 * one coefficient per level).
 *
 * S is stored by columns: column g holds `values[b]` in rows `rowLevel[b]`, `b = colPtr[g] … colPtr[g+1]-1`,
 * rows ascending within a column.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (the Schur complement update of block
 * Cholesky); Davis, Direct Methods for Sparse Linear Systems (2006), §2.2 (compressed-column storage).
 *
 * @example
 *   // S = [[1, 0], [2, 3]] by columns: column 0 rows 0, 1; column 1 row 1
 *   const M = new Float64Array(4);
 *   negatedGramRows(Float64Array.of(1, 2, 3), Int32Array.of(0, 2, 3), Int32Array.of(0, 1, 1), 2, M, 2, 0, 2);
 *   // M's lower triangle = −[[1, ·], [2, 13]]
 */
export function negatedGramRows(
  values: Float64Array,
  colPtr: Int32Array,
  rowLevel: Int32Array,
  columns: number,
  M: Float64Array,
  q: number,
  from: number,
  to: number
): void {
  if (colPtr[columns] === q * columns) {
    denseNegatedGramRows(values, columns, M, q, from, to);
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

const transposed = new WeakMap<Float64Array, Float64Array>();

/**
 * {@link negatedGramRows} when every column holds all q rows (fully crossed factors): S copied by rows, then
 * each entry of −S Sᵀ summed in a register, four entries at a time, over the columns in the same order as the
 * sparse loop (so the same numbers), instead of a read-modify-write of M per product.
 */
function denseNegatedGramRows(values: Float64Array, columns: number, M: Float64Array, q: number, from: number, to: number): void {
  let T = transposed.get(values);
  if (!T || T.length !== values.length) transposed.set(values, (T = new Float64Array(values.length)));
  for (let g = 0; g < columns; g++) for (let r = 0; r < q; r++) T[r * columns + g] = values[g * q + r];
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

/**
 * The row that splits the work of {@link negatedGramRows} over rows `0…q-1` into two equal parts.
 *
 * @example
 *   gramSplit(Int32Array.of(0, 2, 3), Int32Array.of(0, 1, 1), 2, 2); // 1
 */
export function gramSplit(colPtr: Int32Array, rowLevel: Int32Array, columns: number, q: number): number {
  const work = new Float64Array(q);
  for (let r = 0; r < q; r++) work[r] = r + 1;
  for (let g = 0; g < columns; g++) {
    for (let a = colPtr[g]; a < colPtr[g + 1]; a++) work[rowLevel[a]] += 2 * (a - colPtr[g] + 1);
  }
  let total = 0;
  for (let r = 0; r < q; r++) total += work[r];
  let below = 0;
  for (let r = q - 1; r > 0; r--) {
    below += work[r];
    if (2 * below >= total) return r;
  }
  return 0;
}
