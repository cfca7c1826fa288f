/**
 * The arccosine from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.acos` is "implementation-approximated" in ECMAScript).
 */
import {PI, PIO2} from "./constants.js";
import {ddDiv, ddMul, ddSqrt, ddSub, twoSum} from "./double-double.js";
import {atanDD} from "./atan.js";

/**
 * acos(x) in [0, π] for x in [−1, 1], within one ulp of the exact value: NaN outside [−1, 1] and for NaN;
 * acos(1) = 0, acos(−1) = π (rounded).
 *
 * acos x = atan(√((1 − x)(1 + x)) / x) for x > 0 and π minus that for x < 0, with 1 ± x exact (two-sum), the
 * product, square root and quotient in double-double, and {@link atanDD}; π/2 − x for |x| < 2⁻⁶⁰.
 *
 * Reference: Abramowitz & Stegun (1964), 4.4.3 (acos through atan).
 *
 * @example
 *   acos(0.5); // 1.0471975511965979
 *   acos(-1);  // 3.141592653589793
 */
export function acos(x: number): number {
  if (!(Math.abs(x) <= 1)) return NaN;
  if (x === 1) return 0;
  const a = Math.abs(x);
  if (a < 8.673617379884035e-19) return ddSub(PIO2, [x, 0])[0];
  const s = ddSqrt(ddMul(twoSum(1, -a), twoSum(1, a)));
  const angle = atanDD(ddDiv(s, [a, 0]));
  return (x < 0 ? ddSub(PI, angle) : angle)[0];
}
