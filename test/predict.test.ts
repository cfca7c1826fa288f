/**
 * Predictions against lme4 (`predict_conditional` and `predict_population` of every reference case, the
 * first rows of the data, within 1e-4 σ), the fit's own rows, and standard errors conditional on θ̂ against
 * a dense computation with ml-matrix (the inverse of the full mixed-model matrix, built without the
 * engine's blocked factor).
 */
import {Matrix, inverse} from "ml-matrix";
import {describe, expect, it} from "vitest";
import {templates} from "../src/lmm/lambda.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {predict} from "../src/predict/predict.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {fitReferences} from "./helpers/reference.js";

describe("predictions match lme4 on the first rows of the data", () => {
  for (const ref of fitReferences()) {
    it(ref.id, () => {
      const m = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const data = dataset(ref.dataset);
      const first = data.slice(0, ref.predict_conditional.length);
      const cond = predict(m, first, {data});
      const pop = predict(m, first, {data, re: "none"});
      const tol = 1e-4 * ref.sigma;
      ref.predict_conditional.forEach((v, i) => expect(Math.abs(cond.fit[i] - v), `conditional ${i}: ${cond.fit[i]} vs ${v}`).toBeLessThan(tol));
      ref.predict_population.forEach((v, i) => expect(Math.abs(pop.fit[i] - v), `population ${i}: ${pop.fit[i]} vs ${v}`).toBeLessThan(tol));
    });
  }
});

describe("predicting the fit's own rows", () => {
  it("without newdata: the fitted values", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const {fit} = predict(m);
    fit.forEach((v, i) => expect(v).toBeCloseTo(m.fitted[i], 9));
  });
  it("with the training table as newdata: the fitted values (factors, nesting, transforms)", () => {
    for (const [name, f] of [
      ["Exam", "normexam ~ standLRT + sex + schgend + (1 | school)"],
      ["Pastes", "strength ~ 1 + (1 | batch/cask)"],
      ["cake", "angle ~ recipe * temp + (1 | recipe:replicate)"],
      ["Produc", "log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp + (1 | region/state)"],
      ["sleepstudy", "Reaction ~ factor(Days) + (1 | Subject)"],
      ["sleepstudy", "log(Reaction) ~ Days + I(Days^2) + (Days || Subject)"],
      ["Exam", "normexam ~ standLRT + schgend + (0 + sex | school)"],
      ["Exam", "normexam ~ standLRT * sex + vr + (1 + standLRT | school)"],
      ["voteincome", "income ~ education + offset(age / 10) + (1 | state)"],
      ["cake", "angle ~ recipe + temp + (1 | replicate) + (1 | recipe:replicate)"]
    ]) {
      const m = fitOf(name, f);
      const data = dataset(name);
      const {fit} = predict(m, data, {data});
      let worst = 0;
      fit.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - m.fitted[i]))));
      expect(worst, f).toBeLessThan(1e-9 * (1 + Math.abs(m.fitted[0])));
    }
  });
});

/**
 * The dense conditional covariance of (u, β) given θ̂: σ̂² C⁻¹ with
 * C = [ΛᵀZᵀZΛ + I, ΛᵀZᵀX; XᵀZΛ, XᵀX], built from the frame's Z and X with ml-matrix.
 */
function denseJoint(m: LinearMixedModel): {C: Matrix; Lambda: Matrix; q: number} {
  const frame = m.structure.frame;
  const n = frame.n, p = frame.X.length;
  const q = frame.terms.reduce((s, t) => s + t.p * t.levels.length, 0);
  const Z = Matrix.zeros(n, q);
  const Lambda = Matrix.zeros(q, q);
  const T = templates(m.structure.A.sizes, m.theta);
  let offset = 0;
  frame.terms.forEach((t, k) => {
    for (let i = 0; i < n; i++) for (let c = 0; c < t.p; c++) Z.set(i, offset + t.refs[i] * t.p + c, t.Z[i * t.p + c]);
    for (let h = 0; h < t.levels.length; h++) {
      for (let r = 0; r < t.p; r++) for (let c = 0; c <= r; c++) Lambda.set(offset + h * t.p + r, offset + h * t.p + c, T[k][r * t.p + c]);
    }
    offset += t.p * t.levels.length;
  });
  const X = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) X.set(i, a, frame.X[a][i]);
  const ZL = Z.mmul(Lambda);
  const W = new Matrix(n, q + p);
  W.setSubMatrix(ZL, 0, 0);
  W.setSubMatrix(X, 0, q);
  const C = W.transpose().mmul(W);
  for (let j = 0; j < q; j++) C.set(j, j, C.get(j, j) + 1);
  return {C, Lambda, q};
}

