import {CholeskyDecomposition, Matrix} from "ml-matrix";
import {fail} from "../errors.js";
import {templates} from "../lmm/lambda.js";
import {pseudoInverse, PBKRTEST_RULE} from "../numeric/pseudo-inverse.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {denseGram} from "./dense-gram.js";

/** The parts of a fitted model Kenward–Roger's adjustment reads. */
export type KenwardRogerModel = Pick<LinearMixedModel, "structure" | "theta" | "sigma" | "REML" | "beta" | "fixefNames" | "vcov">;

/** Kenward–Roger's adjusted covariance of β̂ and what its degrees of freedom need. */
export interface KenwardRogerCovariance {
  /** Φ = Var(β̂) = σ̂² (R_XᵀR_X)⁻¹, p × p. */
  vcov: Matrix;
  /** Φ_A = Φ + 2 Φ Λ Φ, the adjusted covariance of β̂ (pbkrtest's `vcovAdj`), p × p. */
  adjusted: Matrix;
  /** `P_r = −Xᵀ Σ⁻¹ G_r Σ⁻¹ X`, one p × p matrix per variance parameter (the residual variance last). */
  P: Matrix[];
  /** W, the inverse of the expected REML information of the variance parameters. */
  W: Matrix;
}

/** The largest number of random effects for which the dense q × q algebra below is done. */
export const KENWARD_ROGER_MAX_Q = 2000;

const cache = new WeakMap<object, KenwardRogerCovariance>();

/**
 * Kenward and Roger's small-sample adjustment of Var(β̂) for a REML fit. The marginal covariance is linear in
 * the variance parameters σ_r (the entries of each term's covariance matrix, then the residual variance):
 * `Σ = Σ_r σ_r G_r` with `G_r = Z E_r Zᵀ` (E_r picks entries (a, b) and (b, a) of one term's covariance in
 * every level) and `G = I` for the residual. With `Φ = (XᵀΣ⁻¹X)⁻¹`,
 *
 * - `P_r = −XᵀΣ⁻¹G_rΣ⁻¹X`, `Q_rs = XᵀΣ⁻¹G_rΣ⁻¹G_sΣ⁻¹X`;
 * - the expected REML information `I_rs = ½ tr(Σ⁻¹G_rΣ⁻¹G_s) − tr(ΦQ_rs) + ½ tr(ΦP_rΦP_s)` and `W = I⁻¹`
 *   (a pseudo-inverse when its smallest eigenvalue in absolute value is at most 1e-10, as pbkrtest);
 * - `Λ = Σ_rs W_rs (Q_rs − P_rΦP_s)` (the second derivatives of Σ vanish) and `Φ_A = Φ + 2ΦΛΦ`.
 *
 * Nothing n × n is formed: with `Σ = σ²(I + ZΛ_θΛ_θᵀZᵀ)`, Woodbury's identity gives `Σ⁻¹ = σ⁻² S` with
 * `S = I − Z V Zᵀ`, `V = Λ_θ(I + Λ_θᵀZᵀZΛ_θ)⁻¹Λ_θᵀ`, and every product above is a block of
 * `[Z X]ᵀ Sᵏ [Z X]` (k = 1, 2, 3), computed from the cross-products `[Z X]ᵀ[Z X]` and dense q × q algebra
 * (models with at most {@link KENWARD_ROGER_MAX_Q} random effects). Computed once per model and cached.
 *
 * Reference: Kenward & Roger (1997), "Small sample inference for fixed effects from restricted maximum
 * likelihood", Biometrics 53(3), 983–997, §2–3; Halekoh & Højsgaard (2014), "A Kenward–Roger approximation and
 * parametric bootstrap methods for tests in linear mixed models – the R package pbkrtest", JSS 59(9), §3–4;
 * Henderson & Searle (1981), SIAM Review 23(1) (the Woodbury identity).
 *
 * @example
 *   const {adjusted} = kenwardRogerCovariance(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy));
 *   Math.sqrt(adjusted.get(1, 1)); // 1.546 (lmerTest's Kenward–Roger standard error of Days)
 */
