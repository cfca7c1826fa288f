import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";
import type {Blocked} from "./blocks.js";

/**
 * The solution of the penalized least-squares problem at a factor L_θ: β̂ and the spherical modes ũ
 * (one Float64Array per term, level-major: level h's pᵢ values at h pᵢ).
 *
 * β̂ solves R_X β = c_β (the leading block of `L.xx` is R_Xᵀ and its last row holds c_β); ũ then solves
 * Lᵀ u = c_u − L_XZᵀ β by block back-substitution, last term first.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 19–21.
 *
 * @example
 *   const {beta, u} = plsSolution(L);
 */
export function plsSolution(L: Blocked): {beta: Float64Array; u: Float64Array[]} {
  const {sizes, p} = L;
  const px = p + 1;
  const k = sizes.length;
  const RXt = new Float64Array(p * p);
  const beta = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) RXt[a * p + b] = L.xx[a * px + b];
    beta[a] = L.xx[p * px + a];
  }
  solveLowerTranspose(RXt, p, beta);

  const u: Float64Array[] = sizes.map((s) => new Float64Array(s.q));
  for (let i = k - 1; i >= 0; i--) {
    const q = sizes[i].q;
    const rhs = u[i];
    const Lx = L.xz[i];
    for (let c = 0; c < q; c++) {
      let s = Lx[p * q + c];
      for (let a = 0; a < p; a++) s -= Lx[a * q + c] * beta[a];
      rhs[c] = s;
    }
    if (i === 0) {
      for (let l = 1; l < k; l++) {
        const S = L.sparse0[l], pl = S.pr, pc = S.pc, bs = pl * pc;
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
      for (let g = 0; g < sizes[0].l; g++) solveLowerTranspose(L.diag0, p0, rhs, g * p0 * p0, g * p0);
    } else {
      for (let l = i + 1; l < k; l++) {
        const M = L.dense[l][i], ql = sizes[l].q;
        for (let r = 0; r < ql; r++) {
          const v = u[l][r];
          for (let c = 0; c < q; c++) rhs[c] -= M[r * q + c] * v;
        }
      }
      solveLowerTranspose(L.diag[i], q, rhs);
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
  const {p} = L;
  const px = p + 1;
  const RXt = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) RXt[a * p + b] = L.xx[a * px + b];
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
 * `ranef(condVar = TRUE)`. Column c's entries come from w = L⁻¹ e_c, solved block by block from term i on.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5.1 (conditional variances of the modes).
 *
 * @example
 *   const M = conditionalBlocks(L); // M[0].length === l₀ p₀²
 */
export function conditionalBlocks(L: Blocked): Float64Array[] {
  const {sizes} = L;
  const k = sizes.length;
  const s0 = sizes[0], p0 = s0.p;
  return sizes.map((si, i) => {
    const pi = si.p;
    const out = new Float64Array(si.l * pi * pi);
    const w: Float64Array[] = sizes.map((s) => new Float64Array(s.q));
    const cols: Float64Array[] = [];
    for (let h = 0; h < si.l; h++) {
      cols.length = 0;
      for (let a = 0; a < pi; a++) {
        for (const v of w) v.fill(0);
        if (i === 0) {
          w[0][h * p0 + a] = 1;
          solveLower(L.diag0, p0, w[0], h * p0 * p0, h * p0);
        } else {
          w[i][h * pi + a] = 1;
          solveLower(L.diag[i], si.q, w[i]);
        }
        for (let l = Math.max(i + 1, 1); l < k; l++) {
          const v = w[l], ql = sizes[l].q;
          if (i === 0) {
            const S = L.sparse0[l], bs = S.pr * S.pc;
            for (let b = S.colPtr[h]; b < S.colPtr[h + 1]; b++) {
              const hl = S.rowLevel[b];
              for (let r = 0; r < S.pr; r++) {
                let s = 0;
                for (let m = 0; m < S.pc; m++) s += S.values[b * bs + r * S.pc + m] * w[0][h * p0 + m];
                v[hl * S.pr + r] -= s;
              }
            }
          }
          for (let j = Math.max(i, 1); j < l; j++) {
            const M = L.dense[l][j], qj = sizes[j].q;
            for (let r = 0; r < ql; r++) {
              let s = 0;
              for (let c = 0; c < qj; c++) s += M[r * qj + c] * w[j][c];
              v[r] -= s;
            }
          }
          solveLower(L.diag[l], ql, v);
        }
        cols.push(flatten(w));
      }
      for (let a = 0; a < pi; a++) {
        for (let b = 0; b < pi; b++) {
          let s = 0;
          const x = cols[a], y = cols[b];
          for (let c = 0; c < x.length; c++) s += x[c] * y[c];
          out[h * pi * pi + a * pi + b] = s;
        }
      }
    }
    return out;
  });
}

function flatten(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, v) => s + v.length, 0));
  let o = 0;
  for (const v of parts) (out.set(v, o), (o += v.length));
  return out;
}
