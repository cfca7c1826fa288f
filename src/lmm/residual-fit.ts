import {fail} from "../errors.js";
import {exp, log as logarithm} from "../math/index.js";
import {bobyqa} from "../optimize/bobyqa.js";
import {cloneBlocked} from "./blocks.js";
import {Evaluator} from "./evaluator.js";
import {thetaLower, thetaStart} from "./lambda.js";
import {LinearMixedModel, type OptimizerRecord} from "./model.js";
import {geometricMean, geometricMeanScale, naturalParameters, whiten, whitenedBuffers, withCovariate, type ResidualStructure} from "./residual.js";
import {clampStart, structureCoordinates, structureScale} from "./residual-coordinates.js";
import {scaleWarnings} from "./scale-check.js";
import type {MixedModelStructure} from "./structure.js";
import {thetaScales} from "./theta-scale.js";
import {FitClock} from "./timings.js";
import type {LmerOptions} from "./lmer-options.js";

/** Progress, cancellation (and, not used here, convergence checks) of {@link LmerOptions}. */
type FitOptions = Pick<LmerOptions, "onProgress" | "signal" | "checkConvergence">;

const SINGULAR_TOL = 1e-4;

/**
 * Fits a linear mixed model with a residual structure by REML or ML: θ and the structures' unconstrained
 * parameters ψ (nlme's scales) are optimized together by BOBYQA, in coordinates where θ is divided by the
 * geometric mean of the variance function (thetaFactor) and varConstPower's const and corCAR1's φ have their 0
 * as a bound (residual-coordinates.ts). Each evaluation whitens the rows for ψ
 * (residual.ts: the Cholesky factor of V^½ C V^½ per group), refills `[Z X y]ᵀ[Z X y]` of the whitened rows in
 * the evaluator's own cross-products (its `refill`, as PIRLS's reweight), with `log|W| = −log|V^½ C V^½|`, and
 * evaluates the profiled criterion at θ. The optimizer is run again from its end (nlme's optimizers can stop
 * short; so can one BOBYQA run on these surfaces) and, where the first run ends with every correlation under
 * 0.3 in size (where serial correlation and random slopes trade off, a second minimum lies at a larger
 * correlation), from a second start of the correlation (φ = ½); the lowest criterion is kept. The model's structure holds the whitened cross-products at ψ̂, so that β̂, its
 * covariance, σ̂, the log-likelihood and the criterion's functions are those of the structure.
 *
 * Reference: Pinheiro & Bates (2000), Mixed-Effects Models in S and S-PLUS, §5.1–5.3 (the extended linear mixed
 * model and its transformation); Bates et al. (2015), JSS 67(1), eqs. 34 and 41; Powell (2009).
 *
 * @example
 *   const m = fitResidualStructure(modelStructure(frame, true), resolveResidual({correlation: "corAR1()"}, frame, data));
 */
export function fitResidualStructure(base: MixedModelStructure, residual: ResidualStructure, start?: ArrayLike<number>, options: FitOptions = {}, clock = new FitClock()): LinearMixedModel {
  return residual.variance?.form.fitted ? fitOfFittedValues(base, residual, start, options, clock) : fitAtCovariate(base, residual, start, options, clock);
}

/** Most alternations of a variance function of the fitted values (nlme's `maxIter`, 50 by default). */
const MAX_FITTED_ITERATIONS = 50;
/**
 * The alternation stops when no parameter (θ and the structures', unconstrained) moves more than this, relative:
 * nlme's 1e-6 is below what BOBYQA repeats from nearby starts on these surfaces (θ moves by up to 1e-5 between
 * fits at fitted values that agree to 1e-7), so the alternation would wander at that level.
 */
const FITTED_TOLERANCE = 2e-5;

/**
 * A variance function of the fitted values (`varPower(form = ~ fitted(.))`), as nlme's `lme` fits it: the
 * covariate is held at the fitted values `X β̂ + Z b̂` of the previous fit while θ and the structures are
 * optimized, then set to the new fit's fitted values, until the parameters move less than FITTED_TOLERANCE
 * (relative; absolute at 0) between alternations. The first covariate is the fitted values of a rough fit (to 1e-3) of the
 * model without the variance function (with the correlation structure, if any); each later fit starts at the
 * previous estimates.
 * The model's structure holds the covariate of its last fit, whose log-likelihood it reports.
 *
 * Reference: nlme's `lme.formula` (its outer loop: optimize, `MEestimate`, `update(lmeSt, dataMix)`, relative
 * change against `lmeControl(tolerance = 1e-6)`); Pinheiro & Bates (2000), §5.2.1 (variance functions of μ).
 */
