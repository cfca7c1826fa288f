import {upperIncompleteGamma} from "./incomplete-gamma.js";

/**
 * The upper tail of the chi-square distribution with k degrees of freedom, R's
 * `pchisq(x, k, lower.tail = FALSE)`: `P(χ²_k > x) = Q(k/2, x/2)`.
 *
 * Reference: Abramowitz & Stegun 26.4.19 (the chi-square distribution through the incomplete gamma).
 *
 * @example
 *   chiSquareUpper(3.841458820694124, 1); // 0.05
 *   chiSquareUpper(42.1393, 2); // 7.07e-10 (sleepstudy: random slope)
 */
export function chiSquareUpper(x: number, k: number): number {
  if (!(k > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return upperIncompleteGamma(k / 2, x / 2);
}
