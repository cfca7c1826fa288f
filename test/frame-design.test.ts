/**
 * The coding of factors in the fixed-effect model matrix, against R 4.2.2: `attr(terms(f), "factors")` and
 * `colnames(model.matrix(f, d))` with d = data.frame(a = factor(rep(c("p", "q", "r"), 8)),
 * b = factor(rep(c("u", "v"), each = 12)), c = factor(rep(c("s", "t"), 12)), x = 1:24 / 7).
 */
import {describe, expect, it} from "vitest";
import {designColumns, type FrameVariable} from "../src/frame/design.js";
import {makeFactor} from "../src/frame/factor.js";
import {LmmError} from "../src/errors.js";
import {lmer} from "../src/lmm/fit.js";
import {predict} from "../src/predict/predict.js";
import {dataset} from "./helpers/fits.js";
import {termCodes} from "../src/frame/term-codes.js";
import {formula} from "../src/formula/index.js";
import {termNames} from "../src/frame/frame.js";

const n = 24;
const factor = (levels: string[], level: (i: number) => number): FrameVariable => ({
  kind: "factor",
  factor: {levels, codes: Int32Array.from({length: n}, (_, i) => level(i))}
});
const variables = new Map<string, FrameVariable>([
  ["a", factor(["p", "q", "r"], (i) => i % 3)],
  ["b", factor(["u", "v"], (i) => (i < 12 ? 0 : 1))],
  ["c", factor(["s", "t"], (i) => i % 2)],
  ["x", {kind: "numeric", values: Float64Array.from({length: n}, (_, i) => (i + 1) / 7)}]
]);
const names = (text: string) => {
  const spec = formula(`y ~ ${text} + (1 | g)`);
  return designColumns(spec.intercept, spec.terms, variables, n).names;
};
const codes = (text: string) => termCodes(formula(`y ~ ${text} + (1 | g)`).terms);

describe("R's coding of factors in terms and model matrices", () => {
  it("codes a variable by contrasts when the rest of its term is empty or in an earlier term (R's factors attribute)", () => {
    expect(codes("a * b")).toEqual([[1], [1], [1, 1]]);
    expect(codes("0 + x + x:a")).toEqual([[1], [2, 1]]);
    expect(codes("0 + x:a + b")).toEqual([[1], [2, 2]]);
    // a is in the earlier a:c, so b is coded by contrasts in a:b; b and c are in no earlier term
    expect(codes("a:c + a:b")).toEqual([[2, 2], [2, 1]]);
    expect(codes("0 + b:a + a")).toEqual([[1], [1, 2]]);
    expect(codes("a + b + a:b:c")).toEqual([[1], [1], [2, 2, 2]]);
    expect(codes("a:b + c + a:b:c")).toEqual([[1], [2, 2], [2, 2, 1]]);
  });
  it("names the columns as model.matrix, with the first factor of a model without intercept coded by indicators", () => {
    expect(names("0 + a + b")).toEqual(["ap", "aq", "ar", "bv"]);
    expect(names("0 + a * b")).toEqual(["ap", "aq", "ar", "bv", "aq:bv", "ar:bv"]);
    expect(names("0 + x + x:a")).toEqual(["x", "x:ap", "x:aq", "x:ar"]);
    expect(names("0 + x:a + b")).toEqual(["bu", "bv", "x:ap", "x:aq", "x:ar"]);
    expect(names("a:c + a:b")).toEqual(["(Intercept)", "ap:cs", "aq:cs", "ar:cs", "ap:ct", "aq:ct", "ar:ct", "ap:bv", "aq:bv", "ar:bv"]);
    expect(names("x + a:c + a:b")).toEqual(["(Intercept)", "x", "ap:cs", "aq:cs", "ar:cs", "ap:ct", "aq:ct", "ar:ct", "ap:bv", "aq:bv", "ar:bv"]);
    expect(names("0 + b:a + a")).toEqual(["ap", "aq", "ar", "bv:ap", "bv:aq", "bv:ar"]);
    expect(names("a + b + a:b:c")).toEqual([
      "(Intercept)", "aq", "ar", "bv",
      "ap:bu:cs", "aq:bu:cs", "ar:bu:cs", "ap:bv:cs", "aq:bv:cs", "ar:bv:cs", "ap:bu:ct", "aq:bu:ct", "ar:bu:ct", "ap:bv:ct", "aq:bv:ct", "ar:bv:ct"
    ]);
    expect(names("a:b + c + a:b:c")).toEqual([
      "(Intercept)", "ct", "ap:bu", "aq:bu", "ar:bu", "ap:bv", "aq:bv", "ar:bv", "ap:bu:ct", "aq:bu:ct", "ar:bu:ct", "ap:bv:ct", "aq:bv:ct", "ar:bv:ct"
    ]);
    expect(names("0 + x + a:b")).toEqual(["x", "ap:bu", "aq:bu", "ar:bu", "ap:bv", "aq:bv", "ar:bv"]);
  });
});

