/**
 * The two pieces of Loader's saddle-point expansion of the binomial and Poisson probabilities, which keep
 * their relative precision where writing log C(n, x) + x log p + (n − x) log(1 − p) out would cancel
 * (large n, x near np).
 *
 * Reference: Loader (2000), "Fast and accurate computation of binomial probabilities" (the expansion and
 * the series below); the values of δ(n) at half-integers are 300-bit (mpmath) evaluations of the definition.
 */
import {log} from "../math/index.js";
import {logGamma} from "./log-gamma.js";

/** δ(k/2) for k = 0…30, rounded from 300-bit values; δ(0) = 0 by convention. */
const HALVES = [
  0.0, 0.15342640972002736, 0.08106146679532726, 0.05481412105191765, 0.0413406959554093, 0.03316287351993629,
  0.02767792568499834, 0.023746163656297496, 0.020790672103765093, 0.018488450532673187, 0.016644691189821193,
  0.015134973221917378, 0.013876128823070748, 0.012810465242920227, 0.01189670994589177, 0.011104559758206917,
  0.010411265261972096, 0.009799416126158804, 0.009255462182712733, 0.008768700134139386, 0.00833056343336287,
  0.00793411456431402, 0.007573675487951841, 0.007244554301320383, 0.00694284010720953, 0.006665247032707682,
  0.006408994188004207, 0.006171712263039458, 0.0059513701127588475, 0.0057462165130101155, 0.005554733551962801
];
const S0 = 1 / 12;
const S1 = 1 / 360;
const S2 = 1 / 1260;
const S3 = 1 / 1680;
const S4 = 1 / 1188;
const HALF_LOG_2PI = 0.9189385332046728;

/**
 * Stirling's error δ(n) = log Γ(n + 1) − (n + ½) log n + n − ½ log 2π: tabulated at half-integers up to 15,
 * from log Γ elsewhere below 15, and by its asymptotic series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − … above.
 *
 * @example
 *   stirlingError(1);  // 0.08106146679532726
 *   stirlingError(100); // 0.0008333305556349146
 */
export function stirlingError(n: number): number {
  if (n <= 15) {
    const twice = n + n;
    if (twice === Math.floor(twice)) return HALVES[twice];
    return logGamma(n + 1) - (n + 0.5) * log(n) + n - HALF_LOG_2PI;
  }
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/**
 * The deviance term D₀(x, np) = x log(x/np) + np − x, by the series 2x Σ v^(2j+1)/(2j+1) − (x − np) v with
 * v = (x − np)/(x + np) when x is within 10% of np (where the direct form cancels), directly otherwise.
 *
 * @example
 *   devianceTerm(10, 10);  // 0
 *   devianceTerm(3, 2.5);  // 3 log(1.2) − 0.5 ≈ 0.04696
 */
export function devianceTerm(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * log(x / np) + np - x;
}
