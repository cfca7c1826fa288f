/**
 * The arctangent in double-double, the core of the portable atan2 and acos.
 */
import {PIO2} from "./constants.js";
import {ddAddNumber, ddDiv, ddMul, ddPolynomial, ddReciprocal, ddSqrt, ddSub, type DD} from "./double-double.js";

/** (−1)ʲ/(2j + 1) for j = 0…13 as double-doubles: atan t = t Σ (−1)ʲ t²ʲ/(2j + 1). */
const ATAN_DD: DD[] = Array.from({length: 14}, (_, j) => {
  const c = ddReciprocal(2 * j + 1);
  return j % 2 === 0 ? c : [-c[0], -c[1]];
});

/**
 * atan(t) for a double-double t ≥ 0, to about 2⁻¹⁰⁰ relative. t > 1 is turned into π/2 − atan(1/t); then the
 * half-angle formula atan t = 2 atan(t / (1 + √(1 + t²))), applied while t > 0.1 (at most three times), and
 * the alternating Taylor series to t²⁷ (remainder below 2⁻⁹⁰ relative for t ≤ 0.1).
 *
 * Reference: Abramowitz & Stegun (1964), 4.4.42 (the series) and 4.4.34 (atan t = π/2 − atan(1/t));
 * Muller (2016), Elementary Functions (3rd ed.), §5.1 (argument halving).
 *
 * @example
 *   atanDD([1, 0]); // [0.7853981633974483, 3.061616997868383e-17]
 */
export function atanDD(t: DD): DD {
  if (t[0] > 1) return ddSub(PIO2, atanDD(ddDiv([1, 0], t)));
  let halvings = 0;
  while (t[0] > 0.1) {
    t = ddDiv(t, ddAddNumber(ddSqrt(ddAddNumber(ddMul(t, t), 1)), 1));
    halvings++;
  }
  const a = ddMul(t, ddPolynomial(ATAN_DD, ddMul(t, t)));
  const s = 1 << halvings;
  return [a[0] * s, a[1] * s];
}
