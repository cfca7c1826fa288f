/**
 * Draws from the response distributions of the generalized models — Poisson, binomial, gamma, inverse
 * Gaussian — from a seeded {@link RandomSource}, with the portable logarithm and exponential, so that the
 * same seed gives the same draws in every engine.
 */
import {exp, log} from "../math/index.js";
import {logGamma} from "./log-gamma.js";
import type {RandomSource} from "./random.js";

/**
 * A Poisson(λ) count. λ < 10: inversion by multiplying uniforms (Knuth); otherwise Hörmann's transformed
 * rejection with squeeze (PTRS).
 *
 * Reference: Knuth, TAOCP vol. 2 (3rd ed.), §3.4.1 F; Hörmann (1993), "The transformed rejection method for
 * generating Poisson random variables", Insurance: Mathematics and Economics 12, 39–45.
 *
 * @example
 *   poissonDraw(randomSource(1), 3.5); // a count; its mean over many draws is 3.5
 */
export function poissonDraw(random: RandomSource, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const limit = exp(-lambda);
    let k = 0, prod = random.uniform();
    while (prod > limit) {
      k++;
      prod *= random.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lambda), loglam = log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = random.uniform() - 0.5;
    const V = random.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (V > 0 && log(V) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}

/**
 * A Binomial(n, p) count of successes (n a whole number). With q = min(p, 1 − p): n q < 10 by inversion
 * (the probabilities by their recursion from P(0) = (1 − q)ⁿ), otherwise Hörmann's BTRS; the count of
 * failures when q = 1 − p.
 *
 * Reference: Kachitvichyanukul & Schmeiser (1988), CACM 31(2), 216–222 (inversion); Hörmann (1993), "The
 * generation of binomial random variates", J. Statist. Comput. Simul. 46, 101–110 (BTRS).
 *
 * @example
 *   binomialDraw(randomSource(1), 14, 0.3); // successes out of 14
 */
export function binomialDraw(random: RandomSource, n: number, p: number): number {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const k = n * q < 10 ? binomialInversion(random, n, q) : binomialBtrs(random, n, q);
  return flip ? n - k : k;
}

function binomialInversion(random: RandomSource, n: number, p: number): number {
  const r = p / (1 - p);
  for (;;) {
    let prob = exp(n * log(1 - p));
    let u = random.uniform();
    let k = 0;
    while (u > prob) {
      u -= prob;
      prob *= (r * (n - k)) / (k + 1);
      k++;
      if (k > n) break;
    }
    if (k <= n) return k;
  }
}

function binomialBtrs(random: RandomSource, n: number, p: number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logGamma(m + 1) + logGamma(n - m + 1);
  for (;;) {
    const U = random.uniform() - 0.5;
    let V = random.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && V <= vr) return k;
    if (!(V > 0)) continue;
    V = log((V * alpha) / (a / (us * us) + b));
    if (V <= h - logGamma(k + 1) - logGamma(n - k + 1) + (k - m) * lpq) return k;
  }
}

/**
 * A Gamma(shape, rate) deviate (mean shape/rate), by Marsaglia and Tsang's squeeze; for shape < 1 the draw
 * of shape + 1 times U^(1/shape).
 *
 * Reference: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3),
 * 363–372.
 *
 * @example
 *   gammaDraw(randomSource(1), 2, 0.5); // mean 4, variance 8
 */
export function gammaDraw(random: RandomSource, shape: number, rate: number): number {
  if (shape < 1) {
    const g = gammaDraw(random, shape + 1, rate);
    let u = random.uniform();
    while (u === 0) u = random.uniform();
    return g * exp(log(u) / shape);
  }
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
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (u > 0 && log(u) < 0.5 * x * x + d * (1 - v + log(v))) return (d * v) / rate;
  }
}

/**
 * An inverse Gaussian IG(μ, λ) deviate (mean μ, variance μ³/λ), by Michael, Schucany and Haas's
 * transformation of a χ²₁ draw with one uniform to choose between the two roots.
 *
 * Reference: Michael, Schucany & Haas (1976), "Generating random variates using transformations with multiple
 * roots", The American Statistician 30(2), 88–90.
 *
 * @example
 *   inverseGaussianDraw(randomSource(1), 2, 5); // mean 2, variance 8/5
 */
export function inverseGaussianDraw(random: RandomSource, mu: number, lambda: number): number {
  const nu = random.normal();
  const y = nu * nu;
  const x = mu + (mu * mu * y) / (2 * lambda) - (mu / (2 * lambda)) * Math.sqrt(4 * mu * lambda * y + mu * mu * y * y);
  return random.uniform() <= mu / (mu + x) ? x : (mu * mu) / x;
}
