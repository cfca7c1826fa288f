import type {ModelFrame} from "../frame/frame.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {conditionalBlocks} from "../lmm/solution.js";
import {LinearMixedModel} from "../lmm/model.js";

/** A fitted model that `setx` and `sim` take: lmer's linear model or glmer's generalized one. */
export type QiModel = LinearMixedModel | GeneralizedLinearMixedModel;

/**
 * Whether `value` is a model fitted by `lmer` or `glmer`.
 *
 * @example
 *   isQiModel(glmer("r2 ~ Anger + (1 | id)", VerbAgg, {family: "binomial"})); // true
 */
export function isQiModel(value: unknown): value is QiModel {
  return value instanceof LinearMixedModel || value instanceof GeneralizedLinearMixedModel;
}

/**
 * Whether `model` is a generalized model (glmer's): its `sim` draws outcomes from its family.
 *
 * @example
 *   isGeneralized(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy)); // false
 */
export function isGeneralized(model: QiModel): model is GeneralizedLinearMixedModel {
  return model instanceof GeneralizedLinearMixedModel;
}

/**
 * The model frame a fit used: X, the random-effects terms, offset, rows.
 *
 * @example
 *   frameOf(m).xNames; // ["(Intercept)", "education", "age", "female"]
 */
export function frameOf(model: QiModel): ModelFrame {
  return model instanceof GeneralizedLinearMixedModel ? model.frame : model.structure.frame;
}

/**
 * The level blocks of (L_θ̂ L_θ̂ᵀ)⁻¹ per term (level-major pᵢ × pᵢ): a known level's effects have conditional
 * covariance σ̂² Tᵢ M_h Tᵢᵀ. For a generalized model, at the PIRLS weights of the optimum (the Laplace
 * approximation's conditional covariance).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.1; for glmer, lme4's `ranef(condVar = TRUE)`.
 *
 * @example
 *   blocksOf(m)[0][h]; // M_h of a scalar term's level h
 */
export function blocksOf(model: QiModel): Float64Array[] {
  return model instanceof GeneralizedLinearMixedModel ? model.conditionalBlocks : conditionalBlocks(model.L);
}
