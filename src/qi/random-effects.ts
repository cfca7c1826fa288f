import {fail} from "../errors.js";
import {cholesky} from "../linalg/cholesky.js";
import {templates} from "../lmm/lambda.js";
import {blocksOf, frameOf, type QiModel} from "./qi-model.js";

/**
 * Factors for drawing one term's random effects `b` (p values per level): `b = F w` with w ~ N(0, I_p).
 *
 * - a new group: `b ~ N(0, Ψ̂)`, Ψ̂ = σ̂² T Tᵀ with T the term's lower-triangular template of Λ_θ̂, so F = σ̂ T;
 * - a known level h: `b ~ N(b̃_h, σ̂² T M_h Tᵀ)`, where M_h is the level's p × p diagonal block of
 *   (L_θ̂ L_θ̂ᵀ)⁻¹; with M_h = C_h C_hᵀ (Cholesky), F = σ̂ T C_h, and the mean is the conditional mode b̃_h.
 *
 * Both are conditional on θ̂ and σ̂ and drawn independently of β (as Zelig does); levels are drawn
 * independently of each other (the diagonal blocks of the conditional covariance).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §2.2 (b = Λ_θ u, u ~ N(0, σ²I)) and §5.3 (the conditional
 * distribution of b given y: mean b̃ = Λ_θ ũ, covariance σ² Λ_θ (L_θ L_θᵀ)⁻¹ Λ_θᵀ).
 */
export interface TermFactors {
  /** Random effects per level. */
  p: number;
  /** σ̂ T, p × p row-major (lower triangular): a new group's factor. */
  newGroup: Float64Array;
  /** σ̂ T C_h for every level h, level-major blocks of p × p (computed on first use). */
  known(): Float64Array;
  /** The conditional modes b̃, level-major (the model's `b`). */
  modes: Float64Array;
}

const cache = new WeakMap<QiModel, TermFactors[]>();

/**
 * The draw factors of every random-effects term of `model`, in the model's term order (cached per model).
 *
 * @example
 *   const [state] = termFactors(m);
 *   state.newGroup; // Float64Array [σ̂ θ̂] for (1 | state)
 */
export function termFactors(model: QiModel): TermFactors[] {
  let out = cache.get(model);
  if (out) return out;
  const terms = frameOf(model).terms;
  const T = templates(terms.map((t) => ({p: t.p, l: t.levels.length, q: t.p * t.levels.length})), model.theta);
  const sigma = model.sigma;
  let blocks: Float64Array[] | null = null;
  out = terms.map((t, i) => {
    const p = t.p;
    const newGroup = T[i].map((v) => sigma * v);
    let known: Float64Array | null = null;
    return {
      p,
      newGroup,
      modes: model.b[i],
      known() {
        if (known) return known;
        blocks ??= blocksOf(model);
        const l = t.levels.length;
        const result = new Float64Array(l * p * p);
        const C = new Float64Array(p * p);
        for (let h = 0; h < l; h++) {
          C.set(blocks[i].subarray(h * p * p, (h + 1) * p * p));
          if (!cholesky(C, p)) fail(`internal error: the conditional covariance of ${t.name} level ${t.levels[h]} is not positive definite`);
          for (let a = 0; a < p; a++) {
            for (let c = 0; c <= a; c++) {
              let s = 0;
              for (let m = c; m <= a; m++) s += newGroup[a * p + m] * C[m * p + c];
              result[h * p * p + a * p + c] = s;
            }
          }
        }
        return (known = result);
      }
    };
  });
  cache.set(model, out);
  return out;
}
