/**
 * Block storage for the cross-products of `[Z₁ … Z_k X y]` and for their Cholesky factor.
 *
 * The first random-effects term (the one with most levels) has a block-diagonal diagonal block: one
 * `p₀ × p₀` block per level. Blocks below it (term i against term 0) are block-sparse by the levels of
 * term 0 ({@link BlockSparse}). Every other random-effects block is dense, row-major; the rows of `[X y]`
 * against a term are dense `(p + 1) × q` matrices.
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

/** A blocked symmetric matrix (lower blocks) of the shape above: the cross-products or their factor. */
export interface Blocked {
  sizes: TermSize[];
  /** Number of fixed-effect columns; the `[X y]` block has `p + 1` rows. */
  p: number;
  /** Term 0's diagonal: `l₀` blocks of `p₀ × p₀`. */
  diag0: Float64Array;
  /** For i ≥ 1, the block (i, 0); index 0 unused. */
  sparse0: BlockSparse[];
  /**
   * For i ≥ 1, the diagonal block; index 0 unused. In the cross-products it is block diagonal (`lᵢ` blocks of
   * `pᵢ × pᵢ`, as `diag0`); in the factor it is dense `qᵢ × qᵢ` (lower triangle used).
   */
  diag: Float64Array[];
  /** `dense[i][j]` for 1 ≤ j < i: the dense `qᵢ × q_j` block. */
  dense: Float64Array[][];
  /** `xz[j]`: the `(p + 1) × q_j` block of `[X y]` rows against term j. */
  xz: Float64Array[];
  /** The `(p + 1) × (p + 1)` block of `[X y]` (lower triangle used). */
  xx: Float64Array;
}

/** A copy with fresh value arrays and the same structure. */
export function cloneBlocked(a: Blocked): Blocked {
  return {
    sizes: a.sizes,
    p: a.p,
    diag0: a.diag0.slice(),
    sparse0: a.sparse0.map((s) => (s ? {...s, values: s.values.slice()} : s)),
    diag: a.diag.map((d) => d.slice()),
    dense: a.dense.map((row) => row.map((d) => d.slice())),
    xz: a.xz.map((d) => d.slice()),
    xx: a.xx.slice()
  };
}
