/**
 * simulate() of glmer fits and the family samplers it draws from (src/stats/random-variates.ts): their
 * distributional properties, not R's random bits. Every check compares a sample mean or variance with its
 * exact value within 5 standard errors of the estimate (a false failure about once in 1.7 million per check;
 * the seeds are fixed, so the tests are deterministic).
 */
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {simulate} from "../src/inference/index.js";
import {randomSource} from "../src/stats/random.js";
import {binomialDraw, gammaDraw, inverseGaussianDraw, poissonDraw} from "../src/stats/random-variates.js";
import {glmerFitOf, loadGlmerFixture} from "./helpers/glmer.js";

const N = 20000;

/** Sample mean and variance of n draws. */
function moments(n: number, draw: () => number) {
  let s = 0, ss = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = draw(), (s += xs[i]);
  const mean = s / n;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  let m4 = 0;
  for (let i = 0; i < n; i++) m4 += (xs[i] - mean) ** 4;
  return {mean, variance: ss / (n - 1), m4: m4 / n};
}

/** The sample's mean and variance within 5 standard errors of the exact ones. */
function expectMoments(n: number, draw: () => number, mean: number, variance: number) {
  const m = moments(n, draw);
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  // Var(s²) ≈ (μ₄ − σ⁴)/n, μ₄ estimated from the sample
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * Math.sqrt(Math.max(m.m4 - variance * variance, 1e-12) / n) + 1e-12);
}

describe("family samplers", () => {
  it("Poisson: mean and variance λ, small and large λ", () => {
    fc.assert(fc.property(fc.double({min: 0.05, max: 500, noNaN: true}), fc.integer({min: 0, max: 1000}), (lambda, seed) => {
      const r = randomSource(seed);
      expectMoments(N, () => poissonDraw(r, lambda), lambda, lambda);
      const k = poissonDraw(r, lambda);
      expect(Number.isInteger(k) && k >= 0).toBe(true);
    }), {numRuns: 12, seed: 13});
  });

  it("binomial: mean np, variance np(1 − p), whole counts in [0, n]", () => {
    fc.assert(fc.property(fc.integer({min: 1, max: 2000}), fc.double({min: 0.001, max: 0.999, noNaN: true}), fc.integer({min: 0, max: 1000}), (n, p, seed) => {
      const r = randomSource(seed);
      expectMoments(N, () => binomialDraw(r, n, p), n * p, n * p * (1 - p));
      const k = binomialDraw(r, n, p);
      expect(Number.isInteger(k) && k >= 0 && k <= n).toBe(true);
    }), {numRuns: 12, seed: 17});
  });

  it("gamma: mean shape/rate, variance shape/rate², shapes below and above 1", () => {
    fc.assert(fc.property(fc.double({min: 0.2, max: 50, noNaN: true}), fc.double({min: 0.1, max: 10, noNaN: true}), fc.integer({min: 0, max: 1000}), (shape, rate, seed) => {
      const r = randomSource(seed);
      expectMoments(N, () => gammaDraw(r, shape, 1 / rate), shape / rate, shape / (rate * rate));
    }), {numRuns: 12, seed: 19});
  });

  it("inverse Gaussian: mean μ, variance μ³/λ", () => {
    fc.assert(fc.property(fc.double({min: 0.1, max: 10, noNaN: true}), fc.double({min: 0.5, max: 100, noNaN: true}), fc.integer({min: 0, max: 1000}), (mu, lambda, seed) => {
      const r = randomSource(seed);
      expectMoments(N, () => inverseGaussianDraw(r, mu, lambda), mu, (mu * mu * mu) / lambda);
    }), {numRuns: 12, seed: 23});
  });
});

describe("simulate(glmer)", () => {
  it("Poisson with an offset (Mmmec): the mean count of a row is exp(xβ̂ + offset + θ̂²/2)", () => {
    const m = glmerFitOf(loadGlmerFixture("Mmmec-offset"));
    const sims = simulate(m, {nsim: 4000, seed: 5});
    for (const r of [0, 100, 300]) {
      const eta = m.frame.offset![r] + m.beta[0] + m.beta[1] * m.frame.X[1][r];
      const s2 = m.theta[0] ** 2;
      const mean = Math.exp(eta + s2 / 2);
      // Var(y) = E(μ) + Var(μ), μ lognormal
      const variance = mean + (Math.exp(s2) - 1) * mean * mean;
      const ys = sims.map((y) => y[r]);
      const sample = ys.reduce((a, b) => a + b, 0) / ys.length;
      expect(Math.abs(sample - mean)).toBeLessThan(5 * Math.sqrt(variance / ys.length));
      expect(ys.every((y) => Number.isInteger(y) && y >= 0)).toBe(true);
    }
  });

  it("binomial with trials (cbpp): proportions on the trials' grid with the marginal mean ∫ plogis(β₀ + θz) φ(z) dz", () => {
    const m = glmerFitOf(loadGlmerFixture("cbpp-binomial"));
    const sims = simulate(m, {nsim: 4000, seed: 9});
    const r = 0; // period 1
    const n = m.response.weights[r];
    let mean = 0, second = 0;
    for (let k = -4000; k <= 4000; k++) {
      const z = k / 500, phi = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) / 500;
      const mu = 1 / (1 + Math.exp(-(m.beta[0] + m.theta[0] * z)));
      mean += mu * phi;
      second += mu * mu * phi;
    }
    // Var(y) = E[μ(1 − μ)]/n + Var(μ)
    const variance = (mean - second) / n + (second - mean * mean);
    const ys = sims.map((y) => y[r]);
    const sample = ys.reduce((a, b) => a + b, 0) / ys.length;
    expect(Math.abs(sample - mean)).toBeLessThan(5 * Math.sqrt(variance / ys.length));
    expect(ys.every((y) => Number.isInteger(Math.round(y * n * 1e9) / 1e9) && y >= 0 && y <= 1)).toBe(true);
  });

  it("Gamma with a log link (sleepstudy): the mean at Days = 0 is exp(β̂₀ + σ₀²/2), all values positive", () => {
    const m = glmerFitOf(loadGlmerFixture("sleepstudy-gamma-log"));
    const sims = simulate(m, {nsim: 3000, seed: 3});
    const s0 = m.varCorr[0].vcov; // σ² T Tᵀ's (Intercept) variance
    const mean = Math.exp(m.beta[0] + s0 / 2);
    // E(y²) = E(μ²)(1 + σ²) for a gamma of shape 1/σ²
    const variance = Math.exp(2 * m.beta[0] + 2 * s0) * (1 + m.sigma ** 2) - mean * mean;
    const ys = sims.map((y) => y[0]);
    const sample = ys.reduce((a, b) => a + b, 0) / ys.length;
    expect(Math.abs(sample - mean)).toBeLessThan(5 * Math.sqrt(variance / ys.length));
    expect(sims.every((y) => y.every((v) => v > 0))).toBe(true);
  });

  it("is reproducible by seed, and refuses a missing seed", () => {
    const m = glmerFitOf(loadGlmerFixture("cbpp-binomial"));
    expect(simulate(m, {nsim: 2, seed: 1})).toEqual(simulate(m, {nsim: 2, seed: 1}));
    expect(simulate(m, {seed: 1})[0]).not.toEqual(simulate(m, {seed: 2})[0]);
    expect(() => simulate(m, {nsim: 2})).toThrow(/needs a seed/);
  });
});
