import {fail} from "../errors.js";
import {convergenceWarnings, derivatives} from "../lmm/convergence.js";
import {thetaLower} from "../lmm/lambda.js";
import {LinearMixedModel, type OptimizerRecord} from "../lmm/model.js";
import {criterionFunction, type MixedModelStructure} from "../lmm/objective.js";
import {bobyqa} from "../optimize/bobyqa.js";

/** Options of {@link refit}. */
export interface RefitOptions {
  /** Refit by REML (true) or maximum likelihood (false); default the model's own criterion. */
  REML?: boolean;
  /** Start values of θ; default the model's θ̂. */
  start?: ArrayLike<number>;
}

const SINGULAR_TOL = 1e-4;
const BOUNDARY_TOL = 1e-5;

/**
 * Refits a model by REML or ML without its data: the model frame and the cross-products of `[Z X y]` are
 * shared with the original fit (they do not depend on the criterion), only θ is optimized again, from θ̂
 * by default, as lme4's `refitML` does. The optimizer and its aftermath are lme4's: BOBYQA, a restart when
 * a parameter on its bound has a one-sided gradient pointing inward, snapping values within 1e-5 of a bound
 * onto it when that does not raise the criterion, a singular fit when a bounded θ is below 1e-4, and the
 * finite-difference convergence checks of {@link lmer} for small models.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.4 and §5.4 (`refitML` before likelihood-ratio tests);
 * Powell (2009), BOBYQA.
 *
 * @example
 *   const ml = refit(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy), {REML: false});
 *   ml.deviance; // 1751.939
 */
export function refit(model: LinearMixedModel, options: RefitOptions = {}): LinearMixedModel {
  const REML = options.REML ?? model.REML;
  if (typeof REML !== "boolean") fail(`invalid REML: ${String(REML)}; use true or false`);
  const structure: MixedModelStructure = {...model.structure, REML};
  const start = Float64Array.from(options.start ?? model.theta);
  if (start.length !== model.theta.length) fail(`invalid start: ${start.length} values for ${model.theta.length} θ parameters`);
  return optimizeStructure(structure, start, model.structure.frame.warnings);
}

/**
 * Minimises the profiled criterion of a model structure over θ from `start` and builds the fitted model,
 * with lme4's handling of bounds (see {@link refit}).
 *
 * Reference: lme4's `optimizeLmer` and `checkConv`; Bates et al. (2015), JSS 67(1), §3.
 *
 * @example
 *   const m = optimizeStructure({...model.structure, REML: false}, model.theta, []);
 */
export function optimizeStructure(structure: MixedModelStructure, start: Float64Array, frameWarnings: string[]): LinearMixedModel {
  const criterion = criterionFunction(structure);
  const lower = thetaLower(structure.A.sizes);
  for (let i = 0; i < start.length; i++) if (start[i] < lower[i]) start[i] = lower[i];
  const t0 = performance.now();
  let evaluations = 0;
  const counted = (theta: Float64Array) => {
    evaluations++;
    return criterion(theta);
  };
  let result = bobyqa(counted, start, {lower});
  const log: string[] = [];
  const onBound = [...lower.keys()].filter((i) => lower[i] === result.x[i]);
  if (onBound.length) {
    const f0 = criterion(result.x);
    const inward = onBound.some((i) => {
      const x = result.x.slice();
      x[i] += BOUNDARY_TOL;
      return (criterion(x) - f0) / BOUNDARY_TOL < 0;
    });
    if (inward) {
      log.push("restarted from the edge: the gradient points into the parameter space");
      const again = bobyqa(counted, result.x, {lower});
      if (again.f <= result.f) result = {...again, initial: result.initial};
    }
  }
  const near = [...lower.keys()].filter((i) => lower[i] !== result.x[i] && Math.abs(result.x[i] - lower[i]) < BOUNDARY_TOL);
  if (near.length) {
    const x = result.x.slice();
    for (const i of near) x[i] = lower[i];
    const f = criterion(x);
    if (f <= result.f) {
      result = {...result, x, f};
      log.push(`snapped θ[${near.join(", ")}] onto the boundary`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const theta = result.x;
  const isSingular = [...lower.keys()].some((i) => lower[i] === 0 && theta[i] < SINGULAR_TOL);
  const warnings = [...frameWarnings];
  if (!result.converged) warnings.push(`optimizer did not converge: ${result.message}`);
  if (isSingular) warnings.push("boundary (singular) fit: see help('isSingular')");
  if (structure.frame.n < 10000 && theta.length < 10) {
    const free = [...lower.keys()].filter((i) => !(lower[i] === 0 && theta[i] < SINGULAR_TOL));
    const {gradient, hessian} = derivatives((x) => criterion(x), theta, free);
    warnings.push(...convergenceWarnings(gradient, hessian));
  }
  const optimizer: OptimizerRecord = {
    name: "bobyqa",
    evaluations,
    seconds,
    converged: result.converged,
    message: result.message,
    initial: Float64Array.from(start),
    final: Float64Array.from(theta),
    criterion: result.f,
    log
  };
  return new LinearMixedModel(structure, theta, isSingular, warnings, optimizer);
}
