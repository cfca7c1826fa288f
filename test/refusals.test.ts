/**
 * What lmer refuses, and what it accepts with a warning. Every refusal is an LmmError whose message names
 * the offending value (column, term, level count, row, position) and says how to fix it; every accepted
 * oddity (missing values, aliased columns, awkward column names) leaves a fit equal to the clean one.
 */
import {describe, expect, it} from "vitest";
import {LmmError, fail} from "../src/errors.js";
import {modelSpec} from "../src/formula/index.js";
import {bootstrap} from "../src/inference/intervals/bootstrap.js";
import {summary} from "../src/inference/summary.js";
import {setx, sim} from "../src/qi/index.js";
import {refusal as refusalOf} from "./helpers/refusal.js";
import {readCSV} from "../src/io/csv.js";
import {lmer, type LmerOptions} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {dataset, fitOf} from "./helpers/fits.js";

type Row = {Reaction: unknown; Days: unknown; Subject: unknown; [k: string]: unknown};
const sleep = (): Row[] => dataset("sleepstudy").objects() as Row[];

/** The LmmError lmer throws, failing the test when it throws something else or nothing. */
function refusal(formula: string, data: unknown, options?: LmerOptions): LmmError {
  let error: unknown = null;
  try {
    lmer(formula, data as never, options);
  } catch (e) {
    error = e;
  }
  if (error === null) throw new Error(`lmer accepted ${JSON.stringify(formula)}; expected a refusal`);
  expect(error).toBeInstanceOf(LmmError);
  const message = (error as LmmError).message;
  // messages are lowercase at the start, one line, no "undefined"/"[object Object]" leaks
  expect(message[0]).toBe(message[0].toLowerCase());
  expect(message).not.toMatch(/\n|undefined|\[object /);
  return error as LmmError;
}

/** Expects two fits to agree on the estimates. */
function expectSameFit(a: LinearMixedModel, b: LinearMixedModel): void {
  expect(a.fixefNames).toEqual(b.fixefNames);
  for (const k of b.fixefNames) expect(Math.abs(a.fixef[k] - b.fixef[k])).toBeLessThanOrEqual(1e-6 * b.se[k]);
  for (const k of b.fixefNames) expect(Math.abs(a.se[k] - b.se[k])).toBeLessThanOrEqual(1e-6 * b.se[k]);
  expect(a.theta.length).toBe(b.theta.length);
  a.theta.forEach((t, i) => expect(Math.abs(t - b.theta[i])).toBeLessThanOrEqual(1e-6 * Math.max(1e-2, Math.abs(b.theta[i]))));
  expect(Math.abs(a.sigma - b.sigma)).toBeLessThanOrEqual(1e-8 * b.sigma);
  expect(Math.abs(a.deviance - b.deviance)).toBeLessThanOrEqual(1e-8 * Math.abs(b.deviance));
  if (b.REMLcrit !== null) expect(Math.abs(a.REMLcrit! - b.REMLcrit)).toBeLessThanOrEqual(1e-8 * Math.abs(b.REMLcrit));
  expect(a.nobs).toBe(b.nobs);
  expect(a.ngrps).toEqual(b.ngrps);
}

describe("refusals name the bad value and the fix", () => {
  it("no random-effects term", () => {
    const {message} = refusal("Reaction ~ Days", dataset("sleepstudy"));
    expect(message).toMatch(/no random-effects term/);
    expect(message).toContain('"Reaction ~ Days"');
    expect(message).toMatch(/add one such as \(1 \| group\)/);
  });

  it("a grouping factor with one level", () => {
    const {message} = refusal("Reaction ~ Days + (1 | g)", sleep().map((r) => ({...r, g: "only"})));
    expect(message).toMatch(/grouping factor g has 1 level/);
    expect(message).toMatch(/at least 2 levels/);
  });

  it("a grouping factor with as many levels as observations", () => {
    const {message} = refusal("Reaction ~ Days + (1 | obs)", sleep().map((r, i) => ({...r, obs: `id${i}`})));
    expect(message).toMatch(/grouping factor obs has 180 levels for 180 observations/);
    expect(message).toMatch(/must be less than the number of observations/);
  });

  it("a term with as many random effects as observations (levels × columns ≥ n)", () => {
    // 90 levels × 2 columns = 180 random effects for 180 observations: unidentifiable with σ
    const {message} = refusal("Reaction ~ Days + (Days | pair)", sleep().map((r, i) => ({...r, pair: `p${Math.floor(i / 2)}`})));
    expect(message).toMatch(/\(Days \| pair\)/);
    expect(message).toMatch(/180 random effects for 180 observations/);
    expect(message).toMatch(/simplify the term/);
  });

  it("a text response column", () => {
    const {message} = refusal("Subject ~ Days + (1 | Days)", sleep().map((r) => ({...r, Subject: `s${r.Subject}`})));
    expect(message).toMatch(/response Subject is not numeric/);
    expect(message).toMatch(/numeric column/);
  });

  it("a response with one text cell names the cell", () => {
    // a number column with one stray text value: the user needs to know which value and where
    const rows = sleep().map((r, i) => ({...r, Reaction: i === 2 ? "fast" : r.Reaction}));
    const {message} = refusal("Reaction ~ Days + (1 | Subject)", rows);
    expect(message).toMatch(/Reaction/);
    expect(message).toContain('"fast"');
    expect(message).toMatch(/row 3\b/);
  });

  it("a text column under a transform", () => {
    const {message} = refusal("Reaction ~ log(Subject) + (1 | Days)", sleep().map((r) => ({...r, Subject: `s${r.Subject}`})));
    expect(message).toMatch(/column Subject holds text \("s308"\) but log\(Subject\) needs numbers/);
    expect(message).toMatch(/convert it or use it as a factor/);
  });

  it("no complete rows, one column entirely missing: the message names that column", () => {
    const rows = sleep().map((r) => ({...r, allMissing: null}));
    const {message} = refusal("Reaction ~ Days + allMissing + (1 | Subject)", rows);
    expect(message).toMatch(/no complete rows/);
    // the column must be named outside the quoted formula, with a fix
    const outside = message.replace(/"[^"]*~[^"]*"/g, "");
    expect(outside).toMatch(/allMissing/);
    expect(outside).toMatch(/remove|drop|fill|impute/);
  });

  it("no complete rows, missing values spread over columns", () => {
    const rows = sleep().map((r, i) => ({...r, a: i % 2 ? null : 1, b: i % 2 ? 2 : null}));
    const {message} = refusal("Reaction ~ a + b + (1 | Subject)", rows);
    expect(message).toMatch(/no complete rows/);
    expect(message).toContain('"Reaction ~ a + b + (1 | Subject)"');
  });

  it("an unknown column in the fixed part, in a random term and as the grouping factor", () => {
    const t = dataset("sleepstudy");
    const fixed = refusal("Reaction ~ Dayz + (1 | Subject)", t).message;
    expect(fixed).toMatch(/unknown column: Dayz/);
    expect(fixed).toMatch(/the data has Reaction, Days, Subject/);
    expect(fixed).toMatch(/check the spelling/);

    const random = refusal("Reaction ~ Days + (Dayz | Subject)", t).message;
    expect(random).toMatch(/unknown column: Dayz/);
    expect(random).toMatch(/the data has Reaction, Days, Subject/);

    const group = refusal("Reaction ~ Days + (Days | Subj)", t).message;
    expect(group).toMatch(/unknown grouping column: Subj\b/);
    expect(group).toMatch(/the data has Reaction, Days, Subject/);
    expect(group).toMatch(/check the spelling/);

    const response = refusal("Reactionn ~ Days + (1 | Subject)", t).message;
    expect(response).toMatch(/unknown column: Reactionn/);

    const weights = refusal("Reaction ~ Days + (1 | Subject)", t, {weights: "wt"}).message;
    expect(weights).toMatch(/unknown column: wt/);
  });

  it("an unknown function", () => {
    const {message} = refusal("Reaction ~ foo(Days) + (1 | Subject)", dataset("sleepstudy"));
    expect(message).toMatch(/unsupported function foo\(\)/);
    expect(message).toContain('"Reaction ~ foo(Days) + (1 | Subject)"');
    expect(message).toMatch(/use log, exp, sqrt, abs, I/);
    expect(message).toMatch(/add the transformed column to the data/);
  });

  it("syntax errors give the position and quote the text", () => {
    const t = dataset("sleepstudy");
    const unclosed = refusal("Reaction ~ Days + (1 | Subject", t).message;
    expect(unclosed).toMatch(/^formula syntax error at position 19: unclosed "\("/);
    expect(unclosed).toContain('in "Reaction ~ Days + (1 | Subject"');
    expect(unclosed).toMatch(/add the missing "\)"/);

    const extra = refusal("Reaction ~ Days + (1 | Subject))", t).message;
    expect(extra).toMatch(/^formula syntax error at position 32: unexpected "\)"/);
    expect(extra).toContain('"Reaction ~ Days + (1 | Subject))"');

    const star = refusal("Reaction ~ Days + * (1 | Subject)", t).message;
    expect(star).toMatch(/^formula syntax error at position 19: unexpected "\*"/);

    const empty = refusal("  ", t).message;
    expect(empty).toMatch(/empty formula/);
    expect(empty).toMatch(/response ~ terms/);
  });

  it("±Infinity in a used column, from the data or from a transform", () => {
    const inf = refusal("Reaction ~ Days + (1 | Subject)", sleep().map((r, i) => ({...r, Days: i === 5 ? Infinity : r.Days}))).message;
    expect(inf).toMatch(/infinite value Infinity in row 6 of Days/);
    expect(inf).toMatch(/remove the row or transform the variable/);

    const negInf = refusal("Reaction ~ Days + (1 | Subject)", sleep().map((r, i) => ({...r, Reaction: i === 7 ? -Infinity : r.Reaction}))).message;
    expect(negInf).toMatch(/infinite value -Infinity in row 8 of Reaction/);

    // -Inf as R writes it in a CSV file
    const rows = sleep();
    const csv = readCSV("Reaction,Days,Subject\n" + rows.map((r, i) => `${r.Reaction},${i === 4 ? "-Inf" : r.Days},${r.Subject}`).join("\n"));
    expect(refusal("Reaction ~ Days + (1 | Subject)", csv).message).toMatch(/infinite value -Infinity in row 5 of Days/);

    // log(0) = -Inf in the first row of sleepstudy (Days = 0)
    const log0 = refusal("Reaction ~ log(Days) + (1 | Subject)", dataset("sleepstudy")).message;
    expect(log0).toMatch(/infinite value -Infinity in row 1 of log\(Days\)/);

    // an infinite value in a column the formula does not use is fine
    const unused = sleep().map((r, i) => ({...r, other: i === 0 ? Infinity : 0}));
    expect(lmer("Reaction ~ Days + (1 | Subject)", unused).nobs).toBe(180);
  });

  it('naAction "fail" refuses a missing value, naming row and column', () => {
    const rows = sleep().map((r, i) => ({...r, Days: i === 5 ? null : r.Days}));
    const {message} = refusal("Reaction ~ Days + (1 | Subject)", rows, {naAction: "fail"});
    expect(message).toMatch(/missing value in row 6 of Days/);
    expect(message).toMatch(/naAction: "omit"/);
    // a missing grouping value too
    const g = sleep().map((r, i) => ({...r, Subject: i === 9 ? null : r.Subject}));
    expect(refusal("Reaction ~ Days + (1 | Subject)", g, {naAction: "fail"}).message).toMatch(/missing value in row 10 of Subject/);
  });

  it("invalid options and data", () => {
    const t = dataset("sleepstudy");
    const f = "Reaction ~ Days + (1 | Subject)";
    expect(refusal(f, t, {REML: "yes" as unknown as boolean}).message).toMatch(/invalid REML: the string "yes"; use true or false/);
    expect(refusal(f, t, {naAction: "pass" as "omit"}).message).toMatch(/invalid naAction: pass; use "omit", "exclude" or "fail"/);
    expect(refusal(f, null).message).toMatch(/invalid data: null; give an Arquero table/);
    const neg = sleep().map((r, i) => ({...r, w: i === 2 ? -1 : 1}));
    expect(refusal(f, neg, {weights: "w"}).message).toMatch(/invalid weight -1 in row 3 of column w; weights must be positive/);
    const text = sleep().map((r, i) => ({...r, w: i === 2 ? "a" : 1}));
    expect(refusal(f, text, {weights: "w"}).message).toMatch(/column w holds text \("a"\)/);
  });
});

describe("accepted with a warning", () => {
  it("rows with missing values are dropped, counted in a warning, and the fit is the fit without them", () => {
    const missing = new Set([5, 55, 105, 155]);
    const rows = sleep().map((r, i) => ({...r, Days: missing.has(i) ? null : r.Days}));
    const m = lmer("Reaction ~ Days + (Days | Subject)", rows);
    expect(m.nobs).toBe(176);
    expect(m.warnings).toContain("4 rows with missing values dropped");
    const clean = lmer("Reaction ~ Days + (Days | Subject)", sleep().filter((_, i) => !missing.has(i)));
    expectSameFit(m, clean);
    expect(clean.warnings.some((w) => /missing/.test(w))).toBe(false);

    // missing values of every kind: null, undefined, NaN, "" and CSV's NA / empty cell
    const kinds = sleep().map((r, i) => ({...r, Reaction: i === 3 ? NaN : r.Reaction, Subject: i === 17 ? "" : r.Subject, Days: i === 40 ? undefined : r.Days}));
    const k = lmer("Reaction ~ Days + (1 | Subject)", kinds);
    expect(k.nobs).toBe(177);
    expect(k.warnings).toContain("3 rows with missing values dropped");
    const csv = readCSV("Reaction,Days,Subject\n" + sleep().map((r, i) => `${i === 0 ? "NA" : r.Reaction},${i === 1 ? "" : r.Days},${r.Subject}`).join("\n"));
    const c = lmer("Reaction ~ Days + (1 | Subject)", csv);
    expect(c.nobs).toBe(178);
    expect(c.warnings).toContain("2 rows with missing values dropped");
    // one row: singular noun
    const one = lmer("Reaction ~ Days + (1 | Subject)", sleep().map((r, i) => ({...r, Days: i === 0 ? null : r.Days})));
    expect(one.warnings).toContain("1 row with missing values dropped");
    // a missing value in an unused column drops nothing
    const unused = lmer("Reaction ~ Days + (1 | Subject)", sleep().map((r, i) => ({...r, other: i === 0 ? null : 1})));
    expect(unused.nobs).toBe(180);
    expect(unused.warnings).toEqual([]);
  });

  it("an aliased column is dropped with a warning naming it, and the fit equals the fit without it", () => {
    const rows = sleep().map((r) => ({...r, x1: r.Days, x2: 2 * (r.Days as number)}));
    const m = lmer("Reaction ~ x1 + x2 + (Days | Subject)", rows);
    expect(m.fixefNames).toEqual(["(Intercept)", "x1"]);
    expect(m.warnings).toContain("fixed-effect model matrix is rank deficient so dropping 1 column: x2");
    expectSameFit(m, lmer("Reaction ~ x1 + (Days | Subject)", rows));

    // a factor whose contrasts are a linear combination of the intercept and another column
    const f = sleep().map((r) => ({...r, early: (r.Days as number) < 5 ? "yes" : "no", late: (r.Days as number) < 5 ? 0 : 1}));
    const a = lmer("Reaction ~ Days + late + early + (1 | Subject)", f);
    expect(a.fixefNames).toEqual(["(Intercept)", "Days", "late"]);
    expect(a.warnings).toContain("fixed-effect model matrix is rank deficient so dropping 1 column: earlyyes");
    expectSameFit(a, lmer("Reaction ~ Days + late + (1 | Subject)", f));
  });
});

describe("columns named like Object.prototype members are columns like any other", () => {
  const rows = sleep();
  const csv = (names: string[], values: (r: Row) => unknown[]) =>
    readCSV(names.join(",") + "\r\n" + rows.map((r) => values(r).join(",")).join("\r\n"));
  const reference = () => fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");

  /** Same estimates as the sleepstudy fit, with the names swapped in. */
  function expectRenamed(m: LinearMixedModel, covariate: string, group: string): void {
    const ref = reference();
    expect(m.nobs).toBe(180);
    expect(Object.keys(m.fixef)).toEqual(["(Intercept)", covariate]);
    expect(Object.keys(m.se)).toEqual(["(Intercept)", covariate]);
    expect(Math.abs(m.fixef[covariate] - ref.fixef.Days)).toBeLessThanOrEqual(1e-6 * ref.se.Days);
    expect(Math.abs(m.sigma - ref.sigma)).toBeLessThanOrEqual(1e-8 * ref.sigma);
    expect(Math.abs(m.REMLcrit! - ref.REMLcrit!)).toBeLessThanOrEqual(1e-8 * ref.REMLcrit!);
    expect(Object.keys(m.ngrps)).toEqual([group]);
    expect(Object.prototype.hasOwnProperty.call(m.ngrps, group)).toBe(true);
    expect(m.ngrps[group]).toBe(18);
    expect(new Set(m.ranef.grpvar)).toEqual(new Set([group]));
    expect(new Set(m.ranef.term)).toEqual(new Set(["(Intercept)", covariate]));
    expect(m.varCorr.map((v) => v.var1)).toEqual(["(Intercept)", covariate, "(Intercept)", null]);
    // the JSON output keeps every name
    const json = JSON.parse(JSON.stringify(m));
    expect(Object.keys(json.fixef)).toEqual(["(Intercept)", covariate]);
    expect(Object.keys(json.se)).toEqual(["(Intercept)", covariate]);
    expect(Object.keys(json.ngrps)).toEqual([group]);
  }

  it("__proto__ as response, constructor as covariate, toString as group", () => {
    // __proto__ is not a syntactic R name (it starts with "_"), so the formula quotes it in backticks as R would
    const t = csv(["__proto__", "constructor", "toString"], (r) => [r.Reaction, r.Days, `s${r.Subject}`]);
    expectRenamed(lmer("`__proto__` ~ constructor + (constructor | toString)", t), "constructor", "toString");
  });

  it("toString as response, __proto__ as covariate, constructor as group", () => {
    const t = csv(["toString", "__proto__", "constructor"], (r) => [r.Reaction, r.Days, `s${r.Subject}`]);
    expectRenamed(lmer("toString ~ `__proto__` + (`__proto__` | constructor)", t), "__proto__", "constructor");
  });

  it("constructor as response, toString as covariate, __proto__ as group", () => {
    const t = csv(["constructor", "toString", "__proto__"], (r) => [r.Reaction, r.Days, `s${r.Subject}`]);
    expectRenamed(lmer("constructor ~ toString + (toString | `__proto__`)", t), "toString", "__proto__");
  });

  it("hasOwnProperty and valueOf as grouping factors, through an array of row objects", () => {
    const data = rows.map((r) => ({y: r.Reaction, x: r.Days, hasOwnProperty: `s${r.Subject}`, valueOf: (r.Days as number) % 3}));
    const m = lmer("y ~ x + (1 | hasOwnProperty) + (1 | valueOf)", data);
    expect(m.ngrps).toEqual({hasOwnProperty: 18, valueOf: 3});
  });

  it("a bare __proto__ is a syntax error that points to backticks", () => {
    const t = csv(["__proto__", "constructor", "toString"], (r) => [r.Reaction, r.Days, `s${r.Subject}`]);
    const {message} = refusal("__proto__ ~ constructor + (1 | toString)", t);
    expect(message).toMatch(/^formula syntax error at position 1/);
    expect(message).toMatch(/backticks/);
  });
});

describe("lme4's bar outside parentheses: y ~ 1 | g", () => {
  it("Yield ~ 1 | Batch is Yield ~ 1 + (1 | Batch), as lme4's own tests write it", () => {
    const a = lmer("Yield ~ 1 | Batch", dataset("Dyestuff"));
    expectSameFit(a, fitOf("Dyestuff", "Yield ~ 1 + (1 | Batch)"));
    expect(a.formula).toBe("Yield ~ 1 | Batch");
    expect(summary(a)).toContain("Formula: Yield ~ 1 | Batch");
  });

  it("y ~ x + 1 | g is one random-effects term (x + 1 | g) with only the intercept fixed, as lme4's findbars/nobars", () => {
    expectSameFit(lmer("Reaction ~ Days + 1 | Subject", dataset("sleepstudy")), fitOf("sleepstudy", "Reaction ~ 1 + (Days + 1 | Subject)"));
  });
});

describe("limits: every input has one, and hitting it is a clear refusal", () => {
  const vote = () => fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");

  it("a formula that is not a string or a parsed spec names what was given (modelSpec, for lmer)", () => {
    expect(refusalOf(() => modelSpec(42))).toBe('invalid formula: the number 42; give a string such as "Reaction ~ Days + (Days | Subject)" or the result of formula(text)');
    expect(refusalOf(() => modelSpec(null))).toMatch(/^invalid formula: null;/);
  });

  it("long formulas are quoted cut, and every refusal stays under 500 characters", () => {
    const names = Array.from({length: 300}, (_, i) => `x${i}`);
    const {message} = refusal(`Reaction ~ ${names.join(" + ")} + (1 | Subject)`, dataset("sleepstudy"));
    expect(message).toMatch(/^unknown column: x0/);
    expect(message.length).toBeLessThan(500);
    expect(refusalOf(() => fail("x".repeat(20_000))).length).toBe(499);
  });

  it("sim: at most 1e6 draws, and n × profiles at most 1e7 (was 3.5 GB for n = 1e9)", () => {
    const m = vote();
    const x = setx(m);
    expect(refusalOf(() => sim(m, {x, n: 1e9, seed: 1}))).toBe(
      "n = 1000000000 draws is over the limit of 1000000; use fewer draws (1000 is usually enough)",
    );
    const many = setx(m, {education: [1, 2, 3, 4, 5], age: Array.from({length: 1000}, (_, i) => 18 + (i % 70))});
    expect(many.length).toBe(5000);
    expect(refusalOf(() => sim(m, {x: many, n: 10_000, seed: 1}))).toBe(
      "n × profiles = 10000 × 5000 simulated values is over the limit of 10000000; use fewer draws or profiles",
    );
    expect(sim(m, {x, n: 2000, seed: 1}).n).toBe(2000);
  });

  it("setx: at most 10 000 profiles (was 9 million for two arrays of 3 000)", () => {
    const m = vote();
    const a = Array.from({length: 3000}, (_, i) => 20 + (i % 50));
    expect(refusalOf(() => setx(m, {age: a, education: a.map((v) => v % 5)}))).toBe(
      "the overrides make 3000 × 3000 = 9000000 profiles or more, over the limit of 10000: give fewer values, or call setx once per group of values",
    );
    expect(refusalOf(() => setx(m, {age: () => new Float64Array(20_000)}))).toBe(
      "the override for age has 20000 values, over the limit of 10000 profiles: give fewer values",
    );
    expect(setx(m, {age: Array.from({length: 10_000}, (_, i) => i % 90)}).length).toBe(10_000);
  });

  it("bootstrap: at most 100 000 refits", () => {
    const m = fitOf("Dyestuff", "Yield ~ 1 + (1 | Batch)");
    expect(refusalOf(() => bootstrap(m, {nsim: 1e6, seed: 1}))).toBe("nsim = 1000000 refits is over the limit of 100000; use fewer refits (lme4's confint uses 500)");
    expect(refusalOf(() => bootstrap(m, {nsim: Number.NaN, seed: 1}))).toBe("invalid nsim: the number NaN; give a whole number of refits such as 500");
    expect(refusalOf(() => bootstrap(m, null as never))).toMatch(/^invalid options of bootstrap: null/);
    expect(refusalOf(() => bootstrap(m, {n: 10, seed: 1} as never))).toMatch(/^unknown option "n" of bootstrap; did you mean "nsim"\?/);
  });
});
