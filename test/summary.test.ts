import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {formula} from "../src/formula/index.js";
import {modelFrame} from "../src/frame/index.js";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import {abbreviate, formatR, matrixLines, namedVectorLines, roundR, zapsmall} from "../src/lmm/format.js";
import {LinearMixedModel, type OptimizerRecord} from "../src/lmm/model.js";
import {modelStructure} from "../src/lmm/objective.js";
import {summaryText, type SummarySource} from "../src/lmm/summary.js";
import {fixedEffectsTable, ranefTable, varianceTable} from "../src/lmm/tables.js";

const data = (name: string) => readCSV(readFileSync(new URL(`../datasets/${name}.csv`, import.meta.url), "utf8"));

/** The model at lme4's θ̂ (no optimizer involved), so every printed digit can be compared with R's. */
function atTheta(dataset: string, text: string, REML: boolean, theta: number[], warnings: string[] = []): LinearMixedModel {
  const structure = modelStructure(modelFrame(formula(text), data(dataset)), REML);
  const optimizer: OptimizerRecord = {
    name: "bobyqa", evaluations: 0, seconds: 0, converged: true, message: "at lme4's estimates",
    initial: Float64Array.from(theta), final: Float64Array.from(theta), criterion: NaN, log: [],
    ending: {verdict: "interior", atBound: [], probes: [], restarts: []}
  };
  return new LinearMixedModel(structure, Float64Array.from(theta), theta.some((t) => t === 0), warnings, optimizer);
}

const SLEEP_THETA = [0.966741773967412, 0.0151690588960361, 0.230909953207795];
const SLEEP_THETA_ML = [0.929190605278248, 0.018165754720412, 0.222643205612618];

/** R 4 / lme4 1.1: `print(summary(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)))`. */
const SLEEPSTUDY_REML = [
  "Linear mixed model fit by REML ['lmerMod']",
  "Formula: Reaction ~ Days + (Days | Subject)",
  "   Data: sleepstudy",
  "",
  "REML criterion at convergence: 1743.6",
  "",
  "Scaled residuals: ",
  "    Min      1Q  Median      3Q     Max ",
  "-3.9536 -0.4634  0.0231  0.4634  5.1793 ",
  "",
  "Random effects:",
  " Groups   Name        Variance Std.Dev. Corr",
  " Subject  (Intercept) 612.10   24.741       ",
  "          Days         35.07    5.922   0.07",
  " Residual             654.94   25.592       ",
  "Number of obs: 180, groups:  Subject, 18",
  "",
  "Fixed effects:",
  "            Estimate Std. Error t value",
  "(Intercept)  251.405      6.825  36.838",
  "Days          10.467      1.546   6.771",
  "",
  "Correlation of Fixed Effects:",
  "     (Intr)",
  "Days -0.138"
].join("\n");

/** A model-shaped plain object: the summary needs no fitted model, only these fields. */
function plain(overrides: Partial<SummarySource>): SummarySource {
  return {
    formula: "y ~ 1 + (1 | g)", REML: true, nobs: 5, ngrps: {g: 2}, fixefNames: ["(Intercept)"],
    beta: Float64Array.of(1), se: {"(Intercept)": 0.5}, vcov: [[0.25]], sigma: 1,
    varCorr: [{grp: "g", var1: "(Intercept)", var2: null, vcov: 1, sdcor: 1}, {grp: "Residual", var1: null, var2: null, vcov: 1, sdcor: 1}],
    residuals: Float64Array.of(-1, 0, 1, 2, 3), REMLcrit: 10, deviance: 10, logLik: -5, df: 3, AIC: 16, BIC: 15,
    warnings: [], optimizer: {name: "bobyqa", converged: true, message: ""}, structure: {frame: {weights: null}},
    ...overrides
  };
}

const section = (text: string, from: string, lines: number) => {
  const all = text.split("\n");
  const at = all.indexOf(from);
  return all.slice(at, at + lines).join("\n");
};

