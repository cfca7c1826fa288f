import type {QiModel} from "./qi-model.js";
import {counterfactualRows} from "./counterfactual-rows.js";
import type {ModelColumns} from "./model-columns.js";
import type {RandomSource} from "../stats/random.js";
import {termFactors} from "./random-effects.js";

/** Draws of the average treatment effect on the treated. */
export interface TreatmentEffects {
  /** ȳ_T − mean over treated rows of E(y | t = 0) = x₀β (+ offset), per draw. */
  ev: Float64Array;
  /** ȳ_T − mean over treated rows of a predicted ŷ(t = 0) = x₀β + z₀b + ε, per draw. */
  pr: Float64Array;
  /** Number of treated rows. */
  treated: number;
}

/**
 * The average treatment effect on the treated for a 0/1 covariate column `treatment`, as Zelig's
 * `att.ev` and `att.pr`: over the rows of the data with t = 1, the observed y minus its counterfactual with
 * t set to 0 (every other covariate as observed; transforms and interactions of t recomputed).
 *
 * Both are averages of linear functions, so each draw needs only averaged design rows: with x̄₀ the mean
 * counterfactual fixed-effect row over the treated rows,
 * `att.ev = ȳ_T − x̄₀β` (population level, as `ev`), and
 * `att.pr = ȳ_T − x̄₀β − Σ_h z̄₀ₕ b_h − ē`, where each treated row's own group h is known, so its effects
 * b_h are drawn from their conditional distribution (one draw per level and draw, shared by the level's
 * rows), z̄₀ₕ sums the level's counterfactual z rows over n_T, and the mean of the rows' independent
 * N(0, σ̂²/wᵢ) errors is drawn as one N(0, σ̂² Σ 1/wᵢ / n_T²). Normals are taken draw by draw: for each term,
 * each level with treated rows (in level order) its p values, then the error.
 *
 * Reference: Imai, King & Lau, Zelig: Everyone's Statistical Software (the ATT quantities `att.ev` and
 * `att.pr`); Rubin (1974), JEP 66(5) (potential outcomes); Bates et al. (2015), JSS 67(1), §5.3.
 *
 * @example
 *   treatmentEffects(m, modelColumns(m), "female", B, 1000, randomSource(7)).ev;
 */
export function treatmentEffects(model: QiModel, columns: ModelColumns, treatment: string, B: Float64Array, n: number, random: RandomSource): TreatmentEffects {
  const frame = columns.layout.frame;
  const {treated, design} = counterfactualRows(columns, treatment);
  const nT = treated.length;
  const p = design.X.length;
  const xbar = design.X.map((col) => col.reduce((s, v) => s + v, 0) / nT);
  const obar = design.offset ? design.offset.reduce((s, v) => s + v, 0) / nT : 0;
  let ybar = 0;
  for (const r of treated) ybar += frame.y[r];
  ybar /= nT;
  let invW = nT;
  if (frame.weights) {
    invW = 0;
    for (const r of treated) invW += 1 / frame.weights[r];
  }
  const noise = (model.sigma * Math.sqrt(invW)) / nT;

  // per term and treated level: z̄₀ₕ folded into the level's draw factor (z̄ᵀF), and z̄·b̃
  const factors = termFactors(model);
  const plans = frame.terms.map((term, i) => {
    const f = factors[i], q = f.p;
    const zbar = new Map<number, Float64Array>();
    treated.forEach((r, k) => {
      const h = term.refs[r];
      if (!zbar.has(h)) zbar.set(h, new Float64Array(q));
      const z = zbar.get(h)!;
      for (let c = 0; c < q; c++) z[c] += design.Z[i][c][k] / nT;
    });
    const known = f.known();
    let shift = 0;
    const rows = [...zbar.keys()].sort((a, b) => a - b).map((h) => {
      const z = zbar.get(h)!;
      const zF = new Float64Array(q);
      for (let a = 0; a < q; a++) {
        shift += z[a] * f.modes[h * q + a];
        for (let c = 0; c <= a; c++) zF[c] += z[a] * known[h * q * q + a * q + c];
      }
      return zF;
    });
    return {q, shift, rows};
  });

  const ev = new Float64Array(n);
  const pr = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    let mu = obar;
    for (let a = 0; a < p; a++) mu += xbar[a] * B[d * p + a];
    ev[d] = ybar - mu;
    let zb = 0;
    for (const {q, shift, rows} of plans) {
      zb += shift;
      for (const zF of rows) for (let c = 0; c < q; c++) zb += zF[c] * random.normal();
    }
    pr[d] = ybar - mu - zb - noise * random.normal();
  }
  return {ev, pr, treated: nT};
}
