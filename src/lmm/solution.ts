import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";
import {factorCBeta, factorRXt, type Blocked} from "./blocks.js";

/**
 * The solution of the penalized least-squares problem at a factor L_θ: β̂ and the spherical modes ũ
 * (one Float64Array per term, level-major: level h's pᵢ values at h pᵢ).
 *
 * β̂ solves R_X β = c_β (R_Xᵀ and c_β read by `factorRXt` and `factorCBeta`); ũ then solves
 * Lᵀ u = c_u − L_XZᵀ β by block back-substitution, last term first. With `fixedBeta`, β is held there and
 * ũ is the mode given it: `(ΛᵀZᵀWZΛ + I) u = ΛᵀZᵀW(y − Xβ)` (the u-only step of glmer's PIRLS).
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 19–21.
 *
 * @example
 *   const {beta, u} = plsSolution(L);
 */
export function plsSolution(L: Blocked, fixedBeta?: ArrayLike<number>): {beta: Float64Array; u: Float64Array[]} {
  const {sizes, nFixed: p} = L;
  const k = sizes.length;
  let beta: Float64Array;
  if (fixedBeta) beta = Float64Array.from(fixedBeta);
  else {
    beta = factorCBeta(L);
    solveLowerTranspose(factorRXt(L), p, beta);
  }

  const u: Float64Array[] = sizes.map((s) => new Float64Array(s.q));
  for (let i = k - 1; i >= 0; i--) {
    const q = sizes[i].q;
    const rhs = u[i];
    const Lx = L.xyZ[i];
    for (let c = 0; c < q; c++) {
      let s = Lx[p * q + c];
      for (let a = 0; a < p; a++) s -= Lx[a * q + c] * beta[a];
      rhs[c] = s;
    }
    if (i === 0) {
      for (let l = 1; l < k; l++) {
        const S = L.zzBelowFirst[l], pl = S.pr, pc = S.pc, bs = pl * pc;
        for (let g = 0; g < sizes[0].l; g++) {
          for (let b = S.colPtr[g]; b < S.colPtr[g + 1]; b++) {
            const h = S.rowLevel[b];
            for (let r = 0; r < pl; r++) {
              const v = u[l][h * pl + r];
              for (let m = 0; m < pc; m++) rhs[g * pc + m] -= S.values[b * bs + r * pc + m] * v;
            }
          }
        }
      }
      const p0 = sizes[0].p;
      for (let g = 0; g < sizes[0].l; g++) solveLowerTranspose(L.zzFirst, p0, rhs, g * p0 * p0, g * p0);
    } else {
      for (let l = i + 1; l < k; l++) {
        const M = L.zzOffDiagonal[l][i], ql = sizes[l].q;
        for (let r = 0; r < ql; r++) {
          const v = u[l][r];
          for (let c = 0; c < q; c++) rhs[c] -= M[r * q + c] * v;
        }
      }
      solveLowerTranspose(L.zzDiagonal[i], q, rhs);
    }
  }
  return {beta, u};
}

/**
 * (R_XᵀR_X)⁻¹, the unscaled covariance of β̂: `Var(β̂) = σ² (R_XᵀR_X)⁻¹`.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 54.
 *
 * @example
 *   const V = unscaledVcov(L); // p × p row-major
 */
export function unscaledVcov(L: Blocked): Float64Array {
  const p = L.nFixed;
  const RXt = factorRXt(L);
  const V = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    e.fill(0);
    e[c] = 1;
    solveLower(RXt, p, e);
    solveLowerTranspose(RXt, p, e);
    for (let a = 0; a < p; a++) V[a * p + c] = e[a];
  }
  return V;
}

/**
 * The level blocks of (L_θ L_θᵀ)⁻¹ for each term: for term i, `lᵢ` blocks of `pᵢ × pᵢ`. With σ² and Λ they
 * give the conditional covariance of the random effects given β̂ and θ̂: `σ² Tᵢ Mᵢ[h] Tᵢᵀ`, as lme4's
 * `ranef(condVar = TRUE)`. Entry (c, c') is the inner product of columns c and c' of L⁻¹. Writing
 * L = [L₀ 0; B R] (term 0 against the rest), L⁻¹ = [L₀⁻¹ 0; −R⁻¹ B L₀⁻¹ R⁻¹]: the dense R⁻¹ is formed
 * once (Q³/6 flops for the Q columns after term 0), and each column of term 0 needs only the columns of
 * R⁻¹ where B is not zero.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.1; Golub & Van Loan §3.1 (triangular inverse).
 *
 * @example
 *   const M = conditionalBlocks(L); // M[0].length === l₀ p₀²
 */