describe("summaryText: lme4's printed summary", () => {
  it("prints sleepstudy (REML) exactly as R does", () => {
    const m = atTheta("sleepstudy", "Reaction ~ Days + (Days | Subject)", true, SLEEP_THETA);
    expect(summaryText(m, {dataName: "sleepstudy"})).toBe(SLEEPSTUDY_REML);
    expect(m.summary({dataName: "sleepstudy"})).toBe(SLEEPSTUDY_REML);
  });

  it("prints the ML title and AIC table", () => {
    const m = atTheta("sleepstudy", "Reaction ~ Days + (Days | Subject)", false, SLEEP_THETA_ML);
    const lines = m.summary({dataName: "sleepstudy"}).split("\n");
    expect(lines[0]).toBe("Linear mixed model fit by maximum likelihood  ['lmerMod']");
    expect(lines.slice(3, 7)).toEqual([
      "",
      "     AIC      BIC   logLik deviance df.resid ",
      "  1763.9   1783.1   -876.0   1751.9      174 ",
      ""
    ]);
    expect(lines).not.toContain("REML criterion at convergence: 1751.9");
  });

  it("leaves out the Data line without a data name and deparses the formula as R", () => {
    const m = atTheta("sleepstudy", "Reaction~Days+(Days|Subject)", true, SLEEP_THETA);
    const lines = m.summary().split("\n");
    expect(lines.slice(0, 3)).toEqual(["Linear mixed model fit by REML ['lmerMod']", "Formula: Reaction ~ Days + (Days | Subject)", ""]);
  });

  it("prints Penicillin's crossed random effects, one group per line", () => {
    const m = atTheta("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", true, [1.53967555430648, 3.51251885988167]);
    const text = m.summary({dataName: "Penicillin"});
    expect(section(text, "Random effects:", 6)).toBe([
      "Random effects:",
      " Groups   Name        Variance Std.Dev.",
      " plate    (Intercept) 0.7169   0.8467  ",
      " sample   (Intercept) 3.7311   1.9316  ",
      " Residual             0.3024   0.5499  ",
      "Number of obs: 144, groups:  plate, 24; sample, 6"
    ].join("\n"));
    expect(section(text, "Fixed effects:", 3)).toBe([
      "Fixed effects:",
      "            Estimate Std. Error t value",
      "(Intercept)  22.9722     0.8086   28.41"
    ].join("\n"));
    expect(text).not.toContain("Correlation of Fixed Effects");
    expect(text.endsWith("(Intercept)  22.9722     0.8086   28.41")).toBe(true);
  });

  it("ends a singular fit with the optimizer line and lme4's boundary message", () => {
    const m = lmer("Yield ~ 1 + (1 | Batch)", data("Dyestuff2"));
    expect(m.isSingular).toBe(true);
    const lines = m.summary({dataName: "Dyestuff2"}).split("\n");
    expect(lines.slice(-5)).toEqual([
      "Fixed effects:",
      "            Estimate Std. Error t value",
      "(Intercept)   5.6656     0.6784   8.352",
      "optimizer (bobyqa) convergence code: 0 (OK)",
      "boundary (singular) fit: see help('isSingular')"
    ]);
    expect(section(lines.join("\n"), "Random effects:", 4)).toBe([
      "Random effects:",
      " Groups   Name        Variance Std.Dev.",
      " Batch    (Intercept)  0.00    0.000   ",
      " Residual             13.81    3.716   "
    ].join("\n"));
  });

  it("lists the fit's warnings except dropped rows, and no warning lines without warnings", () => {
    const warned = summaryText(plain({warnings: ["2 rows with missing values dropped", "Model failed to converge with max|grad| = 0.0201930 (tol = 0.002, component 1)"]}));
    expect(warned.split("\n").slice(-2)).toEqual([
      "optimizer (bobyqa) convergence code: 0 (OK)",
      "Model failed to converge with max|grad| = 0.0201930 (tol = 0.002, component 1)"
    ]);
    expect(summaryText(plain({warnings: ["2 rows with missing values dropped"]}))).not.toContain("optimizer");
  });

  it("prints a real lmer fit of sleepstudy with lme4's layout", () => {
    const m = lmer("Reaction ~ Days + (Days | Subject)", data("sleepstudy"));
    const lines = m.summary({dataName: "sleepstudy"}).split("\n");
    const expected = SLEEPSTUDY_REML.split("\n");
    expect(lines.length).toBe(expected.length);
    expect(lines.map((l) => l.length)).toEqual(expected.map((l) => l.length));
    for (const i of [0, 1, 2, 4, 6, 7, 8, 11, 15, 17, 18, 19, 20, 22, 23, 24]) expect(lines[i]).toBe(expected[i]);
  });
});

