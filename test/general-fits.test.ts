/**
 * The engine is general: fits beyond the 20 lme4 reference cases, checked without R against values derived
 * independently —
 * - a dense first-principles computation (test/helpers/dense.ts: the marginal model y ~ N(Xβ, σ²V) with an
 *   n × n V factored by ml-matrix) of the REML/ML criterion, β̂, σ̂, Var(β̂) and b̃ at the returned θ, with X and
 *   Z built by hand from the data where that is simple, from the engine's frame otherwise;
 * - local optimality of θ̂ for that dense criterion (no coordinate step of ±h lowers it);
 * - formulas that must give identical fits (`(1 + x | g)` and `(x | g)`, `g1/g2` and its expansion, `tag`);
 * - closed forms: the balanced one-way ANOVA estimators (Dyestuff, Dyestuff2), OLS for balanced designs;
 * - the relations between ML and REML fits.
 */
import fc from "fast-check";
import {escape, type ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {lmer, type LmerOptions} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {criterionFunction} from "../src/lmm/objective.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {
  denseCriterion,
  denseFit,
  denseFromFrame,
  descentSteps,
  relDiff,
  thetaLowerBounds,
  type DenseModel
} from "./helpers/dense.js";

const num = (t: ColumnTable, name: string) => Array.from(t.array(name) as ArrayLike<number>);

/** Level codes of a column, levels sorted as the engine sorts them (numbers numerically, text by code point). */
function codes(values: unknown[]): {refs: number[]; levels: number} {
  const levels = [...new Set(values)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
  );
  const index = new Map(levels.map((l, i) => [l, i]));
  return {refs: values.map((v) => index.get(v)!), levels: levels.length};
}

const ones = (n: number) => new Array<number>(n).fill(1);

/**
 * Checks a fit against the dense computation at its θ̂: the criterion (1e-8 relative), the ML deviance, β̂,
 * σ̂, Var(β̂) and b̃, then local optimality of θ̂ for the dense criterion.
 */
function checkAgainstDense(m: LinearMixedModel, model: DenseModel, {h = 1e-2, optimality = true} = {}): void {
  const d = denseFit(model, m.theta);
  const crit = m.REML ? d.reml : d.ml;
  const mine = m.REML ? m.REMLcrit! : m.deviance;
  expect(relDiff(mine, crit), `criterion ${mine} vs dense ${crit}`).toBeLessThanOrEqual(1e-8);
  // the ML deviance, also at a REML fit's θ̂ (lme4's deviance(m, REML = FALSE))
  expect(relDiff(m.deviance, d.ml), `deviance ${m.deviance} vs dense ${d.ml}`).toBeLessThanOrEqual(1e-8);
  expect(relDiff(m.logLik, -crit / 2)).toBeLessThanOrEqual(1e-8);
  const sigma = m.REML ? d.sigmaREML : d.sigmaML;
  expect(relDiff(m.sigma, sigma)).toBeLessThanOrEqual(1e-8);
  expect(m.beta.length).toBe(d.beta.length);
  m.fixefNames.forEach((k, a) => {
    expect(Math.abs(m.beta[a] - d.beta[a]), `beta[${k}]`).toBeLessThanOrEqual(1e-7 * m.se[k]);
    for (let b = 0; b < d.beta.length; b++) {
      const v = sigma * sigma * d.unscaledVcov[a][b];
      expect(Math.abs(m.vcov[a][b] - v), `vcov[${a}][${b}]`).toBeLessThanOrEqual(1e-7 * m.se[k] * m.se[m.fixefNames[b]]);
    }
  });
  expect(m.b.length).toBe(d.b.length);
  m.b.forEach((bi, i) => {
    const scale = Math.max(...d.b[i].map(Math.abs)) + 1e-6 * m.sigma;
    bi.forEach((v, j) => expect(Math.abs(v - d.b[i][j]), `b[${i}][${j}]`).toBeLessThanOrEqual(1e-6 * scale));
  });
  // fitted values from the dense pieces
  const n = model.y.length;
  for (let r = 0; r < n; r += Math.max(1, Math.floor(n / 50))) {
    let s = model.offset ? model.offset[r] : 0;
    model.X.forEach((col, a) => (s += col[r] * d.beta[a]));
    model.terms.forEach((t, i) => {
      for (let c = 0; c < t.p; c++) s += t.Z[r * t.p + c] * d.b[i][t.refs[r] * t.p + c];
    });
    expect(Math.abs(m.fitted[r] - s), `fitted[${r}]`).toBeLessThanOrEqual(1e-6 * m.sigma);
  }
  if (optimality) {
    const lower = thetaLowerBounds(model.terms);
    const f = (theta: number[]) => denseCriterion(model, theta, m.REML);
    expect(descentSteps(f, m.theta, lower, h, 1e-6 + 1e-10 * Math.abs(crit))).toEqual([]);
  }
}

