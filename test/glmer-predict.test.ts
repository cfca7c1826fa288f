/**
 * predict() of glmer fits against lme4 1.1-31's predict.merMod (test/fixtures/glmer-downstream, made by
 * tools/make-glmer-downstream.R at the reference optima of test/fixtures/glmer): the first six rows of each
 * data set and a row whose grouping factors are all new levels, conditional (allow.new.levels = TRUE) and
 * at the population level (re.form = NA), on the link and response scales; and the fit's own rows.
 *
 * Tolerances: our fits reach the reference optimum to 1e-3 SE in β and 1e-3 conditional SD in the modes
 * (test/glmer-fixtures.test.ts), so a linear predictor is held to 1e-3 of its population-level SE
 * (absolute, on the link scale), and the mean to 1e-3 relative. Population-level SEs (√(xᵀVx), V = vcov(m),
 * the finite-difference Hessian's) to 1e-3 relative, the glmer fixtures' tolerance for SEs.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {predict} from "../src/predict/index.js";
import {glmer} from "../src/glmm/index.js";
import {dataset} from "./helpers/fits.js";
import {glmerFitOf, loadGlmerFixture} from "./helpers/glmer.js";

interface Downstream {
  id: string;
  predict: {
    newdata: Record<string, unknown[]>;
    link: number[]; response: number[]; link_population: number[]; response_population: number[]; se_population: number[];
    own_link_head: number[]; own_response_head: number[]; own_population_head: number[];
  };
}
const load = (id: string): Downstream => JSON.parse(readFileSync(new URL(`./fixtures/glmer-downstream/${id}.json`, import.meta.url), "utf8"));
const rows = (columns: Record<string, unknown[]>) => {
  const names = Object.keys(columns);
  return columns[names[0]].map((_, i) => Object.fromEntries(names.map((n) => [n, columns[n][i]])));
};
const maxOf = (xs: number[]) => Math.max(...xs);

describe.each(["cbpp-binomial", "grouseticks-poisson", "Mmmec-offset", "VerbAgg-crossed", "sleepstudy-gamma-log"])("predict(glmer) %s", (id) => {
  const fx = load(id);
  const m = glmerFitOf(loadGlmerFixture(id));
  const nd = rows(fx.predict.newdata);
  const se = fx.predict.se_population;
  const near = (ours: number[], ref: number[]) => maxOf(ours.map((v, i) => Math.abs(v - ref[i]) / se[i % se.length]));
  const rel = (ours: number[], ref: number[]) => maxOf(ours.map((v, i) => Math.abs(v - ref[i]) / Math.abs(ref[i])));

  it("new data, conditional with a new level, link and response scales", () => {
    expect(near(predict(m, nd, {allowNewLevels: true}).fit, fx.predict.link)).toBeLessThan(1e-3);
    expect(rel(predict(m, nd, {allowNewLevels: true, type: "response"}).fit, fx.predict.response)).toBeLessThan(1e-3);
  });

  it("new data at the population level (re.form = NA), with vcov's standard errors", () => {
    const p = predict(m, nd, {re: "none", seFit: true});
    expect(near(p.fit, fx.predict.link_population)).toBeLessThan(1e-3);
    expect(rel(p.se!, se)).toBeLessThan(1e-3);
    expect(rel(predict(m, nd, {re: "none", type: "response"}).fit, fx.predict.response_population)).toBeLessThan(1e-3);
  });

  it("the fit's own rows", () => {
    expect(rel(predict(m, undefined, {type: "response"}).fit.slice(0, 10), fx.predict.own_response_head)).toBeLessThan(1e-3);
    expect(maxOf(predict(m).fit.slice(0, 10).map((v, i) => Math.abs(v - fx.predict.own_link_head[i])))).toBeLessThan(1e-3);
    expect(rel(predict(m, undefined, {type: "response", re: "none"}).fit.slice(0, 10), fx.predict.own_population_head)).toBeLessThan(1e-3);
    expect(maxOf(predict(m).fit.slice(0, 5).map((v, i) => Math.abs(v - m.linearPredictor[i])))).toBeLessThan(1e-12);
  });

  it("refuses a new level unless allowed, naming it", () => {
    expect(() => predict(m, nd)).toThrow(/new levels in newdata: .*allowNewLevels: true/);
  });
});

describe("predict(glmer): conditional standard errors and offsets", () => {
  const m = glmerFitOf(loadGlmerFixture("cbpp-binomial"));

  it("a new level's conditional SE is the population-level one from R_X; a known level's is smaller than with its mode unknown", () => {
    const p = predict(m, [{period: 1, herd: "new"}, {period: 1, herd: 1}], {allowNewLevels: true, seFit: true});
    // the new level: σ² xᵀ(R_XᵀR_X)⁻¹x, vcovRX's
    expect(Math.abs(p.se![0] - Math.sqrt(m.vcovRX[0][0]))).toBeLessThan(1e-12);
    const sdHerd = m.varCorr[0].sdcor;
    expect(p.se![1]).toBeGreaterThan(0);
    expect(p.se![1]).toBeLessThan(Math.hypot(p.se![0], sdHerd));
  });

  it("evaluates glmer's offset argument (an expression) on new data; refuses one given as numbers", () => {
    const Mmmec = dataset("Mmmec");
    const withArgument = glmer("deaths ~ uvb + (1 | region)", Mmmec, {family: "poisson", offset: "log(expected)"});
    const inFormula = glmerFitOf(loadGlmerFixture("Mmmec-offset"));
    const nd = Mmmec.objects({limit: 4});
    const a = predict(withArgument, nd).fit, b = predict(inFormula, nd).fit;
    expect(maxOf(a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-4);
    const numbers = glmer("deaths ~ uvb + (1 | region)", Mmmec, {family: "poisson", offset: Array.from(Mmmec.array("expected") as ArrayLike<number>, Math.log)});
    expect(() => predict(numbers, nd)).toThrow(/offset was given to glmer as numbers.*offset: "log\(expected\)"/);
    expect(predict(numbers).fit.length).toBe(Mmmec.numRows());
  });

  it("glmer's offset as an expression: an unknown column and text are refused by name", () => {
    const Mmmec = dataset("Mmmec");
    expect(() => glmer("deaths ~ uvb + (1 | region)", Mmmec, {family: "poisson", offset: "log(expectd)"})).toThrow(/expectd/);
    expect(() => glmer("deaths ~ uvb + (1 | region)", Mmmec, {family: "poisson", offset: "factor(nation)"})).toThrow(/invalid offset: factor\(nation\) is not numeric/);
  });

  it("glmer's offset argument on new data: lme4's prediction with the offset added back (lme4 1.1-31 leaves it out)", () => {
    const fx = load("Mmmec-nested-offset-argument") as Downstream & {predict: {link_with_offset: number[]; link_population_with_offset: number[]}};
    const model = glmerFitOf(loadGlmerFixture("Mmmec-nested-offset-argument"));
    expect(model.offsetArgument).toBe("log(expected)");
    const nd = rows(fx.predict.newdata);
    const se = fx.predict.se_population;
    const conditional = predict(model, nd, {allowNewLevels: true}).fit;
    const population = predict(model, nd, {re: "none"}).fit;
    expect(maxOf(conditional.map((v, i) => Math.abs(v - fx.predict.link_with_offset[i]) / se[i]))).toBeLessThan(1e-3);
    expect(maxOf(population.map((v, i) => Math.abs(v - fx.predict.link_population_with_offset[i]) / se[i]))).toBeLessThan(1e-3);
  });

  it("refuses an unknown type by name", () => {
    expect(() => predict(m, undefined, {type: "probability" as never})).toThrow(/invalid type: "?probability"?; use "link"/);
  });
});