export function kenwardRogerCovariance(model: KenwardRogerModel): KenwardRogerCovariance {
  const hit = cache.get(model);
  if (hit) return hit;
  const {frame} = model.structure;
  if (!model.REML) fail("Kenward-Roger's method is only available for REML fits; refit with REML: true (the default) or use Satterthwaite's df");
  if (frame.weights) fail("Kenward-Roger's method does not support prior weights here; fit without weights or use Satterthwaite's df");
  if (model.structure.residual) fail("Kenward-Roger's method is not available for a model with a residual structure (it forms the covariance with R = σ²I); use Satterthwaite's df");
  const {q, p, offsets, gram} = denseGram(frame);
  if (q > KENWARD_ROGER_MAX_Q) {
    fail(`Kenward-Roger's method needs dense q × q matrices of the random effects and this model has q = ${q} (at most ${KENWARD_ROGER_MAX_Q}); use Satterthwaite's df`);
  }
  const s2 = model.sigma * model.sigma;

  // V = Λ (I + ΛᵀAΛ)⁻¹ Λᵀ with A = ZᵀZ
  const lambda = new Matrix(q, q);
  const T = templates(model.structure.A.sizes, model.theta);
  frame.terms.forEach((t, i) => {
    for (let g = 0; g < t.levels.length; g++) {
      const o = offsets[i] + g * t.p;
      for (let a = 0; a < t.p; a++) for (let b = 0; b <= a; b++) lambda.set(o + a, o + b, T[i][a * t.p + b]);
    }
  });
  const A = gram.subMatrix(0, q - 1, 0, q - 1);
  const M = lambda.transpose().mmul(A).mmul(lambda).add(Matrix.eye(q));
  const V = lambda.mmul(new CholeskyDecomposition(symmetrize(M)).solve(lambda.transpose()));

  // [Z X]ᵀ Sᵏ [Z X] from G0 = [Z X]ᵀ[Z X] and T = Zᵀ[Z X]: with Y = V T,
  // S¹: G0 − TᵀY;  S²: G0 − 2TᵀY + YᵀAY;  S³: G0 − 3TᵀY + 3YᵀAY − (AY)ᵀV(AY)
  const Tz = gram.subMatrix(0, q - 1, 0, q + p - 1);
  const Y = V.mmul(Tz);
  const TY = Tz.transpose().mmul(Y);
  const AY = A.mmul(Y);
  const YAY = Y.transpose().mmul(AY);
  const S1 = Matrix.sub(gram, TY).div(s2);
  const S2 = Matrix.sub(gram, Matrix.mul(TY, 2)).add(YAY).div(s2 * s2);
  const AYx = AY.subMatrix(0, q - 1, q, q + p - 1);
  const X3 = Matrix.sub(gram, Matrix.mul(TY, 3)).add(Matrix.mul(YAY, 3)).subMatrix(q, q + p - 1, q, q + p - 1).sub(AYx.transpose().mmul(V).mmul(AYx)).div(s2 * s2 * s2);
  const K = S1.subMatrix(0, q - 1, 0, q - 1); // ZᵀΣ⁻¹Z
  const U = S1.subMatrix(0, q - 1, q, q + p - 1); // ZᵀΣ⁻¹X
  const K2 = S2.subMatrix(0, q - 1, 0, q - 1); // ZᵀΣ⁻²Z
  const U2 = S2.subMatrix(0, q - 1, q, q + p - 1); // ZᵀΣ⁻²X
  const X2 = S2.subMatrix(q, q + p - 1, q, q + p - 1); // XᵀΣ⁻²X
  const VA = V.mmul(A);
  let traceVA = 0, traceVAVA = 0;
  for (let a = 0; a < q; a++) {
    traceVA += VA.get(a, a);
    for (let b = 0; b < q; b++) traceVAVA += VA.get(a, b) * VA.get(b, a);
  }
  const traceS2 = (frame.n - 2 * traceVA + traceVAVA) / (s2 * s2); // tr(Σ⁻²)

  // the variance parameters: E_r as lists of (row, column) pairs of ones; the residual variance last
  const pairs: Int32Array[] = [];
  frame.terms.forEach((t, i) => {
    for (let c = 0; c < t.p; c++) {
      for (let r = c; r < t.p; r++) {
        const out: number[] = [];
        for (let g = 0; g < t.levels.length; g++) {
          const o = offsets[i] + g * t.p;
          out.push(o + r, o + c);
          if (r !== c) out.push(o + c, o + r);
        }
        pairs.push(Int32Array.from(out));
      }
    }
  });
  const R = pairs.length;
  const k = R + 1;
  const EU = pairs.map((e) => pickRows(e, U));
  const KEU = EU.map((m) => K.mmul(m));

  const phi = new Matrix(model.vcov);
  const P: Matrix[] = [...EU.map((m) => U.transpose().mmul(m).mul(-1)), Matrix.mul(X2, -1)];
  const Q = (r: number, s: number): Matrix => {
    if (r < R && s < R) return EU[r].transpose().mmul(KEU[s]);
    if (r < R) return EU[r].transpose().mmul(U2);
    if (s < R) return U2.transpose().mmul(EU[s]);
    return X3;
  };
  const traceGG = (r: number, s: number): number => {
    if (r < R && s < R) return pairTrace(pairs[r], pairs[s], K);
    if (r < R || s < R) {
      const e = pairs[r < R ? r : s];
      let t = 0;
      for (let j = 0; j < e.length; j += 2) t += K2.get(e[j + 1], e[j]);
      return t;
    }
    return traceS2;
  };

  const phiP = P.map((m) => phi.mmul(m));
  const info = new Matrix(k, k); // twice the expected REML information
  const Qs: Matrix[][] = [];
  for (let r = 0; r < k; r++) {
    Qs.push([]);
    for (let s = 0; s < k; s++) {
      const Qrs = s >= r ? Q(r, s) : Qs[s][r].transpose();
      Qs[r].push(Qrs);
      if (s < r) continue;
      const v = traceGG(r, s) - 2 * traceProduct(phi, Qrs) + traceProduct(phiP[r], phiP[s]);
      info.set(r, s, v);
      info.set(s, r, v);
    }
  }
  const W = Matrix.from1DArray(k, k, pseudoInverse(info.to1DArray(), k, PBKRTEST_RULE).inverse).mul(2);
  const adjustment = new Matrix(p, p);
  for (let r = 0; r < k; r++) {
    for (let s = 0; s < k; s++) adjustment.add(Matrix.sub(Qs[r][s], P[r].mmul(phi).mmul(P[s])).mul(W.get(r, s)));
  }
  const adjusted = Matrix.add(phi, phi.mmul(adjustment).mmul(phi).mul(2));
  const out = {vcov: phi, adjusted: symmetrize(adjusted), P, W};
  cache.set(model, out);
  return out;
}

