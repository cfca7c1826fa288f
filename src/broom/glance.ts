import {table, type ColumnTable} from "arquero";
import {describeValue, fail} from "../errors.js";
import {LinearMixedModel} from "../lmm/model.js";

/**
 * The model's one-row summary as an Arquero table, as broom.mixed's `glance()` gives it for an lmer fit:
 * `nobs`, `sigma`, `logLik`, `AIC`, `BIC`, then `REMLcrit` (the REML criterion, for a REML fit) or `deviance`
 * (−2 log L, for an ML fit), and `df.residual` (nobs minus the number of parameters: β, θ and σ).
 * `logLik`, `AIC` and `BIC` are the REML ones for a REML fit, as lme4 reports them.
 *
 * Reference: broom.mixed 0.2.9's `glance.merMod` and `finish_glance`; lme4's `logLik.merMod`, `df.residual.merMod`.
 *
 * @example
 *   glance(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy)).objects();
 *   // [{nobs: 180, sigma: 25.592, logLik: -871.81, AIC: 1755.63, BIC: 1774.79, REMLcrit: 1743.63, df.residual: 174}]
 */
export function glance(model: LinearMixedModel): ColumnTable {
  if (!(model instanceof LinearMixedModel)) fail(`invalid model of glance: ${describeValue(model)}; pass a model from lmer()`);
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
