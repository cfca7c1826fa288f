/**
 * Block storage for the cross-products of `[Z₁ … Z_k X y]` and for their Cholesky factor.
 *
 * The first random-effects term (the one with most levels) has a block-diagonal diagonal block: one
 * `p₀ × p₀` block per level. Blocks below it (term i against term 0) are block-sparse by the levels of
 * term 0 ({@link BlockSparse}). Every other random-effects block is dense, row-major; the rows of `[X y]`
 * against a term are dense `(nFixed + 1) × q` matrices.
 *
 * Reference: Bates, Mächler, Bolker & Walker (2015), "Fitting linear mixed-effects models using lme4",
 * JSS 67(1), §3; MixedModels.jl's blocked `A` and `L` (Bates et al.).
 */

/**
 * A matrix of `pr × pc` blocks, stored by block columns: for block column g, the blocks
 * `colPtr[g] … colPtr[g+1]-1` sit in block rows `rowLevel[…]` (ascending) with values `pr × pc` row-major.
 */
export interface BlockSparse {
  pr: number;
  pc: number;
  colPtr: Int32Array;
  rowLevel: Int32Array;
  values: Float64Array;
}

/** Sizes of one random-effects term: `p` columns, `l` levels, `q = p l`. */
export interface TermSize {
  p: number;
  l: number;
  q: number;
}

/**
 * A blocked symmetric matrix (lower blocks) of the shape above: the cross-products `A` or their factor `L`.
 * The field names say which block of `[Z X y]ᵀ W [Z X y]` (or of its factor) they hold.
 */
export interface Blocked {
  sizes: TermSize[];
  /** Number of fixed-effect columns (of X); the `[X y]` block has `nFixed + 1` rows. */
  nFixed: number;
  /** Term 0's diagonal block Z₀ᵀZ₀ (or L₀): block diagonal, `l₀` blocks of `p₀ × p₀`. */
  zzFirst: Float64Array;
  /** For i ≥ 1, the block (i, 0), term i's rows against term 0, block-sparse by term 0's levels; index 0 unused. */
  zzBelowFirst: BlockSparse[];
  /**
   * For i ≥ 1, the diagonal block of term i; index 0 unused. In the cross-products it is block diagonal
   * (`lᵢ` blocks of `pᵢ × pᵢ`, as `zzFirst`); in the factor it is dense `qᵢ × qᵢ` (lower triangle used).
   */
  zzDiagonal: Float64Array[];
  /** `zzOffDiagonal[i][j]` for 1 ≤ j < i: the dense `qᵢ × q_j` block of term i against term j. */
  zzOffDiagonal: Float64Array[][];
  /**
   * `xyZ[j]`: the `(nFixed + 1) × q_j` block of `[X y]` rows against term j (in the factor, L_XZ with the
   * row of c_u, the y row, last).
   */
  xyZ: Float64Array[];
  /**
   * The `(nFixed + 1) × (nFixed + 1)` block of `[X y]` (lower triangle used). In the factor its leading
   * `nFixed × nFixed` block is R_Xᵀ, its last row holds c_βᵀ and then r(θ); read them through the
   * evaluator (`rXt`, `beta`, `r2`) rather than by index.
   */
  xyXy: Float64Array;
}

/** A copy with fresh value arrays and the same structure. */
export function cloneBlocked(a: Blocked): Blocked {
  return {
    sizes: a.sizes,
    nFixed: a.nFixed,
    zzFirst: a.zzFirst.slice(),
    zzBelowFirst: a.zzBelowFirst.map((s) => (s ? {...s, values: s.values.slice()} : s)),
    zzDiagonal: a.zzDiagonal.map((d) => d.slice()),
    zzOffDiagonal: a.zzOffDiagonal.map((row) => row.map((d) => d.slice())),
    xyZ: a.xyZ.map((d) => d.slice()),
    xyXy: a.xyXy.slice()
  };
}

/**
 * The named parts of the factor's `[X y]` block, the one place that reads them out of `L.xyXy`: with
 * `px = nFixed + 1`, `L.xyXy = [R_Xᵀ 0; c_βᵀ r(θ)]` (lower triangle, row-major), where `R_X` is the fixed-effects
 * factor, `c_β` the right-hand side of `R_X β̂ = c_β` and `r(θ)` the square root of the penalized residual sum
 * of squares.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eqs. 18–21 (the blocked factor and the PLS solution).
 *
 * @example
 *   const RXt = factorRXt(L); // nFixed × nFixed, lower
 */
export function factorRXt(L: Blocked): Float64Array {
  const p = L.nFixed, px = p + 1;
  const RXt = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) RXt[a * p + b] = L.xyXy[a * px + b];
  return RXt;
}

/**
 * `c_β`, the last row of the factor's `[X y]` block before r(θ) (see {@link factorRXt}).
 *
 * @example
 *   const beta = factorCBeta(L); // then solve R_X β = c_β
 */
export function factorCBeta(L: Blocked): Float64Array {
  const p = L.nFixed, px = p + 1;
  return L.xyXy.slice(p * px, p * px + p);
}

/**
 * `r(θ)`, the last diagonal entry of the factor: r(θ)² is the penalized residual sum of squares (see
 * {@link factorRXt}).
 *
 * @example
 *   const r2 = factorR(L) ** 2;
 */
export function factorR(L: Blocked): number {
  const p = L.nFixed;
  return L.xyXy[p * (p + 1) + p];
}
