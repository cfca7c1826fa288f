/**
 * lmerTest's single-model ANOVA table, anova(m) of lmerTest 3.1-3 with pbkrtest 0.5.2
 * (test/fixtures/inference/f-tests.json, made by tools/make-f-tests.R): 30 fits (cake with recipe * factor(temp),
 * recipe * temp by REML and ML, recipe / temp and a model without intercept; Exam with factors, and with
 * standLRT * sex + sex * vr and a random slope, with an aliased term; sleepstudy by REML and ML; rank-deficient
 * designs: an interaction without its main effects, one with one margin, a factor left with one of two
 * columns, a three-way interaction without its two-way margins, empty cells in cake's recipe × temperature,
 * Exam's sex × type and sex × vr × type (rows left out); weighted fits by REML and ML; three-way interactions;
 * covariates transformed in the formula; models without intercept with several factors, factors shared by
 * interactions), each with types III, II and I, by Satterthwaite's df and (REML fits
 * without weights) Kenward-Roger's. Every number to relative 1e-3 (p-values too, unless R's is 0), at lme4's
 * θ̂ and at ours; the hypothesis matrices; the printed table; the F distribution; the refusals; the CLI.
 */
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {table, type ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {doolittleRows} from "../src/numeric/doolittle.js";
import {fUpper} from "../src/stats/f-distribution.js";
import {fStatisticDdf} from "../src/inference/f-tests/f-test.js";
import {fTestsLines} from "../src/inference/f-tests/f-tests-text.js";
import {checkAnovaType, fTests, fTestsValues} from "../src/inference/f-tests/f-tests.js";
import type {FTestsValues} from "../src/inference/f-tests/f-test.js";
import {fixedTerms} from "../src/inference/f-tests/fixed-terms.js";
import {satterthwaiteF} from "../src/inference/f-tests/satterthwaite-f.js";
import {satterthwaiteValues} from "../src/inference/t-tests/satterthwaite.js";
import {lmer} from "../src/lmm/fit.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {refusal} from "./helpers/refusal.js";

type Column = "sumSq" | "meanSq" | "numDF" | "denDF" | "F" | "p";
const COLUMNS: Column[] = ["sumSq", "meanSq", "numDF", "denDF", "F", "p"];

interface AnovaReference extends Record<Column, (number | null)[]> {
  type: 1 | 2 | 3;
  ddf: "Satterthwaite" | "Kenward-Roger";
  terms: string[];
  hypotheses: Record<string, number[][]>;
  hypothesis_columns: string[];
  printed: string[];
}
interface FTestsReference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  /** 1-based rows of the data set's CSV left out (an empty cell). */
  omit?: number[];
  /** Prior weights, one per row of the CSV: 1 + ((i − 1) mod 5)/4 for row i. */
  weights?: number[];
  theta: number | number[];
  fixef: Record<string, number>;
  anova: AnovaReference[];
}

const cases = JSON.parse(readFileSync(new URL("./fixtures/inference/f-tests.json", import.meta.url), "utf8")) as FTestsReference[];
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
const derivedFits = new Map<string, LinearMixedModel>();
/** The case's data: the data set without the omitted rows, with the weights as column w. */
function dataFor(ref: FTestsReference): ColumnTable {
  const source = dataset(ref.dataset);
  const omitted = new Set((ref.omit ?? []).map((i) => i - 1));
  const keep = (_: unknown, i: number) => !omitted.has(i);
  const columns: Record<string, unknown[]> = Object.fromEntries(source.columnNames().map((name) => [name, Array.from(source.array(name) as ArrayLike<unknown>).filter(keep)]));
  if (ref.weights) {
    expect(ref.weights.length).toBe(source.numRows());
    columns.w = ref.weights.filter(keep);
  }
  return table(columns);
}
const fitFor = (ref: FTestsReference) => {
  if (!ref.omit && !ref.weights) return fitOf(ref.dataset, ref.formula, {REML: ref.REML});
  if (!derivedFits.has(ref.id)) derivedFits.set(ref.id, lmer(ref.formula, dataFor(ref), {REML: ref.REML, ...(ref.weights ? {weights: "w"} : {})}));
  return derivedFits.get(ref.id)!;
};
/** The model rebuilt at lme4's θ̂, so that only the tests' computation differs from lmerTest's. */
const atLme4 = (ref: FTestsReference) => {
  const fit = fitFor(ref);
  return new LinearMixedModel(fit.structure, Float64Array.from([ref.theta].flat()), fit.isSingular, [], fit.optimizer);
};
const label = (a: AnovaReference) => `type ${a.type}, ${a.ddf}`;

