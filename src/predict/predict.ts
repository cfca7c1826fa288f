import {describeValue, fail} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import {cellText} from "../frame/cells.js";
import {requireRows} from "../frame/frame.js";
import {LinearMixedModel, padExcluded} from "../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {predictGlmer} from "./predict-glmer.js";
import {designLinearPredictor, frameDesign, newdataDesign} from "./newdata-design.js";
import {conditionalStandardErrors} from "./conditional-se.js";
import {trainingLevels} from "./levels.js";

/** Options of {@link predict}. */
export interface PredictOptions {
  /** `"all"` (default): conditional on the random effects' modes; `"none"`: population level (`re.form = NA`). */
  re?: "all" | "none";
  /** Predict levels of grouping factors the fit has not seen at the population level instead of refusing them. */
  allowNewLevels?: boolean;
  /** Also return standard errors conditional on θ̂ (on the link scale for a glmer fit). */
  seFit?: boolean;
  /**
   * For a glmer fit: `"link"` (default, as lme4), the linear predictor η, or `"response"`, the mean g⁻¹(η).
   * A linear mixed model's two scales are the same.
   */
  type?: "link" | "response";
  /**
   * The table the model was fitted to. Needed when the formula has factor variables (`sex`, `factor(Days)`):
   * the model keeps no record of their reference level, and new data must be coded as the fit coded them.
   */
  data?: unknown;
}

/** The options {@link predict} knows. */
export const PREDICT_OPTIONS = optionNames<PredictOptions>({re: true, allowNewLevels: true, seFit: true, data: true, type: true});

/** Predictions: one value per row of newdata (NaN where a used variable is missing). */
export interface Prediction {
  fit: number[];
  /** Standard errors of `fit` conditional on θ̂ (with `seFit: true`). */
  se?: number[];
}

/**
 * Predictions of a fitted model for new data, as lme4's `predict(m, newdata, re.form, allow.new.levels)`:
 * `Xβ̂ + offset` at the population level (`re: "none"`), plus `Zb̃` for the rows' groups (`re: "all"`); a new
 * level of a grouping factor contributes nothing when `allowNewLevels` is set and is refused, named, otherwise.
 * Without newdata the fit's own rows are predicted (with `naAction: "exclude"`, one value per input row, NaN
 * at the rows dropped for a missing value). Factor variables are coded by the fit's levels (give the
 * training table as `data`), numeric transforms and offsets evaluated as in the fit.
 *
 * `seFit` adds standard errors conditional on θ̂ from the joint conditional covariance of (b, β):
 * `Var(xᵀβ̂ + zᵀb̃) = σ̂² [Λᵀz; x]ᵀ C⁻¹ [Λᵀz; x]` with C the matrix of the penalized least-squares system
 * (see {@link linearPredictorVariance}); at the population level, and for new levels, `xᵀ Var(β̂) x`.
 *
 * A glmer fit is predicted on the link or the response scale (`type`), as {@link predictGlmer} describes.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.1 and eqs. 18–22; Henderson (1975), Biometrics 31, 423–447;
 * lme4's `predict.merMod`.
 *
 * @example
 *   predict(glmerModel, newdata, {type: "response", re: "none"}).fit; // population-level means
 *   predict(model, [{Days: 3, Subject: 308}]).fit; // [292.996…]
 *   predict(model, [{Days: 3, Subject: 999}], {allowNewLevels: true, seFit: true}); // {fit: [282.807…], se: […]}
 */
export function predict(model: LinearMixedModel | GeneralizedLinearMixedModel, newdata?: unknown, options: PredictOptions = {}): Prediction {
  const generalized = model instanceof GeneralizedLinearMixedModel;
  if (!(model instanceof LinearMixedModel) && !generalized) fail(`invalid model: ${describeValue(model)}; pass a model from lmer() or glmer()`);
  const given = readOptions(options, PREDICT_OPTIONS, "predict", {renamed: {"re.form": "re", reForm: "re", "allow.new.levels": "allowNewLevels", "se.fit": "seFit"}});
  const type = given.type ?? "link";
  if (type !== "link" && type !== "response") fail(`invalid type: ${cellText(type)}; use "link" (the linear predictor) or "response" (the mean)`);
  const re = given.re ?? "all";
  if (re !== "all" && re !== "none") fail(`invalid re: ${cellText(re)}; use "all" (conditional) or "none" (population level)`);
  const allowNewLevels = given.allowNewLevels ?? false;
  if (typeof allowNewLevels !== "boolean") fail(`invalid allowNewLevels: ${cellText(allowNewLevels)}; use true or false`);
  const seFit = given.seFit ?? false;
  if (typeof seFit !== "boolean") fail(`invalid seFit: ${cellText(seFit)}; use true or false`);
  if (generalized) return predictGlmer(model, newdata, {re, type, allowNewLevels, seFit, data: given.data});
  const frame = model.structure.frame;
  const random = re === "all";
  if (newdata === undefined) requireRows(frame, "predict without newdata (the fit's own rows)");
  const design = newdata === undefined
    ? frameDesign(frame, random)
    : newdataDesign(frame, newdata, {random, allowNewLevels, levels: given.data === undefined ? undefined : trainingLevels(frame, given.data)});
  const fit = designLinearPredictor(model.beta, model.b, design);
  const result: Prediction = seFit ? {fit, se: conditionalStandardErrors(model.L, model.evaluator.rXt(), model.theta, model.sigma, design)} : {fit};
  if (newdata !== undefined) return result;
  // the fit's own rows: with naAction "exclude", one value per input row (NaN at the dropped rows), as fitted
  const pad = (values: number[]) => Array.from(padExcluded(frame, Float64Array.from(values)));
  return result.se ? {fit: pad(result.fit), se: pad(result.se)} : {fit: pad(result.fit)};
}


