import {cholesky} from "../linalg/cholesky.js";
import {choleskyBlockDiagonalWithRows, choleskyWithRows, isBlockDiagonal} from "../linalg/cholesky-blocked.js";
import {negatedGram, parallelCholeskyWithRows} from "../linalg/cholesky-threads.js";
import {wasmCholeskyWithRows} from "../linalg/cholesky-wasm.js";
import {PARALLEL_MIN, sharedFloat64, sharedInt32} from "../linalg/helper-thread.js";
import {gramRowIndex, type GramRowIndex, type SparseColumns} from "../linalg/sparse-gram.js";
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

/**
 * Dense blocks at least this wide are factored with the WebAssembly trailing update where it runs (its copy
 * in and out of the kernel's memory costs less than the flops it saves), with the same bits as JavaScript;
 * those at least PARALLEL_MIN wide live in shared memory and are factored on two threads where possible.
 */
const WASM_MIN = 128;

/** A block below term 0 by columns, with its row index (for {@link negatedGram}). */
type GramColumns = SparseColumns & {byRows: GramRowIndex};

/**
 * A workspace for the factor of a {@link Blocked} matrix. For each term i ≥ 1, the blocks of its block
 * column (the dense diagonal block, the dense blocks of later terms below it, and the `[X y]` rows) are
 * views of one array, `columns[i]`, row after row with row stride qᵢ, so that one blocked factorization
 * factors the diagonal block and solves every block below it. For a term with one coefficient per level
 * against a first term with one coefficient per level, `gram[i]` views its block below term 0 by columns.
 * `scaledDiagonal[i]` (i ≥ 1) holds `Λᵢᵀ Aᵢᵢ Λᵢ` by levels (`lᵢ` blocks of `pᵢ × pᵢ`) between the two phases
 * of {@link updateL}, as the dense diagonal block first receives the updates from the terms before it.
 */
export interface FactorWorkspace extends Blocked {
  columns: Float64Array[];
  gram: (GramColumns | null)[];
  scaledDiagonal: Float64Array[];
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
  const px = A.nFixed + 1;
  const zzDiagonal: Float64Array[] = [new Float64Array(0)];
  const zzOffDiagonal: Float64Array[][] = sizes.map(() => []);
  const xyZ: Float64Array[] = [new Float64Array(px * sizes[0].q)];
  const columns: Float64Array[] = [new Float64Array(0)];
  const gram: (GramColumns | null)[] = [null];
  const scaledDiagonal: Float64Array[] = [new Float64Array(0)];
  const zzBelowFirst: BlockSparse[] = A.zzBelowFirst.map((s) => (s ? {...s, values: new Float64Array(s.values.length)} : s));
  for (let i = 1; i < k; i++) {
    const qi = sizes[i].q;
    let rows = qi + px;
    for (let l = i + 1; l < k; l++) rows += sizes[l].q;
    const wide = qi >= PARALLEL_MIN;
    const block = wide ? sharedFloat64(rows * qi) : new Float64Array(rows * qi);
    columns.push(block);
    zzDiagonal.push(block.subarray(0, qi * qi));
    scaledDiagonal.push(new Float64Array(sizes[i].l * sizes[i].p * sizes[i].p));
    let offset = qi * qi;
    for (let l = i + 1; l < k; l++) {
      zzOffDiagonal[l][i] = block.subarray(offset, offset + sizes[l].q * qi);
      offset += sizes[l].q * qi;
    }
    xyZ.push(block.subarray(offset, offset + px * qi));
    let S = zzBelowFirst[i];
    if (S.pr === 1 && S.pc === 1) {
      if (wide) zzBelowFirst[i] = S = {...S, values: sharedFloat64(S.values.length), colPtr: sharedInt32(S.colPtr), rowLevel: sharedInt32(S.rowLevel)};
      const byRows = gramRowIndex(S.colPtr, S.rowLevel, sizes[0].l, qi, wide ? sharedInt32 : (v) => Int32Array.from(v));
      gram.push({values: S.values, colPtr: S.colPtr, rowLevel: S.rowLevel, columns: sizes[0].l, byRows});
    } else gram.push(null);
  }
  return {
    sizes,
    nFixed: A.nFixed,
    zzFirst: new Float64Array(A.zzFirst.length),
    zzBelowFirst,
    zzDiagonal,
    zzOffDiagonal,
    xyZ,
    xyXy: new Float64Array(A.xyXy.length),
    columns,
    gram,
    scaledDiagonal
  };
}

