/**
 * The fitted generalized linear mixed model: every number lme4's glmer reports, read off the PIRLS state at
 * the optimum.
 */
import type {ModelSpec} from "../formula/ast.js";
import type {ModelFrame} from "../frame/frame.js";
import type {Evaluator} from "../lmm/evaluator.js";
import {thetaNames as lme4ThetaNames} from "../lmm/lambda.js";
import type {OptimizerRecord, RanefColumns, VarCorrRow} from "../lmm/model.js";
import type {MixedModelStructure} from "../lmm/structure.js";
import {FitClock, type FitTimings} from "../lmm/timings.js";
import {log} from "../math/index.js";
import {normalCdf} from "../stats/normal-quantile.js";
import type {Family, FamilyName} from "./families.js";
import type {LinkName} from "./links.js";
import type {Pirls} from "./pirls.js";
import type {GlmResponse} from "./response.js";

/** lme4's `coef(summary(m))` for a generalized model: Wald tests, p-values from the normal distribution. */
export interface GlmCoefficients {
  names: string[];
  /** "z value", or "t value" for families with a dispersion (lme4's label; the p-values are normal all the same). */
  statisticName: "z value" | "t value";
  estimate: number[];
  se: number[];
  z: number[];
  p: number[];
}

/** The residuals of each of lme4's types, one per row used. */
export interface GlmResiduals {
  /** sign(y − μ) √dᵢ, whose squares sum to the deviance. */
  deviance: Float64Array;
  /** (y − μ) √w / √V(μ). */
  pearson: Float64Array;
  /** y − μ. */
  response: Float64Array;
  /** (y − μ) / (dμ/dη), the working residuals of the last IRLS step. */
  working: Float64Array;
}

/** What {@link GeneralizedLinearMixedModel} is built from besides the PIRLS state at the optimum. */
export interface GlmmFitRecord {
  nAGQ: number;
  /** The column named as `weights`, for the summary's `Weights:` line (null without). */
  weightsName?: string | null;
  /**
   * glmer's `offset` argument as given: the expression (a column name, or `log(expected)`) that the summary
   * prints on its `Offset:` line and predictions on new data evaluate; null when it was given as numbers or
   * not at all (an `offset()` in the formula is the formula's).
   */
  offsetArgument?: string | null;
  /** Whether glmer's `offset` argument was given (as an expression or as numbers). */
  hasOffsetArgument?: boolean;
  /** The criterion at the optimum: the Laplace deviance (or nAGQ = 0's). */
  objective: number;
  /** Var(β̂) from the finite-difference Hessian of the deviance in (θ, β) (lme4's default for nAGQ ≥ 1), or null. */
  vcovHessian: Float64Array | null;
  isSingular: boolean;
  warnings: string[];
  optimizer: OptimizerRecord;
  /**
   * The fit's stopwatch, with the stages before the model charged: what the constructor computes is charged
   * to `checks`, and the model's `timings` are the clock stopped at its end (without one, the constructor alone).
   */
  clock?: FitClock;
}

/**
 * A fitted generalized linear mixed-effects model, as lme4's glmer: β̂ (`beta`, `fixef`), θ̂, the conditional
 * modes b̃ = Λũ with their conditional SDs (`ranef`), the deviance and log-likelihood as lme4 computes them,
 * fitted values on the response scale, residuals of each type, and the optimizer's record. Binomial and
 * Poisson models have no dispersion (`sigma` is 1); Gamma, gaussian (log or inverse link) and inverse Gaussian
 * models report lme4's σ.
 *
 * Reference: Bates et al. (2015), JSS 67(1); lme4's `glmer`, `vcov.merMod` (use.hessian), `ranef(condVar)`,
 * `deviance.merMod`, `logLik.merMod`.
 *
 * @example
 *   const m = glmer("use ~ urban + age + livch + (1 | district)", Contraception, {family: "binomial"});
 *   m.fixef.urbanY; // 0.733
 *   m.logLik;       // -1206.81
 */
