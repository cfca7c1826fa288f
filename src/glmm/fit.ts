/**
 * glmer: a generalized linear mixed model fitted by lme4's two stages — θ by BOBYQA with β inside PIRLS
 * (nAGQ = 0), then θ and β together on the Laplace deviance from there.
 */
import {describeValue, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import {modelFrame, type ModelFrame} from "../frame/frame.js";
import {dataSource, type DataSource} from "../frame/source.js";
import type {TableInput} from "../frame/table-input.js";
import {evaluateVariable, numericColumn} from "../frame/variables.js";
import {parseExpression} from "../formula/parse.js";
import {toVarRef} from "../formula/variable.js";
import {thetaLength, thetaLower, thetaStart} from "../lmm/lambda.js";
import type {OptimizerRecord} from "../lmm/model.js";
import {derivatives} from "../lmm/convergence.js";
import {modelStructure} from "../lmm/objective.js";
import {cholesky} from "../linalg/cholesky.js";
import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";
import {bobyqa} from "../optimize/bobyqa.js";
import {glmerConvergenceWarnings} from "./convergence-check.js";
import {covarianceFactor, naturalDerivatives, stageTwoCoordinates, type CoordinatePieces} from "./coordinates.js";
import {family as familyOf} from "./families.js";
import {readGlmerOptions, type GlmerOptions} from "./glmer-options.js";
import {FitClock} from "../lmm/timings.js";
import {GeneralizedLinearMixedModel} from "./model.js";
import {ModeHistory, ModeStarts} from "./mode-starts.js";
import {agqDeviance, Pirls} from "./pirls.js";
import {gaussHermite} from "../numeric/gauss-hermite.js";
import {glmResponse} from "./response.js";

export type {GlmerOptions};

const SINGULAR_TOL = 1e-4;
const EPS = 2.220446049250313e-16;
/**
 * The final trust-region radius of the second stage, in its coordinates (coordinates.ts), where a unit step is
 * about one standard error: 1e-3. Newton steps on the finite-difference derivatives that Var(β̂) needs anyway
 * take the rest ({@link newtonPolish}): from 1e-3 standard errors one step leaves about 1e-6. Against BOBYQA run
 * on to 1e-5 (session 6): over the 19 fixtures the second stage takes about half the evaluations, and the
 * estimates move by less than 1e-6 standard errors.
 */
const RHOEND = 1e-3;
/**
 * A Newton step that lowers the deviance by more than this started far enough from the optimum (about 1e-2
 * standard errors) that its own error may matter: the derivatives are taken again there and another step
 * tried, up to {@link NEWTON_ROUNDS} times.
 */
const NEWTON_DECREASE = 1e-4;
const NEWTON_ROUNDS = 3;
/**
 * The finite-difference step of the derivatives (Hessian, gradient), in the second stage's coordinates, where a
 * unit is about one standard error: 1e-3. With tight PIRLS the 19 fixtures' standard errors agree within 1e-5
 * between steps 1e-3, 3e-3 and 1e-2 (noise over h² and truncation both below that), and the smaller step lets
 * each stencil point start O(h²) from its modes (mode-starts.ts), so PIRLS needs fewer iterations there.
 * lme4's deriv12 steps 1e-4 in θ and β, a different fraction of each standard error: its central gradient on a
 * covariate with large values (age in years: 1e-4 is 0.25 SE) carries enough of the third derivative to move
 * a Newton step by 1e-4 SE, and its Hessian's noise reaches 3e-4 of VerbAgg's standard errors.
 */
const DERIVATIVE_STEP = 1e-3;
/**
 * The final radius of the first stage when a second follows, in θ: 1e-3. The first stage only places the
 * second's start and coordinates; against BOBYQA's default (3.75e-6 here) the fixtures save 2–8 % of their
 * PIRLS solves with the same optima (β within 5e-5 SE, −2 log L to 1e-10).
 */
const STAGE1_RHOEND = 1e-3;
/** The final radius of nAGQ = 0's only stage, in θ (no Newton step follows it). */
const NAGQ0_RHOEND = 1e-6;
/** Models with more parameters than this get Var(β̂) from R_X only (the Hessian costs (θ, β)² deviances). */
const MAX_HESSIAN_PARAMETERS = 40;

/**
 * Fits a generalized linear mixed-effects model as lme4's `glmer`: the formula is parsed and expanded, the
 * frame built (a binomial response may be 0/1, a two-level factor whose first level is failure, or proportions
 * with `weights` = trials), and the deviance minimised in lme4's two stages: first θ with β inside PIRLS
 * (nAGQ = 0; the fit ends there when `nAGQ: 0`), then θ and β together on the Laplace approximation, PIRLS
 * finding the conditional modes at each (θ, β) (or adaptive Gauss–Hermite quadrature for nAGQ > 1 with one
 * scalar random-effects term). The second stage's BOBYQA works in coordinates where the deviance is about
 * ‖y‖² (coordinates.ts: β whitened and following its conditional optimum as θ moves), so that it converges
 * in few evaluations whatever the units and correlations of the covariates. Var(β̂) comes from the
 * finite-difference Hessian of the deviance in (θ, β), as lme4's `vcov`, with lme4's checks of that Hessian
 * as warnings; `vcovRX` from PIRLS's R_X.
 *
 * Reference: Bates et al. (2015), JSS 67(1); lme4's `glmer`, `optimizeGlmer` and `glmerLaplace`; Powell (2009),
 * BOBYQA.
 *
 * @example
 *   const m = glmer("use ~ urban + age + livch + (1 | district)", Contraception, {family: "binomial"});
 *   m.theta; // [0.4609]
 */
export function glmer(formulaOrSpec: string | ModelSpec, data: TableInput, given?: GlmerOptions): GeneralizedLinearMixedModel {
  const clock = new FitClock();
  const options = readGlmerOptions(given);
  const fam = familyOf(options.family ?? "binomial", options.link);
  clock.skip();
  const spec = typeof formulaOrSpec === "string" ? formula(formulaOrSpec) : checkedSpec(formulaOrSpec);
  clock.lap("formula");
  const built = modelFrame(spec, data, {weights: options.weights, naAction: options.naAction}, fam.name === "binomial" ? "binary" : "numeric", true);
  const frame = withOffset(built, options.offset, data);
  clock.lap("frame");
  return glmerOnFrame(spec, frame, options, clock);
}

/**
 * {@link glmer} on a model frame already built (glmer's offset argument included): the fit of a new
 * response on the same design, as a parametric bootstrap refits. `options` as {@link readGlmerOptions}
 * returns them. `clock` is the fit's stopwatch (glmer's, with the formula and frame charged); a refit starts
 * its own.
 *
 * Reference: as {@link glmer}; lme4's `refit`.
 *
 * @example
 *   glmerOnFrame(model.formulaSpec, {...model.frame, y: ystar}, {family: "poisson", start: [...model.theta, ...model.beta]});
 */
export function glmerOnFrame(spec: ModelSpec, frame: ModelFrame, options: GlmerOptions, clock = new FitClock()): GeneralizedLinearMixedModel {
  clock.skip();
  const fam = familyOf(options.family ?? "binomial", options.link);
  const nAGQ = options.nAGQ ?? 1;
  const response = glmResponse(frame, fam);
  clock.lap("frame");
  if (nAGQ > 1 && !(frame.terms.length === 1 && frame.terms[0].p === 1)) {
    fail(`nAGQ = ${nAGQ} (adaptive Gauss–Hermite quadrature) needs a single scalar random-effects term, such as (1 | group), as in lme4; this model has ${frame.terms.map((t) => `(${t.text})`).join(" + ")}: use nAGQ = 1 (Laplace)`);
  }
  const rule = nAGQ > 1 ? gaussHermite(nAGQ) : null;
  if (fam.name === "gaussian" && fam.link.name === "identity") {
    fail(`family "gaussian" with the identity link is a linear mixed model: fit it with lmer(formula, data, {REML: false}) (lme4's glmer calls lmer for it too), or give another link such as "log"`);
  }
  clock.skip();
  const structure = modelStructure(frame, false);
  const sizes = structure.A.sizes;
  const nTheta = thetaLength(sizes);
  const p = frame.X.length;
  const start = options.start ? Float64Array.from(options.start) : undefined;
  if (start && start.length !== nTheta && start.length !== nTheta + p) {
    fail(`invalid start: ${start.length} values; give the ${nTheta} θ values, or θ then the ${p} fixed effects (${nTheta + p} values)`);
  }

  const pirls = new Pirls(structure, fam, response);
  clock.lap("crossProducts");
  const lower = thetaLower(sizes);
  const t0 = performance.now();
  let evaluations = 0;
  const progress = (value: number, theta: Float64Array, stage: 1 | 2) => {
    evaluations++;
    options.onProgress?.({evaluations, criterion: value, theta, stage});
  };
  const warnings = [...frame.warnings, ...response.warnings];
  const log: string[] = [];

  // stage 1: θ, with β and u from PIRLS (glmer's nAGQ = 0)
  // PIRLS starts from β and u predicted by the last points' fit (mode-starts.ts), else from the last state
  const history1 = new ModeHistory(2 * nTheta + 1);
  const stage1 = (theta: Float64Array): number => {
    options.signal?.throwIfAborted();
    pirls.setTheta(theta);
    const predicted = history1.predict(theta);
    if (predicted) pirls.setBeta(predicted[0]).setModes(predicted.slice(1));
    let run = pirls.run(false);
    if (run.converged) history1.record(theta, [pirls.beta, ...pirls.u]);
    if (!run.converged) run = pirls.reset().run(false);
    const value = run.converged ? pirls.laplace() : Infinity;
    progress(value, theta, 1);
    return value;
  };
  const theta0 = start ? Float64Array.from(start.subarray(0, nTheta), (v, i) => Math.max(v, lower[i])) : thetaStart(sizes);
  const first = bobyqa(stage1, theta0, {lower, rhoend: nAGQ === 0 ? NAGQ0_RHOEND : STAGE1_RHOEND});
  if (!Number.isFinite(first.f)) {
    const separated = separation(pirls);
    if (separated) fail(separated);
    fail(`PIRLS did not converge at any θ the optimizer tried (${evaluations} evaluations); check the response and the family, or rescale the covariates`);
  }
  if (!Number.isFinite(stage1(first.x))) {
    warnings.push("PIRLS did not converge at the first stage's estimates: its modes and β are those of the last iterate; rescale the covariates or simplify the model");
  }
  let objective = first.f;
  let theta = Float64Array.from(first.x);
  let converged = first.converged;
  let message = first.message;
  let vcovHessian: Float64Array | null = null;
  let initial = theta0;
  clock.lap("optimization");

  if (nAGQ >= 1) {
    // stage 2: θ and β together, from stage 1's, in coordinates where the deviance is about ‖y‖² (coordinates.ts)
    const beta0 = start && start.length === nTheta + p ? start.slice(nTheta) : Float64Array.from(pirls.beta);
    const vcovRX = pirls.ev.unscaledVcov();
    const laplaceAt = (theta: Float64Array, beta: Float64Array, tight = false, modes: Float64Array[] | null = null): number => {
      pirls.setTheta(theta).setBeta(beta);
      if (modes) pirls.setModes(modes);
      let run = pirls.run(true, undefined, tight);
      if (!run.converged) run = pirls.reset().setBeta(beta).run(true, undefined, tight);
      if (!run.converged) return Infinity;
      return rule ? agqDeviance(pirls, rule) : pirls.laplace();
    };
    const freeAt = (x: ArrayLike<number>) => [...Array(nTheta + p).keys()].filter((i) => !(i < nTheta && lower[i] === 0 && x[i] < SINGULAR_TOL));
    const coordinates = stageTwoCoordinates(coordinatePieces(pirls, Float64Array.from(theta), beta0, vcovRX, lower, laplaceAt), Float64Array.from(theta), beta0, lower);
    const history = new ModeHistory(2 * (nTheta + p) + 1);
    const stage2 = (y: Float64Array): number => {
      options.signal?.throwIfAborted();
      const {theta, beta} = coordinates.toNatural(y);
      const value = laplaceAt(theta, beta, false, history.predict(y));
      if (Number.isFinite(value)) history.record(y, pirls.u);
      progress(value, theta, 2);
      return value;
    };
    initial = Float64Array.from(theta);
    const second = bobyqa(stage2, new Float64Array(nTheta + p), {lower: coordinates.lower, rhoend: RHOEND});
    clock.lap("optimization");
    if (!Number.isFinite(second.f)) fail(`PIRLS did not converge at any (θ, β) of the second stage (${evaluations} evaluations); rescale the covariates`);
    converged = second.converged;
    message = second.message;
    objective = second.f;
    // Var(β̂) from the Hessian of the deviance in (θ, β), as lme4's vcov: taken by finite differences in the
    // second stage's coordinates, where a unit is about one standard error, and carried to (θ, β) by the
    // chain rule; the Newton steps use it in those coordinates
    const naturalOf = (y: Float64Array) => {
      const {theta, beta} = coordinates.toNatural(y);
      return Float64Array.from([...theta, ...beta]);
    };
    const starts = new ModeStarts();
    const tightAt = (y: Float64Array) => {
      const x = naturalOf(y);
      return laplaceAt(x.subarray(0, nTheta), x.slice(nTheta), true, starts.predict(y));
    };
    let y: Float64Array = Float64Array.from(second.x);
    // the derivatives' stencil: its centre first, then points whose modes are predicted from those found
    const stencil = (at: Float64Array) => {
      const centre = at.every((v, i) => v === y[i]);
      const value = tightAt(at);
      if (centre) starts.centre(at, pirls.u);
      else starts.record(at, pirls.u);
      return value;
    };
    const free = freeAt(naturalOf(y));
    if (free.length <= MAX_HESSIAN_PARAMETERS) {
      const A = coordinates.jacobian();
      for (let round = 0; round < NEWTON_ROUNDS; round++) {
        const d = derivatives(stencil, y, free, DERIVATIVE_STEP, true);
        const {gradient, hessian} = naturalDerivatives(d.gradient, d.hessian, A, free);
        vcovHessian = hessianVcov(hessian, free, nTheta, p);
        const checks = glmerConvergenceWarnings(gradient, hessian);
        const polished = newtonPolish(tightAt, y, d.value, free, d.gradient, d.hessian, coordinates.lower);
        const again = polished !== null && d.value - polished.f > NEWTON_DECREASE && round + 1 < NEWTON_ROUNDS;
        if (polished) ({x: y, f: objective} = polished);
        if (again) continue;
        warnings.push(...checks);
        if (!vcovHessian) warnings.push("the finite-difference Hessian of the deviance is not positive definite: standard errors from R_X (use.hessian = FALSE)");
        break;
      }
    }
    const natural = naturalOf(y);
    const thetaHat = natural.slice(0, nTheta), betaHat = natural.slice(nTheta);
    if (!Number.isFinite(laplaceAt(thetaHat, betaHat, true, starts.predict(y))) || !pirls.factorWhole()) {
      warnings.push("PIRLS did not converge at the estimates: the modes, fitted values and R_X are those of its last iterate; rescale the covariates or simplify the model");
    }
    theta = Float64Array.from(thetaHat);
  }
  const seconds = (performance.now() - t0) / 1000;
  const isSingular = [...lower.keys()].some((i) => lower[i] === 0 && theta[i] < SINGULAR_TOL);
  if (!converged) warnings.push(`optimizer did not converge: ${message}`);
  if (isSingular) warnings.push("boundary (singular) fit: see help('isSingular')");
  if (fam.name === "binomial" && pirls.mu.some((m) => m < 10 * EPS || m > 1 - 10 * EPS)) {
    // R's glm.fit warns at the same bound (10 ε)
    warnings.push("fitted probabilities numerically 0 or 1 occurred: the fixed effects may separate the response (their estimates and standard errors then grow without bound); look for a covariate that predicts the outcome perfectly");
  }
  const failed = warnings.find((w) => w.startsWith("Model failed to converge"));
  const optimizer: OptimizerRecord = {
    name: "bobyqa",
    evaluations,
    seconds,
    converged: converged && !failed,
    message: failed ?? message,
    initial,
    final: Float64Array.from(theta),
    criterion: objective,
    log,
    ending: {verdict: !converged ? "evaluation-limit" : failed ? "failed-checks" : "interior", atBound: [], probes: [], restarts: []}
  };
  return new GeneralizedLinearMixedModel(pirls, spec, {
    nAGQ, objective, vcovHessian, isSingular, warnings, optimizer, weightsName: typeof options.weights === "string" ? options.weights : null,
    offsetArgument: typeof options.offset === "string" ? options.offset : null, hasOffsetArgument: options.offset !== undefined, clock
  });
}

/**
 * The pieces of the second stage's coordinates (coordinates.ts) from what stage 1 knows and a few deviances,
 * rather than a finite-difference Hessian in (θ, β) (which costs (nθ + p)² of them):
 * - K = dβ̂/dθ of stage 1 (β̂ from PIRLS at nAGQ = 0), by forward differences of step 1e-3 from stage 1's
 *   β̂ (K only shapes the coordinates, so its O(h) error costs nothing): β's conditional optimum as θ moves;
 * - M = γ C with C the Cholesky factor of stage 1's (R_XᵀR_X)⁻¹ (whose inverse is about half the deviance's
 *   Hessian in β, exactly so without a dispersion), γ making the deviance's curvature along C's first column 2;
 * - sᵢ making the curvature 2 along (eᵢ, K eᵢ), the path of θᵢ with β following it.
 * A θ at (or within 2e-3 of) its bound 0 keeps s = 1 and no slope; a curvature that is not positive keeps 1.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §2.2 (scaling) and §8.1 (finite
 * differences); lme4's two stages (the first's β̂(θ) as the second's start).
 *
 * @example
 *   const pieces = coordinatePieces(pirls, theta1, beta1, vcovRX, lower, laplaceAt);
 */
function coordinatePieces(
  pirls: Pirls, theta0: Float64Array, beta0: Float64Array, vcovRX: Float64Array, lower: Float64Array,
  deviance: (theta: Float64Array, beta: Float64Array) => number
): CoordinatePieces {
  const nTheta = theta0.length, p = beta0.length;
  const h = 1e-3;
  const free = [...theta0.keys()].filter((i) => !(lower[i] === 0 && theta0[i] < 2 * h));
  const K = new Float64Array(p * nTheta);
  const s = new Float64Array(nTheta).fill(1);
  const betaHat = Float64Array.from(pirls.beta); // stage 1's β̂ at θ₀ (beta0 may be the caller's start)
  const betaAt = (i: number, d: number): Float64Array | null => {
    const t = theta0.slice();
    t[i] += d;
    return pirls.setTheta(t).run(false).converged ? Float64Array.from(pirls.beta) : null;
  };
  for (const i of free) {
    const plus = betaAt(i, h);
    if (plus) for (let a = 0; a < p; a++) K[a * nTheta + i] = (plus[a] - betaHat[a]) / h;
  }
  const centre = deviance(theta0, beta0);
  const curvature = (f: (t: number) => number, t: number) => (f(t) - 2 * centre + f(-t)) / (t * t);
  const scaleFor = (c: number) => (c > 0 && Number.isFinite(c) ? Math.sqrt(2 / c) : 1);
  const M = covarianceFactor(vcovRX, p);
  const gamma = scaleFor(curvature((t) => deviance(theta0, Float64Array.from(beta0, (b, a) => b + t * M[a * p])), 0.05));
  for (let k = 0; k < M.length; k++) M[k] *= gamma;
  for (const i of free) {
    const step = lower[i] === 0 ? Math.min(0.01, theta0[i] / 2) : 0.01;
    s[i] = scaleFor(curvature((t) => {
      const theta = theta0.slice();
      theta[i] += t;
      return deviance(theta, Float64Array.from(beta0, (b, a) => b + t * K[a * nTheta + i]));
    }, step));
  }
  return {s, K, M};
}

/**
 * When PIRLS fails because a binomial model's fixed effects separate the response (the probabilities of the
 * last iterate at 0 or 1 within 1e-8 for every row, and β growing without bound), the message that says so;
 * null otherwise. Complete separation has no finite maximum-likelihood estimate (Albert & Anderson 1984,
 * Biometrika 71(1)); lme4 returns huge estimates with warnings.
 *
 * @example
 *   const message = separation(pirls); // "the fixed effects separate the response …" or null
 */
function separation(pirls: Pirls): string | null {
  if (pirls.family.name !== "binomial") return null;
  const {y} = pirls.response, mu = pirls.mu;
  for (let r = 0; r < mu.length; r++) if (Math.abs(mu[r] - y[r]) > 1e-8) return null;
  return "the fixed effects separate the response: PIRLS drives every fitted probability to the observed 0 or 1, so the estimates are infinite (complete separation); remove or combine the covariates that predict the outcome perfectly, or add data where it varies";
}

/**
 * One Newton step x − H⁻¹g over the free coordinates from the end of the second stage, with the finite-difference
 * gradient and Hessian of the deviance (tight PIRLS) that Var(β̂) needs anyway: BOBYQA stops where the deviance's
 * evaluation noise (PIRLS to 1e-12 relative, ~1e-8 absolute) hides further progress, about 1e-4 standard errors
 * from the optimum, and the step takes the rest, where the deviance is quadratic to that precision. Kept only
 * when the tight deviance there is lower (θ held at its bounds); null otherwise.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §3.3 (Newton's method) and §8.1
 * (finite-difference derivatives).
 *
 * @example
 *   const better = newtonPolish(f, x, f(x), free, gradient, hessian, lower); // {x, f} or null
 */
function newtonPolish(
  f: (x: Float64Array) => number, x: Float64Array, before: number, free: number[], gradient: Float64Array, hessian: Float64Array, lower: Float64Array
): {x: Float64Array; f: number} | null {
  const m = free.length;
  const L = choleskyOf(hessian, m);
  if (!L || !gradient.every(Number.isFinite)) return null;
  const step = Float64Array.from(gradient, (g) => -g);
  solveLower(L, m, step);
  solveLowerTranspose(L, m, step);
  const next = x.slice();
  free.forEach((j, i) => (next[j] = j < lower.length ? Math.max(lower[j], x[j] + step[i]) : x[j] + step[i]));
  const after = f(next);
  return after < before ? {x: next, f: after} : null;
}

/** The lower Cholesky factor of an m × m symmetric matrix (row-major; the strict upper triangle is H's), null when it is not positive definite. */
function choleskyOf(H: Float64Array, m: number): Float64Array | null {
  const L = Float64Array.from(H);
  return cholesky(L, m) ? L : null;
}

/**
 * Var(β̂) from the Hessian H of the deviance over the free (θ, β) coordinates: the β block of 2H⁻¹ (lme4's
 * `calc.vcov.hess`, which symmetrizes solve(H/2)); null when H is not positive definite.
 */
function hessianVcov(H: Float64Array, free: number[], nTheta: number, p: number): Float64Array | null {
  const m = free.length;
  // Cholesky of H, then the inverse's β block
  const L = choleskyOf(H, m);
  if (!L) return null;
  const inv = new Float64Array(m * m);
  const e = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    e.fill(0);
    e[c] = 1;
    solveLower(L, m, e);
    solveLowerTranspose(L, m, e);
    for (let i = 0; i < m; i++) inv[i * m + c] = e[i];
  }
  const V = new Float64Array(p * p);
  const position = new Map(free.map((f, i) => [f, i]));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      const i = position.get(nTheta + a), j = position.get(nTheta + b);
      if (i === undefined || j === undefined) return null;
      V[a * p + b] = inv[i * m + j] + inv[j * m + i];
    }
  }
  return V;
}

