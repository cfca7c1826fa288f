/**
 * The exponential from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.exp` is "implementation-approximated" in ECMAScript).
 */
import {INV_LN2, LN2} from "./constants.js";
import {ddAdd, ddMul, ddMulNumber, ddPolynomial, ddReciprocal, ddSub, type DD} from "./double-double.js";
import {scale} from "./bits.js";

/** 1/j! for j = 1…9 as double-doubles (expm1's Taylor coefficients after the leading 1). */
const FACTORIAL_DD: DD[] = (() => {
  const c: DD[] = [];
  let f: DD = [1, 0];
  for (let j = 1; j <= 9; j++) {
    f = ddMul(f, ddReciprocal(j));
    c.push(f);
  }
  return c;
})();
/** Halvings of the reduced argument before the series (undone by squaring). */
const HALVINGS = 8;
/** Above this, e^x overflows; below the other, it rounds to zero (with margins: scale decides the edge). */
const OVERFLOW = 709.8;
const UNDERFLOW = -745.2;

/**
 * e^x, within one ulp of the exact value over the whole double range (in practice the correctly rounded
 * value but for rare hard cases; results in the subnormal range are rounded twice): 1 for ±0, Infinity for
 * Infinity, 0 for −Infinity, NaN for NaN.
 *
 * @example
 *   exp(1);  // 2.718281828459045
 *   exp(-1); // 0.36787944117144233
 */
export function exp(x: number): number {
  if (x === 0) return 1;
  if (!(x === x)) return NaN;
  return expDD([x, 0]);
}

/**
 * e^(hi + lo) for a double-double argument, rounded to a double: the exponent of pow.
 *
 * Reduction (Cody & Waite, carried in double-double): k = round(x / ln 2), r = x − k·ln 2 with |r| ≤ 0.35;
 * then r/2⁸ (exact), e^(r/2⁸) − 1 by its Taylor series to the ninth power (remainder below 2⁻¹⁰⁰ relative),
 * squared back eight times as u ↦ 2u + u² (the value minus one, so nothing cancels), 1 + u rounded once
 * from double-double, and scaled by 2^k exactly.
 *
 * References: Cody & Waite (1980), Software Manual for the Elementary Functions, ch. 6 (exp's additive
 * reduction by k·ln 2); Muller (2016), Elementary Functions (3rd ed.), §11.3 (reduction by halving and
 * squaring back); Hida, Li & Bailey (2001), ARITH-15 (double-double exp by the same scheme).
 *
 * @example
 *   expDD([1, 0]); // 2.718281828459045
 */
export function expDD(x: DD): number {
  const h = x[0];
  if (!(h === h)) return NaN;
  if (h > OVERFLOW) return Infinity;
  if (h < UNDERFLOW) return 0;
  const k = Math.round(h * INV_LN2[0]);
  const r = ddSub(x, ddMulNumber(LN2, k));
  const t: DD = [r[0] / (1 << HALVINGS), r[1] / (1 << HALVINGS)];
  let u = ddMul(t, ddPolynomial(FACTORIAL_DD, t));
  for (let i = 0; i < HALVINGS; i++) u = ddAdd([2 * u[0], 2 * u[1]], ddMul(u, u));
  const v = ddAdd([1, 0], u);
  return scale(v[0], k);
}
