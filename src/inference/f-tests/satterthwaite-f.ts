import {EigenvalueDecomposition, Matrix} from "ml-matrix";
import {fUpper} from "../../stats/f-distribution.js";
import {fStatisticDdf, type FTest} from "./f-test.js";
import {satterthwaiteContrast, type SatterthwaiteModel} from "../t-tests/satterthwaite.js";
import {varparCovariance} from "../../varpar/varpar-covariance.js";

const EPS = Math.sqrt(Number.EPSILON);

/**
 * Satterthwaite's F test of `Lβ = 0` (L with one or more rows over the fixed effects), as lmerTest's `contestMD`:
 * with `LCLᵀ = PDPᵀ` the eigen-decomposition of the contrast's covariance (C = Var(β̂)), the q eigenvalues above
 * √ε times the largest define q independent contrasts `l_m = p_mᵀL`; each has a t statistic `t_m = l_mβ̂/√d_m`
 * and Satterthwaite's `ν_m = 2d_m²/(g_m A g_mᵀ)`, `g_m` the gradient of `l_m C l_mᵀ` in the variance
 * parameters; then `F = Σ t_m²/q` on q and {@link fStatisticDdf}(ν) degrees of freedom. One row (or q = 1) is
 * the t test squared. Returns null when L has no rows or no direction of positive variance (lmerTest's empty
 * row).
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.1 (eqs. 5–6); Fai & Cornelius (1996),
 * J. Statist. Comput. Simul. 54, 363–378; Satterthwaite (1946), Biometrics Bulletin 2(6).
 *
 * @example
 *   satterthwaiteF(model, [[0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]]);
 *   // {sumSq: 4.00, meanSq: 2.00, numDF: 2, denDF: 254.02, F: 0.0957, p: 0.9088} (recipe in recipe * temp)
 */
export function satterthwaiteF(model: SatterthwaiteModel, L: readonly (readonly number[])[]): FTest | null {
  if (L.length === 0) return null;
  const s2 = model.sigma * model.sigma;
  const one = (row: readonly number[]): FTest => {
    const {t, df} = satterthwaiteContrast(model, row);
    const F = t * t;
    return {sumSq: F * s2, meanSq: F * s2, numDF: 1, denDF: df, F, p: fUpper(F, 1, df)};
  };
  if (L.length === 1) return one(L[0]);
  const {vcov, jacobian, covariance} = varparCovariance(model);
  const p = model.beta.length;
  const C = new Matrix(p, p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) C.set(a, b, vcov[a * p + b]);
  const Lm = new Matrix(L.map((row) => Array.from(row)));
  const VL = Lm.mmul(C).mmul(Lm.transpose());
  const e = new EigenvalueDecomposition(Matrix.add(VL, VL.transpose()).div(2), {assumeSymmetric: true});
  const order = e.realEigenvalues.map((_, i) => i).sort((a, b) => e.realEigenvalues[b] - e.realEigenvalues[a]);
  const d = order.map((i) => e.realEigenvalues[i]);
  const tol = Math.max(EPS * d[0], 0);
  const q = d.filter((v) => v > tol).length;
  if (q === 0) return null;
  const rows = order.slice(0, q).map((i) => e.eigenvectorMatrix.getColumnVector(i).transpose().mmul(Lm).to1DArray());
  if (q === 1) return one(rows[0]);
  const k = jacobian.length;
  const quad = (l: number[], M: ArrayLike<number>) => {
    let s = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += l[a] * M[a * p + b] * l[b];
    return s;
  };
  let sumT2 = 0;
  const nu = rows.map((l, m) => {
    let estimate = 0;
    for (let a = 0; a < p; a++) estimate += l[a] * model.beta[a];
    sumT2 += (estimate * estimate) / d[m];
    const g = jacobian.map((J) => quad(l, J));
    let gAg = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) gAg += g[i] * covariance[i * k + j] * g[j];
    return (2 * d[m] * d[m]) / gAg;
  });
  const F = sumT2 / q;
  const denDF = fStatisticDdf(nu);
  return {sumSq: F * s2 * q, meanSq: F * s2, numDF: q, denDF, F, p: fUpper(F, q, denDF)};
}
