/**
 * ln(1 + x) and eˣ − 1 without the cancellation of writing them out, from IEEE operations and this folder's
 * log and exp only, so they give the same double in every engine (`Math.log1p`/`Math.expm1` are
 * implementation-approximated). The links of the generalized models need them near 0 and near 1: the
 * complementary log-log link is log(−log(1 − μ)) and its inverse 1 − exp(−exp(η)).
 */
import {exp} from "./exp.js";
import {log} from "./log.js";

/** 1/k! for k = 2…17: the Taylor series of eˣ − 1 − x on |x| ≤ ln 2 / 2 (remainder below 2⁻⁶⁰ relative). */
const INVERSE_FACTORIAL = (() => {
  const c: number[] = [];
  let f = 1;
  for (let k = 2; k <= 17; k++) {
    f *= k;
    c.push(1 / f);
  }
  return c;
})();
const HALF_LN2 = 0.34657359027997264;

/**
 * ln(1 + x) for x > −1, within a few ulp: with u = 1 + x rounded, ln(1 + x) = ln(u) · x / (u − 1), which
 * cancels the rounding of u to first order (u − 1 is exact); x itself when u rounds to 1. −Infinity at −1,
 * NaN below −1 or for NaN.
 *
 * Reference: Goldberg (1991), "What every computer scientist should know about floating-point arithmetic",
 * ACM Computing Surveys 23(1), Theorem 4.
 *
 * @example
 *   log1p(1e-10); // 9.9999999995e-11
 *   log1p(-0.5);  // -0.6931471805599453
 */
export function log1p(x: number): number {
  if (!(x >= -1)) return NaN;
  if (x === Infinity) return Infinity;
  const u = 1 + x;
  if (u === 1) return x;
  if (u === 0) return -Infinity;
  return (log(u) * x) / (u - 1);
}

/**
 * eˣ − 1, within a few ulp: the Taylor series x + x²/2! + … + x¹⁷/17! (Horner) for |x| ≤ ln 2 / 2, where
 * exp(x) − 1 would cancel; exp(x) − 1 outside it (there eˣ ≥ √2 or ≤ 1/√2, so the subtraction loses at most a
 * bit); −1 below −40 (e⁻⁴⁰ is under half an ulp of 1).
 *
 * Reference: Abramowitz & Stegun (1964), 4.2.1 (the series); Muller (2016), Elementary Functions (3rd ed.),
 * §11.3 (why a separate function near 0).
 *
 * @example
 *   expm1(1e-10); // 1.00000000005e-10
 *   expm1(-50);   // -1
 */
export function expm1(x: number): number {
  if (!(x === x)) return NaN;
  if (x === 0) return x;
  if (x < -40) return -1;
  if (Math.abs(x) > HALF_LN2) return exp(x) - 1;
  let p = INVERSE_FACTORIAL[INVERSE_FACTORIAL.length - 1];
  for (let j = INVERSE_FACTORIAL.length - 2; j >= 0; j--) p = p * x + INVERSE_FACTORIAL[j];
  return x + x * x * p;
}
