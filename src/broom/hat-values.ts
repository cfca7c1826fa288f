import {fail} from "../errors.js";
import {solveLower} from "../linalg/triangular.js";
import {templates} from "../lmm/lambda.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {restInverseColumns} from "../lmm/solution.js";

/** The parts of a fitted model that its leverages read. */
export type HatModel = Pick<LinearMixedModel, "L" | "theta" | "structure" | "evaluator">;

/**
 * The leverages of a linear mixed model, lme4's `hatvalues(m)`: the diagonal of the hat matrix
 * `H = W^½ [ZΛ X] C⁻¹ [ZΛ X]ᵀ W^½` that maps y to the fitted values, one per row used. C = L Lᵀ is the
 * matrix of the penalized least-squares system (see `linearPredictorVariance`), so for row i with
 * `vᵢ = [Λᵀzᵢ; xᵢ]`, `hᵢ = wᵢ ‖L⁻¹vᵢ‖²`, computed without any n × n matrix:
 *
 * Write L = [L₀ 0 0; B R 0; X₀ X_R R_Xᵀ] (term 0, the terms after it, the fixed effects). Then
 * `w₀ = L₀⁻¹a` for the row's level of term 0 (one p₀ × p₀ block), `t = s − B w₀` (s: the row's Λᵀz in the
 * later terms; t is sparse: the row's own levels and the blocks of B in the column of its term-0 level),
 * `‖R⁻¹t‖² = tᵀ G t` with `G = R⁻ᵀR⁻¹`, and `w_β = (R_Xᵀ)⁻¹(x − X₀w₀ − K t)` with `K = X_R R⁻¹`;
 * `hᵢ = wᵢ (‖w₀‖² + tᵀGt + ‖w_β‖²)`.
 * G and K are formed once from R⁻¹ (the same dense inverse the conditional variances of `ranef` use, Q³/6
 * flops for the Q random effects after term 0), after which each row costs the square of the number of
 * nonzeros of t.
 *
 * Reference: lme4's `hatvalues.merMod` (Bates et al. 2015, JSS 67(1), §5 and eqs. 18–22); Golub & Van Loan
 * (2013), §3.1 (block forward substitution).
 *
 * @example
 *   hatValues(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy))[0]; // 0.2293040
 */
export function hatValues(model: HatModel): Float64Array {
  if (model.structure.residual) fail("hat values of a model with a residual structure are not available yet (they need the structure's whitened rows)");
  const {L} = model;
  const frame = model.structure.frame;
  const {sizes, nFixed: p} = L;
  const {n, X, weights} = frame;
  const k = sizes.length;
  const T = templates(sizes, model.theta);
  const RXt = model.evaluator.rXt();
  const p0 = sizes[0].p, q0 = sizes[0].q;

  const offsets: number[] = [0];
  let Q = 0;
  for (let i = 1; i < k; i++) (offsets[i] = Q), (Q += sizes[i].q);
  const {G, K} = restGram(model, offsets, Q);

  const out = new Float64Array(n);
  const a0 = new Float64Array(p0);
  const t = new Float64Array(Q);
  const mark = new Uint8Array(Q);
  const index: number[] = [];
  const wb = new Float64Array(p);
  const lambdaZ = (term: number, r: number, c: number) => {
    const pi = sizes[term].p, Ti = T[term], Z = frame.terms[term].Z;
    let s = 0;
    for (let rr = c; rr < pi; rr++) s += Ti[rr * pi + c] * Z[r * pi + rr];
    return s;
  };
  const touch = (c: number) => {
    if (!mark[c]) (mark[c] = 1), index.push(c);
  };
  for (let r = 0; r < n; r++) {
    const g = frame.terms[0].refs[r];
    for (let c = 0; c < p0; c++) a0[c] = lambdaZ(0, r, c);
    solveLower(L.zzFirst, p0, a0, g * p0 * p0, 0);
    let ss = 0;
    for (let c = 0; c < p0; c++) ss += a0[c] * a0[c];

    for (let i = 1; i < k; i++) {
      const pi = sizes[i].p, base = offsets[i] + frame.terms[i].refs[r] * pi;
      for (let c = 0; c < pi; c++) {
        touch(base + c);
        t[base + c] += lambdaZ(i, r, c);
      }
      const S = L.zzBelowFirst[i], bs = S.pr * S.pc;
      for (let b = S.colPtr[g]; b < S.colPtr[g + 1]; b++) {
        const rowBase = offsets[i] + S.rowLevel[b] * S.pr;
        for (let rr = 0; rr < S.pr; rr++) {
          let s = 0;
          for (let m = 0; m < p0; m++) s += S.values[b * bs + rr * p0 + m] * a0[m];
          touch(rowBase + rr);
          t[rowBase + rr] -= s;
        }
      }
    }
    for (const c of index) {
      const Gc = c * Q;
      let s = 0;
      for (const d of index) s += G[Gc + d] * t[d];
      ss += t[c] * s;
    }
    for (let a = 0; a < p; a++) {
      let s = X[a][r];
      for (let m = 0; m < p0; m++) s -= L.xyZ[0][a * q0 + g * p0 + m] * a0[m];
      for (const c of index) s -= K[a * Q + c] * t[c];
      wb[a] = s;
    }
    solveLower(RXt, p, wb);
    for (let a = 0; a < p; a++) ss += wb[a] * wb[a];
    out[r] = (weights ? weights[r] : 1) * ss;
    for (const c of index) (t[c] = 0), (mark[c] = 0);
    index.length = 0;
  }
  return out;
}