describe("summaryText on plain objects", () => {
  it("zaps residual quantiles as lme4 (decimals from the largest) and prints 4 significant digits", () => {
    const sleep = summaryText(plain({residuals: Float64Array.of(-3.95357, -0.4634, 0.0231177, 0.4634, 5.17926)}));
    expect(section(sleep, "Scaled residuals: ", 3).split("\n")[2]).toBe("-3.9536 -0.4634  0.0231  0.4634  5.1793 ");
    const vocab = summaryText(plain({residuals: Float64Array.of(-2.07195, -0.39694, -0.00812, 0.48806, 2.86833)}));
    expect(section(vocab, "Scaled residuals: ", 3).split("\n").slice(1)).toEqual([
      "     Min       1Q   Median       3Q      Max ",
      "-2.07195 -0.39694 -0.00812  0.48806  2.86833 "
    ]);
    const weighted = summaryText(plain({residuals: Float64Array.of(-1, 0, 1, 2, 3), sigma: 2, structure: {frame: {weights: Float64Array.of(4, 4, 4, 4, 4)}}}));
    expect(section(weighted, "Scaled residuals: ", 3).split("\n")[2]).toBe("    -1      0      1      2      3 ");
  });

  it("prints several groups and a lower triangle of correlations (lme4's layout)", () => {
    const v = [108.18, 633.94, 62.01, 57.76, 5650.72];
    const sd = v.map(Math.sqrt);
    const m = plain({
      nobs: 3929,
      ngrps: {item: 180, subj: 31},
      varCorr: [
        {grp: "item", var1: "(Intercept)", var2: null, vcov: v[0], sdcor: sd[0]},
        {grp: "subj", var1: "(Intercept)", var2: null, vcov: v[1], sdcor: sd[1]},
        {grp: "subj", var1: "previewtype2", var2: null, vcov: v[2], sdcor: sd[2]},
        {grp: "subj", var1: "previewtype3", var2: null, vcov: v[3], sdcor: sd[3]},
        {grp: "subj", var1: "(Intercept)", var2: "previewtype2", vcov: 0, sdcor: -0.9912},
        {grp: "subj", var1: "(Intercept)", var2: "previewtype3", vcov: 0, sdcor: -0.1004},
        {grp: "subj", var1: "previewtype2", var2: "previewtype3", vcov: 0, sdcor: -0.0121},
        {grp: "Residual", var1: null, var2: null, vcov: v[4], sdcor: sd[4]}
      ]
    });
    expect(section(summaryText(m), "Random effects:", 8)).toBe([
      "Random effects:",
      " Groups   Name         Variance Std.Dev. Corr       ",
      " item     (Intercept)   108.18  10.401              ",
      " subj     (Intercept)   633.94  25.178              ",
      "          previewtype2   62.01   7.875   -0.99      ",
      "          previewtype3   57.76   7.600   -0.10 -0.01",
      " Residual              5650.72  75.171              ",
      "Number of obs: 3929, groups:  item, 180; subj, 31"
    ].join("\n"));
  });

  it("formats fixed effects as printCoefmat: scientific when narrower, shared by estimates and errors", () => {
    const names = ["(Intercept)", "Date2019-12-04", "BleachNon-bleach", "Date2019-12-04:BleachNon-bleach"];
    const table = (beta: number[], se: number[]) => {
      const vcov = se.map((s, i) => se.map((t, j) => (i === j ? s * s : 0)));
      const text = summaryText(plain({fixefNames: names, beta: Float64Array.from(beta), se: Object.fromEntries(names.map((n, i) => [n, se[i]])), vcov}));
      return section(text, "Fixed effects:", 6).split("\n").slice(1).join("\n");
    };
    expect(table([1.8437e-6, 2.802e-6, -8.945e-8, -8.146e-7], [5.466e-7, 6.458e-7, 6.654e-7, 8.981e-7])).toBe([
      "                                  Estimate Std. Error t value",
      "(Intercept)                      1.844e-06  5.466e-07   3.373",
      "Date2019-12-04                   2.802e-06  6.458e-07   4.339",
      "BleachNon-bleach                -8.945e-08  6.654e-07  -0.134",
      "Date2019-12-04:BleachNon-bleach -8.146e-07  8.981e-07  -0.907"
    ].join("\n"));
    expect(table([552214, 176017, 592620, -333183], [169402, 194743, 214958, 270338])).toBe([
      "                                Estimate Std. Error t value",
      "(Intercept)                       552214     169402   3.260",
      "Date2019-12-04                    176017     194743   0.904",
      "BleachNon-bleach                  592620     214958   2.757",
      "Date2019-12-04:BleachNon-bleach  -333183     270338  -1.232"
    ].join("\n"));
  });

  it("abbreviates the correlation matrix's names as R and drops it beyond 12 fixed effects", () => {
    const names = ["(Intercept)", "Date2019-12-04", "BleachNon-bleach", "Date2019-12-04:BleachNon-bleach"];
    const r = [[1, -0.666, -0.649, 0.481], [-0.666, 1, 0.55, -0.721], [-0.649, 0.55, 1, -0.741], [0.481, -0.721, -0.741, 1]];
    const m = plain({fixefNames: names, beta: Float64Array.of(1, 2, 3, 4), se: Object.fromEntries(names.map((n) => [n, 1])), vcov: r});
    expect(section(summaryText(m), "Correlation of Fixed Effects:", 5)).toBe([
      "Correlation of Fixed Effects:",
      "             (Intr) Dt2019-12-04 BlchN-",
      "Dt2019-12-04 -0.666                    ",
      "BlchNn-blch  -0.649  0.550             ",
      "D2019-12-04:  0.481 -0.721       -0.741"
    ].join("\n"));
    const many = Array.from({length: 13}, (_, i) => `x${i}`);
    const big = plain({
      fixefNames: many, beta: new Float64Array(13).fill(1), se: Object.fromEntries(many.map((n) => [n, 1])),
      vcov: many.map((_, i) => many.map((_, j) => (i === j ? 1 : 0)))
    });
    expect(summaryText(big)).not.toContain("Correlation of Fixed Effects:");
    expect(summaryText(big)).toContain("Correlation matrix not shown by default, as p = 13 > 12.");
    expect(summaryText(big, {correlation: true})).toContain("Correlation of Fixed Effects:");
  });

  it("moves a long groups list to its own line", () => {
    const ngrps = Object.fromEntries(Array.from({length: 6}, (_, i) => [`grouping_factor_${i}`, 10 + i]));
    const lines = summaryText(plain({ngrps})).split("\n");
    const at = lines.findIndex((l) => l.startsWith("Number of obs"));
    expect(lines[at]).toBe("Number of obs: 5, groups: ");
    expect(lines[at + 1].startsWith("grouping_factor_0, 10; grouping_factor_1, 11")).toBe(true);
  });
});

