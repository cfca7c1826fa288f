/**
 * Base-10 and base-2 logarithms from IEEE-754 operations only, so that they give the same double in every
 * JavaScript engine (`Math.log10` and `Math.log2` are "implementation-approximated" in ECMAScript).
 */
import {INV_LN10, INV_LN2} from "./constants.js";
import {ddMul} from "./double-double.js";
import {logDD} from "./log.js";

/**
 * log₁₀(x): ln x in double-double ({@link logDD}) times 1/ln 10 in double-double, rounded once; within one
 * ulp, and an integer k exactly when x is the double nearest 10^k (so `Math.floor(log10(x))` counts decimal
 * digits as it should). NaN for x < 0 or NaN, −Infinity for ±0, Infinity for Infinity.
 *
 * Reference: Abramowitz & Stegun (1964), 4.1.18 (change of base).
 *
 * @example
 *   log10(1000);  // 3
 *   log10(0.001); // -3
 *   log10(2);     // 0.3010299956639812
 */
export function log10(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  return ddMul(logDD(x), INV_LN10)[0];
}

/**
 * log₂(x): ln x in double-double times 1/ln 2 in double-double, rounded once; within one ulp, and exactly k
 * for x = 2^k. NaN for x < 0 or NaN, −Infinity for ±0, Infinity for Infinity.
 *
 * Reference: Abramowitz & Stegun (1964), 4.1.18 (change of base).
 *
 * @example
 *   log2(1024); // 10
 *   log2(3);    // 1.584962500721156
 */
export function log2(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  return ddMul(logDD(x), INV_LN2)[0];
}