/**
 * `updateL`: the blocked lower Cholesky factor of `[ΛᵀZᵀWZΛ + I, ΛᵀZᵀW[X y]; …, [X y]ᵀW[X y]]` for the
 * templates `T` of Λ_θ, written into `L` (a {@link factorWorkspace} of `A`), in two phases as MixedModels.jl's
 * `updateL!`: {@link scaleIntoL} copies A into L scaling by Λ, then {@link factorInPlace} inflates the
 * random-effects diagonal by I and factors L in place, block column by block column. Term 0's block stays
 * block diagonal and its off-diagonal blocks keep A's sparsity; later blocks are dense. Returns false when a
 * pivot is not positive (θ far outside the usable region).
 *
 * In the factor, the leading `nFixed × nFixed` block of `L.xyXy` is `R_Xᵀ` and its last diagonal entry is
 * `r(θ)`, the square root of the penalized residual sum of squares: read them through the evaluator
 * (lmm/evaluator.ts), not by index.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–24 (the blocked factor of the PLS problem); MixedModels.jl's
 * `updateL!` (`copyscaleinflate!`, then `rankUpdate!` and `cholUnblocked!` by block columns); Golub & Van Loan
 * §4.2.9 (block Cholesky).
 *
 * @example
 *   const ok = updateL(A, templates(A.sizes, theta), L);
 */
export function updateL(A: Blocked, T: Float64Array[], L: FactorWorkspace): boolean {
  scaleIntoL(A, T, L);
  return factorInPlace(L);
}

/**
 * Phase 1 of {@link updateL}: every block of A copied into L scaled by Λ on both sides (`Λᵢᵀ Aᵢⱼ Λⱼ`, the `[X y]`
 * rows by Λⱼ on the right, the `[X y]` block unchanged). The diagonal blocks of terms after the first go to
 * `L.scaledDiagonal` (their dense blocks in L receive the updates of earlier terms first).
 *
 * Reference: MixedModels.jl's `copyscaleinflate!` (without the inflation, which {@link factorInPlace} adds).
 *
 * @example
 *   scaleIntoL(A, templates(A.sizes, theta), L);
 */
export function scaleIntoL(A: Blocked, T: Float64Array[], L: FactorWorkspace): void {
  const {sizes} = A;
  const px = A.nFixed + 1;
  const k = sizes.length;
  const s0 = sizes[0], p0 = s0.p, l0 = s0.l, T0 = T[0];
  const bb0 = p0 * p0;

  for (let g = 0; g < l0; g++) congruence(A.zzFirst, g * bb0, T0, p0, T0, p0, L.zzFirst, g * bb0);
  for (let i = 1; i < k; i++) {
    const As = A.zzBelowFirst[i], Ls = L.zzBelowFirst[i];
    const termCols = sizes[i].p, bs = termCols * p0;
    for (let b = 0; b < As.colPtr[l0]; b++) congruence(As.values, b * bs, T[i], termCols, T0, p0, Ls.values, b * bs);
  }
  {
    const Ax = A.xyZ[0], Lx = L.xyZ[0], q0 = s0.q;
    for (let a = 0; a < px; a++) for (let g = 0; g < l0; g++) rightMultiply(Ax, a * q0 + g * p0, T0, p0, Lx, a * q0 + g * p0);
  }
  for (let i = 1; i < k; i++) {
    const si = sizes[i], termCols = si.p, qi = si.q, bb = termCols * termCols;
    for (let h = 0; h < si.l; h++) congruence(A.zzDiagonal[i], h * bb, T[i], termCols, T[i], termCols, L.scaledDiagonal[i], h * bb);
    for (let l = i + 1; l < k; l++) {
      const sl = sizes[l], M = L.zzOffDiagonal[l][i];
      for (let hl = 0; hl < sl.l; hl++) {
        for (let hi = 0; hi < si.l; hi++) blockCongruence(A.zzOffDiagonal[l][i], qi, hl * sl.p, hi * termCols, T[l], sl.p, T[i], termCols, M);
      }
    }
    const Ax = A.xyZ[i], Lx = L.xyZ[i];
    for (let a = 0; a < px; a++) for (let h = 0; h < si.l; h++) rightMultiply(Ax, a * qi + h * termCols, T[i], termCols, Lx, a * qi + h * termCols);
  }
  L.xyXy.set(A.xyXy);
}

/**
 * Phase 2 of {@link updateL}: the scaled copy of A from {@link scaleIntoL}, inflated by I on the random-effects
 * diagonal and factored in place. Term 0's diagonal blocks are factored level by level and the blocks below
 * them solved; then, for each later term, its dense diagonal block gets `−L_{i0}L_{i0}ᵀ − Σⱼ L_{ij}L_{ij}ᵀ +
 * Λᵢᵀ Aᵢᵢ Λᵢ + I`, the blocks below it lose the products of the earlier block columns, and one blocked
 * factorization factors the diagonal block and solves the blocks below; last the `[X y]` block loses
 * `Σⱼ L_{Xj} L_{Xj}ᵀ` and is factored. Returns false when a pivot is not positive.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–24; MixedModels.jl's `updateL!`; Golub & Van Loan §4.2.9.
 *
 * @example
 *   scaleIntoL(A, T, L);
 *   const ok = factorInPlace(L);
 */
