import type {QiModel} from "./qi-model.js";
import type {Profiles} from "./covariate-profiles.js";
import type {RandomSource} from "../stats/random.js";
import {termFactors} from "./random-effects.js";

/**
 * Expected values `E(Y | x) = x β (+ offset)` of every profile for every draw of β: one Float64Array of n
 * draws per profile. Population level, as Zelig's `ev` for ls.mixed: random effects at their mean, 0.
 *
 * Reference: King, Tomz & Wittenberg (2000), AJPS 44(2), 347–361 (expected values from simulated β).
 *
 * @example
 *   expectedValues(x, drawBeta(m, 1000, r), 1000)[0]; // ev draws of profile 1
 */
export function expectedValues(x: Profiles, B: Float64Array, n: number): Float64Array[] {
  const p = x.model.beta.length;
  return Array.from({length: x.length}, (_, j) => {
    const row = x.X.subarray(j * p, (j + 1) * p);
    const off = x.offset ? x.offset[j] : 0;
    const out = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      let s = off;
      for (let a = 0; a < p; a++) s += row[a] * B[d * p + a];
      out[d] = s;
    }
    return out;
  });
}

/**
 * Draws one outcome around a linear predictor η (offset, xβ and zb included): lmer's `η + σ̂ ε`, or a draw
 * from a generalized model's family at the mean g⁻¹(η) (see `familyResponse`).
 */
export type Respond = (eta: number, random: RandomSource) => number;

/**
 * The linear model's outcome: η + ε with ε ~ N(0, σ̂²) (unit prior weight).
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 2 (y | b ~ N(Xβ + Zb, σ²I)).
 *
 * @example
 *   normalResponse(2.5)(10, randomSource(7)); // 10 + 2.5 z
 */
export function normalResponse(sigma: number): Respond {
  return (eta, random) => eta + sigma * random.normal();
}

/**
 * Predicted values of every profile for every draw: the linear predictor `η = x β + z b` (`eta`: the
 * population-level `x β` draws, offset included) with `b` per random-effects term from N(0, Ψ̂) for a new
 * group or from the conditional distribution of the level's effects for a known group (see
 * {@link termFactors}), then an outcome drawn around η by `respond` (lmer's: η + ε, ε ~ N(0, σ̂²), or
 * N(0, σ̂² scales[j]²) with a variance function's multiplier per profile). Normals
 * are taken profile by profile, draw by draw: each term's p values in the model's term order, then the
 * outcome's.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 2 (y | b ~ N(Xβ + Zb, σ²I), b ~ N(0, Σ_θ)); Gelman & Hill
 * (2007), Data Analysis Using Regression and Multilevel/Hierarchical Models, §12.8 (predicting for new and
 * existing groups).
 *
 * @example
 *   predictedValues(x, ev, m, 1000, randomSource(7))[0]; // pr draws of profile 1
 */
export function predictedValues(x: Profiles, eta: Float64Array[], model: QiModel, n: number, random: RandomSource, respond?: Respond, scales: Float64Array | null = null): Float64Array[] {
  const factors = termFactors(model);
  const w = new Float64Array(Math.max(1, ...factors.map((f) => f.p)));
  return eta.map((mean, j) => {
    const out = new Float64Array(n);
    const draw = respond ?? normalResponse(scales ? model.sigma * scales[j] : model.sigma);
    const plan = factors.map((f, i) => {
      const h = x.levels[i][j];
      const z = x.Z[i].subarray(j * f.p, (j + 1) * f.p);
      const F = h < 0 ? f.newGroup : f.known().subarray(h * f.p * f.p, (h + 1) * f.p * f.p);
      // z·b = z·b̃ + (zᵀF) w: fold z into the factor once
      let shift = 0;
      const zF = new Float64Array(f.p);
      for (let a = 0; a < f.p; a++) {
        if (h >= 0) shift += z[a] * f.modes[h * f.p + a];
        for (let c = 0; c <= a; c++) zF[c] += z[a] * F[a * f.p + c];
      }
      return {p: f.p, shift, zF};
    });
    for (let d = 0; d < n; d++) {
      let s = mean[d];
      for (const {p, shift, zF} of plan) {
        for (let c = 0; c < p; c++) w[c] = random.normal();
        s += shift;
        for (let c = 0; c < p; c++) s += zF[c] * w[c];
      }
      out[d] = draw(s, random);
    }
    return out;
  });
}
