import {fail} from "../errors.js";
import {link as linkOf} from "../glmm/links.js";
import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {binomialDraw, gammaDraw, inverseGaussianDraw, logNormalDraw, poissonDraw} from "../stats/random-variates.js";
import type {RandomSource} from "../stats/random.js";

/** Draws one outcome of a generalized model at the linear predictor η, for a row of prior weight w. */
export type FamilyDraw = (eta: number, random: RandomSource, w: number) => number;

/**
 * Whether a generalized model follows Zelig's rule for the gaussian family with the log link (the one family
 * Zelig's ls.mixed takes): expected values exp(xβ), predicted values log-normal.
 *
 * @example
 *   zeligLogNormal(glmer("income ~ education + (1 | state)", voteincome, {family: "gaussian", link: "log"})); // true
 */
export function zeligLogNormal(model: GeneralizedLinearMixedModel): boolean {
  return model.family === "gaussian" && model.link === "log";
}

/**
 * An outcome drawn from a generalized model's family at the mean μ = g⁻¹(η), with the dispersion σ̂² = φ as
 * lme4's `sigma(m)²` and prior weight w (1 for a profile):
 *
 * - binomial: successes out of w trials, Binomial(w, μ), w rounded to a whole number (a 0/1 outcome for
 *   w = 1); divided by w with `proportion`, as glmer's response for `cbind()` and for trials given as weights;
 * - poisson: Poisson(μ);
 * - Gamma: shape w/σ̂², scale μσ̂²/w (mean μ, variance σ̂²μ²/w);
 * - inverse.gaussian: mean μ, shape w/σ̂² (variance σ̂²μ³/w);
 * - gaussian with the log link: Zelig's rule, log-normal with log-mean η and log-variance σ̂²/w (ls.mixed:
 *   "predicted values are draws from the log-normal distribution whose logarithm has mean and variance equal
 *   to μᵢⱼ and σ²");
 * - gaussian with another link: N(μ, σ̂²/w).
 *
 * The Gamma and inverse Gaussian shapes make Var(Y | μ) = σ̂² V(μ)/w, the variance whose Pearson estimate
 * σ̂² is (lme4's `sigma(m)` for these families). lme4 1.1-31's own `simulate` differs: its `simfunList` draws
 * Gamma with shape σ̂·w and the inverse Gaussian with shape w/σ̂, which do not give that variance (for
 * sleepstudy's Gamma fit, σ̂ = 0.091: a coefficient of variation of 0.091 here, 3.3 with shape σ̂).
 *
 * Reference: McCullagh & Nelder (1989), Generalized Linear Models (2nd ed.), Table 2.1 (Var(Y) = φV(μ)/w)
 * and §8.3 (the gamma's dispersion φ = 1/shape); Zelig's ls.mixed documentation (the gaussian-log rule).
 *
 * @example
 *   familyResponse(m)(0.3, randomSource(7), 1); // a binomial model: 0 or 1 with P(1) = plogis(0.3)
 */
export function familyResponse(model: GeneralizedLinearMixedModel, proportion = false): FamilyDraw {
  const inverse = linkInverseOf(model);
  const phi = model.sigma * model.sigma;
  switch (model.family) {
    case "binomial":
      return (eta, random, w) => {
        const trials = Math.max(1, Math.round(w));
        const k = binomialDraw(random, trials, inverse(eta));
        return proportion ? k / trials : k;
      };
    case "poisson":
      return (eta, random) => poissonDraw(random, inverse(eta));
    case "Gamma":
      return (eta, random, w) => gammaDraw(random, w / phi, (inverse(eta) * phi) / w);
    case "inverse.gaussian":
      return (eta, random, w) => inverseGaussianDraw(random, inverse(eta), w / phi);
    case "gaussian":
      if (zeligLogNormal(model)) return (eta, random, w) => logNormalDraw(random, eta, model.sigma / Math.sqrt(w));
      return (eta, random, w) => inverse(eta) + (model.sigma / Math.sqrt(w)) * random.normal();
  }
  return fail(`internal error: no outcome draws for the ${String(model.family)} family`);
}

/**
 * The inverse link μ = g⁻¹(η) of a generalized model, with glmer's clamps.
 *
 * Reference: McCullagh & Nelder (1989), §2.2.4.
 *
 * @example
 *   linkInverseOf(m)(0); // 0.5 for a logit model
 */
export function linkInverseOf(model: GeneralizedLinearMixedModel): (eta: number) => number {
  return linkOf(model.link).linkinv;
}