export function factorInPlace(L: FactorWorkspace): boolean {
  const {sizes} = L;
  const px = L.nFixed + 1;
  const k = sizes.length;
  const s0 = sizes[0], p0 = s0.p, l0 = s0.l;
  const bb0 = p0 * p0;

  // term 0: block-diagonal factor, one p₀ × p₀ block per level
  for (let g = 0; g < l0; g++) {
    const o = g * bb0;
    for (let a = 0; a < p0; a++) L.zzFirst[o + a * p0 + a] += 1;
    if (!cholesky(L.zzFirst, p0, o)) return false;
  }
  // blocks (i, 0): Λᵢᵀ A Λ₀ L₀⁻ᵀ, block by block
  for (let i = 1; i < k; i++) {
    const Ls = L.zzBelowFirst[i];
    const termCols = sizes[i].p, bs = termCols * p0;
    for (let g = 0; g < l0; g++) {
      for (let b = Ls.colPtr[g]; b < Ls.colPtr[g + 1]; b++) {
        for (let a = 0; a < termCols; a++) solveSmallLower(L.zzFirst, g * bb0, p0, Ls.values, b * bs + a * p0);
      }
    }
  }
  // [X y] rows against term 0
  {
    const Lx = L.xyZ[0], q0 = s0.q;
    for (let a = 0; a < px; a++) for (let g = 0; g < l0; g++) solveSmallLower(L.zzFirst, g * bb0, p0, Lx, a * q0 + g * p0);
  }

  for (let i = 1; i < k; i++) {
    const si = sizes[i], termCols = si.p, qi = si.q, bb = termCols * termCols;
    // the diagonal block: −L_{i0} L_{i0}ᵀ + Λᵢᵀ Aᵢᵢ Λᵢ + I − Σ_j L_{ij} L_{ij}ᵀ
    const D = L.zzDiagonal[i];
    const gram = L.gram[i];
    // the blocks below it, before the factor: later terms' rows, then the [X y] rows (independent of the
    // diagonal block, so computed while the helper thread computes the Gram rows)
    const belowBlocks = () => {
      for (let l = i + 1; l < k; l++) {
        const sl = sizes[l], M = L.zzOffDiagonal[l][i];
        subtractSparseOuter(L, l, i, M, qi);
        for (let j = 1; j < i; j++) subtractDenseOuter(L.zzOffDiagonal[l][j], sl.q, L.zzOffDiagonal[i][j], qi, sizes[j].q, M, qi, false);
      }
      const Lx = L.xyZ[i];
      subtractXSparse(L, i, Lx, qi, px);
      for (let j = 1; j < i; j++) subtractDenseOuter(L.xyZ[j], px, L.zzOffDiagonal[i][j], qi, sizes[j].q, Lx, qi, false);
    };
    if (gram) negatedGram(gram, D, qi, belowBlocks);
    else {
      for (let r = 0; r < qi; r++) D.fill(0, r * qi, r * qi + r + 1);
      subtractSparseOuter(L, i, i, D, qi);
      belowBlocks();
    }
    const scaled = L.scaledDiagonal[i];
    for (let h = 0; h < si.l; h++) {
      for (let a = 0; a < termCols; a++) {
        for (let b = 0; b <= a; b++) D[(h * termCols + a) * qi + h * termCols + b] += scaled[h * bb + a * termCols + b];
        D[(h * termCols + a) * qi + h * termCols + a] += 1;
      }
    }
    for (let j = 1; j < i; j++) subtractDenseOuter(L.zzOffDiagonal[i][j], qi, L.zzOffDiagonal[i][j], qi, sizes[j].q, D, qi, true);
    let below = px;
    for (let l = i + 1; l < k; l++) below += sizes[l].q;

    // factor the diagonal block and solve the blocks below against it, in one blocked factorization
    const column = L.columns[i];
    // a nested term's block is block diagonal: factored level by level; otherwise dense, on two threads only
    // for a wide block (below PARALLEL_MIN the hand-offs cost more than the flops), in WebAssembly where it runs
    if (isBlockDiagonal(column, qi, termCols)) {
      if (!choleskyBlockDiagonalWithRows(column, qi, termCols, below)) return false;
      continue;
    }
    const parallel = qi >= PARALLEL_MIN ? parallelCholeskyWithRows(column, qi, below) : null;
    const fast = parallel ?? (qi >= WASM_MIN ? wasmCholeskyWithRows(column, qi, below) : null);
    if (!(fast ?? choleskyWithRows(column, qi, below))) return false;
  }

  const X = L.xyXy;
  for (let j = 0; j < k; j++) subtractDenseOuter(L.xyZ[j], px, L.xyZ[j], px, sizes[j].q, X, px, true);
  return cholesky(X, px);
}
