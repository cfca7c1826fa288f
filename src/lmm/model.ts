import type {ModelSpec} from "../formula/ast.js";
import type {QueryRecord} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";
import {Evaluator} from "./evaluator.js";
import {templates, thetaNames} from "./lambda.js";
import type {MixedModelStructure} from "./structure.js";
import {FitClock, type FitTimings} from "./timings.js";
import {fixedEffectsTable, ranefTable, varianceTable} from "./tables.js";
import {log} from "../math/index.js";
import {structureCoefficients} from "./residual.js";

/** The optimizer's record of a fit (MixedModels.jl's `OptSummary`). */
export interface OptimizerRecord {
  name: string;
  /** Criterion evaluations of the optimizer (restarts included; derivative checks not). */
  evaluations: number;
  seconds: number;
  converged: boolean;
  message: string;
  initial: Float64Array;
  final: Float64Array;
  /** The criterion at `final`. */
  criterion: number;
  /** What happened after the optimizer stopped (restarts from a bound, boundary snapping). */
  log: string[];
  /** How the fit ended, with its evidence: one verdict, which `converged` agrees with. */
  ending: OptimizerEnding;
}

/**
 * How a fit ended:
 * - `interior`: the optimizer converged with every diagonal θ off its bound;
 * - `bound-minimum`: it converged with diagonal entries at their bound 0, and no inward probe is lower
 *   (`probes` holds them, each with its criterion, against `criterion`);
 * - `restarted`: an inward probe from a bound was lower, so the optimizer was restarted from it
 *   (`restarts`: the criterion at the bound, at the probe and after the restart); the final point is then
 *   probed again, and `atBound` and `probes` describe it;
 * - `evaluation-limit`: the optimizer ran out of evaluations (or was stopped) before converging;
 * - `failed-checks`: the optimizer converged but the finite-difference checks say the point is not a
 *   minimum (the warnings say how).
 */
export interface OptimizerEnding {
  verdict: "interior" | "bound-minimum" | "restarted" | "evaluation-limit" | "failed-checks";
  /** Indices of diagonal θ entries at (or within 1e-4 of) their bound at the end. */
  atBound: number[];
  /** The inward probes from the final point (empty when `atBound` is). */
  probes: {index: number; value: number; flipped: boolean; criterion: number}[];
  restarts: BoundaryRestart[];
}

/** A restart from a bound: the criterion there, at the lower inward probe, and where the restart ended. */
export interface BoundaryRestart {
  atBound: number[];
  criterionAtBound: number;
  probe: number;
  criterionAfter: number;
}

/** A row of lme4's `as.data.frame(VarCorr(m))`. */
export interface VarCorrRow {
  grp: string;
  var1: string | null;
  var2: string | null;
  /** Variance or covariance. */
  vcov: number;
  /** Standard deviation, or correlation when `var2` is set. */
  sdcor: number;
}

/** Conditional modes as lme4's `as.data.frame(ranef(m, condVar = TRUE))`, column-wise. */
export interface RanefColumns {
  grpvar: string[];
  term: string[];
  grp: string[];
  condval: number[];
  condsd: number[];
}

/**
 * Results of a model that another thread has computed for the same structure and θ̂ (see the constructor of
 * {@link LinearMixedModel}); `beta` counts only with `u`.
 */
export interface PrecomputedResults {
  /** The factor L_θ̂. */
  L?: Blocked;
  /** The conditional modes with their conditional standard deviations. */
  ranef?: RanefColumns;
  /** β̂. */
  beta?: Float64Array;
  /** The spherical conditional modes ũ per term. */
  u?: Float64Array[];
  fitted?: Float64Array;
  residuals?: Float64Array;
  /** Where the other thread's fit spent its time: the rebuilt model reports these as its own. */
  timings?: FitTimings;
}

/**
 * A fitted linear mixed-effects model. Every field lme4 reports, with ASCII names beside the Greek ones:
 * `beta` (β̂, as an array) and `fixef` (by name), `theta` (θ̂), `sigma` (σ̂).
 *
 * The fields keep lme4's shapes (`fixef` a by-name object, `varCorr` rows, `ranef` columns; `predict` gives
 * `{fit, se}`); for one uniform shape, `tidy(m)`, `glance(m)` and `augment(m, data)` (src/broom) give the
 * same numbers as Arquero tables with broom.mixed's column names.
 *
 * @example
 *   const m = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   m.sigma; // 25.5918
 *   m.varCorr[2]; // {grp: "Subject", var1: "(Intercept)", var2: "Days", vcov: 9.604, sdcor: 0.0656}
 */
