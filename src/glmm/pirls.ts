/**
 * Penalized iteratively reweighted least squares (PIRLS): the conditional modes ũ (and, at nAGQ = 0, β̂) of
 * a generalized linear mixed model at given θ (and β), and the Laplace approximation to its deviance there.
 * Each iteration reweights the linear model's cross-products in place (the {@link Evaluator}'s `reweight`)
 * with the working weights and response, refactors, and solves the penalized least-squares problem; the step
 * is halved while the penalized deviance rises.
 */
import {fail} from "../errors.js";
import {exp, log} from "../math/index.js";
import type {ModelFrame} from "../frame/frame.js";
import {Evaluator} from "../lmm/evaluator.js";
import type {MixedModelStructure} from "../lmm/structure.js";
import {modelStructure} from "../lmm/objective.js";
import type {Family} from "./families.js";
import type {GlmResponse} from "./response.js";

/** PIRLS stops when the penalized deviance changes by less than this, relatively (glmer's tolPwrss is 1e-7). */
export const PIRLS_TOLERANCE = 1e-12;
/** Iterations of PIRLS at most (glmer: 30), and step halvings in one iteration (glmer: 10). */
const MAX_ITERATIONS = 60;
const MAX_HALVINGS = 10;
/** A step of Newton's method (PIRLS with a canonical link) below this leaves the next below ~1e-14. */
const NEWTON_LAST_STEP = 1e-7;
/** A last step below this leaves log|L|² (at the weights before it) within ~1e-9 of the converged one. */
const FACTOR_STEP = 1e-9;

/** How the last PIRLS run ended. */
export interface PirlsRun {
  converged: boolean;
  iterations: number;
  /** The penalized deviance Σ devResid + ‖u‖² at the end. */
  pdev: number;
}

/**
 * The PIRLS state of one model: θ, β, u, the linear predictor η (offset included) and the mean μ, with the
 * working weights and response in buffers reused between iterations; the evaluator owns the factor. Runs
 * start from the last state (warm), or from R's starting means after {@link Pirls.reset}.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §1 and lme4's vignette "PIRLS" (glmer: `pwrssUpdate`,
 * `glmerLaplace` in lme4's external.cpp, `glmResp` in respModule.cpp); MixedModels.jl's
 * `GeneralizedLinearMixedModel` (`pirls!`, `deviance`); McCullagh & Nelder (1989), §2.5 (IRLS).
 *
 * @example
 *   const pirls = new Pirls(structure, family("binomial"), response);
 *   pirls.setTheta([0.5]);
 *   pirls.run(false); // β and u at θ = 0.5, as glmer's nAGQ = 0
 *   pirls.laplace();  // glmer's deviance there
 */
export class Pirls {
  /** The evaluator of the whole model ([Z X y]): joint solves, and R_X at the end ({@link Pirls.factorWhole}). */
  readonly ev: Evaluator;
  /** The evaluator of [Z y] alone, for u-only solves with Xβ moved into the response: a smaller refill and factor. */
  readonly #evU: Evaluator;
  #factored: Evaluator;
  readonly #xb: Float64Array;
  /** The β that `#xb` holds Xβ for (set by u-only runs, whose β does not change). */
  #xbFor: Float64Array | null = null;
  readonly #zu: Float64Array;
  readonly frame: ModelFrame;
  readonly family: Family;
  readonly response: GlmResponse;
  /** The fixed effects (given at nAGQ ≥ 1, estimated at nAGQ = 0). */
  beta: Float64Array;
  /** The spherical random effects per term. */
  u: Float64Array[];
  readonly eta: Float64Array;
  readonly mu: Float64Array;
  /** dμ/dη at the current η (filled with μ, in one pass). */
  readonly #muEta: Float64Array;
  /** b = Λu per term, refilled by each {@link Pirls.linearPredictor}. */
  readonly #b: Float64Array[];
  /** A row-length buffer for the family's vectorised functions (variances, deviance residuals). */
  readonly #rowScratch: Float64Array;
  /** The deviance of the current μ, once computed (NaN after μ changes). */
  #deviance = NaN;
  /** aic(μ) − deviance(μ) where the family makes it constant ({@link Family.aicShiftsDeviance}): NaN until first found, null where it is not constant. */
  #aicShift: number | null;
  readonly #offset: Float64Array;
  readonly #w: Float64Array;
  readonly #z: Float64Array;
  readonly #eta0: Float64Array;
  #fromStart = true;
  /** Reweighted solves so far (each a reweight, a factorization and a solve). */
  solves = 0;
  #theta: Float64Array | null = null;

