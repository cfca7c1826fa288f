import type {Blocked} from "../lmm/blocks.js";
import {LinearMixedModel, type OptimizerRecord, type RanefColumns} from "../lmm/model.js";
import type {MixedModelStructure} from "../lmm/objective.js";

/** What a fit found, as a worker reports it: enough to rebuild the model without optimizing again. */
export interface FitOutcome {
  /** The model's frame and cross-products (lmer's, for this formula, table and options). */
  structure: MixedModelStructure;
  theta: ArrayLike<number>;
  isSingular: boolean;
  warnings: string[];
  optimizer: OptimizerRecord;
  /** The factor at θ̂ and the conditional modes, when the worker sends them (then nothing heavy runs here). */
  L?: Blocked;
  ranef?: RanefColumns;
}

/**
 * The fitted model at a θ̂ found elsewhere (a worker): the worker's factor at θ̂ (or one factorization here
 * when it sent none) and the model's results, no
 * optimization (lmer accepts start values but always optimizes; the model's constructor is the zero-iteration
 * path). With the structure lmer built it equals what `lmer` returns.
 *
 * @example
 *   const m = modelAtTheta({structure, theta, isSingular, warnings, optimizer});
 */
export function modelAtTheta(outcome: FitOutcome): LinearMixedModel {
  const {optimizer} = outcome;
  return new LinearMixedModel(outcome.structure, Float64Array.from(outcome.theta), outcome.isSingular, outcome.warnings.slice(), {
    ...optimizer,
    initial: Float64Array.from(optimizer.initial),
    final: Float64Array.from(optimizer.final),
    log: optimizer.log.slice()
  }, {L: outcome.L, ranef: outcome.ranef});
}
