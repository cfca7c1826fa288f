import {cholesky} from "../linalg/cholesky.js";
import {parallelCholesky, parallelRightSolve} from "../linalg/cholesky-threads.js";
import {rightSolveLowerTranspose} from "../linalg/triangular.js";
import type {Blocked} from "./blocks.js";

/** Dense blocks at least this wide are factored on two threads where the platform allows it. */
const PARALLEL_MIN = 384;

/**
 * A workspace shaped like the factor of `A`: dense diagonal blocks for terms after the first.
 *
 * @example
 *   const L = factorWorkspace(A);
 */
export function factorWorkspace(A: Blocked): Blocked {
  return {
    sizes: A.sizes,
    p: A.p,
    diag0: new Float64Array(A.diag0.length),
    sparse0: A.sparse0.map((s) => (s ? {...s, values: new Float64Array(s.values.length)} : s)),
    diag: A.diag.map((_, i) => new Float64Array(A.sizes[i].q * A.sizes[i].q)),
    dense: A.dense.map((row) => row.map((d) => new Float64Array(d.length))),
    xz: A.xz.map((d) => new Float64Array(d.length)),
    xx: new Float64Array(A.xx.length)
  };
}

/**
 * `updateL`: the blocked lower Cholesky factor of `[ΛᵀZᵀWZΛ + I, ΛᵀZᵀW[X y]; …, [X y]ᵀW[X y]]` for the
 * templates `T` of Λ_θ, written into `L` (a {@link factorWorkspace} of `A`). Term 0's block stays block
 * diagonal and its off-diagonal blocks keep A's sparsity; later blocks are dense. Returns false when a
 * pivot is not positive (θ far outside the usable region).
 *
 * The last diagonal entry of `L.xx` is `r(θ)`, the square root of the penalized residual sum of squares; the
 * leading `p × p` block of `L.xx` is `R_Xᵀ`.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–24 (the blocked factor of the PLS problem); Golub & Van
 * Loan §4.2.9 (block Cholesky).
 *
 * @example
 *   const ok = updateL(A, templates(A.sizes, theta), L);
 *   const r2 = L.xx[L.xx.length - 1] ** 2;
 */