describe("format: R's number and name formatting", () => {
  it("formats vectors with common decimals, scientific when narrower", () => {
    expect(formatR([612.0897, 35.0717, 654.9408], {digits: 4})).toEqual(["612.09", " 35.07", "654.94"]);
    expect(formatR([24.7407, 5.9221, 25.5918], {digits: 4})).toEqual(["24.741", " 5.922", "25.592"]);
    expect(formatR([0, 6.36e-13, 1.819e-12], {digits: 4})).toEqual(["0.000e+00", "6.360e-13", "1.819e-12"]);
    expect(formatR([2.93e10, 4.21e10, 1.637e11], {digits: 4})).toEqual(["2.930e+10", "4.210e+10", "1.637e+11"]);
    expect(formatR([171175.2, 205186.4, 404573.1], {digits: 4})).toEqual(["171175", "205186", "404573"]);
    expect(formatR([1, -0.138, -0.138, 1], {nsmall: 3})).toEqual([" 1.000", "-0.138", "-0.138", " 1.000"]);
    expect(formatR([NaN, Infinity, -1.5])).toEqual([" NaN", " Inf", "-1.5"]);
    expect(formatR([1e-200])).toEqual(["1e-200"]);
  });

  it("rounds as R: half to even on the exact binary value", () => {
    expect(roundR(2.5, 0)).toBe(2);
    expect(roundR(3.5, 0)).toBe(4);
    expect(roundR(0.125, 2)).toBe(0.12);
    expect(roundR(0.15, 1)).toBe(0.1);
    expect(roundR(-1743.628, 1)).toBe(-1743.6);
    expect(roundR(1234.5, -2)).toBe(1200);
    expect(formatR([0.125], {digits: 2})).toEqual(["0.12"]);
    expect(formatR([-0.0001].map((x) => roundR(x, 3)), {nsmall: 3})).toEqual(["0.000"]);
  });

  it("zaps small values relative to the largest", () => {
    expect(zapsmall([1, 1e-20], 7)).toEqual([1, 0]);
    expect(zapsmall([-3.95357, 0.0231177, 5.17926], 5)).toEqual([-3.9536, 0.0231, 5.1793]);
    expect(zapsmall([-1.47978, 0.0094981, 1.3897], 5)).toEqual([-1.47978, 0.0095, 1.3897]);
  });

  it("abbreviates names as R's abbreviate()", () => {
    expect(abbreviate(["(Intercept)", "Days"], 6)).toEqual(["(Intr)", "Days"]);
    expect(abbreviate(["(Intercept)", "standLRT", "sexM", "schgendgirls", "schgendmixed"], 6)).toEqual(["(Intr)", "stnLRT", "sexM", "schgndg", "schgndm"]);
    expect(abbreviate(["schgendgirls", "schgendmixed"], 11)).toEqual(["schgendgrls", "schgendmixd"]);
    expect(abbreviate(["conditionproperty", "test_item"], 6)).toEqual(["cndtnp", "tst_tm"]);
    expect(abbreviate(["previewtype2", "previewtype3"], 11)).toEqual(["previewtyp2", "previewtyp3"]);
    expect(abbreviate(["previewtype2"], 6)).toEqual(["prvwt2"]);
  });

  it("lays out named vectors and matrices as print()", () => {
    expect(namedVectorLines(["Min", "Max"], ["-3.9536", "5.1793"])).toEqual(["    Min     Max ", "-3.9536  5.1793 "]);
    expect(matrixLines(["Days"], ["(Intr)"], [["-0.138"]], false)).toEqual(["     (Intr)", "Days -0.138"]);
    const wide = matrixLines(["r"], Array.from({length: 12}, (_, i) => `column${i}`), [Array(12).fill("x")], true);
    expect(wide.length).toBe(4);
    expect(wide.every((l) => l.length <= 80)).toBe(true);
  });
});

