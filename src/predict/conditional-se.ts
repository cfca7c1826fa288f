import type {Blocked} from "../lmm/blocks.js";
import {templates} from "../lmm/lambda.js";
import {linearPredictorVariance} from "./joint-covariance.js";
import type {PredictionDesign} from "./newdata-design.js";

/**
 * Standard errors of a prediction design's linear predictor conditional on θ̂ (see
 * {@link linearPredictorVariance}): per row, x and Λᵀz at the row's known levels (Tᵀz per level, T lower
 * triangular), NaN at rows with a missing value. For lmer's factor L and for glmer's at the last PIRLS weights.
 *
 * @example
 *   conditionalStandardErrors(model.L, model.evaluator.rXt(), model.theta, model.sigma, design);
 */
export function conditionalStandardErrors(L: Blocked, RXt: Float64Array, theta: ArrayLike<number>, sigma: number, d: PredictionDesign): number[] {
  const T = templates(L.sizes, theta);
  const p = L.nFixed;
  const x = new Float64Array(p);
  const out = new Array<number>(d.n);
  for (let i = 0; i < d.n; i++) {
    if (d.missing[i]) {
      out[i] = NaN;
      continue;
    }
    for (let a = 0; a < p; a++) x[a] = d.X[a][i];
    const lambdaZ = L.sizes.map((s) => new Float64Array(s.q));
    d.terms?.forEach((t, k) => {
      const h = t.refs[i];
      if (h < 0) return;
      const pk = L.sizes[k].p, Tk = T[k];
      for (let c = 0; c < pk; c++) {
        let s = 0;
        for (let r = c; r < pk; r++) s += Tk[r * pk + c] * t.Z[i * pk + r];
        lambdaZ[k][h * pk + c] = s;
      }
    });
    out[i] = Math.sqrt(linearPredictorVariance(L, RXt, lambdaZ, x, sigma));
  }
  return out;
}
