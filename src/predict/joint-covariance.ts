import {solveLower} from "../linalg/triangular.js";
import type {Blocked} from "../lmm/blocks.js";

/**
 * Solves `L_Z w = v` in place through the random-effects part of the blocked factor: term 0's block
 * diagonal, then each later term after subtracting its blocks against the earlier ones (block-sparse
 * against term 0, dense otherwise). `v[i]` holds term i's `qᵢ` entries; blocks of term 0 that are zero stay
 * zero and are skipped.
 *
 * Reference: Golub & Van Loan (2013), §3.1 and §4.2.9 (block forward substitution).
 *
 * @example
 *   forwardSolveZ(model.L, v); // v ← L_Z⁻¹ v
 */
export function forwardSolveZ(L: Blocked, v: Float64Array[]): void {
  const {sizes} = L;
  const p0 = sizes[0].p;
  const nonzero: number[] = [];
  const v0 = v[0];
  for (let g = 0; g < sizes[0].l; g++) {
    let any = false;
    for (let a = 0; a < p0; a++) if (v0[g * p0 + a] !== 0) any = true;
    if (!any) continue;
    nonzero.push(g);
    solveLower(L.zzFirst, p0, v0, g * p0 * p0, g * p0);
  }
  for (let i = 1; i < sizes.length; i++) {
    const rhs = v[i];
    const S = L.zzBelowFirst[i], pr = S.pr, pc = S.pc, bs = pr * pc;
    for (const g of nonzero) {
      for (let b = S.colPtr[g]; b < S.colPtr[g + 1]; b++) {
        const h = S.rowLevel[b];
        for (let r = 0; r < pr; r++) {
          let s = 0;
          for (let c = 0; c < pc; c++) s += S.values[b * bs + r * pc + c] * v0[g * pc + c];
          rhs[h * pr + r] -= s;
        }
      }
    }
    const qi = sizes[i].q;
    for (let j = 1; j < i; j++) {
      const M = L.zzOffDiagonal[i][j], qj = sizes[j].q, w = v[j];
      for (let r = 0; r < qi; r++) {
        let s = 0;
        for (let c = 0; c < qj; c++) s += M[r * qj + c] * w[c];
        rhs[r] -= s;
      }
    }
    solveLower(L.zzDiagonal[i], qi, rhs);
  }
}

/**
 * The variance of a linear predictor `η = xᵀβ̂ + zᵀb̃` conditional on θ̂, from the joint conditional
 * covariance of the spherical random effects and the fixed effects.
 *
 * With `b = Λu`, the penalized least-squares system for (u, β) has the matrix
 * `C = [ΛᵀZᵀWZΛ + I, ΛᵀZᵀWX; XᵀWZΛ, XᵀWX] = L Lᵀ`, `L = [L_Z 0; L_XZ R_Xᵀ]` (the blocked factor), and given θ
 * the conditional distribution of (u, β) (β with a flat prior; equivalently the sampling covariance of
 * (ũ − u, β̂ − β)) has covariance `σ² C⁻¹`. As `η = [Λᵀz; x]ᵀ (u, β)`,
 * `Var(η) = σ² [Λᵀz; x]ᵀ C⁻¹ [Λᵀz; x] = σ² ‖L⁻¹ [Λᵀz; x]‖²`, and `L⁻¹` applies by forward substitution:
 * `w_u = L_Z⁻¹ Λᵀz`, `w_β = R_X⁻ᵀ (x − L_XZ w_u)`, `Var(η) = σ² (‖w_u‖² + ‖w_β‖²)`. With z = 0 it is
 * `σ² xᵀ(R_XᵀR_X)⁻¹x = xᵀ Var(β̂) x`.
 *
 * `lambdaZ[i]` is term i's `Λᵢᵀ zᵢ` (length qᵢ), overwritten; `RXt` is R_Xᵀ (p × p, lower; the evaluator's `rXt()`); `x` is not changed.
 *
 * Reference: Henderson (1975), Biometrics 31, 423–447 (the mixed-model equations and the covariance of
 * predictions from their inverse); Bates et al. (2015), JSS 67(1), eqs. 18–22 and §5.1.
 *
 * @example
 *   const v = linearPredictorVariance(model.L, model.evaluator.rXt(), lambdaZ, x, model.sigma);
 */
export function linearPredictorVariance(L: Blocked, RXt: Float64Array, lambdaZ: Float64Array[], x: ArrayLike<number>, sigma: number): number {
  forwardSolveZ(L, lambdaZ);
  const {nFixed: p, sizes} = L;
  let ss = 0;
  for (const w of lambdaZ) for (let c = 0; c < w.length; c++) ss += w[c] * w[c];
  const wb = Float64Array.from(x);
  for (let j = 0; j < sizes.length; j++) {
    const Lx = L.xyZ[j], q = sizes[j].q, w = lambdaZ[j];
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let c = 0; c < q; c++) s += Lx[a * q + c] * w[c];
      wb[a] -= s;
    }
  }
  solveLower(RXt, p, wb);
  for (let a = 0; a < p; a++) ss += wb[a] * wb[a];
  return sigma * sigma * ss;
}
