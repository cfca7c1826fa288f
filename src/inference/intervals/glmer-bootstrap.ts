import {LmmError} from "../../errors.js";
import {glmerOnFrame} from "../../glmm/fit.js";
import type {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {randomSource} from "../../stats/random.js";
import {sdCorFromTheta, sdCorNames} from "../../varpar/sd-cor.js";
import type {BootstrapResult} from "./bootstrap-result.js";
import {simulateGlmer} from "./simulate-glmer.js";

/**
 * A parametric bootstrap of a glmer fit, as lme4's `bootMer(m, FUN, nsim, seed)` with `use.u = FALSE`
 * (what `confint(m, method = "boot")` runs): nsim responses simulated from the fit ({@link simulateGlmer}),
 * each refitted by glmer on the same frame (same family, link, nAGQ, weights and offset) from (θ̂, β̂),
 * collecting the random effects' standard deviations and correlations (then σ for a family with a
 * dispersion) and β. A refit that fails leaves NaN in its column (lme4 records NA); the percentile intervals
 * skip them.
 *
 * Reference: Davison & Hinkley (1997), §2.2 and §5.3; lme4's `bootMer` and `confint.merMod(method = "boot")`.
 *
 * @example
 *   const b = glmerBootstrap(model, 200, 1);
 *   b.names; // ["sd_(Intercept)|herd", "(Intercept)", …]
 */
export function glmerBootstrap(
  model: GeneralizedLinearMixedModel, nsim: number, seed: number,
  onProgress?: (progress: {done: number; total: number}) => void, signal?: AbortSignal
): BootstrapResult {
  const random = randomSource(seed);
  const sizes = model.structure.A.sizes;
  const dispersion = model.familyObject.estimatesScale;
  const m = model.theta.length;
  const sdNames = sdCorNames(model.frame.terms.map((t) => ({group: t.name, names: t.names})));
  const names = [...(dispersion ? sdNames : sdNames.slice(0, m)), ...model.fixefNames];
  const values = (fit: GeneralizedLinearMixedModel) => {
    const phi = sdCorFromTheta(sizes, fit.theta, fit.sigma);
    return Float64Array.of(...(dispersion ? phi : phi.subarray(0, m)), ...fit.beta);
  };
  const estimates = values(model);
  const replicates = names.map(() => new Float64Array(nsim));
  const options = {family: model.family, link: model.link, nAGQ: model.nAGQ, start: Float64Array.of(...model.theta, ...model.beta), signal};
  const t0 = performance.now();
  for (let k = 0; k < nsim; k++) {
    signal?.throwIfAborted();
    const [y] = simulateGlmer(model, 1, random);
    let row: Float64Array;
    try {
      row = values(glmerOnFrame(model.formulaSpec, {...model.frame, y}, options));
    } catch (e) {
      if (!(e instanceof LmmError)) throw e;
      row = new Float64Array(names.length).fill(NaN);
    }
    row.forEach((v, i) => (replicates[i][k] = v));
    onProgress?.({done: k + 1, total: nsim});
  }
  return {names, estimates, replicates, seed, secondsPerRefit: (performance.now() - t0) / 1000 / Math.max(nsim, 1)};
}
