import {upperIncompleteGamma} from "./incomplete-gamma.js";
import {exp, log} from "../math/index.js";

const LOG_SQRT_2PI = 0.5 * log(2 * Math.PI);

/**
 * The lower tail of the standard normal distribution, Φ(z) = ½ erfc(−z/√2), with
 * `erfc(x) = Q(½, x²)` for x ≥ 0, so that far tails keep their relative precision.
 *
 * Reference: DLMF 7.11.2 and 7.2.2.
 *
 * @example
 *   normalCdf(-1.959963984540054); // 0.025
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * upperIncompleteGamma(0.5, (z * z) / 2);
  return z <= 0 ? tail : 1 - tail;
}

/**
 * The quantile function of the standard normal distribution, R's `qnorm(p)`, by Newton's method on
 * `log Φ(z) = log p` (for p ≤ ½; the upper half by symmetry) from the tail approximation
 * `z₀ = −√(−2 log p)`: the logarithm keeps the iteration well scaled in the far tail, and with the
 * derivative `φ(z)/Φ(z)` it converges in a few steps to full precision.
 *
 * Reference: Abramowitz & Stegun 26.2.23 (the starting approximation's form); Press et al., Numerical
 * Recipes (3rd ed.), §9.4 (Newton's method).
 *
 * @example
 *   normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0.5) return 0;
  const target = log(p);
  let z = p > 0.3 ? (p - 0.5) * Math.sqrt(2 * Math.PI) : -Math.sqrt(-2 * target);
  for (let k = 0; k < 100; k++) {
    const cdf = normalCdf(z);
    const logDensity = -0.5 * z * z - LOG_SQRT_2PI;
    const step = (log(cdf) - target) / exp(logDensity - log(cdf));
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
