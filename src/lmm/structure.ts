/**
 * The structure of a linear mixed model: what its criterion needs, computed once (objective.ts's
 * modelStructure builds it; the evaluator and every refit read it).
 */
import type {ModelFrame} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";
import type {ResidualStructure} from "./residual.js";

/** What the criterion needs, computed once per model: the cross-products and constants. */
export interface MixedModelStructure {
  frame: ModelFrame;
  A: Blocked;
  /** log |W| for prior weights (0 without); with a residual structure, −log|V^½ C V^½| at its estimates. */
  logDetW: number;
  REML: boolean;
  /**
   * A residual structure (nlme's correlation and variance functions) and its unconstrained estimates: `A` then
   * holds the cross-products of the rows whitened at them (residual.ts).
   */
  residual?: {structure: ResidualStructure; parameters: Float64Array};
}
