/**
 * Draws from the response distributions of the generalized models (Poisson, binomial, gamma, inverse
 * Gaussian, log-normal), each from a seeded {@link RandomSource} with the portable `exp`, `log`, `pow` of
 * src/math only, so that the same seed gives the same draws in Node and in every browser.
 */
import {exp, log, pow} from "../math/index.js";
import {logGamma} from "./log-gamma.js";
import type {RandomSource} from "./random.js";

/**
 * A Poisson(μ) draw. Below μ = 10, Knuth's multiplication of uniforms until the product falls below e^−μ;
 * from μ = 10, Hörmann's transformed rejection with squeeze (PTRS), whose expected number of uniforms is
 * bounded in μ.
 *
 * Reference: Knuth, TAOCP vol. 2 (3rd ed.), §3.4.1 F (Poisson by products of uniforms); Hörmann (1993),
 * "The transformed rejection method for generating Poisson random variables", Insurance: Mathematics and
 * Economics 12(1), 39–45 (algorithm PTRS).
 *
 * @example
 *   poissonDraw(randomSource(7), 3.5); // 0, 1, 2, … with mean 3.5
 */
export function poissonDraw(random: RandomSource, mu: number): number {
  if (!(mu > 0)) return 0;
  if (mu < 10) {
    const limit = exp(-mu);
    let k = 0;
    let product = random.uniform();
    while (product > limit) {
      k++;
      product *= random.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(mu);
  const loglam = log(mu);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mu + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mu + k * loglam - logGamma(k + 1)) return k;
  }
}

/**
 * A binomial(trials, p) draw: successes out of `trials`. Counted by geometric waiting times between successes
 * of the rarer outcome (q = min(p, 1 − p)), so it takes about trials · q + 1 uniforms and never forms
 * (1 − p)^trials, which underflows for many trials.
 *
 * Reference: Devroye (1986), Non-Uniform Random Variate Generation, §X.4.3 (the second waiting time method);
 * §X.2 for the geometric draw ⌊log U / log(1 − q)⌋.
 *
 * @example
 *   binomialDraw(randomSource(7), 10, 0.3); // 0 … 10, mean 3
 */
export function binomialDraw(random: RandomSource, trials: number, p: number): number {
  if (trials <= 0 || !(p > 0)) return 0;
  if (p >= 1) return trials;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const logQ = log(1 - q);
  let count = 0;
  let position = 0;
  for (;;) {
    // the position of the next success: a geometric waiting time of at least 1
    position += Math.floor(log(1 - random.uniform()) / logQ) + 1;
    if (position > trials) break;
    count++;
  }
  return flip ? trials - count : count;
}

/**
 * A gamma draw with shape k and scale s (mean k s, variance k s²): Marsaglia and Tsang's squeeze and rejection
 * from a cubed normal for k ≥ 1; for k < 1, a draw with shape k + 1 times U^(1/k).
 *
 * Reference: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3),
 * 363–372 (including the boost U^(1/k) for k < 1).
 *
 * @example
 *   gammaDraw(randomSource(7), 2, 1.5); // mean 3, variance 4.5
 */
export function gammaDraw(random: RandomSource, shape: number, scale: number): number {
  if (shape < 1) return gammaDraw(random, shape + 1, scale) * pow(random.uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = random.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (u > 0 && log(u) < 0.5 * x2 + d * (1 - v + log(v))) return d * v * scale;
  }
}

/**
 * An inverse Gaussian draw with mean μ and shape λ (variance μ³/λ): Michael, Schucany and Haas's root of the
 * χ²₁ transform, choosing between the two roots x and μ²/x with probability μ/(μ + x).
 *
 * Reference: Michael, Schucany & Haas (1976), "Generating random variates using transformations with multiple
 * roots", The American Statistician 30(2), 88–90.
 *
 * @example
 *   inverseGaussianDraw(randomSource(7), 2, 4); // mean 2, variance 2
 */
export function inverseGaussianDraw(random: RandomSource, mu: number, lambda: number): number {
  const nu = random.normal();
  const y = nu * nu;
  const muY = mu * y;
  const x = mu + (mu * muY) / (2 * lambda) - (mu / (2 * lambda)) * Math.sqrt(4 * lambda * muY + muY * muY);
  return random.uniform() * (mu + x) <= mu ? x : (mu * mu) / x;
}

/**
 * A log-normal draw exp(m + s Z), Z ~ N(0, 1): its logarithm has mean m and standard deviation s.
 *
 * Reference: Johnson, Kotz & Balakrishnan (1994), Continuous Univariate Distributions vol. 1 (2nd ed.), ch. 14.
 *
 * @example
 *   logNormalDraw(randomSource(7), 0, 1); // median 1, mean e^½
 */
export function logNormalDraw(random: RandomSource, m: number, s: number): number {
  return exp(m + s * random.normal());
}
