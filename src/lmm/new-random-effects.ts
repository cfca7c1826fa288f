import type {ModelFrame} from "../frame/frame.js";
import type {RandomSource} from "../stats/random.js";

/**
 * The pieces of an unconditional simulation shared by lmer's and glmer's `simulate`: the fixed part of the
 * linear predictor at the fit's rows, and new random effects added to it.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 2–4; lme4's `simulate.merMod` (`use.u = FALSE`).
 */

/**
 * `offset + Xβ` at each row of the frame.
 *
 * @example
 *   const eta = fixedLinearPredictor(model.structure.frame, model.beta);
 */
export function fixedLinearPredictor(frame: ModelFrame, beta: Float64Array): Float64Array {
  const out = new Float64Array(frame.n);
  for (let r = 0; r < frame.n; r++) {
    let s = frame.offset ? frame.offset[r] : 0;
    for (let a = 0; a < beta.length; a++) s += frame.X[a][r] * beta[a];
    out[r] = s;
  }
  return out;
}

/**
 * Adds `Z b*` to `eta` in place, with new random effects `b* = Λ_θ u*` drawn level by level per term,
 * `u* ~ N(0, σ² I)`: for each level, pᵢ normal draws times σ, then the lower template Tᵢ (row-major pᵢ × pᵢ).
 * The draws come in the order term, level, coefficient, so a seed gives the same effects everywhere.
 *
 * @example
 *   addNewRandomEffects(eta, frame, templates(sizes, theta), sigma, randomSource(1));
 */
export function addNewRandomEffects(eta: Float64Array, frame: ModelFrame, T: Float64Array[], sigma: number, random: RandomSource): void {
  frame.terms.forEach((t, i) => {
    const p = t.p, Ti = T[i];
    const b = new Float64Array(t.levels.length * p);
    const u = new Float64Array(p);
    for (let h = 0; h < t.levels.length; h++) {
      for (let c = 0; c < p; c++) u[c] = sigma * random.normal();
      for (let a = 0; a < p; a++) {
        let s = 0;
        for (let c = 0; c <= a; c++) s += Ti[a * p + c] * u[c];
        b[h * p + a] = s;
      }
    }
    for (let r = 0; r < frame.n; r++) {
      const o = t.refs[r] * p;
      for (let c = 0; c < p; c++) eta[r] += t.Z[r * p + c] * b[o + c];
    }
  });
}
