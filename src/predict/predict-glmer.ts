/**
 * Predictions of a generalized linear mixed model: the linear predictor of the fit's rows or of new data,
 * on the link or the response scale, with standard errors on the link scale.
 */
import {fail} from "../errors.js";
import {makeFactor} from "../frame/factor.js";
import type {ModelFrame} from "../frame/frame.js";
import {dataSource} from "../frame/source.js";
import {evaluateVariable} from "../frame/variables.js";
import {offsetValues} from "../glmm/fit.js";
import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {padExcluded} from "../lmm/model.js";
import {conditionalStandardErrors} from "./conditional-se.js";
import {formulaVariables} from "./levels.js";
import {designLinearPredictor, frameDesign, newdataDesign, type PredictionDesign} from "./newdata-design.js";

/** What {@link predictGlmer} is asked for (read and checked by `predict`). */
export interface GlmerPredictRequest {
  re: "all" | "none";
  type: "link" | "response";
  allowNewLevels: boolean;
  seFit: boolean;
  data?: unknown;
}

/**
 * Predictions of a glmer fit, as lme4's `predict(m, newdata, type, re.form, allow.new.levels)`: the linear
 * predictor `η = Xβ̂ + offset (+ Zb̃)` (`type: "link"`, lme4's default) or the mean `μ = g⁻¹(η)`
 * (`type: "response"`), conditional on the modes (`re: "all"`) or at the population level (`re: "none"`,
 * `re.form = NA`); new levels of grouping factors count at the population level with `allowNewLevels`.
 * New data are coded by the fit's terms: `scale()` with the fit's centre and scale, factors with the fit's
 * levels (kept in the model frame for fixed-effect factors; a factor only in a random-effects term needs the
 * training table as `data`), `offset()` terms and glmer's `offset` argument when it was given as an
 * expression (lme4 1.1-31 leaves that argument out of predictions on new data; an offset given as numbers
 * cannot be evaluated on new rows and is refused there).
 *
 * Standard errors (`seFit`) are on the link scale. At the population level they are `√(xᵀ V x)` with V lme4's
 * `vcov(m)` (the finite-difference Hessian's, as an R user computes `sqrt(diag(X %*% vcov(m) %*% t(X)))`);
 * conditional ones come from the joint conditional covariance of (u, β) given θ̂ at PIRLS's last working
 * weights W: `Var(η) = σ² [Λᵀz; x]ᵀ C⁻¹ [Λᵀz; x]`, `C = [ZΛ X]ᵀ W [ZΛ X] + I` (see
 * {@link linearPredictorVariance}), the Laplace approximation's Gaussian for (u, β). lme4 1.1-31's predict has
 * no `se.fit`.
 *
 * Reference: lme4's `predict.merMod`; Bates et al. (2015), JSS 67(1), §5.1; Breslow & Clayton (1993), JASA
 * 88, 9–25 (the Laplace approximation's normal for (u, β) given θ).
 *
 * @example
 *   predictGlmer(m, [{period: 1, herd: "new"}], {re: "all", type: "response", allowNewLevels: true, seFit: false}).fit;
 *   // [0.198…] = plogis(β̂₀)
 */
export function predictGlmer(model: GeneralizedLinearMixedModel, newdata: unknown, request: GlmerPredictRequest): {fit: number[]; se?: number[]} {
  const frame = model.frame;
  const random = request.re === "all";
  let design: PredictionDesign;
  if (newdata === undefined) design = frameDesign(frame, random);
  else {
    design = newdataDesign(frame, newdata, {random, allowNewLevels: request.allowNewLevels, levels: factorLevels(frame, request.data)});
    design = withOffsetArgument(model, design, newdata);
  }
  const eta = designLinearPredictor(model.beta, model.b, design);
  const {linkinv} = model.familyObject.link;
  const fit = request.type === "response" ? eta.map((e) => (Number.isNaN(e) ? NaN : linkinv(e))) : eta;
  const se = request.seFit ? (random ? conditionalStandardErrors(model.evaluator.factor, model.evaluator.rXt(), model.theta, model.sigma, design) : populationSe(model, design)) : undefined;
  if (newdata !== undefined) return se ? {fit, se} : {fit};
  const pad = (values: number[]) => Array.from(padExcluded(frame, Float64Array.from(values)));
  return se ? {fit: pad(fit), se: pad(se)} : {fit: pad(fit)};
}

/**
 * The levels of the model's factor variables: those among the fixed effects from the model frame, and those
 * of random-effects terms only (`(urban | district)` with urban text) from the training table when given.
 */
function factorLevels(frame: ModelFrame, data: unknown): Map<string, string[]> {
  const levels = new Map<string, string[]>();
  for (const [label, v] of frame.fixedVariables) if (v.kind === "factor") levels.set(label, v.factor.levels);
  if (data === undefined) return levels;
  const source = dataSource(data);
  if (source.rows !== frame.sourceRows) {
    fail(`the data has ${source.rows} rows but the model was fitted to a table of ${frame.sourceRows}; pass the table the model was fitted to as data`);
  }
  for (const ref of formulaVariables(frame.spec, true)) {
    if (levels.has(ref.label)) continue;
    const v = evaluateVariable(ref, source);
    if (v.kind === "category") levels.set(ref.label, makeFactor(Array.from(frame.rows, (r) => v.values[r])).levels);
  }
  return levels;
}

/** The design with glmer's `offset` argument evaluated on the new rows (an expression), refused when it was numbers. */
function withOffsetArgument(model: GeneralizedLinearMixedModel, design: PredictionDesign, newdata: unknown): PredictionDesign {
  if (!model.hasOffsetArgument) return design;
  if (model.offsetArgument === null) {
    fail("the model's offset was given to glmer as numbers, which cannot be evaluated on new rows; refit with offset as an expression of columns (offset: \"log(expected)\") or put offset(…) in the formula");
  }
  const values = offsetValues(model.offsetArgument, dataSource(newdata));
  const offset = design.offset ? Float64Array.from(design.offset) : new Float64Array(design.n);
  const missing = Uint8Array.from(design.missing);
  for (let i = 0; i < design.n; i++) {
    offset[i] += values[i];
    if (Number.isNaN(values[i])) missing[i] = 1;
  }
  return {...design, offset, missing};
}

/** `√(xᵀ V x)`, V = lme4's vcov(m). */
function populationSe(model: GeneralizedLinearMixedModel, d: PredictionDesign): number[] {
  const V = model.vcov, p = model.beta.length;
  return Array.from({length: d.n}, (_, i) => {
    if (d.missing[i]) return NaN;
    let s = 0;
    for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) s += d.X[a][i] * V[a][c] * d.X[c][i];
    return Math.sqrt(s);
  });
}