describe("the response on the right-hand side (issue 9)", () => {
  // lme4 1.1-31 (R 4.2.2) on datasets/sleepstudy.csv: model.matrix drops a term identical to the response
  // with two warnings; fixef and sigma printed with 12 digits
  const sleepstudy = dataset("sleepstudy");
  const dropped = (term: number) => ["the response appeared on the right-hand side and was dropped", `problem with term ${term} in model.matrix: no columns are assigned`];
  it("is dropped with R's warnings, naming the term by its position in R's term order", () => {
    const m = lmer("Reaction ~ Reaction + (1 | Subject)", sleepstudy);
    expect(m.fixefNames).toEqual(["(Intercept)"]);
    expect(m.fixef["(Intercept)"]).toBeCloseTo(298.507891667, 6);
    expect(m.sigma).toBeCloseTo(44.2590688678, 5); // was 5.7e-7: y fitted on itself
    expect(m.warnings.slice(0, 2)).toEqual(dropped(1));
    const m2 = lmer("Reaction ~ Days + Reaction + (1 | Subject)", sleepstudy);
    expect(m2.fixefNames).toEqual(["(Intercept)", "Days"]);
    expect(m2.fixef.Days).toBeCloseTo(10.4672859596, 6);
    expect(m2.sigma).toBeCloseTo(30.9912338986, 5);
    expect(m2.warnings.slice(0, 2)).toEqual(dropped(2));
    // the same transform on both sides is the same variable
    const m3 = lmer("log(Reaction) ~ log(Reaction) + Days + (1 | Subject)", sleepstudy);
    expect(m3.fixefNames).toEqual(["(Intercept)", "Days"]);
    expect(m3.fixef.Days).toBeCloseTo(0.033668035863, 9);
    expect(m3.warnings.slice(0, 2)).toEqual(dropped(1));
  });
  it("stays when the term is not identical to the response", () => {
    const m = lmer("Reaction ~ log(Reaction) + (1 | Subject)", sleepstudy);
    expect(m.fixefNames).toEqual(["(Intercept)", "log(Reaction)"]);
    expect(m.fixef["log(Reaction)"]).toBeCloseTo(310.703046585, 4);
    expect(m.sigma).toBeCloseTo(5.01927416707, 5);
    expect(m.warnings.some((w) => w.includes("response appeared"))).toBe(false);
    const i = lmer("Reaction ~ Days + Reaction:Days + (1 | Subject)", sleepstudy);
    // (R names the column Reaction:Days, the response being R's first variable; the formula names it Days:Reaction)
    expect(i.fixefNames.length).toBe(3);
    expect(i.warnings.some((w) => w.includes("response appeared"))).toBe(false);
  });
});

