import {fail} from "../errors.js";
import {frameOf, type QiModel} from "./qi-model.js";
import {drawBeta} from "./beta-draws.js";
import {checkModel} from "./check-model.js";
import {modelColumns} from "./model-columns.js";
import {expectedValues, predictedValues, type Respond} from "./outcome-draws.js";
import {familyResponse, linkInverseOf} from "./family-response.js";
import {generalizedTreatmentEffects} from "./generalized-treatment.js";
import {isGeneralized} from "./qi-model.js";
import {Profiles} from "./covariate-profiles.js";
import {freshSeed, randomSource, type RandomSource} from "../stats/random.js";
import {describe} from "./describe-value.js";
import {describeValue} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import {Simulation, type QiName} from "./simulation-result.js";
import {treatmentEffects} from "./treatment.js";
import {profileScales} from "./profile-variance.js";

/** Options of {@link sim}. */
export interface SimOptions {
  /** Profiles from {@link setx}: expected (`ev`) and predicted (`pr`) values. */
  x?: Profiles;
  /** Second profiles: `ev1`, `pr1` and first differences `fd` = ev1 − ev (needs `x`). */
  x1?: Profiles;
  /** Number of draws (default 1000). */
  n?: number;
  /** Seed of the random source, an integer from 0 to 2³² − 1 (default: a fresh one, reported on the result). */
  seed?: number;
  /** A random source to draw from instead of a seed (see {@link randomSource}). */
  random?: RandomSource;
  /** A 0/1 covariate column: adds `att.ev` and `att.pr`, the average treatment effect on the treated. */
  treatment?: string;
  /** The table the model was fit on, when the treatment's covariates cannot be read from the model (see setx). */
  data?: unknown;
  /**
   * A binomial glmer model's trials per profile: `pr` counts successes out of `trials` (default 1: a 0/1
   * outcome). Only for binomial models.
   */
  trials?: number;
}

/** The options {@link sim} knows. */
export const SIM_OPTIONS = optionNames<SimOptions>({x: true, x1: true, n: true, seed: true, random: true, treatment: true, data: true, trials: true});

/** lme4's and Zelig's names for sim's number of draws. */
export const SIM_HINTS = {renamed: {nsim: "n", num: "n"}};

/** The most draws {@link sim} makes. */
export const MAX_DRAWS = 1_000_000;

/**
 * The most simulated values of one kind: draws × coefficients (the β draws), draws × profiles (each
 * quantity of interest), draws × random effects (att.pr). 10 million doubles are 80 MB.
 */
export const MAX_SIM_VALUES = 10_000_000;

/**
 * Simulates quantities of interest from a fitted model, as Zelig's `sim` for ls.mixed. It draws n vectors
 * β ~ N(β̂, Var(β̂)) (through the Cholesky factor of `vcov`) and computes per draw:
 *
 * - `ev`: the expected value E(Y | x) = xβ, population level;
 * - `pr`: a predicted value xβ + zb + ε, ε ~ N(0, σ̂²), with b ~ N(0, Ψ̂) for a new group (the default) or
 *   from the conditional distribution of a known group's effects (mode b̃, covariance σ̂² T M Tᵀ); for a model
 *   with a variance function (nlme's weights), ε ~ N(0, σ̂² g²) with g the function at the profile's covariate
 *   and stratum (see {@link profileScales}); a correlation structure leaves one row's variance σ̂²;
 * - `ev1`, `pr1` for `x1`, and `fd` = ev(x1) − ev(x) (profiles paired, or one broadcast to all);
 * - `att.ev`, `att.pr` with `treatment`: see {@link treatmentEffects}.
 *
 * For a generalized model (glmer's), on the response scale: `ev` = g⁻¹(xβ + offset), population level
 * (random effects at 0: the typical group's mean, not the average over groups); `pr` an outcome drawn from
 * the family at g⁻¹(xβ + zb + offset), with b as above (see {@link familyResponse}: binomial successes out of
 * `trials`, Poisson counts, Gamma and inverse Gaussian with glmer's dispersion σ̂², and for the gaussian
 * family with the log link Zelig's rule: ev = exp(xβ), pr log-normal with log-mean xβ + zb and log-variance
 * σ̂²); `fd` the difference of response-scale ev; ATT from {@link generalizedTreatmentEffects}.
 *
 * The draws come from `random`, or from {@link randomSource}(seed): the same seed gives the same draws in
 * Node and in browsers. Order of use: all β draws (draw by draw), then `pr` for each profile of x, then of
 * x1, then ATT; so adding x1 does not change the draws for x.
 *
 * Reference: King, Tomz & Wittenberg (2000), "Making the most of statistical analyses", AJPS 44(2),
 * 347–361; Imai, King & Lau (2008), JCGS 17(4) (Zelig's sim); Bates et al. (2015), JSS 67(1), §5.
 *
 * @example
 *   const m = lmer("income ~ education + age + female + tag(1 | state)", voteincome);
 *   const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
 *   s.summaryOf("fd"); // {mean: -3.85…, sd: 0.33…, …}
 */
