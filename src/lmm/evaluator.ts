import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";
import {fail} from "../errors.js";
import {log} from "../math/index.js";
import {cloneBlocked, factorCBeta, factorR, factorRXt, type Blocked, type TermSize} from "./blocks.js";
import {criterionAtSigma, criterionLogDets, factorSummary, profiledCriterion, type FactorSummary} from "./criterion.js";
import {fillCrossProducts} from "./crossproducts.js";
import {factorWorkspace, updateL, type FactorWorkspace} from "./factor.js";
import {checkFinite} from "./finite.js";
import {templates} from "./lambda.js";
import type {MixedModelStructure} from "./structure.js";
import {conditionalBlocks, plsSolution, unscaledVcov} from "./solution.js";

/**
 * The one evaluator of a linear mixed model's criterion and of everything read off its factor, as
 * MixedModels.jl's `objective!(m, θ)`: `setTheta(θ)` fills the templates of Λ_θ, `updateL()` factors
 * `[ΛᵀZᵀWZΛ + I, ΛᵀZᵀW[X y]; …, [X y]ᵀW[X y]]` into the workspace it owns, and `objective()` is the profiled
 * criterion, so that `criterion(θ) = objective(updateL(setTheta(model, θ)))`. Every caller (the optimizer, the
 * fitted model, profiles, the deviance in (θ, σ), predictions) reads the factor through it: R_X, β̂, ũ, r²(θ),
 * (R_XᵀR_X)⁻¹ and σ²ΛΛᵀ are computed here and nowhere else. `reweight(W, y)` recomputes the cross-products in
 * place for new weights (and response) on the same structure, for iteratively reweighted fits.
 *
 * The read methods need a factor: after `updateL()` returned true, or one given to {@link Evaluator.withFactor}.
 *
 * Reference: Bates, Mächler, Bolker & Walker (2015), "Fitting linear mixed-effects models using lme4", JSS 67(1),
 * §3 (eqs. 18–24: the factor; 34 and 41: the criteria; 54: Var(β̂)); MixedModels.jl's `setθ!`, `updateL!`,
 * `objective`, `reweight!`.
 *
 * @example
 *   const ev = new Evaluator(modelStructure(frame, true));
 *   ev.setTheta([0.9667, 0.0152, 0.2309]);
 *   ev.updateL() && ev.objective(); // ≈ 1743.628 for sleepstudy (Days | Subject), REML
 */
export class Evaluator {
  /** The model's structure (frame, constants, REML); its cross-products are `A` until a reweight. */
  readonly structure: MixedModelStructure;
  #A: Blocked;
  #ownsA = false;
  #logDetW: number | null;
  /** The weights of the last reweight (owned), for log|W| on demand. */
  #weights: Float64Array | null = null;
  #y: ArrayLike<number>;
  #workspace: FactorWorkspace | null = null;
  #L: Blocked | null = null;
  #theta: Float64Array | null = null;
  #T: Float64Array[] | null = null;
  #summary: FactorSummary | null = null;
  /** The frame of the last `refill`'s rows (the same buffers refilled again reuse it). */
  #refilled: {rows: object; frame: MixedModelStructure["frame"]} | null = null;

  constructor(structure: MixedModelStructure) {
    this.structure = structure;
    this.#A = structure.A;
    this.#logDetW = structure.logDetW;
    this.#y = structure.frame.y;
  }

  /**
   * An evaluator factored at θ; fails with advice when the factor is not positive definite there.
   *
   * @example
   *   const ev = Evaluator.at(structure, thetaHat);
   */
  static at(structure: MixedModelStructure, theta: ArrayLike<number>): Evaluator {
    const ev = new Evaluator(structure).setTheta(theta);
    if (!ev.updateL()) {
      fail(`the factor of the model is not positive definite at θ = [${Array.from(theta, (t) => t.toPrecision(4)).join(", ")}]; rescale the variables (centre them, or divide large ones by a power of ten)`);
    }
    return ev;
  }

  /**
   * An evaluator with a factor already computed at θ for this structure (by another thread).
   *
   * @example
   *   const ev = Evaluator.withFactor(structure, theta, workerResult.L);
   */
  static withFactor(structure: MixedModelStructure, theta: ArrayLike<number>, L: Blocked): Evaluator {
    const ev = new Evaluator(structure).setTheta(theta);
    ev.#L = L;
    return ev;
  }

  /** The cross-products `[Z X y]ᵀ W [Z X y]` now evaluated (the structure's, or the last reweight's). */
  get A(): Blocked {
    return this.#A;
  }