/** Two fits that must be the same model: estimates, criterion, modes. */
function expectIdentical(a: LinearMixedModel, b: LinearMixedModel, tol = 1e-8): void {
  expect(a.fixefNames).toEqual(b.fixefNames);
  expect(a.ngrps).toEqual(b.ngrps);
  expect(a.thetaNames).toEqual(b.thetaNames);
  expect(a.nobs).toBe(b.nobs);
  for (const k of b.fixefNames) expect(Math.abs(a.fixef[k] - b.fixef[k])).toBeLessThanOrEqual(tol * (b.se[k] + Math.abs(b.fixef[k])));
  a.theta.forEach((t, i) => expect(Math.abs(t - b.theta[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b.theta[i]))));
  expect(relDiff(a.sigma, b.sigma)).toBeLessThanOrEqual(tol);
  if (b.REML) expect(relDiff(a.REMLcrit!, b.REMLcrit!)).toBeLessThanOrEqual(tol);
  expect(relDiff(a.deviance, b.deviance)).toBeLessThanOrEqual(tol);
  expect(a.isSingular).toBe(b.isSingular);
  const ra = a.ranef, rb = b.ranef;
  expect(ra.grp).toEqual(rb.grp);
  expect(ra.term).toEqual(rb.term);
  const scale = Math.max(...rb.condval.map(Math.abs)) + b.sigma;
  ra.condval.forEach((v, i) => expect(Math.abs(v - rb.condval[i])).toBeLessThanOrEqual(tol * 100 * scale));
}