/** Every column to relative 1e-3, terms in lmerTest's order, nulls where lmerTest has NA; a p that R's pf() underflows to 0 below 1e-300 here. */
function expectTable(v: FTestsValues, ref: AnovaReference) {
  expect(v.terms).toEqual(ref.terms);
  for (const key of COLUMNS) {
    ref.terms.forEach((term, i) => {
      const r = ref[key][i];
      const ours = v[key][i];
      if (r === null) return expect(ours, `${key}[${term}]`).toBeNull();
      if (key === "p" && r === 0) return expect(ours!).toBeLessThan(1e-300);
      expect(rel(ours!, r), `${key}[${term}] ${ours} vs ${r}`).toBeLessThan(1e-3);
    });
  }
}

/**
 * At lme4's θ̂ the computation alone differs (measured over the tables of the first 12 fits: Sum Sq and Mean
 * Sq within 1.2e-11, DenDF 3.9e-8, F 1.2e-11, p 2.2e-7, relative; NumDF exact; hypotheses 5e-15). The
 * rank-deficient, weighted, three-way, transformed and no-intercept cases: Sum Sq, Mean Sq and F within 1.2e-8,
 * DenDF 6.7e-6 and hypotheses 6.7e-11, all in cake-transformed, whose X is ill-conditioned (κ 3e4: log(temp)
 * and temp² over six temperatures), where lmerTest's own DenDF moves by 1e-4 when I(temp^2/1000) is rescaled;
 * p 9.1e-6 (standLRT's p of 1.1e-318 in Exam-empty-cell, a subnormal number good to 5e-6). At our θ̂ (within
 * 1.4e-6 of lme4's for Exam-interactions, 3.5e-5 for sleepstudy-slope-ml, where our criterion is lower by 1.6e-9
 * and 2.6e-8): Sum Sq and Mean Sq within 1.8e-5, DenDF 8.3e-6, F 1.8e-5, p 2.9e-4 (standLRT's p of 5e-39 in
 * Exam-interactions).
 */
describe("F tests of the fixed-effect terms match lmerTest's anova(m)", () => {
  it("covers types I-III, both ddf methods, ML fits and multi-df factor and interaction terms", () => {
    const tables = cases.flatMap((c) => c.anova.map((a) => ({...a, REML: c.REML, id: c.id})));
    expect(tables.length).toBe(168);
    for (const type of [1, 2, 3]) {
      expect(tables.some((t) => t.type === type && t.ddf === "Kenward-Roger")).toBe(true);
      expect(tables.some((t) => t.type === type && !t.REML)).toBe(true);
    }
    expect(tables.some((t) => t.numDF.some((d) => d !== null && d >= 5))).toBe(true);
    for (const id of ["cake-factor", "cake-interaction", "Exam-factors", "Exam-interactions", "sleepstudy-slope", "sleepstudy-slope-ml"]) {
      expect(cases.map((c) => c.id)).toContain(id);
    }
    // rank deficiency (aliased columns, empty cells), weights, three-way terms, transformed covariates
    expect(cases.filter((c) => c.omit).length).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => c.weights && c.REML) && cases.some((c) => c.weights && !c.REML)).toBe(true);
    expect(cases.some((c) => /\w:\w+:\w/.test(c.formula))).toBe(true);
    expect(cases.some((c) => /log\(/.test(c.formula) && /I\(/.test(c.formula))).toBe(true);
  });
  for (const ref of cases) {
    describe(ref.id, () => {
      it("X's columns and the fixed effects are lme4's", () => {
        const fit = fitFor(ref);
        expect(fit.fixefNames).toEqual(Object.keys(ref.fixef));
        fit.fixefNames.forEach((name, j) => expect(Math.abs(fit.beta[j] - ref.fixef[name]), name).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.fixef[name]))));
      });
      for (const a of ref.anova) {
        it(`${label(a)} at lme4's estimates, with lmerTest's hypotheses`, () => {
          const v = fTestsValues(atLme4(ref), {type: a.type, ddf: a.ddf});
          expectTable(v, a);
          expect(v.columns).toEqual(a.hypothesis_columns);
          v.terms.forEach((term, i) => {
            const L = a.hypotheses[term];
            expect(v.hypotheses[i].length, term).toBe(L.length);
            L.forEach((row, r) => row.forEach((x, j) => expect(Math.abs(v.hypotheses[i][r][j] - x), `${term}[${r}, ${j}]`).toBeLessThan(1e-6 * Math.max(1, ...row.map(Math.abs)))));
          });
        });
        it(`${label(a)} at our estimates`, () => {
          expectTable(fTestsValues(fitFor(ref), {type: a.type, ddf: a.ddf}), a);
        });
        it(`${label(a)} printed as R prints it`, () => {
          expect(fTestsLines(fTestsValues(atLme4(ref), {type: a.type, ddf: a.ddf}))).toEqual(a.printed);
        });
      }
    });
  }
});

