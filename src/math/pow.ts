/**
 * x^y from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.pow` and `**` are "implementation-approximated" in ECMAScript).
 */
import {ddDiv, ddMul, ddMulNumber, type DD} from "./double-double.js";
import {expDD} from "./exp.js";
import {logDD} from "./log.js";
import {scale, significand} from "./bits.js";

/** Integer exponents up to this size go by repeated squaring; larger ones by exp(y·ln x). */
const MAX_SQUARING = 2147483648; // 2³¹
const exponent = [0];

/**
 * x^y with ECMAScript's special cases (those of `Math.pow`, Number::exponentiate): NaN when y is NaN; 1 when
 * y is ±0, even for a NaN x; NaN when x is NaN; (±1)^±Infinity is NaN; a negative x with a non-integer y is
 * NaN; signed zeros and infinities follow the parity of an integer y.
 *
 * An integer y with |y| ≤ 2³¹ goes by binary powering (right-to-left repeated squaring, a fixed sequence of
 * operations) in double-double on x's significand, with the binary exponent kept apart as an integer, then
 * one division for a negative y and one rounding: pow(x, 2) === x * x, pow(x, 3) is the correctly rounded
 * cube (x * x * x need not be), and powers of two are exact; y = 2, 1, −1 and ½ take the correctly rounded
 * x·x, x, 1/x and √x directly. Any other y goes by e^(y · ln x) with ln x and
 * the product in double-double ({@link logDD}, {@link expDD}). Both are within one ulp of the exact value
 * (in practice correctly rounded but for rare hard cases and subnormal results).
 *
 * References: ECMA-262 (2024), §6.1.6.1.3 Number::exponentiate (the special cases); Knuth, TAOCP vol. 2,
 * §4.6.3 (evaluation of powers, algorithm A); Muller (2016), Elementary Functions (3rd ed.), §11.5 (pow as
 * exp(y ln x) and the precision its logarithm needs).
 *
 * @example
 *   pow(2, 10);   // 1024
 *   pow(10, -2);  // 0.01
 *   pow(2, 0.5);  // 1.4142135623730951
 *   pow(-8, 1/3); // NaN
 */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const integer = Number.isInteger(y);
  const odd = integer && Math.abs(y) < 9007199254740992 && y % 2 !== 0;
  if (x === Infinity) return y > 0 ? Infinity : 0;
  if (x === -Infinity) return y > 0 ? (odd ? -Infinity : Infinity) : odd ? -0 : 0;
  if (x === 0) {
    const negative = 1 / x < 0 && odd;
    return y > 0 ? (negative ? -0 : 0) : negative ? -Infinity : Infinity;
  }
  if (y === Infinity || y === -Infinity) {
    const a = Math.abs(x);
    if (a === 1) return NaN;
    return (a > 1) === (y > 0) ? Infinity : 0;
  }
  if (x < 0 && !integer) return NaN;
  // exact shortcuts, each the correctly rounded value (IEEE ×, ÷ and √ round correctly)
  if (y === 2) return x * x;
  if (y === 1) return x;
  if (y === -1) return 1 / x;
  if (y === 0.5) return Math.sqrt(x);
  const sign = x < 0 && odd ? -1 : 1;
  const a = Math.abs(x);
  if (a === 1) return sign;
  if (integer && Math.abs(y) <= MAX_SQUARING) return sign * integerPower(a, y);
  const l = logDD(a);
  const t = l[0] * y;
  if (t > 710) return sign * Infinity;
  if (t < -746) return sign * 0;
  return sign * expDD(ddMulNumber(l, y));
}

/** a^n for a finite a > 0 and an integer n, 0 < |n| ≤ 2³¹: binary powering of a's significand in double-double. */
function integerPower(a: number, n: number): number {
  const m = significand(a, exponent);
  const e = exponent[0];
  let base: DD = [m, 0];
  let baseExponent = e;
  let result: DD = [1, 0];
  let resultExponent = 0;
  let bits = Math.abs(n);
  for (;;) {
    if (bits % 2 === 1) {
      result = ddMul(result, base);
      resultExponent += baseExponent;
      // keep the significand in [1, 2): exact scaling by ½
      if (result[0] >= 2) (result = [result[0] * 0.5, result[1] * 0.5]), resultExponent++;
    }
    bits = Math.floor(bits / 2);
    if (bits === 0) break;
    base = ddMul(base, base);
    baseExponent *= 2;
    if (base[0] >= 2) (base = [base[0] * 0.5, base[1] * 0.5]), baseExponent++;
  }
  if (n < 0) return scale(ddDiv([1, 0], result)[0], -resultExponent);
  return scale(result[0], resultExponent);
}