describe("sleepstudy variants with X and Z built by hand, against the dense criterion", () => {
  const t = dataset("sleepstudy");
  const n = t.numRows();
  const reaction = num(t, "Reaction");
  const days = num(t, "Days");
  const subject = codes(num(t, "Subject"));
  const intercept = {p: 1, levels: subject.levels, refs: subject.refs, Z: ones(n)};
  const slope = {p: 1, levels: subject.levels, refs: subject.refs, Z: days};

  for (const REML of [true, false]) {
    const how = REML ? "REML" : "ML";
    it(`log(Reaction) ~ Days + (1 | Subject), ${how}`, () => {
      const m = fitOf("sleepstudy", "log(Reaction) ~ Days + (1 | Subject)", {REML});
      expect(m.fixefNames).toEqual(["(Intercept)", "Days"]);
      checkAgainstDense(m, {y: reaction.map(Math.log), X: [ones(n), days], terms: [intercept]});
    });
  }

  it("Reaction ~ Days + I(Days^2) + (Days || Subject): two uncorrelated terms on one factor", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + I(Days^2) + (Days || Subject)");
    expect(m.fixefNames).toEqual(["(Intercept)", "Days", "I(Days^2)"]);
    expect(m.theta).toHaveLength(2);
    expect(m.varCorr.map((v) => [v.grp, v.var1, v.var2])).toEqual([
      ["Subject", "(Intercept)", null],
      ["Subject.1", "Days", null],
      ["Residual", null, null]
    ]);
    checkAgainstDense(m, {y: reaction, X: [ones(n), days, days.map((d) => d * d)], terms: [intercept, slope]});
  });

  it("Reaction ~ factor(Days) + (1 | Subject): treatment contrasts, and β̂ the cell-mean differences (balanced)", () => {
    const m = fitOf("sleepstudy", "Reaction ~ factor(Days) + (1 | Subject)");
    const names = ["(Intercept)", ...Array.from({length: 9}, (_, k) => `factor(Days)${k + 1}`)];
    expect(m.fixefNames).toEqual(names);
    const X = [ones(n), ...Array.from({length: 9}, (_, k) => days.map((d) => (d === k + 1 ? 1 : 0)))];
    checkAgainstDense(m, {y: reaction, X, terms: [intercept]});
    // every subject has every day: generalized least squares is ordinary least squares, the cell means
    const mean = (d: number) => {
      const v = reaction.filter((_, i) => days[i] === d);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    expect(m.fixef["(Intercept)"]).toBeCloseTo(mean(0), 8);
    for (let k = 1; k <= 9; k++) expect(m.fixef[`factor(Days)${k}`]).toBeCloseTo(mean(k) - mean(0), 8);
  });

  it("Reaction ~ Days + (0 + Days | Subject): a random slope without intercept", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + (0 + Days | Subject)");
    expect(m.thetaNames).toEqual(["Subject.Days"]);
    checkAgainstDense(m, {y: reaction, X: [ones(n), days], terms: [slope]});
  });

  it("Reaction ~ Days + (Days | Subject) with prior weights", () => {
    const w = days.map((d) => 1 + (d % 3));
    const m = lmer("Reaction ~ Days + (Days | Subject)", {Reaction: reaction, Days: days, Subject: num(t, "Subject"), w}, {weights: "w"});
    const vector = {p: 2, levels: subject.levels, refs: subject.refs, Z: days.flatMap((d) => [1, d])};
    checkAgainstDense(m, {y: reaction, X: [ones(n), days], terms: [vector], weights: w});
  });

  it("an offset: offset(Days) lowers the Days coefficient by exactly 1 and changes nothing else", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + offset(Days) + (Days | Subject)");
    const base = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    expect(Math.abs(m.fixef.Days - (base.fixef.Days - 1))).toBeLessThanOrEqual(1e-6 * base.se.Days);
    expect(Math.abs(m.fixef["(Intercept)"] - base.fixef["(Intercept)"])).toBeLessThanOrEqual(1e-6 * base.se["(Intercept)"]);
    expect(relDiff(m.REMLcrit!, base.REMLcrit!)).toBeLessThanOrEqual(1e-8);
    expect(relDiff(m.sigma, base.sigma)).toBeLessThanOrEqual(1e-6);
    m.fitted.forEach((v, i) => expect(Math.abs(v - base.fitted[i])).toBeLessThanOrEqual(1e-5 * base.sigma));
    const vector = {p: 2, levels: subject.levels, refs: subject.refs, Z: days.flatMap((d) => [1, d])};
    checkAgainstDense(m, {y: reaction, X: [ones(n), days], terms: [vector], offset: days});
  });
});

