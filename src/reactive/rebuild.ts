import {LinearMixedModel, type OptimizerRecord, type PrecomputedResults} from "../lmm/model.js";
import type {MixedModelStructure} from "../lmm/structure.js";

/**
 * What a fit found, as a worker reports it: enough to rebuild the model without optimizing again, and, with
 * the worker's results (the factor at θ̂, β̂ and ũ, the conditional modes, fitted values and residuals),
 * without solving or passing over the rows either; with the worker's `timings`, the model reports them.
 */
export interface FitOutcome extends PrecomputedResults {
  /** The model's frame and cross-products (lmer's, for this formula, table and options). */
  structure: MixedModelStructure;
  theta: ArrayLike<number>;
  isSingular: boolean;
  warnings: string[];
  optimizer: OptimizerRecord;
}

/**
 * The fitted model at a θ̂ found elsewhere (a worker), without optimizing (lmer accepts start values but
 * always optimizes; the model's constructor is the zero-iteration path). What the worker computed is used as
 * it is; what it did not send is computed here (the factor at θ̂, then β̂, ũ and the fitted values). With
 * the structure lmer built it equals what `lmer` returns, bit for bit.
 *
 * @example
 *   const m = modelAtTheta({structure, theta, isSingular, warnings, optimizer, L, beta, u, fitted, residuals});
 */
export function modelAtTheta(outcome: FitOutcome): LinearMixedModel {
  const {optimizer} = outcome;
  return new LinearMixedModel(outcome.structure, Float64Array.from(outcome.theta), outcome.isSingular, outcome.warnings.slice(), {
    ...optimizer,
    initial: Float64Array.from(optimizer.initial),
    final: Float64Array.from(optimizer.final),
    log: optimizer.log.slice()
  }, {L: outcome.L, ranef: outcome.ranef, beta: outcome.beta, u: outcome.u, fitted: outcome.fitted, residuals: outcome.residuals,
    timings: outcome.timings});
}