export function updateL(A: Blocked, T: Float64Array[], L: Blocked): boolean {
  const {sizes, p} = A;
  const px = p + 1;
  const k = sizes.length;
  const s0 = sizes[0], p0 = s0.p, l0 = s0.l, T0 = T[0];
  const bb0 = p0 * p0;

  // term 0: block-diagonal factor, one p₀ × p₀ block per level
  for (let g = 0; g < l0; g++) {
    const o = g * bb0;
    congruence(A.diag0, o, T0, p0, T0, p0, L.diag0, o);
    for (let a = 0; a < p0; a++) L.diag0[o + a * p0 + a] += 1;
    if (!cholesky(L.diag0, p0, o)) return false;
  }
  // blocks (i, 0): TᵢᵀA T₀ L₀⁻ᵀ, block by block
  for (let i = 1; i < k; i++) {
    const As = A.sparse0[i], Ls = L.sparse0[i];
    const pi = sizes[i].p, bs = pi * p0;
    for (let g = 0; g < l0; g++) {
      for (let b = As.colPtr[g]; b < As.colPtr[g + 1]; b++) {
        congruence(As.values, b * bs, T[i], pi, T0, p0, Ls.values, b * bs);
        for (let a = 0; a < pi; a++) solveSmallLower(L.diag0, g * bb0, p0, Ls.values, b * bs + a * p0);
      }
    }
  }
  // [X y] rows against term 0
  {
    const Ax = A.xz[0], Lx = L.xz[0], q0 = s0.q;
    for (let a = 0; a < px; a++) {
      for (let g = 0; g < l0; g++) {
        rightMultiply(Ax, a * q0 + g * p0, T0, p0, Lx, a * q0 + g * p0);
        solveSmallLower(L.diag0, g * bb0, p0, Lx, a * q0 + g * p0);
      }
    }
  }

  for (let i = 1; i < k; i++) {
    const si = sizes[i], pi = si.p, qi = si.q;
    const D = L.diag[i];
    for (let r = 0; r < qi; r++) D.fill(0, r * qi, r * qi + r + 1);
    const tmp = new Float64Array(pi * pi);
    for (let h = 0; h < si.l; h++) {
      const o = h * pi * pi;
      congruence(A.diag[i], o, T[i], pi, T[i], pi, tmp, 0);
      for (let a = 0; a < pi; a++) {
        for (let b = 0; b < pi; b++) D[(h * pi + a) * qi + h * pi + b] = tmp[a * pi + b];
        D[(h * pi + a) * qi + h * pi + a] += 1;
      }
    }
    subtractSparseOuter(L, i, i, D, qi);
    for (let j = 1; j < i; j++) subtractDenseOuter(L.dense[i][j], qi, L.dense[i][j], qi, sizes[j].q, D, qi, true);
    if (!(qi >= PARALLEL_MIN ? parallelCholesky(D, qi) ?? cholesky(D, qi) : cholesky(D, qi))) return false;

    for (let l = i + 1; l < k; l++) {
      const sl = sizes[l], M = L.dense[l][i];
      for (let hl = 0; hl < sl.l; hl++) {
        for (let hi = 0; hi < si.l; hi++) {
          blockCongruence(A.dense[l][i], qi, hl * sl.p, hi * pi, T[l], sl.p, T[i], pi, M);
        }
      }
      subtractSparseOuter(L, l, i, M, qi);
      for (let j = 1; j < i; j++) subtractDenseOuter(L.dense[l][j], sl.q, L.dense[i][j], qi, sizes[j].q, M, qi, false);
      if (!parallelRightSolve(M, sl.q, D, qi)) rightSolveLowerTranspose(M, sl.q, D, qi);
    }

    const Ax = A.xz[i], Lx = L.xz[i];
    for (let a = 0; a < px; a++) for (let h = 0; h < si.l; h++) rightMultiply(Ax, a * qi + h * pi, T[i], pi, Lx, a * qi + h * pi);
    subtractXSparse(L, i, Lx, qi, px);
    for (let j = 1; j < i; j++) subtractDenseOuter(L.xz[j], px, L.dense[i][j], qi, sizes[j].q, Lx, qi, false);
    rightSolveLowerTranspose(Lx, px, D, qi);
  }

  const X = L.xx;
  X.set(A.xx);
  for (let j = 0; j < k; j++) subtractDenseOuter(L.xz[j], px, L.xz[j], px, sizes[j].q, X, px, true);
  return cholesky(X, px);
}

/** out = Tᵣᵀ B T_c for a pr × pc block B at `bo` (row-major) and lower templates Tᵣ (pr), T_c (pc). */
function congruence(B: Float64Array, bo: number, Tr: Float64Array, pr: number, Tc: Float64Array, pc: number, out: Float64Array, oo: number) {
  if (pr === 1 && pc === 1) {
    out[oo] = Tr[0] * B[bo] * Tc[0];
    return;
  }
  for (let a = 0; a < pr; a++) {
    for (let b = 0; b < pc; b++) {
      let s = 0;
      for (let c = a; c < pr; c++) {
        const tca = Tr[c * pr + a];
        if (tca === 0) continue;
        for (let d = b; d < pc; d++) s += tca * B[bo + c * pc + d] * Tc[d * pc + b];
      }
      out[oo + a * pc + b] = s;
    }
  }
}

/** The (hl, hi) block of a dense matrix (row stride `stride`) replaced by Tₗᵀ block Tᵢ, in place into M. */
function blockCongruence(A: Float64Array, stride: number, r0: number, c0: number, Tl: Float64Array, pl: number, Ti: Float64Array, pi: number, M: Float64Array) {
  if (pl === 1 && pi === 1) {
    M[r0 * stride + c0] = Tl[0] * A[r0 * stride + c0] * Ti[0];
    return;
  }
  for (let a = 0; a < pl; a++) {
    for (let b = 0; b < pi; b++) {
      let s = 0;
      for (let c = a; c < pl; c++) for (let d = b; d < pi; d++) s += Tl[c * pl + a] * A[(r0 + c) * stride + c0 + d] * Ti[d * pi + b];
      M[(r0 + a) * stride + c0 + b] = s;
    }
  }
}

/** out[oo…oo+p) = x T for the row vector x = B[bo…bo+p). */
function rightMultiply(B: Float64Array, bo: number, T: Float64Array, p: number, out: Float64Array, oo: number) {
  for (let b = 0; b < p; b++) {
    let s = 0;
    for (let d = b; d < p; d++) s += B[bo + d] * T[d * p + b];
    out[oo + b] = s;
  }
}