describe("models from the engine's frame against the dense criterion", () => {
  const cases: {name: string; formula: string; REML?: boolean; what: string}[] = [
    {name: "Pastes", formula: "strength ~ 1 + (1 | batch) + (1 | cask)", what: "crossed, 10 × 3"},
    {name: "Pastes", formula: "strength ~ 1 + (1 | batch/cask)", REML: false, what: "nested, ML"},
    {name: "cake", formula: "angle ~ recipe + temp + (recipe || replicate)", what: "|| with a factor: (1 | replicate) + (0 + recipe | replicate)"},
    {name: "cake", formula: "angle ~ recipe + I((temp - 200)/10) + (1 + I((temp - 200)/10) | replicate)", what: "a correlated slope on a transformed covariate"},
    {name: "Grunfeld", formula: "inv ~ value + capital + (1 + I(value/1000) | firm)", what: "a random slope, 10 firms"},
    {name: "Penicillin", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", REML: false, what: "crossed, ML"}
  ];
  for (const {name, formula, REML = true, what} of cases) {
    it(`${what}: ${name} ${formula}`, () => {
      const m = fitOf(name, formula, {REML});
      expect(m.optimizer.converged).toBe(true);
      checkAgainstDense(m, denseFromFrame(m.structure.frame));
    });
  }

  it("the engine's criterion equals the dense one at any θ, not only at θ̂", () => {
    const models = [
      fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)"),
      fitOf("Pastes", "strength ~ 1 + (1 | batch) + (1 | cask)", {REML: false}),
      fitOf("cake", "angle ~ recipe + I((temp - 200)/10) + (1 + I((temp - 200)/10) | replicate)")
    ];
    for (const m of models) {
      const f = criterionFunction(m.structure);
      const dense = denseFromFrame(m.structure.frame);
      const lower = thetaLowerBounds(dense.terms);
      const arb = fc.tuple(...lower.map((lo) => (lo === 0 ? fc.double({min: 0, max: 4, noNaN: true}) : fc.double({min: -2, max: 2, noNaN: true}))));
      fc.assert(
        fc.property(arb, (theta) => {
          const mine = f(theta), want = denseCriterion(dense, theta, m.REML);
          if (!(relDiff(mine, want) <= 1e-9)) throw new Error(`${m.formula} at θ = ${theta}: ${mine} vs dense ${want}`);
        }),
        {seed: 42, numRuns: 10}
      );
    }
  });
});

describe("formulas that are the same model give the same fit", () => {
  it("(1 + Days | Subject) and (Days | Subject), REML and ML", () => {
    for (const REML of [true, false]) {
      expectIdentical(fitOf("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)", {REML}), fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)", {REML}));
    }
  });

  it("tag(1 | Subject) and (1 | Subject)", () => {
    expectIdentical(fitOf("sleepstudy", "Reaction ~ Days + tag(1 | Subject)"), fitOf("sleepstudy", "Reaction ~ Days + (1 | Subject)"));
  });

  it("(Days || Subject) and (1 | Subject) + (0 + Days | Subject)", () => {
    expectIdentical(fitOf("sleepstudy", "Reaction ~ Days + (Days || Subject)"), fitOf("sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"));
  });

  it("(recipe || replicate) with a factor and (1 | replicate) + (0 + recipe | replicate)", () => {
    const a = fitOf("cake", "angle ~ recipe + temp + (recipe || replicate)");
    const b = fitOf("cake", "angle ~ recipe + temp + (1 | replicate) + (0 + recipe | replicate)");
    expect(a.thetaNames).toHaveLength(7);
    expect(a.varCorr.filter((v) => v.grp === "replicate.1" && v.var2 === null).map((v) => v.var1)).toEqual(["recipeA", "recipeB", "recipeC"]);
    // a poorly identified (singular) model: the criterion must agree, the estimates to the optimizer's precision
    expect(relDiff(a.REMLcrit!, b.REMLcrit!)).toBeLessThanOrEqual(1e-8);
    for (const k of b.fixefNames) expect(Math.abs(a.fixef[k] - b.fixef[k])).toBeLessThanOrEqual(1e-4 * b.se[k]);
  });

  it("nested (1 | batch/cask) and (1 | batch) + (1 | cask:batch)", () => {
    const a = fitOf("Pastes", "strength ~ 1 + (1 | batch/cask)");
    const b = fitOf("Pastes", "strength ~ 1 + (1 | batch) + (1 | cask:batch)");
    expectIdentical(a, b);
    expect(a.ngrps).toEqual({"cask:batch": 30, batch: 10});
    // and the precomputed interaction column `sample` is the same grouping
    const c = fitOf("Pastes", "strength ~ 1 + (1 | batch) + (1 | sample)");
    expect(relDiff(c.REMLcrit!, b.REMLcrit!)).toBeLessThanOrEqual(1e-8);
    expect(relDiff(c.sigma, b.sigma)).toBeLessThanOrEqual(1e-5);
  });

  it("1 + x and x, and the order of fixed terms (only the column order changes)", () => {
    const a = fitOf("cake", "angle ~ temp + recipe + (1 | replicate)");
    const b = fitOf("cake", "angle ~ 1 + recipe + temp + (1 | replicate)");
    expect(a.fixefNames).toEqual(["(Intercept)", "temp", "recipeB", "recipeC"]);
    expect(relDiff(a.REMLcrit!, b.REMLcrit!)).toBeLessThanOrEqual(1e-8);
    for (const k of b.fixefNames) expect(Math.abs(a.fixef[k] - b.fixef[k])).toBeLessThanOrEqual(1e-6 * b.se[k]);
  });
});

