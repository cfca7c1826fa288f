import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import type {RandomSource} from "../stats/random.js";
import {counterfactualRows} from "./counterfactual-rows.js";
import {familyResponse, linkInverseOf} from "./family-response.js";
import type {ModelColumns} from "./model-columns.js";
import {termFactors} from "./random-effects.js";
import type {TreatmentEffects} from "./treatment.js";

/**
 * The average treatment effect on the treated of a generalized model, as Zelig's `att.ev` and `att.pr`, on
 * the response scale glmer fits (0/1 or proportions for binomial, counts, positive values). Over the treated
 * rows T (t = 1), with x₀ᵢ, z₀ᵢ the counterfactual design rows (t = 0) and yᵢ the response as fitted:
 *
 * - `att.ev` = ȳ_T − (1/n_T) Σᵢ g⁻¹(x₀ᵢβ + offsetᵢ): population level, as `ev`;
 * - `att.pr` = ȳ_T − (1/n_T) Σᵢ Ỹᵢ, with Ỹᵢ drawn from the family at g⁻¹(x₀ᵢβ + z₀ᵢb_h + offsetᵢ) with the
 *   row's prior weight (binomial: successes out of the row's trials, as a proportion), and each treated
 *   level's effects b_h drawn once per draw from their conditional distribution (shared by the level's rows).
 *
 * g⁻¹ is not linear, so unlike lmer's ATT every treated row is evaluated in every draw (n × n_T work).
 * Normals are taken draw by draw: for each term, each level with treated rows (in level order) its p values,
 * then the rows' outcome draws in row order.
 *
 * Reference: Imai, King & Lau, Zelig: Everyone's Statistical Software (ATT); Rubin (1974), JEP 66(5);
 * Bates et al. (2015), JSS 67(1), §5.3 (conditional distribution of b).
 *
 * @example
 *   generalizedTreatmentEffects(m, modelColumns(m, data), "Gender01", B, 1000, randomSource(7)).ev;
 */
export function generalizedTreatmentEffects(model: GeneralizedLinearMixedModel, columns: ModelColumns, treatment: string, B: Float64Array, n: number, random: RandomSource): TreatmentEffects {
  const frame = columns.layout.frame;
  const {treated, design} = counterfactualRows(columns, treatment);
  const nT = treated.length;
  const p = design.X.length;
  const inverse = linkInverseOf(model);
  const draw = familyResponse(model, true);
  let ybar = 0;
  for (const r of treated) ybar += model.y[r];
  ybar /= nT;
  const weights = treated.map((r) => model.priorWeights[r]);

  // per term: the level of each treated row, and each treated level's draw factor and mode
  const factors = termFactors(model);
  const plans = frame.terms.map((term, i) => {
    const f = factors[i], q = f.p;
    const rowLevel = Int32Array.from(treated, (r) => term.refs[r]);
    const levels = [...new Set(rowLevel)].sort((a, b) => a - b);
    const slot = new Map(levels.map((h, k) => [h, k]));
    return {q, levels, rowSlot: Int32Array.from(rowLevel, (h) => slot.get(h)!), known: f.known(), modes: f.modes, b: new Float64Array(levels.length * q), Z: design.Z[i]};
  });

  const eta0 = new Float64Array(nT);
  const w = new Float64Array(Math.max(1, ...plans.map((t) => t.q)));
  const ev = new Float64Array(n);
  const pr = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    let meanEv = 0;
    for (let k = 0; k < nT; k++) {
      let s = design.offset ? design.offset[k] : 0;
      for (let a = 0; a < p; a++) s += design.X[a][k] * B[d * p + a];
      eta0[k] = s;
      meanEv += inverse(s);
    }
    ev[d] = ybar - meanEv / nT;
    for (const t of plans) {
      t.levels.forEach((h, k) => {
        for (let c = 0; c < t.q; c++) w[c] = random.normal();
        for (let a = 0; a < t.q; a++) {
          let s = t.modes[h * t.q + a];
          for (let c = 0; c <= a; c++) s += t.known[h * t.q * t.q + a * t.q + c] * w[c];
          t.b[k * t.q + a] = s;
        }
      });
    }
    let meanPr = 0;
    for (let k = 0; k < nT; k++) {
      let s = eta0[k];
      for (const t of plans) {
        const o = t.rowSlot[k] * t.q;
        for (let c = 0; c < t.q; c++) s += t.Z[c][k] * t.b[o + c];
      }
      meanPr += draw(s, random, weights[k]);
    }
    pr[d] = ybar - meanPr / nT;
  }
  return {ev, pr, treated: nT};
}