  constructor(structure: MixedModelStructure, fam: Family, response: GlmResponse) {
    this.ev = new Evaluator(structure);
    this.#evU = new Evaluator(modelStructure({...structure.frame, X: [], xNames: [], assign: []}, false));
    this.#factored = this.ev;
    this.frame = structure.frame;
    this.family = fam;
    this.response = response;
    const n = this.frame.n;
    this.beta = new Float64Array(structure.A.nFixed);
    this.u = structure.A.sizes.map((s) => new Float64Array(s.q));
    this.eta = new Float64Array(n);
    this.mu = new Float64Array(n);
    this.#muEta = new Float64Array(n);
    this.#b = structure.A.sizes.map((s) => new Float64Array(s.q));
    this.#rowScratch = new Float64Array(n);
    this.#offset = this.frame.offset ?? new Float64Array(n);
    this.#w = new Float64Array(n);
    this.#z = new Float64Array(n);
    this.#eta0 = new Float64Array(n);
    this.#xb = new Float64Array(n);
    this.#zu = new Float64Array(n);
    this.#aicShift = fam.aicShiftsDeviance(response.y, response.trials, response.weights) ? NaN : null;
    this.reset();
  }

  /** Back to R's start: η = g(μstart), β = 0, u = 0. */
  reset(): this {
    const {link} = this.family;
    const {muStart} = this.response;
    for (let r = 0; r < this.eta.length; r++) this.#eta0[r] = link.linkfun(muStart[r]);
    this.beta = new Float64Array(this.beta.length);
    this.#xbFor = null;
    for (const u of this.u) u.fill(0);
    this.#fromStart = true;
    return this;
  }

  /** Sets θ (the factor is refreshed by the next run). */
  setTheta(theta: ArrayLike<number>): this {
    this.#theta = Float64Array.from(theta);
    this.ev.setTheta(theta);
    this.#evU.setTheta(theta);
    return this;
  }

  /** Holds β at `beta` for u-only runs (the linear predictor is recomputed by the next run). */
  setBeta(beta: ArrayLike<number>): this {
    this.beta = Float64Array.from(beta);
    this.#fromStart = false;
    return this;
  }

  /** Starts the next run from the modes `u` (one array per term; copied), as a u-only run after {@link Pirls.setBeta} does from its last modes. */
  setModes(u: Float64Array[]): this {
    this.u = u.map((ui) => Float64Array.from(ui));
    this.#fromStart = false;
    return this;
  }