describe("standard errors conditional on θ̂", () => {
  const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
  const data = dataset("sleepstudy");
  const {C, Lambda, q} = denseJoint(m);
  const Cinv = inverse(C);
  const s2 = m.sigma * m.sigma;
  const subjects = m.structure.frame.terms[0].levels;
  /** σ̂² gᵀ C⁻¹ g with g = [Λᵀz; x] for a row (Days d, subject level h, or none). */
  const dense = (d: number, h: number | null) => {
    const z = Matrix.zeros(q, 1);
    if (h !== null) (z.set(2 * h, 0, 1), z.set(2 * h + 1, 0, d));
    const g = Matrix.zeros(q + 2, 1);
    g.setSubMatrix(Lambda.transpose().mmul(z), 0, 0);
    g.set(q, 0, 1);
    g.set(q + 1, 0, d);
    return Math.sqrt(s2 * g.transpose().mmul(Cinv).mmul(g).get(0, 0));
  };
  const rows = [{Days: 0, Subject: 308}, {Days: 4.5, Subject: 335}, {Days: 9, Subject: 372}, {Days: 12, Subject: 999}];
  it("conditional: the dense σ̂² [Λᵀz; x]ᵀ C⁻¹ [Λᵀz; x] (1e-9 relative)", () => {
    const {se} = predict(m, rows, {seFit: true, allowNewLevels: true});
    rows.forEach((r, i) => {
      const h = subjects.indexOf(String(r.Subject));
      const want = dense(r.Days, h < 0 ? null : h);
      expect(Math.abs(se![i] - want) / want, `row ${i}`).toBeLessThan(1e-9);
    });
  });
  it("population level and new levels: √(xᵀ Var(β̂) x)", () => {
    const {se} = predict(m, rows, {seFit: true, re: "none"});
    const withNew = predict(m, rows, {seFit: true, allowNewLevels: true}).se!;
    rows.forEach((r, i) => {
      const V = m.vcov;
      const want = Math.sqrt(V[0][0] + 2 * r.Days * V[0][1] + r.Days * r.Days * V[1][1]);
      expect(se![i]).toBeCloseTo(want, 9);
      expect(Math.abs(dense(r.Days, null) - want) / want).toBeLessThan(1e-9);
    });
    expect(withNew[3]).toBeCloseTo(se![3], 9);
  });
  it("the fit's own rows: below the population-level errors where the group is informative", () => {
    const own = predict(m, undefined, {seFit: true}).se!;
    expect(own).toHaveLength(180);
    const first = predict(m, data.slice(0, 10), {seFit: true}).se!;
    first.forEach((v, i) => expect(v).toBeCloseTo(own[i], 10));
  });
});

describe("crossed and nested terms: standard errors against the dense computation", () => {
  for (const [name, f] of [
    ["Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)"],
    ["Pastes", "strength ~ 1 + (1 | batch/cask)"],
    ["Exam", "normexam ~ standLRT + (1 | school) + (1 | intake) + (1 | vr)"]
  ]) {
    it(`${name}: ${f}`, () => {
      const m = fitOf(name, f);
      const {C, Lambda} = denseJoint(m);
      const Cinv = inverse(C);
      const frame = m.structure.frame;
      const data = dataset(name);
      const {se} = predict(m, data.slice(0, 6), {seFit: true, data});
      const q = Lambda.rows;
      for (let i = 0; i < 6; i++) {
        const z = Matrix.zeros(q, 1);
        let offset = 0;
        for (const t of frame.terms) {
          z.set(offset + t.refs[i], 0, 1);
          offset += t.levels.length;
        }
        const p = frame.X.length;
        const g = Matrix.zeros(q + p, 1);
        g.setSubMatrix(Lambda.transpose().mmul(z), 0, 0);
        for (let a = 0; a < p; a++) g.set(q + a, 0, frame.X[a][i]);
        const want = Math.sqrt(m.sigma ** 2 * g.transpose().mmul(Cinv).mmul(g).get(0, 0));
        expect(Math.abs(se![i] - want) / want).toBeLessThan(1e-9);
      }
    });
  }
});
