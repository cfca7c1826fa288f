/**
 * The structure of a linear mixed model: what its criterion needs, computed once (objective.ts's
 * modelStructure builds it; the evaluator and every refit read it).
 */
import type {ModelFrame} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";

/** What the criterion needs, computed once per model: the cross-products and constants. */
export interface MixedModelStructure {
  frame: ModelFrame;
  A: Blocked;
  /** log |W| for prior weights (0 without). */
  logDetW: number;
  REML: boolean;
}
