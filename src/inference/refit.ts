import {fail} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import {fitStructure, type FitOptions} from "../lmm/fit.js";
import type {LinearMixedModel} from "../lmm/model.js";
import type {MixedModelStructure} from "../lmm/structure.js";

/** Options of {@link refit}. */
export interface RefitOptions extends FitOptions {
  /** Refit by REML (true) or maximum likelihood (false); default the model's own criterion. */
  REML?: boolean;
  /** Start values of θ; default the model's θ̂. */
  start?: ArrayLike<number>;
}

/** The options {@link refit} knows. */
export const REFIT_OPTIONS = optionNames<RefitOptions>({REML: true, start: true, onProgress: true, signal: true, checkConvergence: true});

/**
 * Refits a model by REML or ML without its data: the model frame and the cross-products of `[Z X y]` are
 * shared with the original fit (they do not depend on the criterion), only θ is optimized again, from θ̂
 * by default, as lme4's `refitML` does, by the optimizer and boundary handling of `lmer` (`fitStructure`).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.4 and §5.4 (`refitML` before likelihood-ratio tests);
 * Powell (2009), BOBYQA.
 *
 * @example
 *   const ml = refit(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy), {REML: false});
 *   ml.deviance; // 1751.939
 */
export function refit(model: LinearMixedModel, given: RefitOptions = {}): LinearMixedModel {
  const options = readOptions(given, REFIT_OPTIONS, "refit");
  const REML = options.REML ?? model.REML;
  if (typeof REML !== "boolean") fail(`invalid REML: ${String(REML)}; use true or false`);
  const structure: MixedModelStructure = {...model.structure, REML};
  const start = Float64Array.from(options.start ?? model.theta);
  if (start.length !== model.theta.length) fail(`invalid start: ${start.length} values for ${model.theta.length} θ parameters`);
  const {onProgress, signal, checkConvergence} = options;
  return fitStructure(structure, start, {onProgress, signal, checkConvergence});
}