describe("the pieces", () => {
  it("the F distribution's upper tail is R's pf(lower.tail = FALSE)", () => {
    // R 4.2.2: print(pf(x, d1, d2, lower.tail = FALSE), digits = 15)
    const r: [number, number, number, number][] = [
      [3.2, 2, 20, 0.062267393688585],
      [45.853, 1, 17, 3.26379072871257e-6],
      [0.5, 3, 7.5, 0.693285502185457],
      [1e-3, 10, 2.5, 0.999999999998295],
      [2, 4, Infinity, 0.0915781944436709],
      [500, 5, 210, 1.71821227514165e-114]
    ];
    for (const [x, d1, d2, p] of r) expect(rel(fUpper(x, d1, d2), p), `pf(${x}, ${d1}, ${d2})`).toBeLessThan(1e-12);
    expect(fUpper(0, 2, 3)).toBe(1);
    expect(fUpper(Infinity, 2, 3)).toBe(0);
    expect(fUpper(1, 0, 3)).toBeNaN();
  });
  it("one-df F tests are squared t tests with the t test's p-value", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const s = satterthwaiteValues(m);
    const f = satterthwaiteF(m, [[0, 1]])!;
    expect(rel(f.F, s.t.Days ** 2)).toBeLessThan(1e-12);
    expect(rel(f.p, s.p.Days)).toBeLessThan(1e-10);
    expect(f.denDF).toBe(s.df.Days);
    expect(satterthwaiteF(m, [])).toBeNull();
  });
  it("Doolittle's rows and the F statistic's df follow lmerTest's rules", () => {
    expect(doolittleRows(Float64Array.of(4, 2, 2, 3), 2)).toEqual([[1, 0.5], [0, 1]]);
    // a pivot below 1e-6 leaves only the unit diagonal in its row
    expect(doolittleRows(Float64Array.of(1e-7, 1, 1, 3), 2)[0]).toEqual([1, 0]);
    expect(fStatisticDdf([7.5])).toBe(7.5);
    expect(fStatisticDdf([10, 10 + 1e-9])).toBe((20 + 1e-9) / 2); // their mean when they agree to 1e-8
    expect(fStatisticDdf([1.5, 40])).toBe(2);
    const E = 10 / 8 + 20 / 18;
    expect(fStatisticDdf([10, 20])).toBeCloseTo((2 * E) / (E - 2), 12);
  });
  it("containment: temp is contained in recipe:temp, recipe is not (they differ in numeric variables)", () => {
    const t = fixedTerms(fitOf("cake", "angle ~ recipe * temp + (1 | recipe:replicate)").structure.frame);
    expect(t.labels).toEqual(["recipe", "temp", "recipe:temp"]);
    expect(t.containers).toEqual([[], [2], []]);
    expect(t.columns).toEqual([[1, 2], [3], [4, 5]]);
    // in recipe / temp, R codes recipe by indicators in recipe:temp, whose variables are then only temp
    expect(fixedTerms(fitOf("cake", "angle ~ recipe / temp + (1 | recipe:replicate)").structure.frame).containers).toEqual([[], []]);
    expect(fixedTerms(fitOf("Exam", "normexam ~ standLRT * sex + sex * vr + (standLRT | school)").structure.frame).containers).toEqual([[3], [4], [4], [], []]);
  });
});