export function sim(model: QiModel, given: SimOptions = {}): Simulation {
  checkModel(model, "sim");
  const options = readOptions(given, SIM_OPTIONS, "sim", SIM_HINTS);
  const {x, x1, treatment} = options;
  const glm = isGeneralized(model) ? model : null;
  const trials = options.trials ?? 1;
  if (options.trials !== undefined) {
    if (glm?.family !== "binomial") fail(`trials is for a binomial model fitted by glmer${glm ? `; this model's family is ${glm.family}` : ""}: leave out trials`);
    if (typeof trials !== "number" || !Number.isInteger(trials) || trials < 1) fail(`invalid trials: ${typeof trials === "number" ? describe(trials) : describeValue(trials)}; give the number of trials per profile, a positive integer such as 10`);
  }
  const n = options.n ?? 1000;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) fail(`invalid n: ${typeof n === "number" ? describe(n) : describeValue(n)}; n is the number of draws, a positive integer such as 1000`);
  if (n > MAX_DRAWS) fail(`n = ${n} draws is over the limit of ${MAX_DRAWS}; use fewer draws (1000 is usually enough)`);
  if (x1 !== undefined && x === undefined) fail("x1 needs x: first differences compare x1 with x; pass sim(model, {x: setx(model, …), x1})");
  if (x === undefined && treatment === undefined) fail("sim needs profiles or a treatment: pass {x: setx(model)} (and x1 for first differences) or {treatment: \"column\"}");
  for (const [name, profiles] of [["x", x], ["x1", x1]] as const) {
    if (profiles === undefined) continue;
    if (!(profiles instanceof Profiles)) fail(`invalid ${name}: ${describeValue(profiles)}; make it with setx(model, …)`);
    if (profiles.model !== model) fail(`${name} was made by setx for another model; call setx with this model`);
  }
  if (x && x1 && x.length !== x1.length && x.length !== 1 && x1.length !== 1) {
    fail(`x has ${x.length} profiles and x1 has ${x1.length}; give x1 one profile or as many as x`);
  }
  const bounded = (what: string, k: number) => {
    if (n * k > MAX_SIM_VALUES) {
      fail(`n × ${what} = ${n} × ${k} simulated values is over the limit of ${MAX_SIM_VALUES}; use fewer draws or ${what}`);
    }
  };
  bounded("coefficients", model.fixefNames.length);
  bounded("profiles", Math.max(x?.length ?? 0, x1?.length ?? 0));
  if (treatment !== undefined) bounded("random effects", frameOf(model).terms.reduce((q, t) => q + t.levels.length * t.p, 0));
  if (options.random !== undefined && options.seed !== undefined) fail("give seed or random, not both");
  if (options.seed !== undefined && typeof options.seed !== "number") fail(`invalid seed: ${describeValue(options.seed)}; use an integer from 0 to 4294967295`);
  if (treatment !== undefined && typeof treatment !== "string") fail(`invalid treatment: ${describeValue(treatment)}; give the name of a 0/1 column, such as "female"`);
  const random = options.random ?? randomSource(options.seed ?? freshSeed());
  if (random === null || typeof random !== "object" || typeof random.normal !== "function") {
    fail(`invalid random: ${describeValue(random)}; pass randomSource(seed) or an object with a normal() method`);
  }
  const columns = treatment !== undefined ? modelColumns(model, options.data) : null;

  if (treatment !== undefined && "structure" in model && model.structure.residual?.structure.variance) {
    fail(`sim's treatment effects of a model with a variance function (${model.structure.residual.structure.variance.text}) are not available: ` +
      "att.pr would need each treated row's residual variance under the counterfactual; use x and x1 profiles for first differences");
  }
  // with a variance function, each profile's residual standard deviation is σ̂ g(profile)
  const scales = x ? profileScales(model, x) : null;
  const scales1 = x1 ? profileScales(model, x1) : null;
  const B = drawBeta(model, n, random);
  const qi: Partial<Record<QiName, Float64Array[]>> = {};
  // the linear predictor's draws, then (for glmer) the response scale
  const inverse = glm ? linkInverseOf(glm) : null;
  const outcome: Respond | undefined = glm ? ((draw) => (eta: number, r: typeof random) => draw(eta, r, trials))(familyResponse(glm)) : undefined;
  const response = (eta: Float64Array[]) => (inverse ? eta.map((e) => e.map(inverse)) : eta);
  if (x) {
    const eta = expectedValues(x, B, n);
    qi.ev = response(eta);
    qi.pr = predictedValues(x, eta, model, n, random, outcome, scales);
  }
  if (x && x1) {
    const eta1 = expectedValues(x1, B, n);
    const ev1 = (qi.ev1 = response(eta1));
    qi.pr1 = predictedValues(x1, eta1, model, n, random, outcome, scales1);
    const ev = qi.ev!;
    qi.fd = Array.from({length: Math.max(ev.length, ev1.length)}, (_, j) => {
      const a = ev[ev.length === 1 ? 0 : j], b = ev1[ev1.length === 1 ? 0 : j];
      return b.map((v, d) => v - a[d]);
    });
  }
  if (treatment !== undefined) {
    const att = glm ? generalizedTreatmentEffects(glm, columns!, treatment, B, n, random) : treatmentEffects(model, columns!, treatment, B, n, random);
    qi["att.ev"] = [att.ev];
    qi["att.pr"] = [att.pr];
  }
  return new Simulation({n, seed: random.seed ?? null, x: x ?? null, x1: x1 ?? null, treatment: treatment ?? null, qi});
}