describe("three-level nesting on Exam: (1 | schgend/school/sex)", () => {
  it("equals the written-out terms on the full data", () => {
    const a = fitOf("Exam", "normexam ~ standLRT + (1 | schgend/school/sex)");
    const b = fitOf("Exam", "normexam ~ standLRT + (1 | schgend) + (1 | school:schgend) + (1 | sex:school:schgend)");
    expectIdentical(a, b);
    expect(a.ngrps).toEqual({"sex:school:schgend": 100, "school:schgend": 65, schgend: 3});
    expect(a.nobs).toBe(4059);
  });

  it("matches the dense criterion on schools 1–5 and 11 (n = 356, every schgend level), REML and ML", () => {
    const sub = dataset("Exam").filter(escape((d: {school: number}) => d.school <= 5 || d.school === 11));
    for (const REML of [true, false]) {
      const m = lmer("normexam ~ standLRT + (1 | schgend/school/sex)", sub, {REML});
      expect(m.nobs).toBe(356);
      expect(m.ngrps).toEqual({"sex:school:schgend": 10, "school:schgend": 6, schgend: 3});
      checkAgainstDense(m, denseFromFrame(m.structure.frame));
    }
  });
});

describe("closed forms of the balanced one-way layout (Dyestuff: 6 batches × 5)", () => {
  /** The ANOVA mean squares of a balanced one-way layout. */
  function anova(name: string) {
    const t = dataset(name);
    const y = num(t, "Yield");
    const g = Array.from(t.array("Batch") as ArrayLike<string>);
    const groups = [...new Set(g)];
    const a = groups.length, J = y.length / a;
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const means = new Map(groups.map((k) => [k, y.filter((_, i) => g[i] === k).reduce((s, v) => s + v, 0) / J]));
    const ssb = J * groups.reduce((s, k) => s + (means.get(k)! - mean) ** 2, 0);
    const ssw = y.reduce((s, v, i) => s + (v - means.get(g[i])!) ** 2, 0);
    return {a, J, n: y.length, mean, msb: ssb / (a - 1), msw: ssw / (a * (J - 1)), ssb, ssw};
  }

  it("REML: σ̂² = MSW and σ̂_b² = (MSB − MSW)/J", () => {
    const {J, mean, msb, msw} = anova("Dyestuff");
    const m = fitOf("Dyestuff", "Yield ~ 1 + (1 | Batch)");
    expect(relDiff(m.sigma ** 2, msw)).toBeLessThanOrEqual(1e-6);
    expect(relDiff(m.varCorr[0].vcov, (msb - msw) / J)).toBeLessThanOrEqual(1e-5);
    expect(relDiff(m.fixef["(Intercept)"], mean)).toBeLessThanOrEqual(1e-10);
    // Var(mean) = MSB / n in the balanced layout
    expect(relDiff(m.se["(Intercept)"] ** 2, msb / 30)).toBeLessThanOrEqual(1e-5);
  });

  it("ML: σ̂² = MSW and σ̂_b² = ((1 − 1/a)·MSB − MSW)/J", () => {
    const {a, J, msb, msw} = anova("Dyestuff");
    const m = fitOf("Dyestuff", "Yield ~ 1 + (1 | Batch)", {REML: false});
    expect(relDiff(m.sigma ** 2, msw)).toBeLessThanOrEqual(1e-6);
    expect(relDiff(m.varCorr[0].vcov, ((1 - 1 / a) * msb - msw) / J)).toBeLessThanOrEqual(1e-5);
  });

  it("Dyestuff2 (MSB < MSW): θ̂ = 0, a singular fit, σ̂² the sample variance", () => {
    const {n, msb, msw, ssb, ssw} = anova("Dyestuff2");
    expect(msb).toBeLessThan(msw);
    const m = fitOf("Dyestuff2", "Yield ~ 1 + (1 | Batch)");
    expect(Array.from(m.theta)).toEqual([0]);
    expect(m.isSingular).toBe(true);
    expect(relDiff(m.sigma ** 2, (ssb + ssw) / (n - 1))).toBeLessThanOrEqual(1e-10);
    const ml = fitOf("Dyestuff2", "Yield ~ 1 + (1 | Batch)", {REML: false});
    expect(Array.from(ml.theta)).toEqual([0]);
    expect(relDiff(ml.sigma ** 2, (ssb + ssw) / n)).toBeLessThanOrEqual(1e-10);
    checkAgainstDense(m, denseFromFrame(m.structure.frame));
  });
});