  get theta(): Float64Array {
    if (!this.#theta) fail("PIRLS has no θ yet; call setTheta(theta) first");
    return this.#theta;
  }

  /**
   * η = offset + Xβ + ZΛu and μ = g⁻¹(η) into the state's buffers.
   *
   * @example
   *   pirls.linearPredictor(beta, u);
   */
  linearPredictor(beta: Float64Array, u: Float64Array[]): void {
    const {X, terms, n} = this.frame;
    const eta = this.eta, mu = this.mu;
    eta.set(this.#offset);
    if (beta === this.#xbFor) {
      const xb = this.#xb;
      for (let r = 0; r < n; r++) eta[r] += xb[r];
    } else {
      for (let a = 0; a < X.length; a++) {
        const x = X[a], ba = beta[a];
        if (ba !== 0) for (let r = 0; r < n; r++) eta[r] += x[r] * ba;
      }
    }
    const b = this.ev.modesInto(u, this.#b);
    for (let i = 0; i < terms.length; i++) addTermEffects(eta, terms[i].Z, terms[i].refs, terms[i].p, b[i], n);
    const muEta = this.#muEta;
    this.family.link.fill(eta, mu, muEta);
    this.#deviance = NaN;
  }

  /** The deviance Σ dᵢ of the current μ (the sum of the squared deviance residuals). */
  deviance(): number {
    if (!Number.isNaN(this.#deviance)) return this.#deviance;
    return (this.#deviance = this.family.devianceTotal(this.response.y, this.mu, this.response.weights, this.#rowScratch));
  }

  /** The deviance residuals' squares of the current μ, row by row (a buffer the next call overwrites). */
  devianceResiduals(): Float64Array {
    this.family.devianceResiduals(this.response.y, this.mu, this.response.weights, this.#rowScratch);
    return this.#rowScratch;
  }

  /** ‖u‖², the penalty (lme4's `sqrL(1)`). */
  penalty(): number {
    let s = 0;
    for (const ui of this.u) for (let j = 0; j < ui.length; j++) s += ui[j] * ui[j];
    return s;
  }

  /** Working weights `w (dμ/dη)²/V(μ)` and working response `η + (y − μ)/(dμ/dη)` (offset included) of the current state. */
  #working(): boolean {
    const {y, weights} = this.response;
    const eta = this.eta, mu = this.mu, muEta = this.#muEta, w = this.#w, z = this.#z, v = this.#rowScratch;
    this.family.variances(mu, v);
    for (let r = 0; r < eta.length; r++) {
      const d = muEta[r];
      const wr = (weights[r] * d * d) / v[r];
      w[r] = wr;
      z[r] = eta[r] + (y[r] - mu[r]) / d;
      if (!(wr > 0 && Number.isFinite(wr) && Number.isFinite(z[r]))) return false;
    }
    return true;
  }

  /** One reweight, factor and solve from the current state; the new β and u (β as given when `uOnly`). */
  #solve(uOnly: boolean): {beta: Float64Array; u: Float64Array[]} | null {
    if (!this.#refactor(uOnly)) return null;
    this.solves++;
    return uOnly ? {beta: this.beta, u: this.#evU.solution().u} : this.ev.solution();
  }

  /**
   * The factor at the working weights of the current state, u only or whole: no solve, no step. With β held,
   * (ΛᵀZᵀWZΛ + I) u = ΛᵀZᵀW(z − Xβ) on the evaluator of [Z y], the same log|L|² as the whole model's factor.
   */
  #refactor(uOnly: boolean): boolean {
    if (!uOnly) return this.factorWhole();
    if (!this.#working()) return false;
    const zu = this.#zu, z = this.#z, xb = this.#xb;
    for (let r = 0; r < zu.length; r++) zu[r] = z[r] - xb[r];
    this.#factored = this.#evU;
    return this.#evU.reweight(this.#w, zu).updateL();
  }

  /** The evaluator whose factor is at the current weights (the last solve's): for log|L|² and (LLᵀ)⁻¹. */
  get factored(): Evaluator {
    return this.#factored;
  }

  /**
   * Refactors the whole model ([Z X y]) at the working weights of the current state, so that R_X
   * (`ev.unscaledVcov()`) and the conditional variances read the state the fit ended in.
   *
   * @example
   *   pirls.factorWhole(); const V = pirls.ev.unscaledVcov();
   */
  factorWhole(): boolean {
    if (!this.#working()) return false;
    this.#factored = this.ev;
    return this.ev.reweight(this.#w, this.#z).updateL();
  }

  /**
   * Runs PIRLS at the current θ from the current state: u only (β held, glmer's nAGQ ≥ 1) or β and u
   * together (nAGQ = 0), until the penalized deviance `Σ dᵢ + ‖u‖²` changes by less than `tol` relatively,
   * halving a step that raises it; then the factor (and log|L|²) is refreshed at the converged state's
   * weights, unless the last step was below 1e-9 (with `tight`, iterations go on until the steps stop
   * shrinking). Returns how it ended; a run whose factor or weights break down returns `converged: false`
   * with pdev Infinity.
   *
   * Reference: lme4's `pwrssUpdate` and `internal_glmerWrkIter` (external.cpp); MixedModels.jl's `pirls!`.
   *
   * @example
   *   const {converged, pdev} = pirls.setTheta(theta).setBeta(beta).run(true);
   */
  run(uOnly: boolean, tol = PIRLS_TOLERANCE, tight = false): PirlsRun {
    if (uOnly && this.#xbFor !== this.beta) {
      const {X} = this.frame, xb = this.#xb;
      xb.fill(0);
      for (let a = 0; a < X.length; a++) {
        const x = X[a], ba = this.beta[a];
        if (ba !== 0) for (let r = 0; r < xb.length; r++) xb[r] += x[r] * ba;
      }
      this.#xbFor = this.beta;
    }
    if (this.#fromStart) {
      this.eta.set(this.#eta0);
      this.family.link.fill(this.eta, this.mu, this.#muEta);
      this.#deviance = NaN;
    } else this.linearPredictor(this.beta, this.u);
    let old = this.#fromStart ? Infinity : this.deviance() + this.penalty();
    this.#fromStart = false;
    let converged = false;
    let iterations = 0;
    let lastStep = Infinity;
    for (; iterations < MAX_ITERATIONS; iterations++) {
      const step = this.#solve(uOnly);
      if (!step) return {converged: false, iterations, pdev: Infinity};
      let {beta, u} = step;
      this.linearPredictor(beta, u);
      let pdev = this.deviance() + sumSquares(u);
      if (!Number.isFinite(pdev)) pdev = Infinity;
      const change = Math.abs(old - pdev) / pdev;
      if (!(pdev > old) || change < tol) {
        lastStep = Math.max(maxChange(this.u, u), uOnly ? 0 : maxChange([this.beta], [beta]));
        this.beta = beta === this.beta ? beta : Float64Array.from(beta);
        this.u = u;
        if (change < tol) {
          converged = true;
          break;
        }
        old = pdev;
        continue;
      }
      for (let k = 0; k < MAX_HALVINGS && pdev > old; k++) {
        beta = uOnly ? beta : average(this.beta, beta);
        u = u.map((ui, i) => average(this.u[i], ui));
        this.linearPredictor(beta, u);
        pdev = this.deviance() + sumSquares(u);
        if (!Number.isFinite(pdev)) pdev = Infinity;
      }
      if (pdev > old) {
        this.linearPredictor(this.beta, this.u);
        return {converged: false, iterations, pdev: old};
      }
      lastStep = Math.max(maxChange(this.u, u), uOnly ? 0 : maxChange([this.beta], [beta]));
      this.beta = uOnly ? this.beta : beta;
      this.u = u;
      if (Math.abs(old - pdev) / pdev < tol) {
        converged = true;
        break;
      }
      old = pdev;
    }
    if (!converged) return {converged: false, iterations, pdev: old};
    // the factor is at the weights before the last step: close enough when that step was below 1e-9, else
    // refactored at the converged state's weights (no further step: its modes are converged to tol)
    if (!tight) {
      if (lastStep >= FACTOR_STEP && !this.#refactor(uOnly)) return {converged: false, iterations, pdev: Infinity};
      return {converged: true, iterations, pdev: this.deviance() + this.penalty()};
    }
    // with `tight`, more iterations until the steps stop shrinking (Fisher scoring converges only linearly for
    // a non-canonical link, and finite-difference derivatives of the deviance need the modes to the last
    // digits); for a canonical link PIRLS is Newton's method, whose next step after one below 1e-7 would be
    // below 1e-14: the factor is then refreshed at the state instead
    const quadratic = this.family.canonical;
    const done = () => ({converged: true, iterations, pdev: this.deviance() + this.penalty()});
    if (quadratic && lastStep < NEWTON_LAST_STEP) return this.#refactor(uOnly) ? done() : {converged: false, iterations, pdev: Infinity};
    let previous = Infinity;
    for (let k = 0; k < MAX_ITERATIONS; k++) {
      const last = this.#solve(uOnly);
      if (!last) return {converged: false, iterations, pdev: Infinity};
      const step = Math.max(maxChange(this.u, last.u), uOnly ? 0 : maxChange([this.beta], [last.beta]));
      this.linearPredictor(last.beta, last.u);
      this.beta = uOnly ? this.beta : last.beta;
      this.u = last.u;
      iterations++;
      if (quadratic && step < NEWTON_LAST_STEP && step >= 1e-14) return this.#refactor(uOnly) ? done() : {converged: false, iterations, pdev: Infinity};
      if (!(step < previous) || step < 1e-14) break;
      previous = step;
    }
    return done();
  }

  /**
   * The Laplace approximation to the deviance at the current state: `log|L|² + ‖u‖² + aic(μ)`, where aic is
   * the family's −2 log-likelihood of y at μ (lme4's `glmResp::Laplace`, `ldL2 + sqrL + aic()`); for nAGQ = 0
   * the same with β from PIRLS.
   *
   * Reference: Bates et al. (2015), JSS 67(1) and lme4's glmer (respModule.cpp `glmResp::Laplace`,
   * predModule.cpp `ldL2`, `sqrL`); Pinheiro & Bates (1995), J. Comp. Graph. Stat. 4(1) (the Laplace
   * approximation in PIRLS form).
   *
   * @example
   *   pirls.run(true).converged && pirls.laplace();
   */
  laplace(): number {
    const value = this.#factored.logDets(false) + this.penalty() + this.#aic();
    return Number.isFinite(value) ? value : Infinity;
  }

  /** The family's AIC at the current μ: the deviance plus the constant difference where there is one (found once, at the first finite μ), else lme4's sum. */
  #aic(): number {
    const dev = this.deviance();
    if (this.#aicShift !== null && !Number.isNaN(this.#aicShift)) return dev + this.#aicShift;
    const {y, trials, weights} = this.response;
    const aic = this.family.aic(y, trials, this.mu, weights, dev);
    if (this.#aicShift !== null && Number.isFinite(aic) && Number.isFinite(dev)) this.#aicShift = aic - dev;
    return aic;
  }
}

/**
 * The adaptive Gauss–Hermite approximation to the deviance at the current (converged) PIRLS state, for a model
 * with one scalar random-effects term: per level g, with ũ_g the mode and s_g = 1/L_gg its conditional SD
 * (from the factor: (LLᵀ)⁻¹ is diagonal here), the integral over u_g is Σₖ wₖ e^{zₖ²/2} e^{−(d_g(ũ_g + zₖ s_g) −
 * d_g(ũ_g))/2} times the Laplace factor, where d_g(u) = u² + Σ_{i in g} devResidᵢ; the deviance is
 * `Σ_g d_g(ũ_g) + log|L|² − 2 Σ_g log(that sum)`. At one node (z = 0, w = 1) it is the Laplace deviance with
 * the deviance in place of the AIC.
 *
 * Reference: lme4's `glmerAGQ` (external.cpp) and `GHrule`; Pinheiro & Bates (1995), J. Comp. Graph. Stat. 4(1),
 * §3 (adaptive Gaussian quadrature); Liu & Pierce (1994), Biometrika 81(3).
 *
 * @example
 *   pirls.setTheta(theta).setBeta(beta).run(true).converged && agqDeviance(pirls, gaussHermite(25));
 */
export function agqDeviance(pirls: Pirls, rule: {z: Float64Array; w: Float64Array}): number {
  const {frame} = pirls;
  const ev = pirls.factored;
  const term = frame.terms[0];
  const refs = term.refs, q = term.levels.length, n = frame.n;
  const devc = (u: Float64Array, out: Float64Array) => {
    for (let g = 0; g < q; g++) out[g] = u[g] * u[g];
    const d = pirls.devianceResiduals();
    for (let r = 0; r < n; r++) out[refs[r]] += d[r];
  };
  const u0 = Float64Array.from(pirls.u[0]);
  const devc0 = new Float64Array(q);
  devc(u0, devc0);
  const M = ev.conditionalBlocks()[0];
  const sd = Float64Array.from(M, (v) => Math.sqrt(v));
  const mult = new Float64Array(q);
  const devcK = new Float64Array(q);
  const u = new Float64Array(q);
  for (let k = 0; k < rule.z.length; k++) {
    const z = rule.z[k], w = rule.w[k];
    if (z === 0) {
      for (let g = 0; g < q; g++) mult[g] += w;
      continue;
    }
    for (let g = 0; g < q; g++) u[g] = u0[g] + z * sd[g];
    pirls.linearPredictor(pirls.beta, [u]);
    devc(u, devcK);
    for (let g = 0; g < q; g++) mult[g] += w * exp(0.5 * z * z - 0.5 * (devcK[g] - devc0[g]));
  }
  pirls.linearPredictor(pirls.beta, [u0]);
  let value = ev.logDets(false);
  for (let g = 0; g < q; g++) value += devc0[g] - 2 * log(mult[g]);
  return Number.isFinite(value) ? value : Infinity;
}

/**
 * η += Z b for one random-effects term (rows of Z with p values, `refs` the level of each row): a function of
 * typed arrays only, so that the engine compiles one tight loop for every term.
 */
function addTermEffects(eta: Float64Array, Z: Float64Array, refs: Int32Array, p: number, b: Float64Array, n: number): void {
  if (p === 1) {
    for (let r = 0; r < n; r++) eta[r] += Z[r] * b[refs[r]];
    return;
  }
  for (let r = 0; r < n; r++) {
    const o = refs[r] * p;
    let s = 0;
    for (let c = 0; c < p; c++) s += Z[r * p + c] * b[o + c];
    eta[r] += s;
  }
}

function sumSquares(u: Float64Array[]): number {
  let s = 0;
  for (const ui of u) for (let j = 0; j < ui.length; j++) s += ui[j] * ui[j];
  return s;
}

function maxChange(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}

function average(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = (a[j] + b[j]) / 2;
  return out;
}