export function conditionalBlocks(L: Blocked): Float64Array[] {
  const {sizes} = L;
  const k = sizes.length;
  const s0 = sizes[0], p0 = s0.p;
  const offsets: number[] = [];
  let Q = 0;
  for (let i = 1; i < k; i++) (offsets[i] = Q), (Q += sizes[i].q);
  const Rinv = restInverseColumns(L, offsets, Q);
  const out = sizes.map((s) => new Float64Array(s.l * s.p * s.p));

  const w0 = new Float64Array(p0 * p0);
  const rest = new Float64Array(p0 * Q);
  for (let g = 0; g < s0.l; g++) {
    w0.fill(0);
    for (let a = 0; a < p0; a++) {
      w0[a * p0 + a] = 1;
      solveLower(L.zzFirst, p0, w0, g * p0 * p0, a * p0);
    }
    rest.fill(0);
    for (let i = 1; i < k; i++) {
      const S = L.zzBelowFirst[i], pr = S.pr, bs = pr * p0;
      for (let b = S.colPtr[g]; b < S.colPtr[g + 1]; b++) {
        const h = S.rowLevel[b];
        for (let r = 0; r < pr; r++) {
          const row = offsets[i] + h * pr + r;
          const col = Rinv.subarray(row * Q, (row + 1) * Q);
          for (let a = 0; a < p0; a++) {
            let y = 0;
            for (let m = 0; m < p0; m++) y += S.values[b * bs + r * p0 + m] * w0[a * p0 + m];
            if (y === 0) continue;
            const ra = a * Q;
            for (let c = row; c < Q; c++) rest[ra + c] -= y * col[c];
          }
        }
      }
    }
    for (let a = 0; a < p0; a++) {
      for (let b = 0; b < p0; b++) {
        let v = 0;
        for (let m = 0; m < p0; m++) v += w0[a * p0 + m] * w0[b * p0 + m];
        for (let c = 0; c < Q; c++) v += rest[a * Q + c] * rest[b * Q + c];
        out[0][g * p0 * p0 + a * p0 + b] = v;
      }
    }
  }
  for (let i = 1; i < k; i++) {
    const pi = sizes[i].p;
    for (let h = 0; h < sizes[i].l; h++) {
      for (let a = 0; a < pi; a++) {
        for (let b = 0; b < pi; b++) {
          const ca = offsets[i] + h * pi + a, cb = offsets[i] + h * pi + b;
          let v = 0;
          for (let c = Math.max(ca, cb); c < Q; c++) v += Rinv[ca * Q + c] * Rinv[cb * Q + c];
          out[i][h * pi * pi + a * pi + b] = v;
        }
      }
    }
  }
  return out;
}

/**
 * The columns of R⁻¹, where R is the dense lower-triangular factor of the terms after the first (assembled
 * from `L.zzDiagonal` and `L.zzOffDiagonal`): row c of the result holds column c of R⁻¹ (zero before position c).
 * `offsets[i]` is term i's first position among those Q random effects (i ≥ 1).
 *
 * Reference: Golub & Van Loan (2013), §3.1 (inverse of a triangular matrix by forward substitution).
 *
 * @example
 *   const Rinv = restInverseColumns(L, [0, 0], L.sizes[1].q); // two terms: R is term 1's diagonal block
 */
export function restInverseColumns(L: Blocked, offsets: number[], Q: number): Float64Array {
  const {sizes} = L;
  const R = new Float64Array(Q * Q);
  for (let i = 1; i < sizes.length; i++) {
    const qi = sizes[i].q, oi = offsets[i];
    for (let r = 0; r < qi; r++) for (let c = 0; c <= r; c++) R[(oi + r) * Q + oi + c] = L.zzDiagonal[i][r * qi + c];
    for (let l = i + 1; l < sizes.length; l++) {
      const ql = sizes[l].q, ol = offsets[l], M = L.zzOffDiagonal[l][i];
      for (let r = 0; r < ql; r++) for (let c = 0; c < qi; c++) R[(ol + r) * Q + oi + c] = M[r * qi + c];
    }
  }
  const out = new Float64Array(Q * Q);
  for (let c = 0; c < Q; c++) {
    const x = out.subarray(c * Q, (c + 1) * Q);
    x[c] = 1 / R[c * Q + c];
    for (let r = c + 1; r < Q; r++) {
      const rr = r * Q;
      let s = 0;
      for (let m = c; m < r; m++) s -= R[rr + m] * x[m];
      x[r] = s / R[rr + r];
    }
  }
  return out;
}
