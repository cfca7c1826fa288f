import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {hatValues} from "./hat-values.js";

/**
 * The per-row columns broom.mixed's `augment()` adds for a glmer fit, in its order, over the rows used:
 * - `.fitted`: the linear predictor η (broom.mixed takes `predict(m)`, on the link scale);
 * - `.resid`: the deviance residual (lme4's default `residuals` of a GLMM);
 * - `.hat`: lme4's `hatvalues(m)` (it warns that the hat matrix may not make sense for GLMMs): `wᵢ ‖L⁻¹[Λᵀzᵢ; xᵢ]‖²`
 *   with L PIRLS's factor at the last working weights and wᵢ the prior weight (see {@link hatValues});
 * - `.cooksd`: lme4's `cooks.distance`: `(rᵢ/(1 − hᵢ))² hᵢ/(σ² p)`, rᵢ the Pearson residual;
 * - `.fixed`: `Xβ̂ + offset`, the population-level linear predictor;
 * - `.mu`: μ = g⁻¹(η); `.offset`: the offset (0 without one);
 * - `.sqrtrwt`: `√(wᵢ/V(μᵢ))`; `.sqrtXwt`: `.sqrtrwt` times dμ/dη (the square roots of the working weights);
 * - `.weights`: the prior weights; `.wtres`: the Pearson residual `(yᵢ − μᵢ) .sqrtrwt`; `.eta`: η.
 *
 * Reference: broom.mixed 0.2.9's `augment.merMod`; lme4's `glmResp` fields (`sqrtrwt`, `sqrtXwt`, `wtres`),
 * `hatvalues.merMod`, `cooks.distance.merMod`.
 *
 * @example
 *   augmentGlmerColumns(model)[".mu"][0]; // 0.308 for cbpp's first row
 */
export function augmentGlmerColumns(model: GeneralizedLinearMixedModel): Record<string, Float64Array> {
  const frame = model.frame;
  const {n, X, offset} = frame;
  const fam = model.familyObject;
  const {weights} = model.response;
  const eta = model.linearPredictor, mu = model.fitted;
  const hat = hatValues({L: model.evaluator.factor, theta: model.theta, structure: model.structure, evaluator: model.evaluator});
  const s2 = model.sigma * model.sigma, p = model.fixefNames.length;
  const pearson = model.residuals.pearson;
  const fixed = new Float64Array(n), sqrtrwt = new Float64Array(n), sqrtXwt = new Float64Array(n), cooks = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = offset ? offset[r] : 0;
    for (let a = 0; a < X.length; a++) s += X[a][r] * model.beta[a];
    fixed[r] = s;
    sqrtrwt[r] = Math.sqrt(weights[r] / fam.variance(mu[r]));
    sqrtXwt[r] = sqrtrwt[r] * fam.link.muEta(eta[r]);
    const e = pearson[r] / (1 - hat[r]);
    const d = (e * e * hat[r]) / (s2 * p);
    cooks[r] = Number.isFinite(d) ? d : NaN;
  }
  return {
    ".fitted": eta,
    ".resid": model.residuals.deviance,
    ".hat": hat,
    ".cooksd": cooks,
    ".fixed": fixed,
    ".mu": mu,
    ".offset": offset ?? new Float64Array(n),
    ".sqrtXwt": sqrtXwt,
    ".sqrtrwt": sqrtrwt,
    ".weights": weights,
    ".wtres": pearson,
    ".eta": eta
  };
}