export class GeneralizedLinearMixedModel {
  readonly formula: string;
  readonly formulaSpec: ModelSpec;
  readonly family: FamilyName;
  readonly link: LinkName;
  /** Points of the quadrature: 1 (Laplace), or 0 (θ only optimized, β from PIRLS). */
  readonly nAGQ: number;
  /** The column given as `weights` (binomial trials, or prior weights), or null. */
  readonly weightsName: string | null;
  /** glmer's `offset` argument as an expression (`"log(expected)"`), or null (none, or given as numbers). */
  readonly offsetArgument: string | null;
  /** Whether glmer's `offset` argument was given at all (as an expression or as numbers). */
  readonly hasOffsetArgument: boolean;
  /** The family with its link: variance, deviance residuals, inverse link (for predictions and simulations). */
  readonly familyObject: Family;
  /** The model frame: spec, X, the random-effects terms, the offset (glmer's argument included), scales. */
  readonly frame: ModelFrame;
  /** The structure the fit was built on (the frame's cross-products at the prior weights), for refits and profiles. */
  readonly structure: MixedModelStructure;
  /** The response as glmer took it: y, prior weights, binomial trials, R's starting means. */
  readonly response: GlmResponse;
  /**
   * PIRLS's evaluator at the optimum: its factor L is that of `[ZΛ X]ᵀ W [ZΛ X] + I` at the last working
   * weights W, from which conditional standard errors of predictions and leverages are read. Not changed
   * after the fit.
   */
  readonly evaluator: Evaluator;
  readonly nobs: number;
  readonly ngrps: Record<string, number>;
  readonly fixefNames: string[];
  readonly beta: Float64Array;
  readonly fixef: Record<string, number>;
  /** Standard errors of β̂ from {@link vcov}. */
  readonly se: Record<string, number>;
  /**
   * Var(β̂): for nAGQ ≥ 1, from the finite-difference Hessian of the deviance in (θ, β), as lme4's `vcov`;
   * otherwise (and when the Hessian is not positive definite) {@link vcovRX}.
   */
  readonly vcov: number[][];
  /** Standard errors from {@link vcovRX}. */
  readonly seRX: Record<string, number>;
  /** Var(β̂) = σ² (R_XᵀR_X)⁻¹ from PIRLS's factor at the optimum (lme4's `vcov(m, use.hessian = FALSE)`). */
  readonly vcovRX: number[][];
  readonly theta: Float64Array;
  readonly thetaNames: string[];
  /**
   * The dispersion's square root as lme4's `sigma(m)`: `√((Σ pearsonᵢ² + ‖ũ‖²)/n)` for Gamma, gaussian and
   * inverse Gaussian models; 1 for binomial and Poisson. VarCorr, Var(β̂) from R_X and the conditional SDs are
   * scaled by it, as lme4 scales them.
   */
  readonly sigma: number;
  readonly varCorr: VarCorrRow[];
  readonly u: Float64Array[];
  readonly b: Float64Array[];
  readonly ranef: RanefColumns;
  /** The linear predictor η = Xβ̂ + Zb̃ + offset at the rows used. */
  readonly linearPredictor: Float64Array;
  /** μ = g⁻¹(η), the fitted values on the response scale (lme4's `fitted(m)`). */
  readonly fitted: Float64Array;
  readonly residuals: GlmResiduals;
  /** The response as fitted (0/1 for a factor, proportions with weights). */
  readonly y: Float64Array;
  readonly priorWeights: Float64Array;
  /** lme4's `deviance(m)` for a GLMM: the sum of the squared deviance residuals at the conditional modes. */
  readonly deviance: number;
  /** The criterion minimised: the Laplace approximation to −2 log L (lme4's `objective`). */
  readonly objective: number;
  readonly minus2logLik: number;
  readonly logLik: number;
  /** Number of parameters: β, θ and (with a dispersion) σ. */
  readonly df: number;
  readonly AIC: number;
  readonly BIC: number;
  readonly dfResidual: number;
  readonly isSingular: boolean;
  readonly warnings: string[];
  readonly optimizer: OptimizerRecord;
  /**
   * Milliseconds per stage of the fit, and of the whole call ({@link FitTimings}): formula, frame,
   * cross-products (with PIRLS's workspace), optimization (both stages), the checks after it (the Hessian,
   * PIRLS at the estimates, this object's results), total. `optimizer.seconds` counts the optimizer
   * (and the Hessian) alone.
   */
  readonly timings: FitTimings;
  readonly coefficients: GlmCoefficients;
  readonly rows: Int32Array;
  /**
   * The level blocks of (L_θ̂ L_θ̂ᵀ)⁻¹ per term at the PIRLS weights of the optimum (level-major pᵢ × pᵢ):
   * the conditional covariance of a level's effects is σ² Tᵢ M_h Tᵢᵀ (Bates et al. 2015, JSS 67(1), §5.1).
   */
  readonly conditionalBlocks: Float64Array[];

