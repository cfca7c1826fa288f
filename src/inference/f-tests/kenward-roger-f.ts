import {Matrix, SingularValueDecomposition, inverse, solve} from "ml-matrix";
import {fUpper} from "../../stats/f-distribution.js";
import type {FTest} from "./f-test.js";
import {kenwardRogerCovariance, type KenwardRogerModel} from "../../varpar/kenward-roger-covariance.js";
import {kenwardRogerMoments} from "../../varpar/kenward-roger-moments.js";

/**
 * The Kenward–Roger F test of `Lβ = 0`, as lmerTest's `contestMD(m, L, ddf = "Kenward-Roger")` (pbkrtest's
 * `KRmodcomp`): L reduced to an orthonormal basis of its rows when they are dependent; the Wald statistic with
 * the adjusted covariance Φ_A, `F₀ = (Lβ̂)ᵀ(LΦ_ALᵀ)⁻¹(Lβ̂)/q`; the F value `λF₀` on q and m degrees of freedom
 * ({@link kenwardRogerMoments}); `meanSq = F₀σ̂²`, `sumSq = q·meanSq`. REML fits only. Returns null when L has
 * no rows.
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3), 983–997; Halekoh & Højsgaard (2014), JSS 59(9), §3–4;
 * Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.2.
 *
 * @example
 *   // schgend in normexam ~ standLRT + sex + schgend + (1 | school), Exam
 *   kenwardRogerF(model, [[0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]);
 *   // {sumSq: 2.54, meanSq: 1.27, numDF: 2, denDF: 66.5, F: 2.2593, p: 0.1124}
 */
export function kenwardRogerF(model: KenwardRogerModel, L: readonly (readonly number[])[]): FTest | null {
  if (L.length === 0) return null;
  const kr = kenwardRogerCovariance(model);
  const rows = fullRowRank(L);
  const {q, ddf, scaling} = kenwardRogerMoments(kr, rows);
  const Lm = new Matrix(rows);
  const Lb = Lm.mmul(Matrix.columnVector(Array.from(model.beta)));
  const wald = Lb.transpose().mmul(solve(Lm.mmul(kr.adjusted).mmul(Lm.transpose()), Lb)).get(0, 0);
  const F0 = wald / q;
  const meanSq = F0 * model.sigma * model.sigma;
  const F = F0 * scaling;
  return {sumSq: meanSq * q, meanSq, numDF: q, denDF: ddf, F, p: fUpper(F, q, ddf)};
}

/**
 * L's rows, or an orthonormal basis of them when they are dependent (rank by the singular values above
 * max(rows, columns)·ε times the largest, as Matrix's `rankMatrix`).
 */
function fullRowRank(L: readonly (readonly number[])[]): number[][] {
  const rows = L.map((row) => Array.from(row));
  const svd = new SingularValueDecomposition(new Matrix(rows), {autoTranspose: true});
  const s = svd.diagonal;
  const tol = Math.max(rows.length, rows[0].length) * Number.EPSILON * Math.max(...s);
  const rank = s.filter((v) => v > tol).length;
  if (rank === rows.length) return rows;
  return Array.from({length: rank}, (_, k) => svd.rightSingularVectors.getColumn(k));
}
