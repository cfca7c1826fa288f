import {describeValue, fail} from "../../errors.js";
import {optionNames, readOptions} from "../../options.js";
import {requireRows} from "../../frame/frame.js";
import {templates} from "../../lmm/lambda.js";
import type {LinearMixedModel} from "../../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {simulateGlmer} from "./simulate-glmer.js";
import {addNewRandomEffects, fixedLinearPredictor} from "../../lmm/new-random-effects.js";
import {randomSource, type RandomSource} from "../../stats/random.js";

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Number of simulated responses (default 1), lme4's `nsim`. */
  nsim?: number;
  /** Seed of the random source (an integer from 0 to 2³² − 1); or give `random`. */
  seed?: number;
  /** A random source, instead of `seed`. */
  random?: RandomSource;
}

/** The options {@link simulate} knows. */
export const SIMULATE_OPTIONS = optionNames<SimulateOptions>({nsim: true, seed: true, random: true});

/**
 * New responses from a fitted model, as lme4's `simulate(m, nsim, seed)` (unconditional: new random
 * effects): `y* = Xβ̂ + offset + ZΛ_θ̂ u* + ε*` with `u* ~ N(0, σ̂² I)` and `ε*ᵢ ~ N(0, σ̂²/wᵢ)`, one array per
 * simulation over the rows the fit used. Randomness comes only from the seeded source.
 *
 * A glmer fit's responses are drawn from its family around new random effects ({@link simulateGlmer}).
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 2–4 (the model simulated); lme4's `simulate.merMod`.
 *
 * @example
 *   simulate(glmerModel, {nsim: 10, seed: 1}); // 10 arrays of counts, proportions or positive values
 *   const [ystar] = simulate(model, {seed: 1}); // 180 new reaction times
 *   simulate(model, {nsim: 100, seed: 1}).length; // 100
 */
export function simulate(model: LinearMixedModel | GeneralizedLinearMixedModel, given: SimulateOptions = {}): Float64Array[] {
  const options = readOptions(given, SIMULATE_OPTIONS, "simulate", {renamed: {n: "nsim"}});
  const n = options.nsim ?? 1;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) fail(`invalid nsim: ${describeValue(n)}; give a whole number of simulations such as 100`);
  if (options.random === undefined && options.seed === undefined) fail("simulate needs a seed (or a random source) so that its draws can be reproduced; pass {seed: 1} (any integer from 0 to 4294967295)");
  if (options.random !== undefined && options.seed !== undefined) fail("give seed or random, not both");
  const random = options.random ?? randomSource(options.seed!);
  if (model instanceof GeneralizedLinearMixedModel) return simulateGlmer(model, n, random);
  const frame = model.structure.frame;
  requireRows(frame, "simulate (and the parametric bootstrap)");
  const rows = frame.n;
  const T = templates(model.structure.A.sizes, model.theta);
  const mean = fixedLinearPredictor(frame, model.beta);
  const sigma = model.sigma;
  const out: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const y = mean.slice();
    addNewRandomEffects(y, frame, T, sigma, random);
    for (let r = 0; r < rows; r++) y[r] += (sigma / (frame.weights ? Math.sqrt(frame.weights[r]) : 1)) * random.normal();
    out.push(y);
  }
  return out;
}
