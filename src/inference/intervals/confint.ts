import {table, type ColumnTable} from "arquero";
import {fail} from "../../errors.js";
import type {LinearMixedModel} from "../../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {optionNames, readOptions} from "../../options.js";
import {bootstrap, percentileIntervals} from "./bootstrap.js";
import {normalQuantile} from "../../stats/normal-quantile.js";
import {profileLimits, profiles} from "./likelihood-profile.js";

/** Options of {@link confint}. */
export interface ConfintOptions {
  /**
   * `"profile"` (default: every parameter, from the ML likelihood profile), `"Wald"` (fixed effects,
   * β̂ ± z·se) or `"boot"` (every parameter, percentile intervals of a parametric bootstrap).
   */
  method?: "Wald" | "profile" | "boot";
  /** Confidence level, default 0.95. */
  level?: number;
  /** Bootstrap: number of refits (default 500), lme4's `nsim`. */
  nsim?: number;
  /**
   * Bootstrap: the seed of the random source, an integer from 0 to 2³² − 1. Required for "boot", so that the
   * intervals can be reproduced: a table of intervals has nowhere to report a seed drawn for it.
   */
  seed?: number;
  /** Bootstrap: called after each refit. */
  onProgress?: (progress: {done: number; total: number}) => void;
  /** Bootstrap: stops it when aborted. */
  signal?: AbortSignal;
}

/** The options {@link confint} and {@link confintValues} know. */
export const CONFINT_OPTIONS = optionNames<ConfintOptions>({method: true, level: true, nsim: true, seed: true, onProgress: true, signal: true});

/** Confidence intervals, one entry per parameter (the shape of sleepstudy-confint-profile.json). */
export interface ConfintValues {
  method: "Wald" | "profile" | "boot";
  level: number;
  parameters: string[];
  lower: number[];
  upper: number[];
}

/**
 * Confidence intervals for the parameters of a fitted model, as lme4's `confint(m, method)`:
 *
 * - `"Wald"`: for the fixed effects, `β̂ ± z se(β̂)`, z = Φ⁻¹((1 + level)/2) (lme4 gives no Wald interval for
 *   the variance parameters, so they are left out);
 * - `"profile"`: for the random effects' standard deviations and correlations, σ and the fixed effects, the
 *   values where the signed square root of the ML deviance's increase, ζ, equals ∓z, with the other
 *   parameters re-optimised at each value (REML fits are refitted by ML, as lme4's `profile` does). A limit
 *   the profile does not reach inside the parameter's range is the end of the range (0 for a standard
 *   deviation, ±1 for a correlation);
 * - `"boot"`: percentile intervals of a seeded parametric bootstrap ({@link bootstrap}) of the same
 *   parameters, refitted by the model's own criterion.
 *
 * A glmer fit's Wald intervals use lme4's `vcov(m)`; its profile is of the Laplace (or quadrature) deviance
 * over the SDs/correlations and β ({@link glmerProfiles}; families with a dispersion are refused); its
 * bootstrap refits glmer to responses drawn from the family ({@link glmerBootstrap}).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.3 (profile intervals); Wald (1943), Trans. AMS 54, 426–482;
 * Davison & Hinkley (1997), §5.3.1 (bootstrap percentile intervals).
 *
 * @example
 *   confintValues(glmerModel, {method: "profile"}).parameters; // ["sd_(Intercept)|herd", "(Intercept)", …]
 *   confintValues(model, {method: "boot", nsim: 500, seed: 1}); // percentile intervals, the same on every run
 *   confintValues(model, {method: "Wald"}); // {parameters: ["(Intercept)", "Days"], lower: [238.03, 7.44], upper: [264.78, 13.50], …}
 */
export function confintValues(model: LinearMixedModel | GeneralizedLinearMixedModel, given: ConfintOptions = {}): ConfintValues {
  const options = readOptions(given, CONFINT_OPTIONS, "confint", {renamed: {n: "nsim"}});
  const method = options.method ?? "profile";
  const level = options.level ?? 0.95;
  if (!(typeof level === "number" && level > 0 && level < 1)) fail(`invalid level: ${String(level)}; give a number between 0 and 1, such as 0.95`);
  const z = normalQuantile((1 + level) / 2);
  if (method === "Wald") {
    const parameters = model.fixefNames.slice();
    const se = parameters.map((n) => model.se[n]);
    return {
      method,
      level,
      parameters,
      lower: parameters.map((_, j) => model.beta[j] - z * se[j]),
      upper: parameters.map((_, j) => model.beta[j] + z * se[j])
    };
  }
  if (!(model instanceof GeneralizedLinearMixedModel) && model.structure.residual) {
    fail(`confint method "${String(method)}" of a model with a residual structure is not available yet (profiles and refits would hold ` +
      `the structure at its estimates); use method "Wald"`);
  }
  if (method === "profile" && model instanceof GeneralizedLinearMixedModel) {
    const list = profiles(model);
    const limits = list.map((p) => {
      const j = model.fixefNames.indexOf(p.name);
      const step = j >= 0 ? z * model.se[p.name] : p.name.startsWith("cor_") ? 0.25 * (1 - Math.abs(p.estimate)) + 1e-3 : 0.25 * Math.max(p.estimate, 0.05);
      return profileLimits(p, z, step);
    });
    return {method, level, parameters: list.map((p) => p.name), lower: limits.map((l) => l[0]), upper: limits.map((l) => l[1])};
  }
  if (method === "profile") {
    const list = profiles(model as LinearMixedModel);
    const sigma = list.find((p) => p.name === "sigma")!.estimate;
    const limits = list.map((p) => {
      const j = model.fixefNames.indexOf(p.name);
      const step = j >= 0
        ? z * model.se[p.name]
        : p.name.startsWith("cor_")
          ? 0.25 * (1 - Math.abs(p.estimate)) + 1e-3
          : 0.25 * Math.max(p.estimate, 0.05 * sigma);
      return profileLimits(p, z, step);
    });
    return {method, level, parameters: list.map((p) => p.name), lower: limits.map((l) => l[0]), upper: limits.map((l) => l[1])};
  }
  if (method === "boot") {
    if (options.seed === undefined) {
      fail("confint's method \"boot\" needs a seed so that its intervals can be reproduced; pass {method: \"boot\", seed: 1} (any integer from 0 to 4294967295)");
    }
    const b = bootstrap(model, {nsim: options.nsim, seed: options.seed, onProgress: options.onProgress, signal: options.signal});
    const {lower, upper} = percentileIntervals(b, level);
    return {method, level, parameters: b.names, lower, upper};
  }
  return fail(`invalid method: ${JSON.stringify(method)}; use "profile", "Wald" or "boot"`);
}

/**
 * {@link confintValues} as an Arquero table: `parameter`, `lower`, `upper`.
 *
 * Reference: as {@link confintValues}.
 *
 * @example
 *   confint(model, {method: "Wald"}).objects()[1]; // {parameter: "Days", lower: 7.4376, upper: 13.497}
 */
export function confint(model: LinearMixedModel | GeneralizedLinearMixedModel, options: ConfintOptions = {}): ColumnTable {
  const c = confintValues(model, options);
  return table({parameter: c.parameters, lower: c.lower, upper: c.upper});
}

