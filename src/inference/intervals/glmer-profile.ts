import {fail} from "../../errors.js";
import type {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {agqDeviance, Pirls} from "../../glmm/pirls.js";
import {gaussHermite} from "../../numeric/gauss-hermite.js";
import {bobyqa} from "../../optimize/bobyqa.js";
import {sdCorFromTheta, sdCorNames, thetaFromSdCor} from "../../varpar/sd-cor.js";
import type {ParameterProfile} from "./parameter-profile.js";

/**
 * The deviance of a glmer fit as a function of (θ, β): PIRLS for the modes at that point (warm from the last
 * one, from R's start when that fails), then the Laplace approximation, or adaptive Gauss–Hermite quadrature
 * for nAGQ > 1; Infinity where PIRLS fails. The function of lme4's `devfun` for nAGQ ≥ 1, on a PIRLS state of
 * its own (the model's is not touched).
 *
 * Reference: lme4's `mkGlmerDevfun` (stage 2) and `glmerLaplace`; Bates et al. (2015), JSS 67(1).
 *
 * @example
 *   const dev = glmerDeviance(model);
 *   dev(model.theta, model.beta); // ≈ model.objective
 */
export function glmerDeviance(model: GeneralizedLinearMixedModel): (theta: ArrayLike<number>, beta: ArrayLike<number>) => number {
  const pirls = new Pirls(model.structure, model.familyObject, model.response);
  const rule = model.nAGQ > 1 ? gaussHermite(model.nAGQ) : null;
  return (theta, beta) => {
    pirls.setTheta(theta).setBeta(beta);
    let run = pirls.run(true);
    if (!run.converged) run = pirls.reset().setBeta(beta).run(true);
    if (!run.converged) return Infinity;
    return rule ? agqDeviance(pirls, rule) : pirls.laplace();
  };
}

/**
 * Likelihood profiles of a glmer fit's parameters, as lme4's `profile()` of a glmer fit: the random effects'
 * standard deviations and correlations (`sd_(Intercept)|herd`, …; θ on the SD scale, as lme4 profiles it),
 * then the fixed effects. ζ(v) = sign(v − v̂) √(d(v) − d̂), d(v) the deviance ({@link glmerDeviance})
 * minimised over every other parameter with this one held at v (BOBYQA in coordinates scaled by the
 * standard errors of β̂ and the size of each SD, warm from the previous value), d̂ the deviance at the fit or
 * the lower minimum a tight BOBYQA from it finds. Families with a dispersion
 * (Gamma, gaussian, inverse Gaussian) are refused, as their profile would need σ among the parameters (lme4
 * 1.1-31 profiles them without it); nAGQ = 0 fits too (their deviance is not a function of β).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.3; lme4's `profile.merMod` (devfun2 on the SD scale).
 *
 * @example
 *   const [sdHerd] = glmerProfiles(cbppModel);
 *   sdHerd.zeta(1.0); // ≈ 1.8
 */
export function glmerProfiles(model: GeneralizedLinearMixedModel): ParameterProfile[] {
  if (model.familyObject.estimatesScale) {
    fail(`profile intervals of a ${model.family} glmer fit are not available (the dispersion would need profiling too); use confint(model, {method: "Wald"}) or {method: "boot", seed: 1}`);
  }
  if (model.nAGQ === 0) fail(`profile intervals need a fit with nAGQ ≥ 1 (this one has nAGQ = 0, where β is not a parameter of the deviance); refit with nAGQ: 1`);
  const sizes = model.structure.A.sizes;
  const dev = glmerDeviance(model);
  const m = model.theta.length, p = model.beta.length;
  const names = sdCorNames(model.frame.terms.map((t) => ({group: t.name, names: t.names}))).slice(0, m);
  const phiHat = sdCorFromTheta(sizes, model.theta, 1).slice(0, m);
  const kinds = names.map((name) => (name.startsWith("cor_") ? "cor" : "sd"));
  // all parameters: φ (SD/cor) then β; bounds and the scale of each coordinate
  const hat = Float64Array.of(...phiHat, ...model.beta);
  const lower = Float64Array.from(hat, (_, i) => (i < m ? (kinds[i] === "cor" ? -1 : 0) : -Infinity));
  const upper = Float64Array.from(hat, (_, i) => (i < m && kinds[i] === "cor" ? 1 : Infinity));
  const scale = Float64Array.from(hat, (v, i) => (i < m ? (kinds[i] === "cor" ? 0.5 : Math.max(Math.abs(v), 0.05)) : model.se[model.fixefNames[i - m]]));
  // a correlation of ±1 (a semidefinite correlation matrix, where a profile's minimum often lies) has no θ
  // in thetaFromSdCor: it is evaluated a hair inside, where the deviance is continuous
  const EDGE = 1 - 1e-10;
  const deviance = (x: Float64Array) => {
    const phi = Array.from(x.subarray(0, m), (v, i) => (kinds[i] === "cor" ? Math.min(Math.max(v, -EDGE), EDGE) : v));
    const theta = thetaFromSdCor(sizes, [...phi, 1]);
    return theta ? dev(theta, x.subarray(m)) : Infinity;
  };
  // d̂: the fit's deviance, or lower when a tight minimisation from the estimates finds lower (the fit stops
  // within ~1e-6 relative of the minimum, which near a limit moves ζ by ~1e-3 for deviances in the thousands)
  const polished = bobyqa((y) => deviance(Float64Array.from(y, (v, i) => v * scale[i])), Float64Array.from(hat, (v, i) => v / scale[i]), {
    lower: Float64Array.from(lower, (v, i) => v / scale[i]), upper: Float64Array.from(upper, (v, i) => v / scale[i]), rhobeg: 0.05, rhoend: 1e-8
  });
  const dMin = Math.min(deviance(hat), polished.f);
  return [...hat.keys()].map((j) => {
    const free = [...hat.keys()].filter((i) => i !== j);
    let warm = Float64Array.from(free, (i) => hat[i] / scale[i]);
    const x = Float64Array.from(hat);
    const lo = free.map((i) => lower[i] / scale[i]);
    const hi = free.map((i) => upper[i] / scale[i]);
    const minimum = (value: number) => {
      x[j] = value;
      if (free.length === 0) return deviance(x);
      const f = (y: ArrayLike<number>) => {
        free.forEach((i, k) => (x[i] = y[k] * scale[i]));
        return deviance(x);
      };
      const start = warm.map((v, k) => Math.min(Math.max(v, lo[k]), hi[k]));
      const r = bobyqa(f, start, {lower: lo, upper: hi, rhobeg: 0.2, rhoend: 1e-7});
      warm = Float64Array.from(r.x);
      return r.f;
    };
    const estimate = hat[j];
    return {
      name: j < m ? names[j] : model.fixefNames[j - m],
      estimate,
      lower: lower[j],
      upper: upper[j],
      zeta: (value: number) => {
        if (value === estimate) return 0;
        const d = minimum(value) - dMin;
        return Math.sign(value - estimate) * Math.sqrt(Math.max(0, d));
      }
    };
  });
}