  constructor(pirls: Pirls, spec: ModelSpec, record: GlmmFitRecord) {
    const start = performance.now();
    const {frame, family: fam, response, ev} = pirls;
    const {n} = frame;
    const p = frame.X.length;
    const names = frame.xNames.slice();
    this.formula = spec.text;
    this.formulaSpec = spec;
    this.family = fam.name;
    this.link = fam.link.name;
    this.nAGQ = record.nAGQ;
    this.weightsName = record.weightsName ?? null;
    this.offsetArgument = record.offsetArgument ?? null;
    this.hasOffsetArgument = record.hasOffsetArgument ?? this.offsetArgument !== null;
    this.familyObject = fam;
    this.frame = frame;
    this.structure = ev.structure;
    this.response = response;
    this.evaluator = ev;
    this.nobs = n;
    this.rows = frame.rows;
    this.ngrps = Object.create(null);
    for (const t of frame.terms) this.ngrps[t.group] = t.levels.length;
    this.fixefNames = names;
    this.beta = Float64Array.from(pirls.beta);
    this.theta = Float64Array.from(pirls.theta);
    this.thetaNames = lme4ThetaNames(frame.terms.map((t) => ({group: t.group, names: t.names})));
    this.residuals = residualsOf(pirls);
    this.u = pirls.u.map((ui) => Float64Array.from(ui));
    // lme4's sigma for a family with a dispersion: √((Pearson's χ² + ‖ũ‖²)/n), its sigmaML
    let ussq = 0;
    for (const ui of this.u) for (let j = 0; j < ui.length; j++) ussq += ui[j] * ui[j];
    let pearson2 = 0;
    for (let r = 0; r < n; r++) pearson2 += this.residuals.pearson[r] * this.residuals.pearson[r];
    this.sigma = fam.estimatesScale ? Math.sqrt((pearson2 + ussq) / n) : 1;
    const sigma2 = this.sigma * this.sigma;

    const VRX = ev.unscaledVcov().map((v) => v * sigma2);
    const V = record.vcovHessian ?? VRX;
    const matrix = (M: Float64Array) => Array.from({length: p}, (_, a) => Array.from({length: p}, (_, b) => M[a * p + b]));
    this.vcov = matrix(V);
    this.vcovRX = matrix(VRX);
    this.fixef = Object.create(null);
    this.se = Object.create(null);
    this.seRX = Object.create(null);
    names.forEach((name, a) => {
      this.fixef[name] = this.beta[a];
      this.se[name] = Math.sqrt(V[a * p + a]);
      this.seRX[name] = Math.sqrt(VRX[a * p + a]);
    });
    const z = names.map((name, a) => this.beta[a] / this.se[name]);
    this.coefficients = {
      names,
      statisticName: fam.estimatesScale ? "t value" : "z value",
      estimate: Array.from(this.beta),
      se: names.map((name) => this.se[name]),
      z,
      p: z.map((v) => 2 * normalCdf(-Math.abs(v)))
    };

    this.b = ev.modes(this.u);
    this.varCorr = varCorrRows(frame.terms, ev.termCovariance(this.sigma));
    if (fam.estimatesScale) this.varCorr.push({grp: "Residual", var1: null, var2: null, vcov: sigma2, sdcor: this.sigma});
    this.ranef = ranefColumns(frame.terms, this.b, ev.conditionalVariances().map((v) => v.map((x) => x * sigma2)));
    this.conditionalBlocks = ev.conditionalBlocks();

    this.linearPredictor = Float64Array.from(pirls.eta);
    this.fitted = Float64Array.from(pirls.mu);
    this.y = response.y;
    this.priorWeights = response.weights;

    this.deviance = pirls.deviance();
    this.objective = record.objective;
    this.minus2logLik = record.objective;
    this.logLik = -record.objective / 2;
    this.df = p + this.theta.length + (fam.estimatesScale ? 1 : 0);
    this.AIC = record.objective + 2 * this.df;
    this.BIC = record.objective + this.df * log(n);
    this.dfResidual = n - this.df;
    this.isSingular = record.isSingular;
    this.warnings = record.warnings;
    this.optimizer = record.optimizer;
    this.timings = (record.clock ?? new FitClock(start)).stop();
  }

