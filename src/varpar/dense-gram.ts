import {Matrix} from "ml-matrix";
import {requireRows, type ModelFrame} from "../frame/frame.js";

/** The cross-products of `[Z X]` as one dense matrix, with the layout of Z's columns. */
export interface DenseGram {
  /** Number of random effects: Σ pᵢ lᵢ over the terms. */
  q: number;
  /** Number of fixed-effect columns. */
  p: number;
  /** The first column of each term in Z: term i, level g, component a is column `offsets[i] + g pᵢ + a`. */
  offsets: number[];
  /** `[Z X]ᵀ[Z X]`, (q + p) × (q + p): ZᵀZ, ZᵀX, XᵀZ and XᵀX. */
  gram: Matrix;
}

/**
 * The unweighted cross-products `[Z X]ᵀ[Z X]` of a model frame as one dense symmetric matrix, Z's columns in
 * lme4's order (by term, then level, then component, as Λ repeats each term's template per level). Each row
 * of `[Z X]` has Σpᵢ + p nonzeros, so the cost is O(n (Σpᵢ + p)²) plus the (q + p)² storage: for the small
 * models where dense random-effects algebra is affordable (Kenward–Roger's adjustment).
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 (the cross-products of `[Z X]`).
 *
 * @example
 *   denseGram(model.structure.frame).gram.get(0, 0); // rows of the first level of the first term (sleepstudy: 10)
 */
export function denseGram(frame: Pick<ModelFrame, "n" | "X" | "terms" | "aggregated">): DenseGram {
  requireRows(frame, "Kenward and Roger's method (the dense Gram matrix of [Z X])");
  const {n, terms, X} = frame;
  const offsets: number[] = [];
  let q = 0;
  for (const t of terms) {
    offsets.push(q);
    q += t.p * t.levels.length;
  }
  const p = X.length;
  const k = terms.reduce((s, t) => s + t.p, 0) + p;
  const gram = new Matrix(q + p, q + p);
  const cols = new Int32Array(k);
  const vals = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    let m = 0;
    terms.forEach((t, i) => {
      const first = offsets[i] + t.refs[r] * t.p;
      for (let a = 0; a < t.p; a++) {
        cols[m] = first + a;
        vals[m++] = t.Z[r * t.p + a];
      }
    });
    for (let a = 0; a < p; a++) {
      cols[m] = q + a;
      vals[m++] = X[a][r];
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) gram.set(cols[a], cols[b], gram.get(cols[a], cols[b]) + vals[a] * vals[b]);
    }
  }
  return {q, p, offsets, gram};
}
