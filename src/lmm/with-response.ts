import {fail} from "../errors.js";
import type {MixedModelStructure} from "./structure.js";

/**
 * The structure of the same model with another response: the frame and every cross-product that does not
 * involve y are shared; only the y row of the `[X y]` block (`XᵀWy`, `yᵀWy`) and the y rows of the blocks
 * against the random-effects terms (`ZᵢᵀWy`) are recomputed, in O(n (p + Σpᵢ)). A refit from it skips the
 * formula, the frame and the O(n (Σpᵢ + p)²) cross-products, as a parametric bootstrap's refits should.
 *
 * It lives beside the evaluator because it writes the y rows of the cross-products, which only src/lmm
 * touches; the refit then evaluates the criterion through the evaluator as every fit does (`fitStructure`).
 * For new weights as well, `Evaluator.reweight` recomputes every block.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 and §3.1 (the cross-products of [Z X y]); lme4's
 * `refit(object, newresp)`.
 *
 * @example
 *   const s = withResponse(model.structure, ystar);
 *   const boot = fitStructure(s, model.theta, {checkConvergence: false});
 */
export function withResponse(structure: MixedModelStructure, y: ArrayLike<number>): MixedModelStructure {
  const {frame, A} = structure;
  if (structure.residual) {
    fail("a new response for a model with a residual structure (correlation or variance function) is not available yet: " +
      "its rows would need whitening by the structure; use Wald or profile intervals, or fit without the structure");
  }
  const {n} = frame;
  if (y.length !== n) fail(`invalid response: ${y.length} values for a model of ${n} rows; give one value per row used by the fit`);
  const p = A.nFixed, px = p + 1;
  const yw = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    if (!Number.isFinite(y[r])) fail(`invalid response: ${y[r]} in row ${r + 1}; give finite numbers`);
    const sw = frame.weights ? Math.sqrt(frame.weights[r]) : 1;
    yw[r] = (y[r] - (frame.offset ? frame.offset[r] : 0)) * sw;
  }
  const xx = A.xyXy.slice();
  for (let a = 0; a <= p; a++) xx[p * px + a] = 0;
  for (let r = 0; r < n; r++) {
    const sw = frame.weights ? Math.sqrt(frame.weights[r]) : 1;
    for (let a = 0; a < p; a++) xx[p * px + a] += yw[r] * frame.X[a][r] * sw;
    xx[p * px + p] += yw[r] * yw[r];
  }
  const xz = A.xyZ.map((block, j) => {
    const out = block.slice();
    const t = frame.terms[j], q = A.sizes[j].q, pj = t.p;
    out.fill(0, p * q, px * q);
    for (let r = 0; r < n; r++) {
      const sw = frame.weights ? Math.sqrt(frame.weights[r]) : 1;
      const col = p * q + t.refs[r] * pj;
      for (let b = 0; b < pj; b++) out[col + b] += yw[r] * t.Z[r * pj + b] * sw;
    }
    return out;
  });
  return {...structure, frame: {...frame, y: Float64Array.from(y)}, A: {...A, xyZ: xz, xyXy: xx}};
}