function fitOfFittedValues(base: MixedModelStructure, residual: ResidualStructure, start: ArrayLike<number> | undefined, options: FitOptions, clock: FitClock): LinearMixedModel {
  let current = residual;
  let model: LinearMixedModel;
  if (!residual.covariate) {
    const nc = residual.nCorrelation;
    const without: ResidualStructure = {
      ...residual, variance: null, nVariance: 0, names: residual.names.slice(0, nc), start: residual.start.slice(0, nc), held: residual.held.slice(0, nc)
    };
    model = fitAtCovariate(base, without, start, options, clock, false, true);
    const psi = Float64Array.from(residual.start);
    psi.set(model.structure.residual?.parameters ?? [], 0);
    current = {...withCovariate(residual, model.usedFitted), start: psi};
    start = model.theta;
    const guess = residual.variance!.value === null && !residual.variance!.fixed ? powerGuess(current, model.usedResiduals) : null;
    if (guess) (current = {...current, start: guess.start}), (start = model.theta.map((t) => t * guess.scale));
  }
  let previous: Float64Array | null = null;
  let iterations = 0;
  for (;;) {
    model = fitAtCovariate(base, current, start, options, clock, true);
    iterations++;
    const psi = model.structure.residual!.parameters;
    const now = Float64Array.from([...model.theta, ...psi]);
    const moved = previous ? Math.max(...now.map((v, i) => Math.abs(v - previous![i]) / (v === 0 ? 1 : Math.abs(v)))) : Infinity;
    if (moved <= FITTED_TOLERANCE || iterations >= MAX_FITTED_ITERATIONS) break;
    previous = now;
    current = {...withCovariate(current, model.usedFitted), start: Float64Array.from(psi)};
    start = model.theta;
  }
  if (iterations >= MAX_FITTED_ITERATIONS) {
    (model.warnings as string[]).push(`the variance function of the fitted values did not settle in ${MAX_FITTED_ITERATIONS} alternations of the fitted values and the fit (nlme's maxIter)`);
  }
  model.optimizer.log.push(`${residual.variance!.text}: ${iterations} fits, each at the fitted values of the one before`);
  return model;
}

/**
 * A start for varPower or varExp of the fitted values from the fit without them: per stratum, the
 * least-squares slope of log |r| on log |μ| (varPower) or on μ (varExp), r the residuals and μ the fitted
 * values, clamped to [−5, 5] in the optimizer's coordinates; and the factor of θ (σ shrinks by the geometric
 * mean of g, so θ = σ_b/σ grows by it). Null for varConstPower or when a slope is not finite.
 *
 * Reference: Carroll & Ruppert (1988), Transformation and Weighting in Regression, §3.3 (the regression of log
 * absolute residuals on log means to estimate a power of the mean).
 */
function powerGuess(r: ResidualStructure, residuals: Float64Array): {start: Float64Array; scale: number} | null {
  const kind = r.variance!.kind;
  if (kind !== "varPower" && kind !== "varExp") return null;
  const ns = Math.max(r.strataNames.length, 1);
  const x = r.covariate!, levels = r.covariateLevels!;
  const sums = Array.from({length: ns}, () => ({n: 0, x: 0, y: 0, xx: 0, xy: 0}));
  for (let i = 0; i < x.length; i++) {
    const xi = kind === "varPower" ? levels.logAbs[levels.index[i]] : x[i];
    const yi = logarithm(Math.abs(residuals[i]));
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    const t = sums[r.strata ? r.strata[i] : 0];
    t.n++, (t.x += xi), (t.y += yi), (t.xx += xi * xi), (t.xy += xi * yi);
  }
  const start = Float64Array.from(r.start);
  let sumLog = 0;
  for (let k = 0; k < ns; k++) {
    const t = sums[k];
    const slope = (t.xy - (t.x * t.y) / t.n) / (t.xx - (t.x * t.x) / t.n);
    if (!Number.isFinite(slope)) return null;
    const bound = 5 / structureScale(r, r.nCorrelation + k);
    start[r.nCorrelation + k] = Math.min(Math.max(slope, -bound), bound);
  }
  for (let i = 0; i < x.length; i++) {
    const k = r.strata ? r.strata[i] : 0;
    sumLog += start[r.nCorrelation + k] * (kind === "varPower" ? levels.logAbs[levels.index[i]] : x[i]);
  }
  const scale = exp(sumLog / x.length);
  return Number.isFinite(scale) && scale > 0 ? {start, scale} : null;
}

