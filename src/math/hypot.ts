/**
 * The Euclidean norm from IEEE-754 operations only, so that it gives the same double in every JavaScript
 * engine (`Math.hypot` is "implementation-approximated" in ECMAScript, and engines sum in different orders).
 */
import {exponentOf, powerOfTwo, scale} from "./bits.js";
import {ddAddInto} from "./double-double.js";

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
  // v · 2^k is scale(v, k) when 2^k is a normal double (both round once, or are exact); ddAdd(sum,
  // twoProduct(v, v)) and ddSqrt written out below: the same operations as double-double.ts, no arrays per value
  const factor = k >= -1022 && k <= 1023 ? powerOfTwo(k) : 0;
  let s = 0, e = 0;
  for (let i = 0; i < values.length; i++) {
    const v = factor ? values[i] * factor : scale(values[i], k);
    const p = v * v;
    const t = SPLITTER * v;
    const h = t - (t - v);
    const l = v - h;
    const q = h * h - p + h * l + l * h + l * l;
    ddAddInto(s, e, p, q, SUM);
    s = SUM[0];
    e = SUM[1];
  }
  // ddSqrt([s, e])[0]
  let root: number;
  if (!(s > 0)) root = s === 0 ? 0 : NaN;
  else {
    const r = Math.sqrt(s);
    const p = r * r;
    const t = SPLITTER * r;
    const h = t - (t - r);
    const l = r - h;
    const q = h * h - p + h * l + l * h + l * l;
    root = r + (s - p - q + e) / (2 * r);
  }
  return scale(root, -k);
}

/** Veltkamp's splitting constant (as in double-double.ts). */
const SPLITTER = 134217729;
/** The running sum of squares as a double-double (no pair allocated per value). */
const SUM = new Float64Array(2);