describe("tables: estimates as Arquero tables", () => {
  const m = atTheta("sleepstudy", "Reaction ~ Days + (Days | Subject)", true, SLEEP_THETA);

  it("fixedEffectsTable: term, estimate, se, t", () => {
    const t = m.fixedEffectsTable();
    expect(t.columnNames()).toEqual(["term", "estimate", "se", "t"]);
    expect(t.numRows()).toBe(2);
    const rows = t.objects() as {term: string; estimate: number; se: number; t: number}[];
    expect(rows.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    expect(rows[0].estimate).toBeCloseTo(251.405105, 5);
    expect(rows[1].se).toBeCloseTo(1.545790, 5);
    expect(rows[1].t).toBeCloseTo(rows[1].estimate / rows[1].se, 12);
    expect(fixedEffectsTable(m).objects()).toEqual(t.objects());
  });

  it("varianceTable: grp, var1, var2, vcov, sdcor as VarCorr's data frame", () => {
    const t = m.varianceTable();
    expect(t.columnNames()).toEqual(["grp", "var1", "var2", "vcov", "sdcor"]);
    const rows = t.objects() as {grp: string; var1: string | null; var2: string | null; vcov: number; sdcor: number}[];
    expect(rows.map((r) => [r.grp, r.var1, r.var2])).toEqual([
      ["Subject", "(Intercept)", null],
      ["Subject", "Days", null],
      ["Subject", "(Intercept)", "Days"],
      ["Residual", null, null]
    ]);
    expect(rows[2].sdcor).toBeCloseTo(0.06555124, 6);
    expect(rows[3].sdcor).toBeCloseTo(25.5917957, 6);
    expect(varianceTable(m).numRows()).toBe(4);
  });

  it("ranefTable: grpvar, term, grp, condval, condsd, one row per level and term", () => {
    const t = m.ranefTable();
    expect(t.columnNames()).toEqual(["grpvar", "term", "grp", "condval", "condsd"]);
    expect(t.numRows()).toBe(36);
    const rows = t.objects() as {grpvar: string; term: string; grp: string; condval: number; condsd: number}[];
    expect(rows[0].grpvar).toBe("Subject");
    expect(rows.filter((r) => r.term === "Days").length).toBe(18);
    expect(rows.every((r) => Number.isFinite(r.condval) && r.condsd > 0)).toBe(true);
    expect(ranefTable(m).numRows()).toBe(36);
  });
});