/**
 * One fit at the structure's covariate (see {@link fitResidualStructure}). `warm`: `start` and the structure's
 * start are the estimates of a fit at nearby fitted values, so the first run begins with a small trust region
 * (0.01) and there is no second start. `rough`: the coarse run only (to 1e-3), for fitted values to start from.
 */
function fitAtCovariate(base: MixedModelStructure, residual: ResidualStructure, start?: ArrayLike<number>, options: FitOptions = {}, clock = new FitClock(), warm = false, rough = false): LinearMixedModel {
  clock.skip();
  const {frame} = base;
  const sizes = base.A.sizes;
  const scale = thetaScales(frame);
  const nTheta = scale.length;
  const lowerTheta = thetaLower(sizes);
  const free = residual.held.map((h, k) => (h ? -1 : k)).filter((k) => k >= 0);
  // the optimizer's coordinates of the structures (residual-coordinates.ts)
  const coords = structureCoordinates(residual, free);
  const lower = Float64Array.from([...lowerTheta, ...coords.lower]);
  const upper = Float64Array.from([...lowerTheta.map(() => Infinity), ...coords.upper]);
  const ev = new Evaluator(base);
  const buffers = whitenedBuffers(frame);
  const psi = Float64Array.from(residual.start);
  const theta = new Float64Array(nTheta);
  let evaluations = 0;
  // θ's coordinates are θ / f(ψ) (see thetaFactor): a variance function and σ then move apart, not along one ridge
  const factor = thetaFactor(residual);
  const scalesTheta = factor !== unscaled;
  const criterion = (x: Float64Array): number => {
    options.signal?.throwIfAborted();
    free.forEach((k, j) => (psi[k] = coords.toU(j, x[nTheta + j])));
    evaluations++;
    if (!whiten(residual, frame, psi, buffers)) return Infinity;
    // f(ψ) from the whitening's Σ log g (the same value as factor(psi))
    const f = scalesTheta ? positive(geometricMean(residual, buffers.sumLogG!)) : 1;
    for (let i = 0; i < nTheta; i++) theta[i] = (x[i] / scale[i]) * f;
    ev.refill(buffers, -buffers.logDetR);
    const value = ev.setTheta(theta).updateL() ? ev.objective() : Infinity;
    options.onProgress?.({evaluations, criterion: value, theta: Float64Array.from(theta)});
    return value;
  };
  const f0 = factor(residual.start);
  const thetaX = start ? Float64Array.from(start, (v, i) => (Math.max(v, lowerTheta[i]) / f0) * scale[i]) : thetaStart(sizes);
  const starts = [Float64Array.from([...thetaX, ...free.map((k, j) => coords.toX(j, clampStart(residual.start[k])))])];
  if (!warm && residual.correlation && !residual.correlation.fixed && residual.correlation.value === null && residual.correlation.kind !== "corSymm") {
    const second = starts[0].slice();
    // a second start with positive correlation (φ = ½ on nlme's scales), where serial correlation and a
    // random slope trade off and the surface has a second minimum
    for (let j = 0; j < free.length; j++) if (free[j] < residual.nCorrelation) second[nTheta + j] = coords.toX(j, residual.correlation.kind === "corCAR1" ? 0 : 1.0986);
    starts.push(second);
  }
  const t0 = performance.now();
  // the trust region's arc search in tan(θ/2), without trigonometric calls: with many structure parameters on
  // their bounds the step turns on the sphere for thousands of trials an evaluation (lmer keeps "angle")
  const arc = "tangent";
  const log: string[] = [];
  let best: {x: Float64Array; f: number; converged: boolean; message: string} | null = null;
  let initial = starts[0];
  for (const x0 of starts) {
    // the second start only where the first ended with little correlation: that end may be the other minimum
    if (x0 !== starts[0] && best && !weakCorrelation(residual, best.x, nTheta, free, coords.toU)) break;
    // a coarse run (the trust region stops at 1e-4), then runs from its end with a small fresh region to the
    // usual accuracy: fewer evaluations than one run to 5e-6 from the start, and it finds descents a shrunk
    // region missed
    let result = bobyqa(criterion, x0, warm ? {lower, upper, arc, rhobeg: 0.01, rhoend: 1e-4} : {lower, upper, arc, rhoend: rough ? 1e-3 : 1e-4});
    for (let round = 0; round < (rough ? 0 : 3); round++) {
      const again = bobyqa(criterion, result.x, {lower, upper, arc, rhobeg: round === 0 ? 0.01 : 0.1, rhoend: 5e-7});
      const improved = again.f < result.f - 1e-10 * Math.abs(result.f);
      if (again.f < result.f) result = {...again, initial: result.initial};
      if (!improved) break;
    }
    log.push(`from [${Array.from(x0, (v) => v.toPrecision(4)).join(", ")}]: criterion ${result.f} after ${evaluations} evaluations`);
    if (!best || result.f < best.f) (best = {x: result.x, f: result.f, converged: result.converged, message: result.message}), (initial = x0);
  }
  clock.lap("optimization");
  if (!best || !Number.isFinite(best.f)) {
    fail(`the criterion is not finite at any parameter value the optimizer tried (${evaluations} evaluations): the residual structure ` +
      `${[residual.correlation?.text, residual.variance?.text].filter(Boolean).join(" and ")} or the data's scale makes its factor not positive definite; rescale the covariates`);
  }
  const psiHat = Float64Array.from(residual.start);
  free.forEach((k, j) => (psiHat[k] = coords.toU(j, best!.x[nTheta + j])));
  const fHat = factor(psiHat);
  const thetaHat = Float64Array.from({length: nTheta}, (_, i) => (best!.x[i] / scale[i]) * fHat);
  whiten(residual, frame, psiHat, buffers);
  ev.refill(buffers, -buffers.logDetR);
  const structure: MixedModelStructure = {
    frame, A: cloneBlocked(ev.A), logDetW: -buffers.logDetR, REML: base.REML,
    residual: {structure: residual, parameters: psiHat}
  };
  const isSingular = [...lowerTheta.keys()].some((i) => lowerTheta[i] === 0 && thetaHat[i] < SINGULAR_TOL);
  const warnings = [...frame.warnings, ...scaleWarnings(frame.X)];
  if (!best.converged) warnings.push(`optimizer did not converge: ${best.message}`);
  if (isSingular) warnings.push("boundary (singular) fit: see help('isSingular')");
  const natural = naturalParameters(residual, psiHat);
  free.forEach((k, j) => {
    if (coords.atZero[j] && best!.x[nTheta + j] <= coords.lower[j]) {
      log.push(`${residual.names[k]} at its bound ${natural[k].toExponential(2)} (0 on the natural scale, where the criterion has its least value): the estimate is 0`);
    }
  });
  log.push(`structure parameters at the end: ${residual.names.map((name, k) => `${name} = ${natural[k]}`).join(", ")}`);
  const optimizer: OptimizerRecord = {
    name: "bobyqa",
    evaluations,
    seconds: (performance.now() - t0) / 1000,
    converged: best.converged,
    message: best.message,
    initial: Float64Array.from({length: nTheta}, (_, i) => (initial[i] / scale[i]) * f0),
    final: Float64Array.from(thetaHat),
    criterion: best.f,
    log,
    ending: {verdict: best.converged ? "interior" : "evaluation-limit", atBound: [], probes: [], restarts: []}
  };
  return new LinearMixedModel(structure, thetaHat, isSingular, warnings, optimizer, {}, clock);
}

