import {exp, log} from "../math/index.js";

const LOG_SQRT_2PI = 0.5 * log(2 * Math.PI);
const INV_SQRT_2PI = 0.3989422804014327;

// Cody's rational approximations (Algorithm 715, ANORM), published coefficients: |x| ≤ 0.66291 (A/B),
// 0.66291 < |x| ≤ √32 (C/D), beyond (P/Q).
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727
];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];
const SQRT32 = 5.656854249492381;
/** Below this |z|, z² underflows the first interval's rational function: Φ(z) = ½ + z·A₃/B₃. */
const TINY = 1.1102230246251565e-16;

/**
 * The lower tail of the standard normal distribution, Φ(z), by Cody's rational Chebyshev approximations (the
 * algorithm of R's `pnorm`): near 0, Φ = ½ + z R₁(z²); beyond 0.66291 the smaller tail is
 * e^(−z²/2) R₂(|z|), and beyond √32 it is e^(−z²/2) (1/√(2π) − R₃(1/z²)/z²)/|z|, with z² split as
 * x₁² + (|z| − x₁)(|z| + x₁), x₁ = ⌊16|z|⌋/16 (x₁² exact), so that the exponential keeps the tails' relative
 * precision. Relative error below about 1e-15 in both tails.
 *
 * Reference: Cody (1969), "Rational Chebyshev approximations for the error function", Math. Comp. 23(107);
 * Cody (1993), Algorithm 715, ACM TOMS 19(1) (ANORM: the intervals, coefficients and the split exponent).
 *
 * @example
 *   normalCdf(-1.959963984540054); // 0.025
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.66291) {
    const xsq = y > TINY ? z * z : 0;
    let num = A[4] * xsq, den = xsq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]) * xsq;
      den = (den + B[i]) * xsq;
    }
    return 0.5 + (z * (num + A[3])) / (den + B[3]);
  }
  let ratio: number;
  if (y <= SQRT32) {
    let num = C[8] * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    ratio = (num + C[7]) / (den + D[7]);
  } else {
    if (y > 40) return z > 0 ? 1 : 0;
    const xsq = 1 / (z * z);
    let num = P[5] * xsq, den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * xsq;
      den = (den + Q[i]) * xsq;
    }
    ratio = (INV_SQRT_2PI - (xsq * (num + P[4])) / (den + Q[4])) / y;
  }
  const x1 = Math.trunc(y * 16) / 16;
  const tail = exp(-0.5 * x1 * x1) * exp(-0.5 * (y - x1) * (y + x1)) * ratio;
  return z > 0 ? 1 - tail : tail;
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
