import {describeValue, fail} from "../../errors.js";
import {optionNames, readOptions} from "../../options.js";
import {fitStructure} from "../../lmm/fit.js";
import type {LinearMixedModel} from "../../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {glmerBootstrap} from "./glmer-bootstrap.js";
import type {BootstrapResult} from "./bootstrap-result.js";
import {randomSource} from "../../stats/random.js";
import {sdCorFromTheta, sdCorNames} from "../../varpar/sd-cor.js";
import {simulate} from "./simulate-responses.js";
import {withResponse} from "../../lmm/with-response.js";

/** Options of {@link bootstrap}. */
export interface BootstrapOptions {
  /** Number of bootstrap refits (default 500), lme4's `nsim`. */
  nsim?: number;
  /** Seed of the random source, an integer from 0 to 2³² − 1 (required: the refits must be reproducible). */
  seed?: number;
  /** Called after each refit with the number done and the total. */
  onProgress?: (progress: {done: number; total: number}) => void;
  /** Stops the bootstrap (it throws an AbortError) when aborted. */
  signal?: AbortSignal;
}

/** The options {@link bootstrap} knows. */
export const BOOTSTRAP_OPTIONS = optionNames<BootstrapOptions>({nsim: true, seed: true, onProgress: true, signal: true});

/** The most refits {@link bootstrap} makes. */
export const MAX_REFITS = 100_000;

export type {BootstrapResult} from "./bootstrap-result.js";

/**
 * A parametric bootstrap of a fitted model, as lme4's `bootMer(m, FUN, nsim, seed)` with
 * `use.u = FALSE`: nsim responses simulated from the fit (new random effects and residuals, {@link simulate}),
 * each refitted by the same criterion from θ̂ on the shared structure (only the y cross-products are
 * recomputed, {@link withResponse}; no formula, frame or full cross-products), collecting the standard
 * deviations and correlations of the random effects, σ and β.
 *
 * A glmer fit is refitted by glmer to responses drawn from its family ({@link glmerBootstrap}).
 *
 * Reference: Davison & Hinkley (1997), Bootstrap Methods and their Application, §2.2 and §5.3 (parametric
 * bootstrap, percentile intervals); Bates et al. (2015), JSS 67(1), §5.3; lme4's `bootMer`.
 *
 * @example
 *   bootstrap(glmerModel, {nsim: 100, seed: 1}).names; // ["sd_(Intercept)|herd", "(Intercept)", …]
 *   const b = bootstrap(model, {nsim: 500, seed: 1, onProgress: ({done}) => console.log(done)});
 */
export function bootstrap(model: LinearMixedModel | GeneralizedLinearMixedModel, given: BootstrapOptions = {}): BootstrapResult {
  const options = readOptions(given, BOOTSTRAP_OPTIONS, "bootstrap", {renamed: {n: "nsim"}});
  const n = options.nsim === undefined ? 500 : options.nsim;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) fail(`invalid nsim: ${describeValue(n)}; give a whole number of refits such as 500`);
  if (n > MAX_REFITS) fail(`nsim = ${n} refits is over the limit of ${MAX_REFITS}; use fewer refits (lme4's confint uses 500)`);
  if (options.seed === undefined) fail("bootstrap needs a seed so that its refits can be reproduced; pass {seed: 1} (any integer from 0 to 4294967295)");
  if (typeof options.seed !== "number") fail(`invalid seed: ${describeValue(options.seed)}; use an integer from 0 to 4294967295`);
  if (model instanceof GeneralizedLinearMixedModel) return glmerBootstrap(model, n, options.seed, options.onProgress, options.signal);
  const random = randomSource(options.seed);
  const frame = model.structure.frame;
  const sizes = model.structure.A.sizes;
  const names = [...sdCorNames(frame.terms.map((t) => ({group: t.name, names: t.names}))), ...model.fixefNames];
  const values = (m: LinearMixedModel) => Float64Array.of(...sdCorFromTheta(sizes, m.theta, m.sigma), ...m.beta);
  const estimates = values(model);
  const replicates = names.map(() => new Float64Array(n));
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    options.signal?.throwIfAborted();
    const [y] = simulate(model, {random});
    const refitted = fitStructure(withResponse(model.structure, y), model.theta, {checkConvergence: false, signal: options.signal});
    values(refitted).forEach((v, i) => (replicates[i][k] = v));
    options.onProgress?.({done: k + 1, total: n});
  }
  return {names, estimates, replicates, seed: options.seed as number, secondsPerRefit: (performance.now() - t0) / 1000 / n};
}

/**
 * Percentile intervals of bootstrap replicates: the (1 − level)/2 and (1 + level)/2 quantiles of each
 * parameter (R's quantile type 7, as `boot.ci(type = "perc")` via lme4's `confint(method = "boot")`).
 *
 * Reference: Davison & Hinkley (1997), §5.3.1 (percentile method); Hyndman & Fan (1996), Amer. Statist.
 * 50, 361–365 (type 7).
 *
 * @example
 *   percentileIntervals(bootstrap(model, {seed: 1}), 0.95).lower;
 */
export function percentileIntervals(b: BootstrapResult, level: number): {lower: number[]; upper: number[]} {
  const q = (xs: Float64Array, prob: number) => {
    // refits that failed (NaN, a glmer bootstrap's) are left out, as boot.ci leaves out NA
    const s = Float64Array.from(xs).filter((v) => !Number.isNaN(v)).sort();
    if (s.length === 0) return NaN;
    const h = (s.length - 1) * prob, lo = Math.floor(h);
    return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
  };
  return {
    lower: b.replicates.map((r) => q(r, (1 - level) / 2)),
    upper: b.replicates.map((r) => q(r, (1 + level) / 2))
  };
}
