/**
 * Log probabilities and densities of the response distributions of the generalized models, for their
 * log-likelihoods and AIC (R's dbinom, dpois and dgamma with log = TRUE).
 */
import {log, log1p} from "../math/index.js";
import {devianceTerm, stirlingError} from "./saddle-point.js";

const LOG_2PI = 1.8378770664093453;

/**
 * log P(X = x) for X ~ Poisson(λ) and whole x ≥ 0 (−Infinity for any other x, as R's dpois):
 * −δ(x) − D₀(x, λ) − ½ log(2πx); −λ at x = 0.
 *
 * Reference: Loader (2000), eq. for the Poisson probability; R's dpois_raw.
 *
 * @example
 *   logPoissonProbability(3, 2.5); // log(e^-2.5 · 2.5³/3!) ≈ -1.5705
 */
export function logPoissonProbability(x: number, lambda: number): number {
  return x === Math.round(x) ? poissonTerm(x, lambda) : -Infinity;
}

/** The saddle-point form of the Poisson log probability, smooth in x ≥ 0 (the gamma density uses it at any x). */
function poissonTerm(x: number, lambda: number): number {
  if (lambda === 0) return x === 0 ? 0 : -Infinity;
  if (!Number.isFinite(lambda) || x < 0) return -Infinity;
  if (x === 0) return -lambda;
  return -stirlingError(x) - devianceTerm(x, lambda) - 0.5 * (LOG_2PI + log(x));
}

/**
 * log P(X = x) for X ~ Binomial(n, p), whole x and n with 0 ≤ x ≤ n (−Infinity outside):
 * δ(n) − δ(x) − δ(n − x) − D₀(x, np) − D₀(n − x, n(1 − p)) − ½ log(2πx(1 − x/n)).
 *
 * Reference: Loader (2000), eq. 2 and its ends x = 0 and x = n; R's dbinom_raw.
 *
 * @example
 *   logBinomialProbability(2, 5, 0.3); // log(10 · 0.3² · 0.7³) ≈ -1.1087
 */
export function logBinomialProbability(x: number, n: number, p: number): number {
  if (x < 0 || x > n || x !== Math.round(x) || n !== Math.round(n)) return -Infinity;
  const q = 1 - p;
  if (p === 0) return x === 0 ? 0 : -Infinity;
  if (q === 0) return x === n ? 0 : -Infinity;
  if (x === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -devianceTerm(n, n * q) - n * p : n * log(q);
  }
  if (x === n) return q < 0.1 ? -devianceTerm(n, n * p) - n * q : n * log(p);
  const lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - devianceTerm(x, n * p) - devianceTerm(n - x, n * q);
  return lc - 0.5 * (LOG_2PI + log(x) + log1p(-x / n));
}

/**
 * log f(x) for the gamma distribution with shape a and scale s, x > 0: through the Poisson form,
 * f(x) = a/x · P(Poisson(x/s) = a) for a < 1 and P(Poisson(x/s) = a − 1)/s otherwise.
 *
 * Reference: Loader (2000); R's dgamma.
 *
 * @example
 *   logGammaDensity(2, 3, 0.5); // log(2² e⁻⁴ / (Γ(3) 0.5³)) ≈ -1.9095
 */
export function logGammaDensity(x: number, shape: number, scale: number): number {
  if (!(x >= 0) || !(shape > 0) || !(scale > 0)) return NaN;
  if (x === 0) return shape < 1 ? Infinity : shape > 1 ? -Infinity : -log(scale);
  if (shape < 1) return poissonTerm(shape, x / scale) + log(shape / x);
  return poissonTerm(shape - 1, x / scale) - log(scale);
}