/**
 * The factor f(ψ) of θ in the optimizer's coordinates (θ = x · f(ψ)): the geometric mean over the rows of the
 * variance function's g at ψ (prior weights left out), by which σ̂ shrinks and θ = σ_b/σ grows when every g
 * grows. Scaling all g by k and θ by k leaves the likelihood unchanged (σ becomes σ/k), so in these coordinates
 * a variance parameter and σ move apart instead of along one ridge. 1 without free variance parameters.
 *
 * Reference: Pinheiro & Bates (2000), §5.2 (σ and g identified only together up to a common factor, which nlme
 * removes from varIdent by fixing the first stratum's ratio); Nocedal & Wright (2006), §2.2 (scaling).
 */
function thetaFactor(residual: ResidualStructure): (psi: ArrayLike<number>) => number {
  if (!residual.variance || residual.variance.fixed || residual.nVariance === 0) return unscaled;
  const scratch = new Float64Array(residual.n);
  return (psi) => positive(geometricMeanScale(residual, psi, scratch));
}

/** The factor of a structure without free variance parameters. */
const unscaled = (): number => 1;

/** f where it is finite and positive, else 1. */
function positive(f: number): number {
  return f > 0 && Number.isFinite(f) ? f : 1;
}

/** Whether the correlation parameters at x (natural scale) are all under 0.3 in size. */
function weakCorrelation(residual: ResidualStructure, x: Float64Array, nTheta: number, free: number[], toU: (j: number, x: number) => number): boolean {
  const u = Float64Array.from(residual.start);
  free.forEach((k, j) => (u[k] = toU(j, x[nTheta + j])));
  const natural = naturalParameters(residual, u);
  for (let k = 0; k < residual.nCorrelation; k++) if (Math.abs(natural[k]) >= 0.3) return false;
  return true;
}