/** `E M` for E given as (row, column) pairs of ones: row a of the result sums the rows b of M paired with a. */
function pickRows(e: Int32Array, M: Matrix): Matrix {
  const out = new Matrix(M.rows, M.columns);
  for (let j = 0; j < e.length; j += 2) {
    const a = e[j], b = e[j + 1];
    for (let c = 0; c < M.columns; c++) out.set(a, c, out.get(a, c) + M.get(b, c));
  }
  return out;
}

/** `tr(E_r K E_s K) = Σ_{(a,b) ∈ E_r} Σ_{(c,d) ∈ E_s} K[b,c] K[d,a]` for symmetric K. */
function pairTrace(er: Int32Array, es: Int32Array, K: Matrix): number {
  let t = 0;
  for (let i = 0; i < er.length; i += 2) {
    const a = er[i], b = er[i + 1];
    for (let j = 0; j < es.length; j += 2) t += K.get(b, es[j]) * K.get(es[j + 1], a);
  }
  return t;
}

/** `tr(A B)` without forming the product. */
function traceProduct(A: Matrix, B: Matrix): number {
  let t = 0;
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.columns; j++) t += A.get(i, j) * B.get(j, i);
  return t;
}

/** `(M + Mᵀ)/2`. */
function symmetrize(M: Matrix): Matrix {
  return Matrix.add(M, M.transpose()).div(2);
}