  /**
   * The JSON contract of `lmm fit --family … --json`: the fields of lmer's (`LinearMixedModel.toJSON`) that
   * apply to a generalized model, with the same names and shapes (no `REML`, `REMLcrit`), plus `family`,
   * `link`, `nAGQ`, `weights` (the column named, or null), `objective` (the criterion minimised), `minus2logLik`, `df_residual`, the Wald tests
   * (`coefficients`) and `vcov_rx`. `deviance` is lme4's `deviance(m)` for a GLMM (the sum of squared deviance
   * residuals); `residuals` are the deviance residuals (lme4's default type for glmer) and
   * `residuals_pearson` the Pearson residuals.
   *
   * @example
   *   JSON.stringify(glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp, {family: "binomial"}));
   *   // {"formula": "…", "family": "binomial", "link": "logit", "nAGQ": 1, "nobs": 56, …}
   */
  toJSON() {
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      formula: this.formula,
      family: this.family,
      link: this.link,
      nAGQ: this.nAGQ,
      weights: this.weightsName,
      nobs: this.nobs,
      ngrps: this.ngrps,
      fixef: this.fixef,
      se: this.se,
      vcov: this.vcov,
      vcov_rx: this.vcovRX,
      coefficients: {...this.coefficients, p: this.coefficients.p.map(finite)},
      theta: Array.from(this.theta),
      theta_names: this.thetaNames,
      sigma: this.sigma,
      varcorr: this.varCorr.map((r) => ({...r, vcov: finite(r.vcov), sdcor: finite(r.sdcor)})),
      logLik: this.logLik,
      minus2logLik: this.minus2logLik,
      objective: this.objective,
      df: this.df,
      df_residual: this.dfResidual,
      AIC: this.AIC,
      BIC: this.BIC,
      deviance: this.deviance,
      isSingular: this.isSingular,
      ranef: this.ranef,
      fitted: Array.from(this.fitted),
      residuals: Array.from(this.residuals.deviance),
      residuals_pearson: Array.from(this.residuals.pearson),
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
      timings: {...this.timings}
    };
  }
}

/** lme4's residuals of each type at the PIRLS state. */
function residualsOf(pirls: Pirls): GlmResiduals {
  const {family: fam, response, eta, mu} = pirls;
  const {y, weights} = response;
  const n = mu.length;
  const out: GlmResiduals = {deviance: new Float64Array(n), pearson: new Float64Array(n), response: new Float64Array(n), working: new Float64Array(n)};
  for (let r = 0; r < n; r++) {
    const e = y[r] - mu[r];
    out.response[r] = e;
    out.deviance[r] = Math.sign(e) * Math.sqrt(Math.max(fam.devianceResidual(y[r], mu[r], weights[r]), 0));
    out.pearson[r] = (e * Math.sqrt(weights[r])) / Math.sqrt(fam.variance(mu[r]));
    out.working[r] = e / fam.link.muEta(eta[r]);
  }
  return out;
}

/** VarCorr rows from each term's covariance Σᵢ = σ² TᵢTᵢᵀ (the Residual row is added for a dispersion). */
function varCorrRows(terms: Pirls["frame"]["terms"], covariances: Float64Array[]): VarCorrRow[] {
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
  return rows;
}

/** `as.data.frame(ranef(m, condVar = TRUE))`: by grouping factor, then term column, then level. */
function ranefColumns(terms: Pirls["frame"]["terms"], b: Float64Array[], variances: Float64Array[]): RanefColumns {
  const out: RanefColumns = {grpvar: [], term: [], grp: [], condval: [], condsd: []};
  const groups = [...new Set(terms.map((t) => t.group))];
  for (const group of groups) {
    terms.forEach((t, i) => {
      if (t.group !== group) return;
      const p = t.p;
      for (let a = 0; a < p; a++) {
        for (let h = 0; h < t.levels.length; h++) {
          out.grpvar.push(group);
          out.term.push(t.names[a]);
          out.grp.push(t.levels[h]);
          out.condval.push(b[i][h * p + a]);
          out.condsd.push(Math.sqrt(variances[i][h * p + a]));
        }
      }
    });
  }
  return out;
}