/**
 * The frame with glmer's `offset` option added to any `offset()` of the formula: an expression of numeric
 * columns (a column's name, or a transform such as `log(expected)`, read by the formula's whitelisted
 * evaluator, never `eval`), or one number a row of the data, read at the model's rows.
 */
function withOffset(frame: ModelFrame, offset: GlmerOptions["offset"], data: TableInput): ModelFrame {
  if (offset === undefined) return frame;
  let values: ArrayLike<number>;
  if (typeof offset === "string") values = offsetValues(offset, dataSource(data));
  else {
    if (offset.length !== frame.sourceRows) fail(`invalid offset: ${offset.length} values for ${frame.sourceRows} rows of the data; give one value a row`);
    values = offset;
  }
  const out = frame.offset ? Float64Array.from(frame.offset) : new Float64Array(frame.n);
  for (let r = 0; r < frame.n; r++) {
    const v = values[frame.rows[r]];
    if (!Number.isFinite(v)) fail(`the offset is ${v} in row ${frame.rows[r] + 1}; give finite values, or leave that row out of the data`);
    out[r] += v;
  }
  return {...frame, offset: out};
}

/**
 * The values of glmer's offset given as text: a column's name, or an expression of numeric columns that
 * `offset()` in a formula would take (`log(expected)`), evaluated as the formula evaluates it.
 *
 * @example
 *   offsetValues("log(expected)", dataSource(Mmmec)); // Float64Array of the logarithms
 */
export function offsetValues(text: string, source: DataSource): Float64Array {
  const ref = toVarRef(parseExpression(text), text);
  if (!ref.factor && ref.expr.type === "name") return numericColumn(source, ref.label, "the offset");
  const v = ref.factor ? null : evaluateVariable(ref, source);
  if (v === null || v.kind !== "numeric") return fail(`invalid offset: ${text} is not numeric; give a numeric column or an arithmetic expression of numeric columns, such as log(expected)`);
  return v.values;
}

/** A formula given already parsed: checked for the shape `formula()` returns. */
function checkedSpec(spec: unknown): ModelSpec {
  const f = spec as Partial<ModelSpec> | null;
  let ok = false;
  try {
    ok = f !== null && typeof f === "object" && typeof f.text === "string" && Array.isArray(f.terms) && Array.isArray(f.random) && Array.isArray(f.offsets);
  } catch {
    ok = false;
  }
  if (!ok) fail(`invalid formula: ${describeValue(spec)}; pass the formula as text, such as "use ~ age + (1 | district)"`);
  return f as ModelSpec;
}