/**
 * `G = R⁻ᵀR⁻¹` (Q × Q, full) and `K = X_R R⁻¹` (p × Q), R the dense factor of the random-effects terms after
 * the first and X_R the fixed-effect rows of L against them.
 */
function restGram(model: HatModel, offsets: number[], Q: number): {G: Float64Array; K: Float64Array} {
  const {L} = model;
  const {sizes, nFixed: p} = L;
  if (Q === 0) return {G: new Float64Array(0), K: new Float64Array(0)};
  // row c of Rinv holds column c of R⁻¹ (zero before position c)
  const Rinv = restInverseColumns(L, offsets, Q);
  const G = new Float64Array(Q * Q);
  for (let a = 0; a < Q; a++) {
    const ra = Rinv.subarray(a * Q, (a + 1) * Q);
    for (let b = a; b < Q; b++) {
      const rb = Rinv.subarray(b * Q, (b + 1) * Q);
      let s = 0;
      for (let m = b; m < Q; m++) s += ra[m] * rb[m];
      G[a * Q + b] = s;
      G[b * Q + a] = s;
    }
  }
  const XR = new Float64Array(p * Q);
  for (let i = 1; i < sizes.length; i++) {
    const qi = sizes[i].q, Lx = L.xyZ[i];
    for (let a = 0; a < p; a++) for (let c = 0; c < qi; c++) XR[a * Q + offsets[i] + c] = Lx[a * qi + c];
  }
  const K = new Float64Array(p * Q);
  for (let c = 0; c < Q; c++) {
    const col = Rinv.subarray(c * Q, (c + 1) * Q);
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let m = c; m < Q; m++) s += XR[a * Q + m] * col[m];
      K[a * Q + c] = s;
    }
  }
  return {G, K};
}

/**
 * Cook's distances of a linear mixed model as lme4's `cooks.distance(m)`: `Dᵢ = (rᵢ/(1 − hᵢ))² hᵢ/(σ̂² p)`,
 * rᵢ the Pearson residual √wᵢ (yᵢ − ŷᵢ), hᵢ the leverage ({@link hatValues}), p the rank of X; an infinite
 * value (hᵢ = 1) is NaN, as in lme4. One per row used.
 *
 * Reference: Cook (1977), Technometrics 19, 15–18; lme4's `cooks.distance.merMod`.
 *
 * @example
 *   cooksDistance(model, hatValues(model))[0]; // 0.004963133
 */
export function cooksDistance(model: HatModel & Pick<LinearMixedModel, "usedResiduals" | "sigma" | "fixefNames">, hat: Float64Array): Float64Array {
  const {weights} = model.structure.frame;
  const p = model.fixefNames.length;
  const s2 = model.sigma * model.sigma;
  return hat.map((h, r) => {
    const e = model.usedResiduals[r] * (weights ? Math.sqrt(weights[r]) : 1) / (1 - h);
    const d = (e * e * h) / (s2 * p);
    return Number.isFinite(d) ? d : NaN;
  });
}