/** Solves L x = v in place for a small lower factor at `lo` and a vector at `xo`. */
function solveSmallLower(L: Float64Array, lo: number, p: number, x: Float64Array, xo: number) {
  for (let a = 0; a < p; a++) {
    let s = x[xo + a];
    for (let c = 0; c < a; c++) s -= L[lo + a * p + c] * x[xo + c];
    x[xo + a] = s / L[lo + a * p + a];
  }
}

/** M −= L_{l0} L_{i0}ᵀ over the shared block columns of term 0 (l ≥ i; for l = i the lower blocks only). */
function subtractSparseOuter(L: Blocked, l: number, i: number, M: Float64Array, stride: number) {
  const Sl = L.sparse0[l], Si = L.sparse0[i];
  const pl = Sl.pr, pi = Si.pr, pc = Sl.pc;
  const bl = pl * pc, bi = pi * pc;
  const l0 = L.sizes[0].l;
  if (bl === 1 && bi === 1) {
    const vl = Sl.values, vi = Si.values, rl = Sl.rowLevel, ri = Si.rowLevel;
    for (let g = 0; g < l0; g++) {
      for (let a = Sl.colPtr[g]; a < Sl.colPtr[g + 1]; a++) {
        const va = vl[a], row = rl[a] * stride;
        const end = l === i ? a + 1 : Si.colPtr[g + 1];
        for (let b = Si.colPtr[g]; b < end; b++) M[row + ri[b]] -= va * vi[b];
      }
    }
    return;
  }
  for (let g = 0; g < l0; g++) {
    for (let a = Sl.colPtr[g]; a < Sl.colPtr[g + 1]; a++) {
      const ha = Sl.rowLevel[a], oa = a * bl;
      const end = l === i ? a + 1 : Si.colPtr[g + 1];
      for (let b = Si.colPtr[g]; b < end; b++) {
        const hb = Si.rowLevel[b], ob = b * bi;
        for (let r = 0; r < pl; r++) {
          const row = (ha * pl + r) * stride + hb * pi;
          for (let c = 0; c < pi; c++) {
            let s = 0;
            for (let m = 0; m < pc; m++) s += Sl.values[oa + r * pc + m] * Si.values[ob + c * pc + m];
            M[row + c] -= s;
          }
        }
      }
    }
  }
}

/** Lx −= L_{x0} L_{i0}ᵀ for the [X y] rows (px rows, row stride `stride`). */
function subtractXSparse(L: Blocked, i: number, Lx: Float64Array, stride: number, px: number) {
  const Si = L.sparse0[i], X0 = L.xz[0];
  const pi = Si.pr, pc = Si.pc, bi = pi * pc;
  const q0 = L.sizes[0].q, l0 = L.sizes[0].l;
  for (let g = 0; g < l0; g++) {
    for (let b = Si.colPtr[g]; b < Si.colPtr[g + 1]; b++) {
      const h = Si.rowLevel[b], ob = b * bi;
      for (let a = 0; a < px; a++) {
        for (let c = 0; c < pi; c++) {
          let s = 0;
          for (let m = 0; m < pc; m++) s += X0[a * q0 + g * pc + m] * Si.values[ob + c * pc + m];
          Lx[a * stride + h * pi + c] -= s;
        }
      }
    }
  }
}

/**
 * M −= P Qᵀ for dense P (rows × inner) and Q (cols × inner), row-major; with `lower`, only the lower
 * triangle of a square M is updated.
 */
function subtractDenseOuter(P: Float64Array, rows: number, Q: Float64Array, cols: number, inner: number, M: Float64Array, stride: number, lower: boolean) {
  for (let r = 0; r < rows; r++) {
    const pr = r * inner;
    const end = lower ? r + 1 : cols;
    for (let c = 0; c < end; c++) {
      const qc = c * inner;
      let s0 = 0, s1 = 0;
      let m = 0;
      for (; m + 1 < inner; m += 2) {
        s0 += P[pr + m] * Q[qc + m];
        s1 += P[pr + m + 1] * Q[qc + m + 1];
      }
      if (m < inner) s0 += P[pr + m] * Q[qc + m];
      M[r * stride + c] -= s0 + s1;
    }
  }
}
