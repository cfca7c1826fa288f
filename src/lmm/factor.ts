import {cholesky} from "../linalg/cholesky.js";
import {choleskyWithRows} from "../linalg/cholesky-blocked.js";
import {negatedGram, parallelCholeskyWithRows, type SparseColumns} from "../linalg/cholesky-threads.js";
import {sharedFloat64, sharedInt32} from "../linalg/helper-thread.js";
import type {Blocked, BlockSparse} from "./blocks.js";
import {
  blockCongruence,
  congruence,
  rightMultiply,
  solveSmallLower,
  subtractDenseOuter,
  subtractSparseOuter,
  subtractXSparse
} from "./factor-kernels.js";

/** Dense blocks at least this wide live in shared memory and are factored on two threads where possible. */
const PARALLEL_MIN = 384;

/**
 * A workspace for the factor of a {@link Blocked} matrix. For each term i ≥ 1, the blocks of its block
 * column (the dense diagonal block, the dense blocks of later terms below it, and the `[X y]` rows) are
 * views of one array, `columns[i]`, row after row with row stride qᵢ, so that one blocked factorization
 * factors the diagonal block and solves every block below it. For a term with one coefficient per level
 * against a first term with one coefficient per level, `gram[i]` views its block below term 0 by columns.
 */
export interface FactorWorkspace extends Blocked {
  columns: Float64Array[];
  gram: (SparseColumns | null)[];
}

/**
 * A workspace shaped like the factor of `A`: dense diagonal blocks for terms after the first, and
 * wide block columns in shared memory (for the two-thread kernels) where there is a helper thread.
 *
 * @example
 *   const L = factorWorkspace(A);
 */
export function factorWorkspace(A: Blocked): FactorWorkspace {
  const {sizes} = A;
  const k = sizes.length;
  const px = A.p + 1;
  const diag: Float64Array[] = [new Float64Array(0)];
  const dense: Float64Array[][] = sizes.map(() => []);
  const xz: Float64Array[] = [new Float64Array(px * sizes[0].q)];
  const columns: Float64Array[] = [new Float64Array(0)];
  const gram: (SparseColumns | null)[] = [null];
  const sparse0: BlockSparse[] = A.sparse0.map((s) => (s ? {...s, values: new Float64Array(s.values.length)} : s));
  for (let i = 1; i < k; i++) {
    const qi = sizes[i].q;
    let rows = qi + px;
    for (let l = i + 1; l < k; l++) rows += sizes[l].q;
    const wide = qi >= PARALLEL_MIN;
    const block = wide ? sharedFloat64(rows * qi) : new Float64Array(rows * qi);
    columns.push(block);
    diag.push(block.subarray(0, qi * qi));
    let offset = qi * qi;
    for (let l = i + 1; l < k; l++) {
      dense[l][i] = block.subarray(offset, offset + sizes[l].q * qi);
      offset += sizes[l].q * qi;
    }
    xz.push(block.subarray(offset, offset + px * qi));
    let S = sparse0[i];
    if (S.pr === 1 && S.pc === 1) {
      if (wide) sparse0[i] = S = {...S, values: sharedFloat64(S.values.length), colPtr: sharedInt32(S.colPtr), rowLevel: sharedInt32(S.rowLevel)};
      gram.push({values: S.values, colPtr: S.colPtr, rowLevel: S.rowLevel, columns: sizes[0].l});
    } else gram.push(null);
  }
  return {sizes, p: A.p, diag0: new Float64Array(A.diag0.length), sparse0, diag, dense, xz, xx: new Float64Array(A.xx.length), columns, gram};
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
export function updateL(A: Blocked, T: Float64Array[], L: FactorWorkspace): boolean {
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
    // the diagonal block: Tᵢᵀ Aᵢᵢ Tᵢ + I − L_{i0} L_{i0}ᵀ − Σ_j L_{ij} L_{ij}ᵀ
    const D = L.diag[i];
    const gram = L.gram[i];
    if (gram) negatedGram(gram, D, qi);
    else {
      for (let r = 0; r < qi; r++) D.fill(0, r * qi, r * qi + r + 1);
      subtractSparseOuter(L, i, i, D, qi);
    }
    const tmp = new Float64Array(pi * pi);
    for (let h = 0; h < si.l; h++) {
      congruence(A.diag[i], h * pi * pi, T[i], pi, T[i], pi, tmp, 0);
      for (let a = 0; a < pi; a++) {
        for (let b = 0; b <= a; b++) D[(h * pi + a) * qi + h * pi + b] += tmp[a * pi + b];
        D[(h * pi + a) * qi + h * pi + a] += 1;
      }
    }
    for (let j = 1; j < i; j++) subtractDenseOuter(L.dense[i][j], qi, L.dense[i][j], qi, sizes[j].q, D, qi, true);

    // the blocks below it, before the factor: later terms' rows, then the [X y] rows
    let below = px;
    for (let l = i + 1; l < k; l++) {
      const sl = sizes[l], M = L.dense[l][i];
      below += sl.q;
      for (let hl = 0; hl < sl.l; hl++) {
        for (let hi = 0; hi < si.l; hi++) {
          blockCongruence(A.dense[l][i], qi, hl * sl.p, hi * pi, T[l], sl.p, T[i], pi, M);
        }
      }
      subtractSparseOuter(L, l, i, M, qi);
      for (let j = 1; j < i; j++) subtractDenseOuter(L.dense[l][j], sl.q, L.dense[i][j], qi, sizes[j].q, M, qi, false);
    }
    const Ax = A.xz[i], Lx = L.xz[i];
    for (let a = 0; a < px; a++) for (let h = 0; h < si.l; h++) rightMultiply(Ax, a * qi + h * pi, T[i], pi, Lx, a * qi + h * pi);
    subtractXSparse(L, i, Lx, qi, px);
    for (let j = 1; j < i; j++) subtractDenseOuter(L.xz[j], px, L.dense[i][j], qi, sizes[j].q, Lx, qi, false);

    // factor the diagonal block and solve the blocks below against it, in one blocked factorization
    const column = L.columns[i];
    if (!(parallelCholeskyWithRows(column, qi, below) ?? choleskyWithRows(column, qi, below))) return false;
  }

  const X = L.xx;
  X.set(A.xx);
  for (let j = 0; j < k; j++) subtractDenseOuter(L.xz[j], px, L.xz[j], px, sizes[j].q, X, px, true);
  return cholesky(X, px);
}

