/**
 * The exponential from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.exp` is "implementation-approximated" in ECMAScript).
 */
import {INV_LN2, LN2, LN2_HI, LN2_LO} from "./constants.js";
import {ddAdd, ddMul, ddMulNumber, ddPolynomial, ddReciprocal, ddSub, type DD} from "./double-double.js";
import {powerOfTwo, scale} from "./bits.js";

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
/** 1/j! for j = 2…14 (e^r − 1 − r = r²·Σ rʲ⁻²/j!), in double, for exp's double-precision path. */
const FACTORIAL: number[] = (() => {
  const c: number[] = [];
  let f = 1;
  for (let j = 2; j <= 14; j++) c.push(1 / (f *= j));
  return c;
})();
/** Halvings of the reduced argument before the series (undone by squaring). */
const HALVINGS = 8;
/** 2^k for k = −1021…1022, by index k + 1021: scaling a value in [0.7, 1.42] by one of these is exact. */
const POW2 = Float64Array.from({length: 2044}, (_, i) => powerOfTwo(i - 1021));
const [C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14] = FACTORIAL;
/** Above this, e^x overflows; below the other, it rounds to zero (with margins: scale decides the edge). */
const OVERFLOW = 709.8;
const UNDERFLOW = -745.2;

/**
 * e^x, within one ulp of the exact value over the whole double range (results in the subnormal range are
 * rounded twice): 1 for ±0, Infinity for Infinity, 0 for −Infinity, NaN for NaN.
 *
 * Cody & Waite's reduction: k = round(x / ln 2), r = x − k·LN2_HI exactly (LN2_HI has 32 significant bits and
 * |k| ≤ 1075, and the subtraction is exact by Sterbenz's lemma), less k·LN2_LO; e^r − 1 − r = r²·P(r) with P
 * the Taylor series to r¹⁴/14! (remainder below 2⁻⁵⁸ relative for |r| ≤ 0.35); then
 * e^r = (1 + r_hi) + (r²P − k·LN2_LO) with 1 + r_hi split exactly into a sum and its error, so only the
 * small terms round before the last addition (about 0.5 ulp), and the result is scaled by 2^k exactly.
 *
 * References: Cody & Waite (1980), Software Manual for the Elementary Functions, ch. 6; Muller (2016),
 * Elementary Functions (3rd ed.), §11.3; Tang (1989), "Table-driven implementation of the exponential
 * function in IEEE floating-point arithmetic", ACM TOMS 15(2) (the exact leading term and small correction).
 *
 * @example
 *   exp(1);  // 2.718281828459045
 *   exp(-1); // 0.36787944117144233
 */
export function exp(x: number): number {
  if (x === 0) return 1;
  if (!(x === x)) return NaN;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const k = Math.round(x * INV_LN2[0]);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  // Horner's rule from 1/14! down to 1/2!, written out (the same operations as a loop over FACTORIAL)
  const p = ((((((((((((C14 * r + C13) * r + C12) * r + C11) * r + C10) * r + C9) * r + C8) * r + C7) * r + C6) * r + C5) * r + C4) * r + C3) * r + C2);
  // 1 + hi exactly as t + e (fast two-sum, |hi| < 1), so that only the small terms round before the last sum
  const t = 1 + hi;
  const e = 1 - t + hi;
  const v = t + (e + (r * r * p - lo));
  // v lies in [0.7, 1.42]: times 2^k it is exact while the result is normal, which a table lookup gives
  return k >= -1021 && k <= 1022 ? v * POW2[k + 1021] : scale(v, k);
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