describe("ML and REML fits of the same model", () => {
  const cases: [string, string][] = [
    ["sleepstudy", "Reaction ~ Days + (Days | Subject)"],
    ["Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)"],
    ["Pastes", "strength ~ 1 + (1 | batch) + (1 | cask)"]
  ];
  for (const [name, formula] of cases) {
    it(`${name}: ${formula}`, () => {
      const reml = fitOf(name, formula);
      const ml = fitOf(name, formula, {REML: false});
      const dense = denseFromFrame(reml.structure.frame);
      // each fit minimises its own criterion: neither does better at the other's θ̂
      expect(ml.deviance).toBeLessThanOrEqual(reml.deviance + 1e-8);
      expect(reml.REMLcrit!).toBeLessThanOrEqual(denseCriterion(dense, ml.theta, true) + 1e-6);
      expect(ml.deviance).toBeLessThanOrEqual(denseCriterion(dense, reml.theta, false) + 1e-6);
      // a REML fit's deviance is the ML deviance at its θ̂
      expect(relDiff(reml.deviance, denseCriterion(dense, reml.theta, false))).toBeLessThanOrEqual(1e-8);
      expect(ml.REMLcrit).toBeNull();
      // bookkeeping
      for (const m of [reml, ml]) {
        const n = m.nobs;
        expect(m.logLik).toBeCloseTo(-(m.REML ? m.REMLcrit! : m.deviance) / 2, 8);
        expect(m.df).toBe(m.beta.length + m.theta.length + 1);
        expect(m.AIC).toBeCloseTo(-2 * m.logLik + 2 * m.df, 8);
        expect(m.BIC).toBeCloseTo(-2 * m.logLik + m.df * Math.log(n), 8);
      }
    });
  }

  it("balanced sleepstudy: β̂ is the OLS estimate under both criteria", () => {
    const t = dataset("sleepstudy");
    const y = num(t, "Reaction"), x = num(t, "Days");
    const n = y.length;
    const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
    const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    for (const REML of [true, false]) {
      const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)", {REML} as LmerOptions);
      expect(m.fixef.Days).toBeCloseTo(slope, 8);
      expect(m.fixef["(Intercept)"]).toBeCloseTo(my - slope * mx, 8);
    }
  });
});