  /** log |W| of the current weights. */
  get logDetW(): number {
    return this.#currentLogDetW();
  }

  /** log|W|, computed from the last reweight's weights when first needed (PIRLS never needs it). */
  #currentLogDetW(): number {
    if (this.#logDetW === null) {
      const w = this.#weights!;
      let logDetW = 0;
      for (let r = 0; r < w.length; r++) logDetW += log(w[r]);
      this.#logDetW = logDetW;
    }
    return this.#logDetW;
  }

  /** θ of the last `setTheta`. */
  get theta(): Float64Array {
    if (!this.#theta) fail("the evaluator has no θ yet; call setTheta(theta) first");
    return this.#theta;
  }

  /** The factor L_θ of the last successful `updateL()` (or the one given). */
  get factor(): Blocked {
    if (!this.#L) fail("the evaluator has no factor at this θ; call updateL() (it returns false where L is not positive definite)");
    return this.#L;
  }

  /**
   * Sets θ: the lower-triangular templates Tᵢ of Λ_θ, filled column-wise (lme4's order). The factor is stale
   * until `updateL()`.
   *
   * Reference: Bates et al. (2015), JSS 67(1), §2.2 and eq. 4; MixedModels.jl's `setθ!`.
   *
   * @example
   *   ev.setTheta([1, 0, 1]).updateL();
   */
  setTheta(theta: ArrayLike<number>): this {
    this.#theta = Float64Array.from(theta);
    this.#T = templates(this.#A.sizes, theta);
    this.#L = null;
    this.#summary = null;
    return this;
  }

  /**
   * Factors the cross-products at the current θ into the workspace (see lmm/factor.ts's `updateL`: phase 1
   * copies A into L scaled by Λ, phase 2 factors in place). Returns false where a pivot is not positive.
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–24; MixedModels.jl's `updateL!`.
   *
   * @example
   *   if (!ev.setTheta(theta).updateL()) return Infinity;
   */
  updateL(): boolean {
    if (!this.#T) fail("the evaluator has no θ yet; call setTheta(theta) first");
    this.#workspace ??= factorWorkspace(this.#A);
    this.#summary = null;
    const ok = updateL(this.#A, this.#T, this.#workspace);
    this.#L = ok ? this.#workspace : null;
    return ok;
  }

  /**
   * log|L_θ|², log|R_X|² and r²(θ), read off the factor once per θ.
   *
   * @example
   *   const {logDetL, logDetRX, r2} = ev.summary();
   */
  summary(): FactorSummary {
    this.#summary ??= factorSummary(this.factor);
    return this.#summary;
  }

  /** r²(θ), the penalized residual sum of squares `‖W^½(y − Xβ̂ − ZΛũ)‖² + ‖ũ‖²` (Bates et al. 2015, eq. 19). */
  get r2(): number {
    return this.summary().r2;
  }

  /**
   * The profiled criterion at the current factor: the REML criterion when `REML` (default: the structure's),
   * else the ML deviance, σ profiled out (lmm/criterion.ts's `profiledCriterion`).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 34 and 41; MixedModels.jl's `objective`.
   *
   * @example
   *   ev.setTheta(thetaHat).updateL() && ev.objective(false); // the ML deviance of a REML fit
   */
  objective(REML: boolean = this.structure.REML): number {
    return profiledCriterion(this.summary(), this.structure.frame.n, this.#A.nFixed, this.#currentLogDetW(), REML);
  }

  /**
   * `criterion(θ) = objective(updateL(setTheta(θ)))`, Infinity where the factor breaks down.
   *
   * @example
   *   const f = (theta) => ev.objectiveAt(theta);
   */
  objectiveAt(theta: ArrayLike<number>): number {
    return this.setTheta(theta).updateL() ? this.objective() : Infinity;
  }

  /**
   * The log-determinants of the criterion at the current factor: `log|L_θ|²`, plus `log|R_X|²` for REML.
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 34 and 41.
   *
   * @example
   *   ev.logDets(true);
   */
  logDets(REML: boolean = this.structure.REML): number {
    return criterionLogDets(this.summary(), REML);
  }

  /**
   * The deviance (REML or ML) at the current θ and a given σ, before σ is profiled out, with β at β̂(θ)
   * (lmerTest's `devfun_vp`): `log|L_θ|² (+ log|R_X|²) − log|W| + ν log(2πσ²) + r²(θ)/σ²`, ν = n − p for REML,
   * n for ML (lmm/criterion.ts's `criterionAtSigma`; not finite values as they are).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 32–34 and 41; Kuznetsova et al. (2017), JSS 82(13), §3.1.
   *
   * @example
   *   ev.setTheta(theta).updateL() && ev.devianceAtSigma(sigma, true); // = REMLcrit at (θ̂, σ̂)
   */
  devianceAtSigma(sigma: number, REML: boolean = this.structure.REML): number {
    return criterionAtSigma(this.summary(), this.structure.frame.n, this.#A.nFixed, this.#currentLogDetW(), REML, sigma);
  }

  /**
   * The ML deviance at the current θ with β at β̂(θ), or with one coefficient βⱼ held at `fixed.value` and the
   * others at their conditional optimum, σ given or (null) profiled out. Holding βⱼ adds `(βⱼ − β̂ⱼ)²/Vⱼⱼ`
   * (V = (R_XᵀR_X)⁻¹) to r²(θ), as the penalized residual sum of squares is `r²(θ) + ‖R_X(β − β̂)‖²`; the
   * deviance is then {@link profiledCriterion} or {@link criterionAtSigma} (ML) of that sum. Not finite
   * values are Infinity.
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 32–35 and §5.3 (profiling); Bates (2010), lme4: Mixed-effects
   * modeling with R, ch. 1.5; MixedModels.jl's `profile` (`objective!(m, θ)` with β fixed by an offset).
   *
   * @example
   *   ev.setTheta(theta).updateL() ? ev.mlDeviance(null, {j: 0, value: 250}) : Infinity;
   */
  mlDeviance(sigma: number | null, fixed: {j: number; value: number} | null = null): number {
    const base = this.summary();
    const s = fixed ? {...base, r2: base.r2 + this.#heldCoefficientR2(fixed.j, fixed.value)} : base;
    const n = this.structure.frame.n, p = this.#A.nFixed;
    const logDetW = this.#currentLogDetW();
    const value = sigma === null ? profiledCriterion(s, n, p, logDetW, false) : criterionAtSigma(s, n, p, logDetW, false, sigma);
    return Number.isFinite(value) ? value : Infinity;
  }

  /** `(v − β̂ⱼ)²/Vⱼⱼ`: what holding βⱼ at v adds to the penalized residual sum of squares. */
  #heldCoefficientR2(j: number, v: number): number {
    const p = this.#A.nFixed;
    const RXt = this.rXt();
    const beta = this.beta();
    const e = new Float64Array(p);
    e[j] = 1;
    solveLower(RXt, p, e);
    let Vjj = 0;
    for (let a = 0; a < p; a++) Vjj += e[a] * e[a];
    return ((v - beta[j]) * (v - beta[j])) / Vjj;
  }

  /**
   * R_Xᵀ, the transposed fixed-effects factor (nFixed × nFixed, lower, row-major), from the factor's
   * `[X y]` block.
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–21.
   *
   * @example
   *   const RXt = ev.rXt();
   */
  rXt(): Float64Array {
    return factorRXt(this.factor);
  }

  /** r(θ), the factor's last diagonal entry (r(θ)² = r²(θ)). */
  r(): number {
    return factorR(this.factor);
  }

  /**
   * β̂(θ), the solution of `R_X β̂ = c_β`.
   *
   * Reference: Bates et al. (2015), JSS 67(1), eq. 21.
   *
   * @example
   *   ev.beta(); // [251.405, 10.467] for sleepstudy at θ̂
   */
  beta(): Float64Array {
    const L = this.factor;
    const beta = factorCBeta(L);
    solveLowerTranspose(factorRXt(L), this.#A.nFixed, beta);
    return beta;
  }

  /**
   * β̂ and the spherical conditional modes ũ per term (lmm/solution.ts's `plsSolution`).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 19–21.
   *
   * @example
   *   const {beta, u} = ev.solution();
   */
  solution(): {beta: Float64Array; u: Float64Array[]} {
    return plsSolution(this.factor);
  }

  /**
   * The spherical modes ũ with β held at `beta`: the solution of `(ΛᵀZᵀWZΛ + I) u = ΛᵀZᵀW(y − Xβ)` from the
   * current factor (its `c_u` and `L_ZX` rows), as the u-only step of glmer's PIRLS (`merPredD::solveU`).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eqs. 19–21 with β given; lme4's predModule.cpp (`solveU`).
   *
   * @example
   *   const u = ev.reweight(w, z).setTheta(theta).updateL() && ev.modesGivenBeta(beta);
   */
  modesGivenBeta(beta: ArrayLike<number>): Float64Array[] {
    if (beta.length !== this.#A.nFixed) fail(`invalid beta: ${beta.length} values for ${this.#A.nFixed} fixed effects`);
    return plsSolution(this.factor, beta).u;
  }

  /**
   * The diagonal of each term's unscaled conditional covariance `Tᵢ Mᵢ[h] Tᵢᵀ` per level h (level-major, pᵢ
   * values a level), where Mᵢ[h] are the level blocks of (L_θ L_θᵀ)⁻¹: times σ² (1 for binomial and Poisson),
   * the conditional variances of the random effects that lme4's `ranef(condVar = TRUE)` reports.
   *
   * Reference: Bates et al. (2015), JSS 67(1), §5.1.
   *
   * @example
   *   const v = ev.conditionalVariances(); // v[0][h] for a scalar term
   */
  conditionalVariances(): Float64Array[] {
    const M = this.conditionalBlocks();
    const T = this.#templates();
    return this.#A.sizes.map(({p, l}, i) => {
      const Ti = T[i], out = new Float64Array(l * p);
      for (let h = 0; h < l; h++) {
        for (let a = 0; a < p; a++) {
          let v = 0;
          for (let c = 0; c <= a; c++) for (let d = 0; d <= a; d++) v += Ti[a * p + c] * M[i][h * p * p + c * p + d] * Ti[a * p + d];
          out[h * p + a] = Math.max(v, 0);
        }
      }
      return out;
    });
  }

  /**
   * The conditional modes of the random effects per term, `b̃ = Λ_θ ũ` (level-major).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eq. 5 (b = Λ_θ u).
   *
   * @example
   *   const b = ev.modes(ev.solution().u);
   */
  modes(u: Float64Array[]): Float64Array[] {
    return this.modesInto(u, u.map((ui) => new Float64Array(ui.length)));
  }

  /**
   * {@link Evaluator.modes} written into `out` (one array a term, each as long as u's), for loops that must not
   * allocate; returns `out`.
   *
   * @example
   *   ev.modesInto(u, buffers);
   */
  modesInto(u: Float64Array[], out: Float64Array[]): Float64Array[] {
    const T = this.#templates();
    const {sizes} = this.#A;
    for (let i = 0; i < u.length; i++) {
      const pi = sizes[i].p, Ti = T[i], ui = u[i], bi = out[i];
      for (let h = 0; h < sizes[i].l; h++) {
        for (let a = 0; a < pi; a++) {
          let s = 0;
          for (let c = 0; c <= a; c++) s += Ti[a * pi + c] * ui[h * pi + c];
          bi[h * pi + a] = s;
        }
      }
    }
    return out;
  }

  /**
   * (R_XᵀR_X)⁻¹, the unscaled covariance of β̂ (`Var(β̂) = σ² (R_XᵀR_X)⁻¹`).
   *
   * Reference: Bates et al. (2015), JSS 67(1), eq. 54.
   *
   * @example
   *   const V = ev.unscaledVcov(); // p × p row-major
   */
  unscaledVcov(): Float64Array {
    return unscaledVcov(this.factor);
  }

  /**
   * The level blocks of (L_θ L_θᵀ)⁻¹ per term (lmm/solution.ts's `conditionalBlocks`), for the conditional
   * covariance of the random effects.
   *
   * Reference: Bates et al. (2015), JSS 67(1), §5.1.
   *
   * @example
   *   const M = ev.conditionalBlocks();
   */
  conditionalBlocks(): Float64Array[] {
    return conditionalBlocks(this.factor);
  }

  /**
   * The covariance of each term's random effects at the current θ and σ: `Σᵢ = σ² Tᵢ Tᵢᵀ` (pᵢ × pᵢ, row-major).
   *
   * Reference: Bates et al. (2015), JSS 67(1), §2.2 (Σ = σ² Λ_θ Λ_θᵀ).
   *
   * @example
   *   ev.termCovariance(25.59)[0]; // [612.1, 9.6, 9.6, 35.07] for sleepstudy at θ̂
   */
  termCovariance(sigma: number): Float64Array[] {
    return termCovariances(this.#A.sizes, this.theta, sigma);
  }

  /**
   * New prior weights W (and optionally a new response y) for the same model: the cross-products
   * `[Z X y]ᵀ W [Z X y]` are recomputed in place (the first call copies the structure's, which stay as they are),
   * with the same sizes and sparsity, and log|W| with them; the factor is stale until `updateL()`. With the
   * frame's own weights (all 1 without) and response it reproduces the structure's cross-products bit for bit.
   *
   * Reference: MixedModels.jl's `reweight!` (for the PIRLS of generalized models); Bates et al. (2015), JSS 67(1),
   * eq. 18.
   *
   * @example
   *   ev.reweight(w).setTheta(theta).updateL();
   */
  reweight(weights: ArrayLike<number>, y?: ArrayLike<number>): this {
    const {frame} = this.structure;
    const n = frame.n;
    if (weights.length !== n) fail(`invalid weights: ${weights.length} values for ${n} rows; give one weight a row`);
    if (y !== undefined && y.length !== n) fail(`invalid response: ${y.length} values for ${n} rows; give one value a row`);
    for (let r = 0; r < n; r++) {
      if (!(weights[r] > 0 && Number.isFinite(weights[r]))) fail(`invalid weight: ${weights[r]} in row ${frame.rows[r] + 1}; weights must be positive and finite`);
    }
    if (!this.#ownsA) {
      this.#A = cloneBlocked(this.#A);
      this.#ownsA = true;
      this.#workspace = null;
      this.#y = Float64Array.from(this.#y);
      this.#weights = new Float64Array(n);
    }
    if (y !== undefined) {
      const own = this.#y as Float64Array;
      for (let r = 0; r < n; r++) {
        if (!Number.isFinite(y[r])) fail(`invalid response: ${y[r]} in row ${frame.rows[r] + 1}; give finite values`);
        own[r] = y[r];
      }
    }
    this.#weights!.set(weights);
    fillCrossProducts(this.#A, frame, weights, this.#y);
    // the frame's columns were checked when its structure was built: only the new sums can overflow
    if (!blockedFinite(this.#A)) checkFinite(frame, this.#A);
    this.#logDetW = null;
    this.#L = null;
    this.#summary = null;
    return this;
  }

  /**
   * Cross-products of rows already transformed (whitened by a residual structure): `[Z X y]ᵀ[Z X y]` of the
   * given rows, with the same sizes and sparsity (each term's rows keep their levels), refilled in place as
   * {@link Evaluator.reweight} does, and `log|W|` set to `logDetW` (minus the log-determinant of the
   * whitening's covariance). The factor is stale until `updateL()`.
   *
   * Reference: Pinheiro & Bates (2000), §5.1 (the transformed model with independent errors); MixedModels.jl's
   * `reweight!`.
   *
   * @example
   *   ev.refill(whitened, -whitened.logDetR).setTheta(theta).updateL();
   */
  refill(rows: {X: Float64Array[]; y: Float64Array; Z: Float64Array[]}, logDetW: number): this {
    const {frame} = this.structure;
    if (!this.#ownsA) {
      this.#A = cloneBlocked(this.#A);
      this.#ownsA = true;
      this.#workspace = null;
    }
    if (this.#refilled?.rows !== rows) {
      const transformed = {...frame, X: rows.X, terms: frame.terms.map((t, i) => ({...t, Z: rows.Z[i]})), offset: null, weights: null};
      this.#refilled = {rows, frame: transformed};
    }
    fillCrossProducts(this.#A, this.#refilled.frame, null, rows.y);
    this.#logDetW = logDetW;
    this.#L = null;
    this.#summary = null;
    return this;
  }

  #templates(): Float64Array[] {
    if (!this.#T) fail("the evaluator has no θ yet; call setTheta(theta) first");
    return this.#T;
  }
}

/** Whether every value of a blocked matrix is finite. */
function blockedFinite(A: Blocked): boolean {
  const arrays = [A.zzFirst, A.xyXy, ...A.zzDiagonal.slice(1), ...A.xyZ, ...A.zzBelowFirst.slice(1).map((s) => s.values), ...A.zzOffDiagonal.flat()];
  for (const a of arrays) {
    if (!a) continue;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  }
  return true;
}

/**
 * The covariance of each term's random effects from θ and σ: `Σᵢ = σ² Tᵢ Tᵢᵀ` (pᵢ × pᵢ, row-major), the one
 * place it is formed ({@link Evaluator.termCovariance}, the fitted model's VarCorr, the SD/correlation scale).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §2.2 (Σ = σ² Λ_θ Λ_θᵀ, Λ_θ repeating Tᵢ per level).
 *
 * @example
 *   termCovariances([{p: 2, l: 18, q: 36}], [0.9667, 0.0152, 0.2309], 25.59)[0]; // ≈ [612.1, 9.6, 9.6, 35.07]
 */
export function termCovariances(sizes: TermSize[], theta: ArrayLike<number>, sigma: number): Float64Array[] {
  const T = templates(sizes, theta);
  return sizes.map(({p}, k) => {
    const S = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let c = 0; c <= Math.min(a, b); c++) s += T[k][a * p + c] * T[k][b * p + c];
        S[a * p + b] = sigma * sigma * s;
      }
    }
    return S;
  });
}
