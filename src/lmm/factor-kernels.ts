import type {Blocked} from "./blocks.js";

/**
 * The small kernels of {@link updateL}: congruences with the templates of Λ_θ, small triangular solves, and
 * the outer products that a block Cholesky step subtracts from later blocks.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.9 (block Cholesky); Bates et al. (2015),
 * JSS 67(1), §3 (the templates of Λ_θ).
 *
 * @example
 *   const out = new Float64Array(1);
 *   congruence(Float64Array.of(4), 0, Float64Array.of(2), 1, Float64Array.of(3), 1, out, 0); // out = [24]
 */

/** out = Tᵣᵀ B T_c for a pr × pc block B at `bo` (row-major) and lower templates Tᵣ (pr), T_c (pc). */
export function congruence(B: Float64Array, bo: number, Tr: Float64Array, pr: number, Tc: Float64Array, pc: number, out: Float64Array, oo: number) {
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
export function blockCongruence(A: Float64Array, stride: number, r0: number, c0: number, Tl: Float64Array, pl: number, Ti: Float64Array, pi: number, M: Float64Array) {
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
export function rightMultiply(B: Float64Array, bo: number, T: Float64Array, p: number, out: Float64Array, oo: number) {
  for (let b = 0; b < p; b++) {
    let s = 0;
    for (let d = b; d < p; d++) s += B[bo + d] * T[d * p + b];
    out[oo + b] = s;
  }
}

/** Solves L x = v in place for a small lower factor at `lo` and a vector at `xo`. */
export function solveSmallLower(L: Float64Array, lo: number, p: number, x: Float64Array, xo: number) {
  for (let a = 0; a < p; a++) {
    let s = x[xo + a];
    for (let c = 0; c < a; c++) s -= L[lo + a * p + c] * x[xo + c];
    x[xo + a] = s / L[lo + a * p + a];
  }
}

/** M −= L_{l0} L_{i0}ᵀ over the shared block columns of term 0 (l ≥ i; for l = i the lower blocks only). */
export function subtractSparseOuter(L: Blocked, l: number, i: number, M: Float64Array, stride: number) {
  const Sl = L.zzBelowFirst[l], Si = L.zzBelowFirst[i];
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
export function subtractXSparse(L: Blocked, i: number, Lx: Float64Array, stride: number, px: number) {
  const Si = L.zzBelowFirst[i], X0 = L.xyZ[0];
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
export function subtractDenseOuter(P: Float64Array, rows: number, Q: Float64Array, cols: number, inner: number, M: Float64Array, stride: number, lower: boolean) {
  if (mostlyZero(P, rows * inner)) {
    subtractSparseRowsOuter(P, rows, Q, cols, inner, M, stride, lower);
    return;
  }
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

/** Whether at most a quarter of the first `size` values are nonzero (and there are enough to matter). */
function mostlyZero(P: Float64Array, size: number): boolean {
  if (size < 256) return false;
  let nonzero = 0;
  const limit = size >> 2;
  for (let k = 0; k < size; k++) if (P[k] !== 0 && ++nonzero > limit) return false;
  return true;
}

let nonzeroScratch = new Int32Array(64);

/**
 * {@link subtractDenseOuter} for a P whose rows are mostly zero (a nested term's block below another): each
 * row's nonzero columns are listed once and only they are summed, in the same two accumulators by parity as
 * the dense loop, so the result is the dense loop's (adding an exact zero changes no sum).
 */
function subtractSparseRowsOuter(P: Float64Array, rows: number, Q: Float64Array, cols: number, inner: number, M: Float64Array, stride: number, lower: boolean) {
  if (nonzeroScratch.length < inner) nonzeroScratch = new Int32Array(inner);
  const nz = nonzeroScratch;
  for (let r = 0; r < rows; r++) {
    const pr = r * inner;
    let count = 0;
    for (let m = 0; m < inner; m++) if (P[pr + m] !== 0) nz[count++] = m;
    if (count === 0) continue;
    const end = lower ? r + 1 : cols;
    for (let c = 0; c < end; c++) {
      const qc = c * inner;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < count; k++) {
        const m = nz[k];
        if (m & 1) s1 += P[pr + m] * Q[qc + m];
        else s0 += P[pr + m] * Q[qc + m];
      }
      M[r * stride + c] -= s0 + s1;
    }
  }
}