describe("fTests: the table, the options and the refusals", () => {
  const m = fitOf("cake", "angle ~ recipe * temp + (1 | recipe:replicate)");
  it("an Arquero table of term, sumSq, meanSq, numDF, denDF, F, p", () => {
    const rows = fTests(m, {type: 2, ddf: "Kenward-Roger"}).objects() as Record<string, unknown>[];
    const v = fTestsValues(m, {type: 2, ddf: "Kenward-Roger"});
    expect(rows.map((r) => r.term)).toEqual(["recipe", "temp", "recipe:temp"]);
    expect(Object.keys(rows[0])).toEqual(["term", "sumSq", "meanSq", "numDF", "denDF", "F", "p"]);
    expect(rows[0].F).toBe(v.F[0]);
    expect(v.heading).toBe("Type II Analysis of Variance Table with Kenward-Roger's method");
  });
  it("defaults to type III with Satterthwaite's df and takes lmerTest's spellings of the type", () => {
    const v = fTestsValues(m);
    expect([v.type, v.ddf]).toEqual([3, "Satterthwaite"]);
    expect(fTestsValues(m, {type: "III"}).F).toEqual(v.F);
    expect(fTestsValues(m, {type: "1"}).type).toBe(1);
    expect(checkAnovaType("II")).toBe(2);
  });
  it("a term whose columns are all aliased comes last with nulls (Exam: type by schgend)", () => {
    const a = fitOf("Exam", "normexam ~ schgend + type + (1 | school)");
    const rows = fTests(a).objects() as Record<string, unknown>[];
    expect(rows[1]).toEqual({term: "type", sumSq: null, meanSq: null, numDF: null, denDF: null, F: null, p: null});
  });
  it("an empty cell gives lmerTest's missing-cells warning with type III hypotheses only", () => {
    // lmerTest's message: "Missing cells for: recipeC:factor(temp)175. Interpret type III hypotheses with care."
    const byId = (id: string) => fitFor(cases.find((c) => c.id === id)!);
    const cake = byId("cake-empty-cell");
    expect(cake.structure.frame.warnings).toContain("fixed-effect model matrix is rank deficient so dropping 1 column: recipeC:factor(temp)225");
    expect(fTestsValues(cake, {type: 3}).warnings).toContain("missing cells for: recipeC:factor(temp)175; interpret type III hypotheses with care");
    expect(fTestsValues(cake, {type: 3, ddf: "Kenward-Roger"}).warnings).toContain("missing cells for: recipeC:factor(temp)175; interpret type III hypotheses with care");
    for (const type of [1, 2] as const) expect(fTestsValues(cake, {type}).warnings.some((w) => w.startsWith("missing cells"))).toBe(false);
    expect(fTestsValues(byId("Exam-three-way-empty-cell")).warnings).toContain("missing cells for: sexM:vrbottom 25%:typeSngl; interpret type III hypotheses with care");
    // a zero column (no boys in single-sex schools): sex:type has no testable hypothesis, lmerTest's empty row
    const exam = fTests(byId("Exam-empty-cell")).objects() as Record<string, unknown>[];
    expect(exam[3]).toEqual({term: "sex:type", sumSq: null, meanSq: null, numDF: null, denDF: null, F: null, p: null});
  });
  it("refuses Kenward-Roger for weighted fits, whose F tests lmerTest's pbkrtest computes as if unweighted", () => {
    // pbkrtest 0.5.2's .get_SigmaG takes the residual covariance as σ²I whatever the weights, so lmerTest's
    // Kenward-Roger table of cake-weighted (recipe DenDF 541.15) is not that model's (Satterthwaite's: 254.13)
    for (const id of ["cake-weighted", "Exam-weighted-ml"]) {
      const ref = cases.find((c) => c.id === id)!;
      expect(ref.anova.every((a) => a.ddf === "Satterthwaite")).toBe(true);
      expect(fitFor(ref).structure.frame.weights).not.toBeNull();
    }
    const weighted = fitFor(cases.find((c) => c.id === "cake-weighted")!);
    expect(refusal(() => fTestsValues(weighted, {ddf: "Kenward-Roger"}))).toBe("Kenward-Roger's method does not support prior weights here; fit without weights or use Satterthwaite's df");
    expect(refusal(() => fTestsValues(fitFor(cases.find((c) => c.id === "Exam-weighted-ml")!), {ddf: "Kenward-Roger"}))).toMatch(/^Kenward-Roger's method is only available for REML fits/);
  });
  it("refuses Kenward-Roger on ML fits, unknown types, ddf methods and options, and what is not a model", () => {
    const ml = fitOf("cake", "angle ~ recipe * temp + (1 | recipe:replicate)", {REML: false});
    expect(refusal(() => fTestsValues(ml, {ddf: "Kenward-Roger"}))).toBe(`Kenward-Roger's method is only available for REML fits; refit with REML: true (the default) or use ddf: "Satterthwaite"`);
    expect(refusal(() => fTestsValues(m, {type: 4 as 3}))).toBe(`invalid type: 4; use 1, 2 or 3 (or "I", "II", "III")`);
    expect(refusal(() => fTestsValues(m, {type: "IV" as "III"}))).toBe(`invalid type: "IV"; use 1, 2 or 3 (or "I", "II", "III")`);
    expect(refusal(() => fTestsValues(m, {ddf: "KR" as "Kenward-Roger"}))).toBe(`invalid ddf: "KR"; use "Satterthwaite" or "Kenward-Roger"`);
    expect(refusal(() => fTestsValues(m, {typ: 2} as object))).toBe('unknown option "typ" of fTests; did you mean "type"? The options are type, ddf');
    expect(refusal(() => fTestsValues({} as LinearMixedModel))).toBe("invalid model: not a fitted model; pass a model from lmer()");
  });
  it("an intercept-only model has no terms to test", () => {
    const v = fTestsValues(fitOf("sleepstudy", "Reaction ~ 1 + (1 | Subject)"));
    expect(v.terms).toEqual([]);
    // as R prints lmerTest's empty table
    expect(fTestsLines(v)).toEqual(["Type III Analysis of Variance Table with Satterthwaite's method", "     Sum Sq Mean Sq NumDF DenDF F value Pr(>F)"]);
  });
});

describe("lmm anova with one formula", () => {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const run = (...argv: string[]) => {
    let stdout = "", stderr = "";
    const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
    return {code, stdout, stderr};
  };
  const cake = join(root, "datasets", "cake.csv");
  const ref = cases.find((c) => c.id === "cake-interaction")!;
  const table = (type: number, ddf: string) => ref.anova.find((a) => a.type === type && a.ddf === ddf)!;
  it("prints lmerTest's type III table with Satterthwaite's df by default", () => {
    const r = run("anova", cake, ref.formula);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(table(3, "Satterthwaite").printed.join("\n") + "\n");
  });
  it("--type 1 --ddf Kenward-Roger", () => {
    const r = run("anova", cake, ref.formula, "--type", "1", "--ddf", "Kenward-Roger");
    expect(r.stdout).toBe(table(1, "Kenward-Roger").printed.join("\n") + "\n");
  });
  it("--ml fits by ML; --json prints the table by column", () => {
    const r = run("anova", cake, ref.formula, "--ml", "--type=2", "--json");
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    const ml = cases.find((c) => c.id === "cake-interaction-ml")!.anova.find((t) => t.type === 2)!;
    expect(Object.keys(a)).toEqual(["heading", "type", "ddf", "terms", "sumSq", "meanSq", "numDF", "denDF", "F", "p", "hypotheses", "columns", "warnings"]);
    expectTable(a, ml);
  });
  it("refuses a bad type, Kenward-Roger with --ml, and --type with several formulas, in one line", () => {
    const bad = run("anova", cake, ref.formula, "--type", "4");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`lmm: invalid type: "4"; use 1, 2 or 3 (or "I", "II", "III")\n`);
    expect(run("anova", cake, ref.formula, "--ddf", "KR").stderr).toBe(`lmm: invalid ddf: "KR"; use "Satterthwaite" or "Kenward-Roger"\n`);
    expect(run("anova", cake, ref.formula, "--ddf", "Kenward-Roger", "--ml").stderr).toBe("lmm: --ddf Kenward-Roger needs a REML fit; leave out --ml\n");
    const two = run("anova", cake, ref.formula, "angle ~ recipe + temp + (1 | recipe:replicate)", "--type", "3");
    expect(two.code).toBe(2);
    expect(two.stderr).toBe("lmm: --type applies to the F tests of one model; give one formula, or leave out --type to compare models\n");
    expect(run("anova", cake, ref.formula, "--type", "1", "--type", "2").stderr).toBe("lmm: --type given 2 times; give it once\n");
  });
});
