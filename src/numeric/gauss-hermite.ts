/**
 * Gauss–Hermite quadrature for the standard normal density, the rule of glmer's adaptive quadrature
 * (nAGQ > 1): ∫ f(z) φ(z) dz ≈ Σᵢ wᵢ f(zᵢ), exact for polynomials of degree below 2n.
 */
import {fail} from "../errors.js";
import {pow} from "../math/index.js";

/** Nodes (ascending) and weights (summing to 1) of an n-point rule for the standard normal density. */
export interface GaussHermiteRule {
  z: Float64Array;
  w: Float64Array;
}

/** The largest rule made; glmer allows 25. */
export const MAX_GAUSS_HERMITE_POINTS = 100;

const PI_M4 = 0.7511255444649425; // π^(−1/4)
const SQRT_PI = 1.7724538509055159;

/**
 * The n-point rule: the roots xᵢ of the physicists' Hermite polynomial Hₙ found by Newton's method on the
 * orthonormal recurrence h_{j+1} = x √(2/(j+1)) h_j − √(j/(j+1)) h_{j−1} (h₀ = π^(−1/4)), started from the
 * asymptotic guesses for the largest roots and from the two previous roots further in; the weights
 * 2 / h′ₙ(xᵢ)² for e^(−x²). Then zᵢ = √2 xᵢ and wᵢ divided by √π, for φ. Newton runs until a step no longer
 * shrinks the correction, so the roots are as accurate as the recurrence allows (a few ulps), and the rule
 * is symmetric exactly.
 *
 * Reference: Golub & Welsch (1969), Math. Comp. 23, 221–230 (the rule); Press et al., Numerical Recipes
 * (3rd ed.), §4.6.1 (the starting guesses and the normalized recurrence); DLMF 18.9.1 (Hermite's recurrence).
 *
 * @example
 *   gaussHermite(3); // z = [−√3, 0, √3], w = [1/6, 2/3, 1/6]
 */
export function gaussHermite(n: number): GaussHermiteRule {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GAUSS_HERMITE_POINTS) {
    fail(`a Gauss–Hermite rule needs a whole number of points from 1 to ${MAX_GAUSS_HERMITE_POINTS}, not ${n}`);
  }
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const half = (n + 1) >> 1;
  let root = 0;
  for (let i = 0; i < half; i++) {
    if (i === 0) root = Math.sqrt(2 * n + 1) - 1.85575 * pow(2 * n + 1, -0.16667);
    else if (i === 1) root -= (1.14 * pow(n, 0.426)) / root;
    else if (i === 2) root = 1.86 * root - 0.86 * x[0];
    else if (i === 3) root = 1.91 * root - 0.91 * x[1];
    else root = 2 * root - x[i - 2];
    let derivative = 0;
    let previousStep = Infinity;
    for (let iteration = 0; iteration < 100; iteration++) {
      let h = PI_M4;
      let hPrevious = 0;
      for (let j = 0; j < n; j++) {
        const hBefore = hPrevious;
        hPrevious = h;
        h = root * Math.sqrt(2 / (j + 1)) * hPrevious - Math.sqrt(j / (j + 1)) * hBefore;
      }
      derivative = Math.sqrt(2 * n) * hPrevious;
      const step = h / derivative;
      if (!(Math.abs(step) < previousStep)) break;
      root -= step;
      previousStep = Math.abs(step);
      if (step === 0) break;
    }
    if (n % 2 === 1 && i === half - 1) root = 0;
    x[i] = root;
    x[n - 1 - i] = -root;
    w[i] = w[n - 1 - i] = 2 / (derivative * derivative);
  }
  const z = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = x[i] === 0 ? 0 : -x[i] * Math.SQRT2;
    weights[i] = w[i] / SQRT_PI;
  }
  return {z, w: weights};
}
