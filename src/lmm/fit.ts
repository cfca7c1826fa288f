import {describeValue, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import {FRAME_OPTIONS, modelFrame} from "../frame/frame.js";
import type {TableInput} from "../frame/table-input.js";
import {bobyqa} from "../optimize/bobyqa.js";
import {resolveOptions} from "../optimize/options.js";
import {NEAR_BOUND, probeBoundary, type BoundaryProbes} from "./boundary.js";
import {convergenceWarnings, derivatives, failedToConverge} from "./convergence.js";
import {thetaLength, thetaLower} from "./lambda.js";
import {momentStart} from "./moment-start.js";
import {thetaScales} from "./theta-scale.js";
import {scaleWarnings, scaleWarningsFromMoments} from "./scale-check.js";
import {readLmerOptions, type LmerOptions} from "./lmer-options.js";
import {FitClock} from "./timings.js";

export type {LmerOptions};
import {LinearMixedModel, type BoundaryRestart, type OptimizerEnding, type OptimizerRecord} from "./model.js";
import {Evaluator} from "./evaluator.js";
import {modelStructure} from "./objective.js";
import {resolveResidual} from "./residual.js";
import {fitResidualStructure} from "./residual-fit.js";
import type {MixedModelStructure} from "./structure.js";


const SINGULAR_TOL = 1e-4;
const BOUNDARY_TOL = 1e-5;
/**
 * Snapping onto the bound may raise the criterion by this much, relative: its rounding (a few units in the last
 * place), so that θ a hair above 0 (8e-8, where the criterion is flat to 1 ulp) ends on the bound.
 */
const SNAP_ROUNDING = 1e-13;
/** Restarts from a bound after the first run, at most (each must lower the criterion to be followed by another). */
const MAX_RESTARTS = 3;

/**
 * Fits a linear mixed-effects model by REML (default) or ML, as lme4's `lmer`: the formula is parsed and
 * expanded, the model frame built from the table, the profiled criterion minimised over θ by BOBYQA, then
 * boundary probes and restarts, boundary snapping and convergence checks ({@link fitStructure}).
 * `data` is an Arquero table, an array of row objects or an object of column arrays ({@link TableInput});
 * its values are checked as they are read, whatever the static type says.
 *
 * Reference: Bates et al. (2015), JSS 67(1); lme4's `lmer` and `optimizeLmer`.
 *
 * @example
 *   const m = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   m.fixef; // {"(Intercept)": 251.405…, Days: 10.467…}
 */
export function lmer(formulaOrSpec: string | ModelSpec, data: TableInput, given?: LmerOptions): LinearMixedModel {
  const clock = new FitClock();
  const options = readLmerOptions(given);
  const REML = options.REML ?? true;
  clock.skip();
  const spec = typeof formulaOrSpec === "string" ? formula(formulaOrSpec) : parsedSpec(formulaOrSpec);
  clock.lap("formula");
  const frame = modelFrame(spec, data, Object.fromEntries(FRAME_OPTIONS.map((name) => [name, options[name as keyof LmerOptions]])));
  clock.lap("frame");
  const structure = modelStructure(frame, REML);
  clock.lap("crossProducts");
  const sizes = structure.A.sizes;
  const {start} = options;
  if (start && start.length !== thetaLength(sizes)) fail(`invalid start: ${start.length} values for ${thetaLength(sizes)} θ parameters`);
  if (options.correlation !== undefined || options.variance !== undefined) {
    const residual = resolveResidual({correlation: options.correlation, variance: options.variance}, frame, data);
    clock.lap("crossProducts");
    return fitResidualStructure(structure, residual, start, options, clock);
  }
  return fitStructure(structure, start, options, clock);
}

/** Options of {@link fitStructure}: progress, cancellation and the convergence checks of {@link LmerOptions}. */
export type FitOptions = Pick<LmerOptions, "onProgress" | "signal" | "checkConvergence">;

/**
 * Minimises the profiled criterion of a model structure over θ from `start` (by default the identity in
 * the scaled coordinates below) and builds the fitted model.
 * BOBYQA works on θ' = D θ, each template row scaled by the size of its random-effects column
 * (theta-scale.ts), so that slopes on covariates of any unit are optimized on the intercept's scale. Then:
 * diagonal entries that end within 1e-4 of their bound 0 are probed inward (boundary.ts: the criterion is
 * even in a scalar term's θ, so a gradient test cannot see a descent from 0), and BOBYQA restarts from a
 * lower probe; values within 1e-5 of a bound are snapped onto it when that does not raise the criterion;
 * the fit is singular when a bounded θ is below 1e-4 (lme4's rule); and for small models finite-difference
 * checks of the gradient and Hessian (in the scaled coordinates) give lme4's warnings. The record says how
 * the fit ended, with one verdict. Used by {@link lmer} and by refits that reuse a structure (ML refits,
 * bootstrap). `clock` is the fit's stopwatch ({@link FitClock}): lmer's, with the formula, frame and
 * cross-products charged already; a refit starts its own, so its timings count the optimization and checks.
 *
 * Reference: lme4's `optimizeLmer` and `checkConv`; Bates et al. (2015), JSS 67(1), §3; Powell (2009).
 *
 * @example
 *   const ml = fitStructure({...model.structure, REML: false}, model.theta);
 */
export function fitStructure(structure: MixedModelStructure, start?: ArrayLike<number>, options: FitOptions = {}, clock = new FitClock()): LinearMixedModel {
  // a residual structure is estimated again with θ (from its estimates), on the frame's own cross-products
  if (structure.residual) {
    const {structure: residual, parameters} = structure.residual;
    return fitResidualStructure(modelStructure(structure.frame, structure.REML), {...residual, start: Float64Array.from(parameters)}, start, options, clock);
  }
  clock.skip();
  const {frame} = structure;
  // one evaluator for the optimizer and the results: its factor workspace (for a crossed model, a dense
  // block of megabytes) is made once, and the model's results use its factor at θ̂
  const evaluator = new Evaluator(structure);
  const criterion = (theta: ArrayLike<number>) => evaluator.objectiveAt(theta);
  const lower = thetaLower(structure.A.sizes);
  // the optimizer's coordinates: θ' = D θ, each template row scaled by its column's size (theta-scale.ts)
  const scale = thetaScales(frame);
  const toTheta = (u: Float64Array) => u.map((v, i) => v / scale[i]);
  // without a start, scalar intercept terms start from moments (moment-start.ts) and the other templates at
  // the identity in these coordinates (lme4's 1 and 0); an intercept column's scale is 1
  const x0 = start
    ? Float64Array.from(start, (v, i) => Math.max(v, lower[i]) * scale[i])
    : momentStart(structure.A, frame.terms.map((t) => t.names), scale, frame.n);
  const t0 = performance.now();
  let evaluations = 0;
  const scaled = (u: Float64Array) => criterion(toTheta(u));
  const counted = (u: Float64Array) => {
    options.signal?.throwIfAborted();
    const theta = toTheta(u);
    const value = criterion(theta);
    evaluations++;
    options.onProgress?.({evaluations, criterion: value, theta});
    return value;
  };
  const {rhoend} = resolveOptions(x0, {lower});
  let result = bobyqa(counted, x0, {lower});
  const log: string[] = [];
  const restarts: BoundaryRestart[] = [];

  // a diagonal θ at its bound: probe inward (both mirror images of its column) and restart from a lower probe
  let probed: BoundaryProbes | undefined;
  clock.lap("optimization");
  for (let round = 0; result.converged; round++) {
    probed = probeBoundary(counted, result.x, NEAR_BOUND, structure.A.sizes, result.f);
    clock.lap("checks");
    if (!probed.best || round === MAX_RESTARTS) break;
    const from = probed.best;
    const again = bobyqa(counted, from.theta, {lower, rhobeg: from.step, rhoend: Math.min(rhoend, from.step)});
    clock.lap("optimization");
    restarts.push({atBound: probed.atBound, criterionAtBound: result.f, probe: from.criterion, criterionAfter: again.f});
    log.push(
      `restarted from the bound (θ[${probed.atBound.join(", ")}] at 0, criterion ${result.f}): an inward probe was lower ` +
        `(${from.criterion}); the restart ended at ${again.f}`
    );
    if (!(again.f < result.f)) break;
    result = {...again, initial: result.initial};
    probed = undefined;
  }
  // snap parameters within the tolerance of their bound onto it when that does not raise the criterion beyond its rounding
  const near = [...lower.keys()].filter((i) => lower[i] !== result.x[i] && Math.abs(result.x[i] - lower[i]) < BOUNDARY_TOL);
  if (near.length) {
    const x = result.x.slice();
    for (const i of near) x[i] = lower[i];
    const f = scaled(x);
    if (f <= result.f + SNAP_ROUNDING * Math.abs(result.f)) {
      result = {...result, x, f};
      log.push(`snapped θ[${near.join(", ")}] onto the boundary`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(result.f)) {
    fail(
      `the criterion is not finite at any θ the optimizer tried (${evaluations} evaluations): the factor of the ` +
        `cross-products is not positive definite in floating point; rescale the variables (centre them, or divide large ones by a power of ten)`
    );
  }

  const theta = toTheta(result.x);
  const isSingular = [...lower.keys()].some((i) => lower[i] === 0 && theta[i] < SINGULAR_TOL);
  const scaleChecks = frame.aggregated ? scaleWarningsFromMoments(frame.aggregated.fixedMoments, frame.n) : scaleWarnings(frame.X);
  const warnings = [...frame.warnings, ...scaleChecks];
  if (!result.converged) warnings.push(`optimizer did not converge: ${result.message}`);
  if (isSingular) warnings.push("boundary (singular) fit: see help('isSingular')");
  const check = options.checkConvergence ?? (frame.n < 10000 && theta.length < 10);
  const checks: string[] = [];
  if (check) {
    const free = [...lower.keys()].filter((i) => !(lower[i] === 0 && theta[i] < SINGULAR_TOL));
    // in the optimizer's coordinates, where a step of 1e-4 means the same for every θ (lme4 steps θ itself)
    const {gradient, hessian} = derivatives(scaled, result.x, free);
    checks.push(...convergenceWarnings(gradient, hessian));
  }
  warnings.push(...checks);
  const failed = checks.find(failedToConverge);
  probed ??= probeBoundary(counted, result.x, NEAR_BOUND, structure.A.sizes, result.f);
  const verdict: OptimizerEnding["verdict"] = !result.converged
    ? "evaluation-limit"
    : failed
      ? "failed-checks"
      : restarts.length
        ? "restarted"
        : probed.atBound.length
          ? "bound-minimum"
          : "interior";
  const optimizer: OptimizerRecord = {
    name: "bobyqa",
    evaluations,
    seconds,
    converged: result.converged && !failed,
    message: failed ?? result.message,
    initial: toTheta(x0),
    final: Float64Array.from(theta),
    criterion: result.f,
    log,
    ending: {verdict, atBound: probed.atBound, probes: probed.probes, restarts}
  };
  const atOptimum = evaluator.setTheta(theta).updateL() ? {L: evaluator.factor} : {};
  return new LinearMixedModel(structure, theta, isSingular, warnings, optimizer, atOptimum, clock);
}

/** A formula given already parsed: checked for the shape `formula()` returns, so other values are refused by name. */
function parsedSpec(formula: unknown): ModelSpec {
  const f = formula as Partial<ModelSpec> | null;
  let ok = false;
  try {
    ok = f !== null && typeof f === "object" && typeof f.text === "string" && Array.isArray(f.terms) && Array.isArray(f.random) && Array.isArray(f.offsets);
  } catch {
    ok = false;
  }
  if (!ok) fail(`invalid formula: ${describeValue(formula)}; pass the formula as text, such as "Reaction ~ Days + (Days | Subject)"`);
  return f as ModelSpec;
}