describe("grouping levels are labels (issue 9)", () => {
  const sleepstudy = dataset("sleepstudy");
  const F = "Reaction ~ Days + (Days | Subject)";
  it("308 and \"308\" are one level in rows of objects and in an object of columns, as in R", () => {
    const reference = lmer(F, sleepstudy);
    // Subject 308's odd rows as text: R's data.frame would hold the column as character
    const rows = sleepstudy.objects().map((r, i) => {
      const row = r as {Subject: number};
      return row.Subject === 308 && i % 2 ? {...row, Subject: "308"} : row;
    });
    const m = lmer(F, rows);
    expect(m.ngrps).toEqual({Subject: 18});
    expect(m.structure.frame.terms[0].levels).toEqual(reference.structure.frame.terms[0].levels);
    expect(m.fixef.Days).toBeCloseTo(reference.fixef.Days, 9);
    expect(Array.from(m.theta)).toEqual(Array.from(reference.theta));
    const columns = {Reaction: sleepstudy.array("Reaction"), Days: sleepstudy.array("Days"), Subject: rows.map((r) => r.Subject)};
    const c = lmer(F, columns);
    expect(c.ngrps).toEqual({Subject: 18});
    expect(Array.from(c.theta)).toEqual(Array.from(reference.theta));
  });
  it("sorts numbers numerically, and a column with text by label (R's character sort)", () => {
    expect(makeFactor([10, 9, 10]).levels).toEqual(["9", "10"]);
    expect(makeFactor([10, "9", 10]).levels).toEqual(["10", "9"]);
    expect(makeFactor([308, "308", 1000]).levels).toEqual(["1000", "308"]);
    expect(Array.from(makeFactor([308, "308", 1000]).codes)).toEqual([1, 1, 0]);
    expect(makeFactor([true, false, "TRUE"]).levels).toEqual(["FALSE", "TRUE"]);
  });
});

