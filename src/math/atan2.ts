/**
 * The two-argument arctangent from IEEE-754 operations only, so that it gives the same double in every
 * JavaScript engine (`Math.atan2` is "implementation-approximated" in ECMAScript).
 */
import {PI, PIO2} from "./constants.js";
import {ddDiv, ddSub, type DD} from "./double-double.js";
import {exponentOf, scale} from "./bits.js";
import {atanDD} from "./atan.js";

/**
 * The angle of the point (x, y) from the positive x axis, in [−π, π], within one ulp of the exact value, with
 * ECMAScript's special cases (those of `Math.atan2`): signed zeros give ±0 or ±π, infinities give multiples of
 * π/4, NaN gives NaN.
 *
 * |y|/|x| as a double-double after scaling both by the same power of two (exact), then {@link atanDD}, then
 * π − that when x < 0, rounded once; ratios beyond 2⁶⁰ either way use atan u ≈ u.
 *
 * References: ECMA-262 (2024), §21.3.2.9 Math.atan2 (the special cases); Abramowitz & Stegun (1964),
 * 4.4.42.
 *
 * @example
 *   atan2(1, 1);   // 0.7853981633974483
 *   atan2(1, -1);  // 2.356194490192345
 *   atan2(-0, -1); // -3.141592653589793
 */
export function atan2(y: number, x: number): number {
  if (y !== y || x !== x) return NaN;
  const negative = y < 0 || (y === 0 && 1 / y < 0);
  const sign = negative ? -1 : 1;
  const left = x < 0 || (x === 0 && 1 / x < 0);
  if (y === 0) return sign * (left ? PI[0] : 0);
  if (x === 0) return sign * PIO2[0];
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  if (ay === Infinity) return sign * (ax === Infinity ? (left ? 2.356194490192345 : 0.7853981633974483) : PIO2[0]);
  if (ax === Infinity) return sign * (left ? PI[0] : 0);
  const d = exponentOf(ay) - exponentOf(ax);
  let angle: DD;
  if (d > 60) {
    // atan(|y|/|x|) = π/2 − atan(|x|/|y|), and atan u = u to 2⁻¹²⁰ relative here
    angle = ddSub(PIO2, [ax / ay, 0]);
  } else if (d < -60) {
    const u = ay / ax;
    if (!left) return sign * u;
    angle = [u, 0];
  } else {
    const k = -exponentOf(ax);
    angle = atanDD(ddDiv([scale(ay, k), 0], [scale(ax, k), 0]));
  }
  return sign * (left ? ddSub(PI, angle) : angle)[0];
}
