/**
 * Predictions for new data against lme4 1.1-31 (test/fixtures/predict/predict-reference.json, made by
 * make-predict-reference.R beside it): new levels predicted at the population level with allowNewLevels,
 * factors coded by the fit's levels, transforms, nesting and crossing, within 1e-4 σ; standard errors
 * conditional on θ̂ against the same quantity computed in R from lme4's own Z, Λ and X with the Matrix
 * package (lme4 1.1-31 has no se.fit), within 1e-4 relative. Then the refusals.
 */
import {readFileSync} from "node:fs";
import type {ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {predict} from "../src/predict/predict.js";
import {dataset, fitOf} from "./helpers/fits.js";

interface PredictCase {
  id: string;
  dataset: string;
  /** The data gains the grouping columns g30 = "g" + (row − 1) mod 30 and g3 = "h" + (row − 1) mod 3. */
  derive?: boolean;
  formula: string;
  sigma: number;
  newdata: Record<string, unknown>[];
  conditional: number[];
  population: number[];
  se: {rows: number[]; conditional: number[]; population: number[]};
}
const cases = JSON.parse(readFileSync(new URL("./fixtures/predict/predict-reference.json", import.meta.url), "utf8")) as PredictCase[];

/** The case's table, with its derived columns (as make-predict-reference.R derives them). */
function caseData(c: PredictCase): ColumnTable {
  const data = dataset(c.dataset);
  return c.derive ? data.derive({g30: "d => 'g' + (op.row_number() - 1) % 30", g3: "d => 'h' + (op.row_number() - 1) % 3"}) : data;
}
const derivedFits = new Map<string, LinearMixedModel>();
function caseFit(c: PredictCase): LinearMixedModel {
  if (!c.derive) return fitOf(c.dataset, c.formula);
  if (!derivedFits.has(c.id)) derivedFits.set(c.id, lmer(c.formula, caseData(c)));
  return derivedFits.get(c.id)!;
}

describe("predictions for new data match lme4", () => {
  it("the reordered cases: lme4's term order, and predicting the data gives the fitted values", () => {
    const byId = new Map(cases.map((c) => [c.id, c]));
    const m30 = caseFit(byId.get("sleepstudy-reordered-30")!);
    expect(m30.structure.frame.terms.map((t) => `${t.group}:${t.names.join(",")}`)).toEqual(["g30:(Intercept)", "Subject:Days", "Subject:(Intercept)"]);
    const m3 = caseFit(byId.get("sleepstudy-reordered-3")!);
    expect(m3.structure.frame.terms.map((t) => `${t.group}:${t.names.join(",")}`)).toEqual(["Subject:Days", "Subject:(Intercept)", "g3:(Intercept)"]);
    for (const m of [m30, m3]) {
      const data = caseData(byId.get(m === m30 ? "sleepstudy-reordered-30" : "sleepstudy-reordered-3")!);
      const {fit} = predict(m, data);
      fit.forEach((v, i) => expect(Math.abs(v - m.fitted[i])).toBeLessThan(1e-9 * Math.abs(m.fitted[i])));
    }
  });
  for (const c of cases) {
    it(c.id, () => {
      const m = caseFit(c);
      const data = caseData(c);
      const cond = predict(m, c.newdata, {data, allowNewLevels: true});
      const pop = predict(m, c.newdata, {data, re: "none"});
      const tol = 1e-4 * c.sigma;
      c.conditional.forEach((v, i) => expect(Math.abs(cond.fit[i] - v), `conditional ${i}: ${cond.fit[i]} vs ${v}`).toBeLessThan(tol));
      c.population.forEach((v, i) => expect(Math.abs(pop.fit[i] - v), `population ${i}: ${pop.fit[i]} vs ${v}`).toBeLessThan(tol));
    });
    it(`${c.id}: standard errors`, () => {
      const m = caseFit(c);
      const data = caseData(c);
      const rows = data.slice(c.se.rows[0] - 1, c.se.rows[c.se.rows.length - 1]);
      const cond = predict(m, rows, {data, seFit: true}).se!;
      const pop = predict(m, rows, {data, seFit: true, re: "none"}).se!;
      c.se.conditional.forEach((v, i) => expect(Math.abs(cond[i] - v) / v, `conditional se ${i}: ${cond[i]} vs ${v}`).toBeLessThan(1e-4));
      c.se.population.forEach((v, i) => expect(Math.abs(pop[i] - v) / v, `population se ${i}: ${pop[i]} vs ${v}`).toBeLessThan(1e-4));
    });
  }
});

describe("predict refuses, naming the problem and the fix", () => {
  const sleep = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
  const exam = fitOf("Exam", "normexam ~ standLRT + sex + schgend + (1 | school)");
  const examData = dataset("Exam");
  it("new levels of a grouping factor without allowNewLevels", () => {
    expect(() => predict(sleep, [{Days: 1, Subject: 308}, {Days: 1, Subject: 999}, {Days: 2, Subject: 1000}]))
      .toThrow(/new levels in newdata: "999", "1000" of Subject; pass allowNewLevels: true to predict them at the population level/);
  });
  it("a missing column, with the population-level hint", () => {
    expect(() => predict(sleep, [{Days: 1}])).toThrow(/newdata has no column Subject, which the model \(Reaction ~ Days \+ \(Days \| Subject\)\) uses; add it to newdata \(population-level predictions with re: "none" need only the fixed-effect columns\)/);
    expect(() => predict(sleep, [{Subject: 308}], {re: "none"})).toThrow(/newdata has no column Days, which the model/);
    expect(predict(sleep, [{Days: 1}], {re: "none"}).fit[0]).toBeCloseTo(sleep.fixef["(Intercept)"] + sleep.fixef.Days, 9);
    expect(() => predict(exam, [{standLRT: 0}], {data: examData})).toThrow(/newdata has no columns sex, schgend, school, which the model/);
  });
  it("a level of a fixed-effect factor that the fit never saw", () => {
    expect(() => predict(exam, [{standLRT: 0, sex: "X", schgend: "mixed", school: 1}], {data: examData}))
      .toThrow(/new level of sex in newdata: "X"; the fit knows only "F", "M"/);
  });
  it("a factor without the training table", () => {
    expect(() => predict(exam, [{standLRT: 0, sex: "F", schgend: "mixed", school: 1}]))
      .toThrow(/sex is a factor: pass the table the model was fitted to as data \(predict\(model, newdata, \{data\}\)\)/);
  });
  it("a training table that is not the model's", () => {
    expect(() => predict(exam, [{standLRT: 0, sex: "F", schgend: "mixed", school: 1}], {data: dataset("sleepstudy")}))
      .toThrow(/the data has 180 rows but the model was fitted to a table of 4059; pass the table the model was fitted to as data/);
    const changed = examData.objects().map((r, i) => (i === 2 ? {...(r as object), normexam: 99} : r));
    expect(() => predict(exam, [{standLRT: 0, sex: "F", schgend: "mixed", school: 1}], {data: changed}))
      .toThrow(/the data is not the table the model was fitted to: normexam is 99 in row 3/);
  });
  it("text in a numeric variable", () => {
    expect(() => predict(sleep, [{Days: "three", Subject: 308}])).toThrow(/column Days of newdata holds text \("three"\) but the model uses Days as numbers; give numbers/);
  });
  it("a missing grouping value without allowNewLevels; with it, the population level", () => {
    expect(() => predict(sleep, [{Days: 1, Subject: null}])).toThrow(/missing value of Subject in row 1 of newdata; fill it in, or pass allowNewLevels: true/);
    const {fit} = predict(sleep, [{Days: 1, Subject: null}], {allowNewLevels: true});
    expect(fit[0]).toBeCloseTo(sleep.fixef["(Intercept)"] + sleep.fixef.Days, 9);
  });
  it("a missing covariate gives NaN for that row only", () => {
    const {fit, se} = predict(sleep, [{Days: null, Subject: 308}, {Days: 2, Subject: 308}], {seFit: true});
    expect(fit[0]).toBeNaN();
    expect(se![0]).toBeNaN();
    expect(Number.isFinite(fit[1]) && Number.isFinite(se![1])).toBe(true);
  });
  it("invalid options", () => {
    expect(() => predict(sleep, [], {re: "some" as "all"})).toThrow(/invalid re: "some"; use "all" \(conditional\) or "none" \(population level\)/);
    expect(() => predict(sleep, [], {allowNewLevels: 1 as unknown as boolean})).toThrow(/invalid allowNewLevels: 1; use true or false/);
    expect(() => predict(sleep, [], {seFit: "yes" as unknown as boolean})).toThrow(/invalid seFit: "yes"; use true or false/);
  });
});
