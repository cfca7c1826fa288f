import {table, type ColumnTable} from "arquero";
import {fail} from "../../errors.js";
import {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {LinearMixedModel} from "../../lmm/model.js";
import {chiSquareUpper} from "../../stats/chi-square.js";
import {refit} from "../refit.js";
import {checkSameData} from "./same-data.js";
import {log} from "../../math/index.js";

/** Likelihood-ratio tests between models, as lme4's `anova(m0, m1, …)` (one entry per model, by rows). */
export interface AnovaValues {
  /** The models' formulas, in the table's order (by number of parameters). */
  models: string[];
  /** Number of parameters: β, θ and σ. */
  npar: number[];
  AIC: number[];
  BIC: number[];
  /** The ML log-likelihood (REML fits are refitted by ML first). */
  logLik: number[];
  /** −2 logLik. */
  deviance: number[];
  /** `2 (logLikᵢ − logLikᵢ₋₁)` (negative values as 0); null in the first row. */
  Chisq: (number | null)[];
  /** `nparᵢ − nparᵢ₋₁`; null in the first row. */
  Df: (number | null)[];
  /** `P(χ²_Df > Chisq)`; null in the first row. */
  p: (number | null)[];
  /** Which models were refitted by ML (their positions in `models`). */
  refitted: number[];
  /** For each row, the position of its model in the arguments. */
  order: number[];
}

/**
 * Likelihood-ratio tests between nested models fitted to the same data, as lme4's `anova(m0, m1, …)`:
 * REML fits are refitted by ML first (REML likelihoods of models with different fixed effects are not
 * comparable); models are ordered by their number of parameters; each row after the first tests the
 * previous model against it: `χ² = 2 max(0, logLikᵢ − logLikᵢ₋₁)` on `nparᵢ − nparᵢ₋₁` degrees of freedom.
 * Models fitted to different rows or responses are refused.
 *
 * glmer fits are compared as lme4 compares them: by their Laplace (or quadrature) log-likelihood, −2 log L
 * as the deviance column, their npar counting β, θ and any dispersion; every model must be a glmer fit of
 * the same response, rows and prior weights (a linear and a generalized model are refused: lme4's
 * likelihoods of the two kinds are not on one scale of constants when the families differ).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.4 (`anova` and `refitML`); Wilks (1938), Ann. Math. Statist.
 * 9, 60–62 (the chi-square limit); Pinheiro & Bates (2000), §2.4.1.
 *
 * @example
 *   const a = anovaValues(lmer("Reaction ~ Days + (1 | Subject)", d), lmer("Reaction ~ Days + (Days | Subject)", d));
 *   a.Chisq; // [null, 42.139]
 *   a.p; // [null, 7.07e-10]
 *   anovaValues(glmer("y ~ 1 + (1 | g)", d, {family: "poisson"}), glmer("y ~ x + (1 | g)", d, {family: "poisson"})).Chisq;
 */
export function anovaValues(...models: (LinearMixedModel | GeneralizedLinearMixedModel)[]): AnovaValues {
  if (models.length < 2) fail(`anova needs at least two models, got ${models.length}; pass the models to compare, e.g. anova(m0, m1)`);
  models.forEach((m, i) => {
    if (!(m instanceof LinearMixedModel) && !(m instanceof GeneralizedLinearMixedModel)) {
      fail(`invalid model ${i + 1} in anova: ${typeof m === "object" ? "not a fitted model" : String(m)}; pass models from lmer() or glmer()`);
    }
  });
  const generalized = models.filter((m) => m instanceof GeneralizedLinearMixedModel).length;
  if (generalized > 0 && generalized < models.length) {
    fail(`anova cannot compare linear (lmer) and generalized (glmer) models; fit every model with lmer, or every model with glmer (a gaussian glmer with the identity link is lmer's ML fit)`);
  }
  if (generalized > 0) return glmerAnova(models as GeneralizedLinearMixedModel[]);
  const linear = models as LinearMixedModel[];
  const labels = models.map((m, i) => `model ${i + 1} (${m.formula})`);
  checkSameData(linear.map((m) => m.structure.frame), labels);
  const refitted: number[] = [];
  const ml = linear.map((m, i) => {
    if (!m.REML) return m;
    refitted.push(i);
    return refit(m, {REML: false});
  });
  return lrTable(ml.map((m) => ({formula: withStructures(m), df: m.df, logLik: -m.deviance / 2, nobs: m.nobs})), refitted);
}

/** A model's formula with its residual structures (nlme's spelling), so that fits of one formula are told apart. */
function withStructures(m: LinearMixedModel): string {
  const {correlation, variance} = m.residualStructure();
  return [m.formula, correlation && `correlation = ${correlation}`, variance && `variance = ${variance}`].filter(Boolean).join(", ");
}

/** The likelihood-ratio table of glmer fits: no refit, their own log-likelihoods. */
function glmerAnova(models: GeneralizedLinearMixedModel[]): AnovaValues {
  const labels = models.map((m, i) => `model ${i + 1} (${m.formula})`);
  checkSameData(models.map((m) => ({...m.frame, y: m.response.y, weights: m.response.weights})), labels);
  return lrTable(models.map((m) => ({formula: m.formula, df: m.df, logLik: m.logLik, nobs: m.nobs})), []);
}

/** lme4's table from each model's formula, npar and log-likelihood, ordered by npar (ties in the order given). */
function lrTable(ml: {formula: string; df: number; logLik: number; nobs: number}[], refitted: number[]): AnovaValues {
  const order = ml.map((_, i) => i).sort((a, b) => ml[a].df - ml[b].df || a - b);
  const rows = order.map((i) => ml[i]);
  const logLik = rows.map((m) => m.logLik);
  const npar = rows.map((m) => m.df);
  const n = rows[0].nobs;
  const Chisq = rows.map((_, r) => (r === 0 ? null : 2 * Math.max(0, logLik[r] - logLik[r - 1])));
  const Df = rows.map((_, r) => (r === 0 ? null : npar[r] - npar[r - 1]));
  const p = rows.map((_, r) => (r === 0 ? null : Df[r]! > 0 ? chiSquareUpper(Chisq[r]!, Df[r]!) : null));
  return {
    models: rows.map((m) => m.formula),
    npar,
    AIC: rows.map((_, r) => -2 * logLik[r] + 2 * npar[r]),
    BIC: rows.map((_, r) => -2 * logLik[r] + npar[r] * log(n)),
    logLik,
    deviance: logLik.map((l) => -2 * l),
    Chisq,
    Df,
    p,
    refitted: refitted.map((i) => order.indexOf(i)).sort((a, b) => a - b),
    order
  };
}

/**
 * {@link anovaValues} as an Arquero table: `model`, `npar`, `AIC`, `BIC`, `logLik`, `deviance`, `Chisq`,
 * `Df`, `p`, one row per model (lme4's `anova(m0, m1)` table).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.4.
 *
 * @example
 *   anova(m0, m1).objects()[1]; // {model: "Reaction ~ Days + (Days | Subject)", npar: 6, …, Chisq: 42.139, Df: 2, p: 7.07e-10}
 */
export function anova(...models: (LinearMixedModel | GeneralizedLinearMixedModel)[]): ColumnTable {
  const a = anovaValues(...models);
  return table({model: a.models, npar: a.npar, AIC: a.AIC, BIC: a.BIC, logLik: a.logLik, deviance: a.deviance, Chisq: a.Chisq, Df: a.Df, p: a.p});
}
