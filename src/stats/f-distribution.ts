import {chiSquareUpper} from "./chi-square.js";
import {incompleteBeta} from "./incomplete-beta.js";

/**
 * The upper tail of Fisher's F distribution with `d1` and `d2` degrees of freedom, R's
 * `pf(x, d1, d2, lower.tail = FALSE)`: with `x' = d2/(d2 + d1 x)`, `P(F > x) = I_x'(d2/2, d1/2)`, its
 * complement `d1 x/(d2 + d1 x)` passed separately so that a large F keeps full precision. An infinite `d2`
 * gives the chi-square limit `P(χ²_d1 > d1 x)`.
 *
 * Reference: Abramowitz & Stegun 26.6.2 (the F distribution through the incomplete beta function) and
 * 26.6.11 (its limit as d2 → ∞).
 *
 * @example
 *   fUpper(3.2, 2, 20); // 0.06227 (R: pf(3.2, 2, 20, lower.tail = FALSE))
 *   fUpper(45.853, 1, 17); // 3.264e-6, the two-sided t test of t² = 45.853 on 17 df
 */
export function fUpper(x: number, d1: number, d2: number): number {
  if (Number.isNaN(x) || !(d1 > 0) || !(d2 > 0)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (d2 === Infinity) return chiSquareUpper(d1 * x, d1);
  const s = d2 + d1 * x;
  return incompleteBeta(d2 / s, d2 / 2, d1 / 2, (d1 * x) / s);
}