describe("hostile values in the data give LmmErrors that say where (issue 9)", () => {
  const sleepstudy = dataset("sleepstudy");
  const F = "Reaction ~ Days + (1 | Subject)";
  const rows = () => sleepstudy.objects() as Record<string, unknown>[];
  const withCell = (column: string, value: unknown) => rows().map((r, i) => (i === 3 ? {...r, [column]: value} : r));
  const refusal = (data: unknown, formula = F) => {
    try {
      lmer(formula, data as never);
    } catch (error) {
      expect(error).toBeInstanceOf(LmmError);
      return (error as Error).message;
    }
    throw new Error("no error");
  };
  it("refuses symbols, functions, objects (null-prototype too) and arrays in a cell, naming column and row", () => {
    for (const [value, shown] of [[Symbol("s"), "a symbol"], [() => 1, "a function"], [Object.create(null), "an object"], [{toString: () => { throw new Error("boom"); }}, "an object"], [[1, 2], "an array of 2"]] as const) {
      for (const column of ["Reaction", "Days", "Subject"]) {
        expect(refusal(withCell(column, value))).toBe(`invalid value in row 4 of column ${column}: ${shown}; a cell must be a number, text, a boolean, a date or missing (null)`);
      }
    }
    // an object of columns too, and newdata
    const columns = {Reaction: sleepstudy.array("Reaction"), Days: sleepstudy.array("Days"), Subject: Array.from(sleepstudy.array("Subject") as number[], (s, i) => (i === 7 ? Symbol("x") : s))};
    expect(refusal(columns)).toMatch(/^invalid value in row 8 of column Subject: a symbol;/);
    const m = lmer(F, sleepstudy);
    expect(() => predict(m, [{Days: 1, Subject: Object.create(null)}])).toThrow(/^invalid value in row 1 of column Subject: an object;/);
  });
  it("takes a BigInt as the number it equals when exact, and refuses one beyond 2^53", () => {
    const m = lmer(F, sleepstudy);
    const big = withCell("Days", BigInt(sleepstudy.get("Days", 3) as number));
    expect(Array.from(lmer(F, big).theta)).toEqual(Array.from(m.theta));
    expect(refusal(withCell("Reaction", 2n ** 60n))).toMatch(/^value 1152921504606846976n in row 4 of column Reaction is beyond 2\^53/);
    const typed = {Reaction: sleepstudy.array("Reaction"), Days: BigInt64Array.from(sleepstudy.array("Days") as number[], (d) => BigInt(d)), Subject: sleepstudy.array("Subject")};
    expect(Array.from(lmer(F, typed).theta)).toEqual(Array.from(m.theta));
    expect(predict(m, [{Days: 2n, Subject: 308n}]).fit[0]).toBe(predict(m, [{Days: 2, Subject: 308}]).fit[0]);
  });
  it("an invalid date is missing (R's NA); a date is a level, and refused where numbers are needed", () => {
    const dropped = lmer(F, withCell("Subject", new Date(NaN)));
    expect(dropped.nobs).toBe(179);
    expect(dropped.warnings).toContain("1 row with missing values dropped");
    expect(lmer(F, withCell("Days", new Date(NaN))).nobs).toBe(179);
    expect(refusal(withCell("Days", new Date(0)))).toBe("column Days holds dates (1970-01-01T00:00:00.000Z in row 4) but the model needs numbers; convert the dates to numbers (such as days since a start date), or write factor(Days) to use them as levels");
    expect(refusal(withCell("Reaction", new Date(0)))).toBe("column Reaction holds dates (1970-01-01T00:00:00.000Z in row 4) but the response needs numbers; convert the dates to numbers (such as days since a start date)");
    // dates as groups: one level per instant, labelled in ISO 8601
    const days = rows().map((r) => ({...r, Subject: new Date(Date.UTC(2020, 0, (r.Subject as number) - 300))}));
    const byDate = lmer(F, days);
    expect(byDate.ngrps).toEqual({Subject: 18});
    expect(byDate.structure.frame.terms[0].levels[0]).toBe("2020-01-08T00:00:00.000Z");
  });
  it("refuses odd tables and throwing getters, proxies and methods", () => {
    const table = (numRows: () => unknown, array: (name: string) => unknown = (name) => sleepstudy.array(name)) => ({columnNames: () => ["Reaction", "Days", "Subject"], numRows, array});
    expect(refusal(table(() => -5))).toBe("invalid data: numRows() gave -5; a table's number of rows is a whole number, 0 or more");
    expect(refusal(table(() => NaN))).toMatch(/^invalid data: numRows\(\) gave NaN;/);
    expect(refusal(table(() => 1e12))).toBe("invalid data: column Reaction has 180 values but numRows() is 1000000000000; give a table whose columns have one value per row");
    expect(refusal(table(() => 180, () => null))).toMatch(/^invalid data: array\("Reaction"\) gave null, not an array/);
    expect(refusal(table(() => { throw new Error("gone"); }))).toBe("invalid data: reading the number of rows failed (gone); give plain values");
    expect(refusal({columnNames: () => [Symbol("a")], numRows: () => 1, array: () => [1]})).toBe("invalid data: a column name is a symbol; column names must be text");
    const getter = rows();
    Object.defineProperty(getter[2], "Days", {get() { throw new Error("boom"); }, enumerable: true});
    expect(refusal(getter)).toBe("invalid data: reading row 3 of column Days failed (boom); give plain values");
    expect(refusal(new Proxy(rows(), {get(t, k) { if (k === "length") throw new Error("boom"); return Reflect.get(t, k); }}))).toBe("invalid data: reading the number of rows failed (boom); give plain values");
    expect(refusal(new Proxy({}, {get() { throw new Error("trap"); }}))).toBe("invalid data: reading the data failed (trap); give plain values");
    const days = Array.from(sleepstudy.array("Days") as number[]);
    Object.defineProperty(days, 5, {get() { throw new Error("boom"); }});
    expect(refusal({Reaction: sleepstudy.array("Reaction"), Days: days, Subject: sleepstudy.array("Subject")})).toBe("invalid data: reading column Days failed (boom); give plain values");
    expect(refusal({Reaction: 5, Days: [1], Subject: [1]})).toBe("invalid data: column Reaction is the number 5, not an array; an object of columns needs an array for each column");
  });
});

describe("random-effects term names, as lme4's VarCorr names them", () => {
  it("keeps unique grouping names and passes repeated ones through R's make.names(unique = TRUE)", () => {
    // R: make.names(c("a:b", "a:b", "a"), unique = TRUE) etc.
    expect(termNames(["cask:batch", "batch"])).toEqual(["cask:batch", "batch"]);
    expect(termNames(["a:b", "a:b", "a"])).toEqual(["a.b", "a.b.1", "a"]);
    expect(termNames(["g", "g", "g.1"])).toEqual(["g", "g.2", "g.1"]);
    expect(termNames(["_g", "_g"])).toEqual(["X_g", "X_g.1"]);
  });
});
