import {table, type ColumnTable} from "arquero";
import {describeValue, fail} from "../errors.js";
import {LinearMixedModel} from "../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";

/**
 * The model's one-row summary as an Arquero table, as broom.mixed's `glance()` gives it for an lmer fit:
 * `nobs`, `sigma`, `logLik`, `AIC`, `BIC`, then `REMLcrit` (the REML criterion, for a REML fit) or `deviance`
 * (−2 log L, for an ML fit), and `df.residual` (nobs minus the number of parameters: β, θ and σ).
 * `logLik`, `AIC` and `BIC` are the REML ones for a REML fit, as lme4 reports them.
 *
 * A glmer fit's row: `nobs`, `sigma` (1 without a dispersion), `logLik`, `AIC`, `BIC`, `deviance` (lme4's
 * `deviance(m)` of a GLMM: the sum of squared deviance residuals, not −2 log L) and `df.residual`.
 *
 * Reference: broom.mixed 0.2.9's `glance.merMod` and `finish_glance`; lme4's `logLik.merMod`, `df.residual.merMod`,
 * `deviance.merMod`.
 *
 * @example
 *   glance(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy)).objects();
 *   // [{nobs: 180, sigma: 25.592, logLik: -871.81, AIC: 1755.63, BIC: 1774.79, REMLcrit: 1743.63, df.residual: 174}]
 */
export function glance(model: LinearMixedModel | GeneralizedLinearMixedModel): ColumnTable {
  if (model instanceof GeneralizedLinearMixedModel) {
    return table({
      nobs: [model.nobs], sigma: [model.sigma], logLik: [model.logLik], AIC: [model.AIC], BIC: [model.BIC],
      deviance: [model.deviance], "df.residual": [model.dfResidual]
    });
  }
  if (!(model instanceof LinearMixedModel)) fail(`invalid model of glance: ${describeValue(model)}; pass a model from lmer() or glmer()`);
  const criterion = model.REML ? {REMLcrit: [model.REMLcrit]} : {deviance: [model.deviance]};
  return table({
    nobs: [model.nobs],
    sigma: [model.sigma],
    logLik: [model.logLik],
    AIC: [model.AIC],
    BIC: [model.BIC],
    ...criterion,
    "df.residual": [model.nobs - model.df]
  });
}
