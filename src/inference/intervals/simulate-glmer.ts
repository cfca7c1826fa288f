import {fail} from "../../errors.js";
import type {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {templates} from "../../lmm/lambda.js";
import type {RandomSource} from "../../stats/random.js";
import {binomialDraw, gammaDraw, inverseGaussianDraw, poissonDraw} from "../../stats/random-variates.js";
import {addNewRandomEffects, fixedLinearPredictor} from "../../lmm/new-random-effects.js";

/**
 * New responses from a glmer fit, as lme4's `simulate(m, nsim, seed)` (unconditional: new random effects):
 * `b* = σ Λ_θ̂ u*`, `u* ~ N(0, I)` (σ = 1 without a dispersion), `η* = Xβ̂ + offset + Z b*`, `μ* = g⁻¹(η*)`,
 * then per row a draw from the family with mean μ* and the prior weight w:
 * - binomial: successes ~ Binomial(w, μ*) over w (w the trials: 1 for a 0/1 response), a proportion as the
 *   response was fitted;
 * - Poisson: Poisson(μ*);
 * - Gamma: shape w/σ², rate shape/μ* (lme4's `gamma.shape` of a glmer fit is 1/σ²);
 * - inverse Gaussian: IG(μ*, w/σ²);
 * - gaussian: N(μ*, σ²/w).
 * One array per simulation over the rows the fit used.
 *
 * Reference: lme4's `simulate.merMod` and R's family `simulate` functions (`binomial()$simulate`, …);
 * McCullagh & Nelder (1989), Table 2.1.
 *
 * @example
 *   simulateGlmer(model, 100, randomSource(1)).length; // 100
 */
export function simulateGlmer(model: GeneralizedLinearMixedModel, nsim: number, random: RandomSource): Float64Array[] {
  const frame = model.frame;
  const {weights} = model.response;
  const rows = frame.n;
  const fam = model.familyObject;
  if (fam.name === "binomial") {
    for (let r = 0; r < rows; r++) {
      if (weights[r] !== Math.round(weights[r])) fail(`simulate needs whole numbers of binomial trials; the weight is ${weights[r]} in row ${frame.rows[r] + 1}: give trials as weights, or the response as cbind(successes, failures)`);
    }
  }
  const T = templates(model.structure.A.sizes, model.theta);
  const fixed = fixedLinearPredictor(frame, model.beta);
  const sigma = model.sigma, s2 = sigma * sigma;
  const out: Float64Array[] = [];
  for (let k = 0; k < nsim; k++) {
    const eta = fixed.slice();
    addNewRandomEffects(eta, frame, T, sigma, random);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const mu = fam.link.linkinv(eta[r]), w = weights[r];
      switch (fam.name) {
        case "binomial":
          y[r] = binomialDraw(random, w, mu) / w;
          break;
        case "poisson":
          y[r] = poissonDraw(random, mu);
          break;
        case "Gamma": {
          const shape = w / s2;
          y[r] = gammaDraw(random, shape, mu / shape);
          break;
        }
        case "inverse.gaussian":
          y[r] = inverseGaussianDraw(random, mu, w / s2);
          break;
        case "gaussian":
          y[r] = mu + (sigma / Math.sqrt(w)) * random.normal();
          break;
      }
    }
    out.push(y);
  }
  return out;
}
