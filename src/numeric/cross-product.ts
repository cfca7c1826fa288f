/**
 * `XᵀX` of columns of equal length, p × p row-major.
 *
 * Reference: Golub & Van Loan (2013), Matrix Computations (4th ed.), §1.1 (matrix products).
 *
 * @example
 *   crossProduct([Float64Array.of(1, 1), Float64Array.of(0, 2)]); // [2, 2, 2, 4]
 */
export function crossProduct(columns: readonly ArrayLike<number>[]): Float64Array {
  const p = columns.length;
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      const x = columns[a], y = columns[b];
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i] * y[i];
      out[a * p + b] = out[b * p + a] = s;
    }
  }
  return out;
}
