/**
 * The natural logarithm from IEEE-754 operations only, so that it gives the same double in every JavaScript
 * engine (`Math.log` is "implementation-approximated" in ECMAScript: V8's in Node 20 and Chromium's differ in
 * the last bit for some arguments, enough to send an optimizer down another path).
 */
import {LN2, LN2_HI, LN2_LO} from "./constants.js";
import {ddAdd, ddDiv, ddMul, ddMulNumber, ddPolynomial, ddReciprocal, twoSum, type DD} from "./double-double.js";
import {powerOfTwo, significand} from "./bits.js";

const SQRT2 = 1.4142135623730951;
/** 2/(2j + 1) for j = 1…10: ln(1 + f) = 2 atanh(s) = 2s + s·(2s²/3 + 2s⁴/5 + …), s = f/(2 + f). */
const ATANH2 = Array.from({length: 10}, (_, j) => 2 / (2 * j + 3));
/** 1/(2j + 1) for j = 0…15 as double-doubles, for the logarithm in double-double. */
const ATANH_DD: DD[] = Array.from({length: 16}, (_, j) => ddReciprocal(2 * j + 1));
const exponent = [0];
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high 32-bit word (sign, exponent, top of the significand): 1 on little-endian hosts. */
const HI = ((F64[0] = 1), U32[1] === 0x3ff00000 ? 1 : 0);
/** 2⁵⁴, to lift a subnormal into the normal range exactly. */
const TWO54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308;
/** 2^(1023 − e) for each biased exponent e = 1…2046: a normal double with that exponent times it lies in [1, 2), exactly. */
const INVERSE_POW2 = Float64Array.from({length: 2047}, (_, e) => (e === 0 ? 0 : powerOfTwoAny(1023 - e)));

/** 2^k for an integer k in [−1023, 1022], exactly (2⁻¹⁰²³ is subnormal, built as 2⁻¹⁰²² / 2). */
function powerOfTwoAny(k: number): number {
  return k < -1022 ? powerOfTwo(-1022) / 2 : powerOfTwo(k);
}
const [A0, A1, A2, A3, A4, A5, A6, A7, A8, A9] = ATANH2;

/**
 * ln(x), within one ulp of the exact value over the whole double range (subnormals included): NaN for
 * x < 0 or NaN, −Infinity for ±0, Infinity for Infinity; ln(1) = 0.
 *
 * x = m · 2^k exactly (m in [1/√2, √2)), f = m − 1 (exact), s = f/(2 + f), and
 * ln(1 + f) = 2 atanh(s) = f − (f²/2 − s·(f²/2 + R)), R = 2s²/3 + 2s⁴/5 + … + 2s²⁰/21 (the series'
 * remainder is below 2⁻⁶⁰ relative for |s| ≤ 0.1716): the leading f is exact and the correction small, so
 * the result is within about 0.6 ulp; ln x = k·ln 2 + ln(1 + f), with ln 2 split so that k·LN2_HI is exact and
 * k·LN2_HI + f summed exactly (two-sum) before the small terms are added.
 *
 * References: Abramowitz & Stegun (1964), Handbook of Mathematical Functions, 4.1.27 (the series of
 * ln((1 + s)/(1 − s))); Muller (2016), Elementary Functions (3rd ed.), §11.2 (exact range reduction) and
 * Tang (1990), "Table-driven implementation of the logarithm function in IEEE floating-point arithmetic",
 * ACM TOMS 16(4) (writing the result as an exact leading term plus a small correction).
 *
 * @example
 *   log(Math.E); // 1
 *   log(0.5);    // -0.6931471805599453
 */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = m · 2^k from its bits (as bits.ts's significand, written in so that log stays one small function the
  // engine inlines into the loops that call it)
  // (the significand by multiplying with 2^−k, exact, rather than rewriting the high word: a 4-byte store read
  // back as 8 bytes stalls the processor)
  let k = -1023;
  if (x < MIN_NORMAL) (x *= TWO54), (k -= 54);
  F64[0] = x;
  const biased = U32[HI] >>> 20;
  k += biased;
  let m = x * INVERSE_POW2[biased];
  if (m > SQRT2) (m *= 0.5), k++;
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  // Horner's rule from 2/21 down to 2/3, written out (the same operations as a loop over ATANH2)
  const r = (((((((((A9 * z + A8) * z + A7) * z + A6) * z + A5) * z + A4) * z + A3) * z + A2) * z + A1) * z + A0) * z;
  const hfsq = 0.5 * f * f;
  // k·LN2_HI + f exactly as t + e (two-sum), then the small correction: one rounding of consequence
  const a = k * LN2_HI;
  const t = a + f;
  const v = t - a;
  const e = a - (t - v) + (f - v);
  return t + (e + (s * (hfsq + r) + k * LN2_LO - hfsq));
}

/**
 * ln(x) as a double-double [hi, lo] for a finite x > 0, to about 2⁻¹⁰⁰ relative: the same reduction as
 * {@link log}, s = f/(2 + f) and its atanh series (sixteen terms, remainder below 2⁻⁸⁶) in double-double.
 * For pow, log10 and log2, whose results must be rounded from more than a double's precision.
 *
 * @example
 *   logDD(10); // [2.302585092994046, -2.1707562233822494e-16]
 */
export function logDD(x: number): DD {
  let m = significand(x, exponent);
  let k = exponent[0];
  if (m > SQRT2) (m *= 0.5), k++;
  const f = m - 1;
  const s = ddDiv([f, 0], twoSum(2, f));
  const series = ddPolynomial(ATANH_DD, ddMul(s, s));
  const lnm = ddMul(s, series);
  return ddAdd(ddMulNumber(LN2, k), [2 * lnm[0], 2 * lnm[1]]);
}

/**
 * ln(x) correctly rounded (the double nearest the exact value), from {@link logDD}'s double-double: hi + lo
 * rounds once, and is the nearest double unless the exact value lies within about 2⁻⁸⁶ relative of a
 * midpoint between two doubles. Slower than {@link log} (a double-double series); for data, where the value
 * should be the one R, DuckDB and PostgreSQL compute with the C library's log: glibc's (within 0.52 ulp)
 * agrees on all 6528 positive values of Produc's columns, where {@link log} differs in 8 by one ulp, and on
 * 3998 of 4000 seeded values (test/math.test.ts), where it rounds a near-midpoint the wrong way.
 * Special cases as {@link log}.
 *
 * Reference: Muller et al. (2018), Handbook of Floating-Point Arithmetic (2nd ed.), §10.5 (correct rounding
 * from a result with extra precision; the table maker's dilemma).
 *
 * @example
 *   logRounded(28418); // 10.254778776049298, as R's log(28418)
 */
export function logRounded(x: number): number {
  if (!(x > 0) || x === Infinity) return log(x);
  const [hi, lo] = logDD(x);
  return hi + lo;
}