export class LinearMixedModel {
  /** The formula as given. */
  readonly formula: string;
  /**
   * The formula parsed and expanded, as the model frame uses it ({@link ModelSpec}: response, fixed-effect
   * terms, offsets, random-effects terms, and `tree`, the parse tree they came from): kept so that nothing
   * after the fit parses `formula` again. A fixed-effect term identical to the response is dropped, as R
   * drops it. It is `structure.frame.spec`, so a model rebuilt from a worker's structure has it too.
   *
   * @example
   *   const m = lmer("Reaction~Days+(Days|Subject)", sleepstudy);
   *   m.formulaSpec.random[0].groupLabel; // "Subject"
   *   deparse(m.formulaSpec.tree!.rhs);    // "Days + (Days | Subject)"
   */
  readonly formulaSpec: ModelSpec;
  readonly REML: boolean;
  /** Number of observations used. */
  readonly nobs: number;
  /** Levels of each grouping factor, by its name. */
  readonly ngrps: Record<string, number>;
  /** Fixed-effect names (aliased columns dropped). */
  readonly fixefNames: string[];
  /** β̂ in the order of `fixefNames`. */
  readonly beta: Float64Array;
  /** β̂ by name. */
  readonly fixef: Record<string, number>;
  /** Standard errors of β̂ by name. */
  readonly se: Record<string, number>;
  /** Var(β̂) = σ̂² (R_XᵀR_X)⁻¹, in fixef's order. */
  readonly vcov: number[][];
  /** θ̂: the relative covariance parameters, lme4's order. */
  readonly theta: Float64Array;
  /** lme4's names of θ (`Subject.(Intercept)`, `Subject.Days.(Intercept)`, …). */
  readonly thetaNames: string[];
  /** σ̂, the residual standard deviation. */
  readonly sigma: number;
  /** Variance components as `as.data.frame(VarCorr(m))`. */
  readonly varCorr: VarCorrRow[];
  /**
   * Fitted values `Xβ̂ + Zb̃ + offset`, as lme4's `fitted(m)`: one per row used, or, with `naAction: "exclude"`,
   * one per input row with NaN at the rows dropped for a missing value (R's `naresid`), so that they join
   * back to the input rows one to one.
   */
  get fitted(): Float64Array {
    return (this.#fitted ??= padExcluded(this.structure.frame, this.usedFitted));
  }
  /** Response minus fitted values, as lme4's `residuals(m)`: aligned as {@link fitted} (NaN-padded with "exclude"). */
  get residuals(): Float64Array {
    return (this.#residuals ??= padExcluded(this.structure.frame, this.usedResiduals));
  }
  /**
   * The fitted values at the rows used, whatever the `naAction` (lme4's `m@resp$mu`). Computed on first use
   * (a fit of a million rows need not write two more columns of a million numbers that nobody reads).
   */
  get usedFitted(): Float64Array {
    const {frame} = this.structure;
    return (this.#usedFitted ??= frame.aggregated ? new Float64Array(0) : fittedValues(frame, this.beta, this.b));
  }
  /** The residuals at the rows used, whatever the `naAction`; computed on first use. */
  get usedResiduals(): Float64Array {
    return (this.#usedResiduals ??= residualsOf(this.structure.frame.y, this.usedFitted));
  }
  #fitted: Float64Array | undefined;
  #residuals: Float64Array | undefined;
  #usedFitted: Float64Array | undefined;
  #usedResiduals: Float64Array | undefined;
  /**
   * For each row used, its row in the input table (0-based, increasing); input rows absent from it were
   * dropped for a missing value. `rows.length === nobs`.
   */
  readonly rows: Int32Array;
  /** The REML criterion at the estimates (REML fits), else null. */
  readonly REMLcrit: number | null;
  /** −2 log L at the estimates on the ML scale (for a REML fit, lme4's `deviance(m, REML = FALSE)`). */
  readonly deviance: number;
  /** The log-likelihood (the REML log-likelihood for REML fits, as lme4 reports it). */
  readonly logLik: number;
  /** Number of parameters: β, θ and σ. */
  readonly df: number;
  readonly AIC: number;
  readonly BIC: number;
  readonly isSingular: boolean;
  /** Dropped rows and columns, singular fit, convergence: every warning of the fit. */
  readonly warnings: string[];
  readonly optimizer: OptimizerRecord;
  /**
   * Milliseconds per stage of the fit, and of the whole call ({@link FitTimings}): formula, frame,
   * cross-products, optimization, the checks after it (probes, derivatives, and this object's results), total.
   * `optimizer.seconds` counts the optimizer alone.
   */
  readonly timings: FitTimings;
  /** The spherical conditional modes ũ per term (b̃ = Λũ). */
  readonly u: Float64Array[];
  /** The conditional modes b̃ per term, level-major. */
  readonly b: Float64Array[];
  /** The model's structure (frame and cross-products), shared with refits. */
  readonly structure: MixedModelStructure;
  /** The factor L_θ̂. */
  readonly L: Blocked;
  /** The evaluator of the criterion, factored at θ̂: R_X, β̂, (R_XᵀR_X)⁻¹ and σ²ΛΛᵀ are read through it. */
  readonly evaluator: Evaluator;
  #ranef: RanefColumns | null = null;

  /**
   * The model at θ̂. `precomputed` takes what another thread has computed already for this structure and θ̂
   * (a Worker fit): the factor at θ̂, the conditional modes, β̂ with ũ, the fitted values and the residuals,
   * so that building the model costs no factorization, no solve and no pass over the rows here (the model
   * then reports the other thread's `timings`). `clock` is the fit's stopwatch: what the constructor
   * computes is charged to its `checks`, and the model's {@link timings} are the clock stopped at the end
   * (without one, they count the constructor alone).
   */
  constructor(structure: MixedModelStructure, theta: Float64Array, isSingular: boolean, warnings: string[], optimizer: OptimizerRecord,
    precomputed: PrecomputedResults = {}, clock = new FitClock()) {
    const {frame, REML} = structure;
    const {n} = frame;
    const evaluator = precomputed.L ? Evaluator.withFactor(structure, theta, precomputed.L) : Evaluator.at(structure, theta);
    this.#ranef = precomputed.ranef ?? null;
    const p = frame.X.length;
    const {beta, u} = precomputed.beta && precomputed.u ? {beta: precomputed.beta, u: precomputed.u} : evaluator.solution();
    const sigma2 = evaluator.r2 / (REML ? n - p : n);
    const sigma = Math.sqrt(sigma2);
    const V = evaluator.unscaledVcov();

    this.structure = structure;
    this.evaluator = evaluator;
    this.L = evaluator.factor;
    this.formula = frame.spec.text;
    this.formulaSpec = frame.spec;
    this.REML = REML;
    this.nobs = n;
    this.ngrps = Object.create(null);
    for (const t of frame.terms) this.ngrps[t.group] = t.levels.length;
    this.fixefNames = frame.xNames.slice();
    this.beta = beta;
    this.fixef = Object.create(null);
    this.se = Object.create(null);
    this.vcov = [];
    for (let a = 0; a < p; a++) {
      this.fixef[frame.xNames[a]] = beta[a];
      this.se[frame.xNames[a]] = Math.sqrt(sigma2 * V[a * p + a]);
      this.vcov.push(Array.from({length: p}, (_, b) => sigma2 * V[a * p + b]));
    }
    this.theta = theta;
    this.thetaNames = thetaNames(frame.terms.map((t) => ({group: t.group, names: t.names})));
    this.sigma = sigma;
    this.u = u;
    this.b = evaluator.modes(u);
    this.varCorr = varCorrRows(frame.terms, evaluator.termCovariance(sigma), sigma);
    // a frame computed by a database holds no rows: no per-row results (the rows stay where they are)
    // fitted values and residuals wait for their first use (the getters above), unless given
    this.#usedFitted = precomputed.fitted;
    this.#usedResiduals = precomputed.residuals;
    this.rows = frame.rows;
    const ml = evaluator.objective(false);
    this.REMLcrit = REML ? evaluator.objective(true) : null;
    this.deviance = ml;
    this.logLik = -(REML ? this.REMLcrit! : ml) / 2;
    this.df = p + theta.length + 1 + (structure.residual ? structure.residual.structure.held.filter((h) => !h).length : 0);
    this.AIC = -2 * this.logLik + 2 * this.df;
    this.BIC = -2 * this.logLik + this.df * log(n);
    this.isSingular = isSingular;
    this.warnings = warnings;
    this.optimizer = optimizer;
    this.timings = precomputed.timings ? Object.freeze({...precomputed.timings}) : clock.stop();
  }

  /**
   * Where the model frame was built: `"memory"` from a table in JavaScript, or `"sql"` from cross-products a
   * database computed (src/sql), whose rows never left it: then `fitted`, `residuals` and `rows` are empty.
   */
  get frame(): "memory" | "sql" {
    return this.structure.frame.aggregated ? "sql" : "memory";
  }

  /** The queries a database ran for a model whose {@link frame} is `"sql"` (text, bound values, rows, time); empty otherwise. */
  get queries(): readonly QueryRecord[] {
    return this.structure.frame.aggregated?.queries ?? [];
  }

  /** The residual variance σ̂². */
  get sigma2(): number {
    return this.sigma * this.sigma;
  }

  /** Conditional modes with their conditional standard deviations (computed on first use). */
  get ranef(): RanefColumns {
    if (!this.#ranef) this.#ranef = ranefColumns(this);
    return this.#ranef;
  }

  /** The fixed effects as an Arquero table: term, estimate, se, t. */
  fixedEffectsTable() {
    return fixedEffectsTable(this);
  }

  /** The variance components as an Arquero table: grp, var1, var2, vcov, sdcor. */
  varianceTable() {
    return varianceTable(this);
  }

  /** The conditional modes as an Arquero table: grpvar, term, grp, condval, condsd. */
  ranefTable() {
    return ranefTable(this);
  }

  /**
   * The residual structure's natural-scale coefficients by name, as nlme's
   * `coef(m$modelStruct$corStruct, unconstrained = FALSE)` and the same of `varStruct` (null for the one not
   * given), with the structures as written; both null for a model without one.
   *
   * @example
   *   lmer("Reaction ~ Days + (1 | Subject)", sleepstudy, {correlation: "corAR1()"}).residualStructure().corStruct; // {Phi: …}
   */
  residualStructure(): {corStruct: Record<string, number> | null; varStruct: Record<string, number> | null; correlation: string | null; variance: string | null} {
    const r = this.structure.residual;
    if (!r) return {corStruct: null, varStruct: null, correlation: null, variance: null};
    return {...structureCoefficients(r.structure, r.parameters), correlation: r.structure.correlation?.text ?? null, variance: r.structure.variance?.text ?? null};
  }

  /** The JSON contract of `lmm fit --json` (the field names of lme4's reference files). */
  toJSON() {
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      formula: this.formula,
      REML: this.REML,
      nobs: this.nobs,
      ngrps: this.ngrps,
      fixef: this.fixef,
      se: this.se,
      vcov: this.vcov,
      theta: Array.from(this.theta),
      theta_names: this.thetaNames,
      sigma: this.sigma,
      varcorr: this.varCorr.map((r) => ({...r, vcov: finite(r.vcov), sdcor: finite(r.sdcor)})),
      logLik: this.logLik,
      df: this.df,
      AIC: this.AIC,
      BIC: this.BIC,
      deviance: this.deviance,
      REMLcrit: this.REMLcrit,
      isSingular: this.isSingular,
      ranef: this.ranef,
      fitted: Array.from(this.fitted),
      residuals: Array.from(this.residuals),
      warnings: this.warnings,
      optimizer: {
        name: this.optimizer.name,
        evaluations: this.optimizer.evaluations,
        seconds: this.optimizer.seconds,
        converged: this.optimizer.converged,
        verdict: this.optimizer.ending.verdict,
        initial: Array.from(this.optimizer.initial),
        final: Array.from(this.optimizer.final)
      },
      timings: {...this.timings},
      ...(this.structure.residual ? this.residualStructure() : {})
    };
  }
}

/**
 * Per-row values of the rows used, as the model's `naAction` returns them: unchanged, or with "exclude" one
 * per input row, NaN at the rows dropped for a missing value.
 *
 * Reference: R's `naresid.exclude` (stats).
 *
 * @example
 *   padExcluded({naAction: "exclude", rows: Int32Array.of(0, 2), sourceRows: 3}, Float64Array.of(1, 2)); // [1, NaN, 2]
 */
export function padExcluded(frame: Pick<MixedModelStructure["frame"], "naAction" | "rows" | "sourceRows">, values: Float64Array): Float64Array {
  if (frame.naAction !== "exclude") return values;
  const out = new Float64Array(frame.sourceRows).fill(NaN);
  frame.rows.forEach((row, r) => (out[row] = values[r]));
  return out;
}

/**
 * Fitted values `Xβ + Zb + offset` for the rows of the frame, column by column: each row's sum is taken in the
 * same order as a row-by-row loop would (offset, then X's columns, then each term's columns), so the bits are
 * those of `offset[r] + Σₐ X[a][r] β[a] + Σᵢ Σ_c Zᵢ[r, c] bᵢ[level, c]`.
 */
function fittedValues(frame: MixedModelStructure["frame"], beta: Float64Array, b: Float64Array[]): Float64Array {
  const {n} = frame;
  const fitted = frame.offset ? frame.offset.slice() : new Float64Array(n);
  for (const [a, x] of frame.X.entries()) {
    const ba = beta[a];
    for (let r = 0; r < n; r++) fitted[r] += x[r] * ba;
  }
  for (const [i, t] of frame.terms.entries()) {
    const {p, Z, refs} = t;
    const bi = b[i];
    if (p === 1) {
      for (let r = 0; r < n; r++) fitted[r] += Z[r] * bi[refs[r]];
      continue;
    }
    for (let r = 0; r < n; r++) {
      const o = refs[r] * p;
      let s = fitted[r];
      for (let c = 0; c < p; c++) s += Z[r * p + c] * bi[o + c];
      fitted[r] = s;
    }
  }
  return fitted;
}

/** y − fitted, row by row. */
function residualsOf(y: Float64Array, fitted: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let r = 0; r < y.length; r++) out[r] = y[r] - fitted[r];
  return out;
}

/** VarCorr rows from each term's covariance `σ² T Tᵀ` ({@link Evaluator.termCovariance}). */
function varCorrRows(terms: MixedModelStructure["frame"]["terms"], covariances: Float64Array[], sigma: number): VarCorrRow[] {
  const rows: VarCorrRow[] = [];
  terms.forEach((t, i) => {
    const p = t.p, S = covariances[i];
    for (let a = 0; a < p; a++) rows.push({grp: t.name, var1: t.names[a], var2: null, vcov: S[a * p + a], sdcor: Math.sqrt(S[a * p + a])});
    for (let a = 0; a < p; a++) {
      for (let b = a + 1; b < p; b++) {
        const v = S[a * p + b];
        rows.push({grp: t.name, var1: t.names[a], var2: t.names[b], vcov: v, sdcor: v / Math.sqrt(S[a * p + a] * S[b * p + b])});
      }
    }
  });
  rows.push({grp: "Residual", var1: null, var2: null, vcov: sigma * sigma, sdcor: sigma});
  return rows;
}

function ranefColumns(m: LinearMixedModel): RanefColumns {
  const {terms} = m.structure.frame;
  const M = m.evaluator.conditionalBlocks();
  const T = templates(m.structure.A.sizes, m.theta);
  const out: RanefColumns = {grpvar: [], term: [], grp: [], condval: [], condsd: []};
  const groups = [...new Set(terms.map((t) => t.group))];
  for (const group of groups) {
    terms.forEach((t, i) => {
      if (t.group !== group) return;
      const p = t.p, Ti = T[i];
      for (let a = 0; a < p; a++) {
        for (let h = 0; h < t.levels.length; h++) {
          // (T M Tᵀ)[a][a]
          let v = 0;
          for (let c = 0; c <= a; c++) for (let d = 0; d <= a; d++) v += Ti[a * p + c] * M[i][h * p * p + c * p + d] * Ti[a * p + d];
          out.grpvar.push(group);
          out.term.push(t.names[a]);
          out.grp.push(t.levels[h]);
          out.condval.push(m.b[i][h * p + a]);
          out.condsd.push(m.sigma * Math.sqrt(Math.max(v, 0)));
        }
      }
    });
  }
  return out;
}
