import {fail} from "../../errors.js";
import {Evaluator} from "../../lmm/evaluator.js";
import {thetaLower} from "../../lmm/lambda.js";
import type {LinearMixedModel} from "../../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../../glmm/model.js";
import {glmerProfiles} from "./glmer-profile.js";
import type {ParameterProfile} from "./parameter-profile.js";
import type {MixedModelStructure} from "../../lmm/structure.js";
import {bobyqa} from "../../optimize/bobyqa.js";
import {refit} from "../refit.js";
import {bracketedRoot} from "../../numeric/root.js";
import {sdCorFromTheta, sdCorNames, thetaFromSdCor} from "../../varpar/sd-cor.js";

export type {ParameterProfile} from "./parameter-profile.js";

/**
 * The ML deviance of a structure as a function of θ and σ (σ null: profiled out), with β at β̂(θ) or with one
 * coefficient βⱼ held at a value: `objective!(m, θ)` and nothing lower, through one {@link Evaluator}
 * (its `mlDeviance` holds the formula).
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 32–35 and §5.3 (profiling); MixedModels.jl's `profile`.
 */
function mlDeviance(structure: MixedModelStructure) {
  const ev = new Evaluator(structure);
  return (theta: ArrayLike<number>, sigma: number | null, fixed: {j: number; value: number} | null): number =>
    ev.setTheta(theta).updateL() ? ev.mlDeviance(sigma, fixed) : Infinity;
}

/**
 * Likelihood profiles of every parameter of a model, as lme4's `profile()`: the standard deviations and
 * correlations of the random effects and σ (the SD/correlation scale, `signames`), then the fixed effects.
 * REML fits are refitted by ML first: profiles are of the ML deviance. Each ζ evaluation minimises the
 * deviance over the other parameters (BOBYQA, from the previous solution).
 *
 * A glmer fit's profiles are of its Laplace (or quadrature) deviance ({@link glmerProfiles}).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.3 (profiled deviance, ζ and its use for confidence
 * intervals); Bates (2010), lme4: Mixed-effects modeling with R, ch. 1.5.
 *
 * @example
 *   profiles(glmerModel)[0].name; // "sd_(Intercept)|herd"
 *   const [sd0] = profiles(model);
 *   sd0.zeta(30); // ≈ 0.9 for sleepstudy's sd_(Intercept)|Subject
 */
export function profiles(model: LinearMixedModel | GeneralizedLinearMixedModel): ParameterProfile[] {
  if (model instanceof GeneralizedLinearMixedModel) return glmerProfiles(model);
  const ml = model.REML ? refit(model, {REML: false}) : model;
  const structure = ml.structure;
  const sizes = structure.A.sizes;
  const frame = structure.frame;
  const dev = mlDeviance(structure);
  const m = ml.theta.length;
  const phiHat = sdCorFromTheta(sizes, ml.theta, ml.sigma);
  const names = sdCorNames(frame.terms.map((t) => ({group: t.name, names: t.names})));
  const kinds = names.map((name) => (name.startsWith("cor_") ? "cor" : "sd"));
  const dMin = dev(ml.theta, null, null);
  const out: ParameterProfile[] = [];

  // variance parameters on the SD/correlation scale: minimise d(θ(φ), σ) over the other φ's
  const scale = Float64Array.from(phiHat, (v, i) => (kinds[i] === "cor" ? 1 : Math.max(Math.abs(v), 1e-2 * ml.sigma)));
  const lowerPhi = Float64Array.from(kinds, (k, i) => (k === "cor" ? -1 : i === m ? 1e-8 * ml.sigma : 0));
  const upperPhi = Float64Array.from(kinds, (k) => (k === "cor" ? 1 : Infinity));
  for (let j = 0; j <= m; j++) {
    const free = [...phiHat.keys()].filter((i) => i !== j);
    let warm = Float64Array.from(free, (i) => phiHat[i] / scale[i]);
    const phi = new Float64Array(m + 1);
    const at = (value: number, x: ArrayLike<number>) => {
      phi[j] = value;
      free.forEach((i, k) => (phi[i] = x[k] * scale[i]));
      const theta = thetaFromSdCor(sizes, phi);
      return theta ? dev(theta, phi[m], null) : Infinity;
    };
    const minimum = (value: number) => {
      const lower = free.map((i) => lowerPhi[i] / scale[i]);
      const upper = free.map((i) => upperPhi[i] / scale[i]);
      const start = warm.map((v, k) => Math.min(Math.max(v, lower[k]), upper[k]));
      const r = bobyqa((x) => at(value, x), start, {lower, upper, rhoend: 1e-9});
      warm = Float64Array.from(r.x);
      return r.f;
    };
    out.push(profileOf(names[j], phiHat[j], minimum, dMin, lowerPhi[j], upperPhi[j]));
  }

  // fixed effects: minimise the σ-profiled deviance over θ with βⱼ held
  const lowerTheta = thetaLower(sizes);
  ml.fixefNames.forEach((name, j) => {
    let warm = Float64Array.from(ml.theta);
    const minimum = (value: number) => {
      const r = bobyqa((theta) => dev(theta, null, {j, value}), warm, {lower: lowerTheta, rhoend: 1e-9});
      warm = Float64Array.from(r.x);
      return r.f;
    };
    out.push(profileOf(name, ml.beta[j], minimum, dMin, -Infinity, Infinity));
  });
  return out;
}

function profileOf(name: string, estimate: number, minimum: (v: number) => number, dMin: number, lower: number, upper: number): ParameterProfile {
  return {
    name,
    estimate,
    lower,
    upper,
    zeta: (value) => {
      if (value === estimate) return 0;
      const d = minimum(value) - dMin;
      return Math.sign(value - estimate) * Math.sqrt(Math.max(0, d));
    }
  };
}

/**
 * The profile confidence limits of a parameter: the values where ζ = ∓z, z = Φ⁻¹((1 + level)/2), found by
 * stepping out from the estimate until ζ passes the cutoff (doubling the step) and then solving ζ(v) = ±z
 * on the bracket. A limit the profile does not reach within the parameter's bounds is the bound (sd 0, a
 * correlation ±1).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.3; lme4's `confint.thpr` (which interpolates splines of
 * the profile where this solves on the profile itself).
 *
 * @example
 *   profileLimits(profiles(model)[4], 1.959964); // [237.68, 265.13] for sleepstudy's intercept
 */
export function profileLimits(profile: ParameterProfile, z: number, step: number): [number, number] {
  if (!(step > 0)) fail(`invalid profile step for ${profile.name}: ${step}`);
  const limits: number[] = [];
  for (const side of [-1, 1]) {
    const bound = side < 0 ? profile.lower : profile.upper;
    const target = side * z;
    let inner = profile.estimate, fInner = -target;
    let h = step;
    let limit = NaN;
    for (let k = 0; k < 60; k++) {
      let outer = profile.estimate + side * h;
      const pastBound = side < 0 ? outer <= bound : outer >= bound;
      if (pastBound) outer = bound;
      const fOuter = profile.zeta(outer) - target;
      if (Math.sign(fOuter) !== Math.sign(fInner) || fOuter === 0) {
        const tol = 1e-10 * Math.max(1, Math.abs(outer));
        limit = bracketedRoot((v) => profile.zeta(v) - target, inner, outer, tol, fInner, fOuter);
        break;
      }
      if (pastBound) {
        limit = bound;
        break;
      }
      inner = outer;
      fInner = fOuter;
      h *= 2;
    }
    limits.push(limit);
  }
  return [limits[0], limits[1]];
}
