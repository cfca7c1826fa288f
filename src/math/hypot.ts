/**
 * The Euclidean norm from IEEE-754 operations only, so that it gives the same double in every JavaScript
 * engine (`Math.hypot` is "implementation-approximated" in ECMAScript, and engines sum in different orders).
 */
import {ddAdd, ddSqrt, twoProduct, type DD} from "./double-double.js";
import {exponentOf, scale} from "./bits.js";

/**
 * √(x₁² + x₂² + …) without overflow or underflow, within one ulp of the exact value, with `Math.hypot`'s
 * special cases: Infinity if any argument is ±Infinity (even with a NaN), else NaN if any is NaN; 0 for no
 * arguments or only zeros.
 *
 * Every argument is scaled by the same power of two (that of the largest; exact but for arguments more than
 * 2¹⁰⁰⁰ times smaller, whose squares do not count anyway), the squares are summed exactly in double-double in
 * the arguments' order, and the square root is taken in double-double and rounded once.
 *
 * Reference: Dekker (1971), Numerische Mathematik 18 (exact products); Muller (2016), Elementary
 * Functions (3rd ed.), §14.1 (scaling for hypot).
 *
 * @example
 *   hypot(3, 4);           // 5
 *   hypot(1e300, 1e300);   // 1.4142135623730952e300
 *   hypot(...[1, 2, 2]);   // 3
 */
export function hypot(...values: number[]): number {
  return norm(values);
}

/**
 * The Euclidean norm of an array (or typed array) of numbers: {@link hypot} of its elements.
 *
 * @example
 *   norm(Float64Array.of(3, 4)); // 5
 */
export function norm(values: ArrayLike<number>): number {
  let max = 0;
  let nan = false;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a === Infinity) return Infinity;
    if (a !== a) nan = true;
    else if (a > max) max = a;
  }
  if (nan) return NaN;
  if (max === 0) return 0;
  const k = -exponentOf(max);
  let sum: DD = [0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = scale(values[i], k);
    sum = ddAdd(sum, twoProduct(v, v));
  }
  return scale(ddSqrt(sum)[0], -k);
}
