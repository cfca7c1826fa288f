/**
 * Invariants of a fit, checked as seeded fast-check properties (GUIDE §7): permuting the rows changes
 * nothing; an affine change of the response moves β, σ and b̃ and leaves θ alone; constant weights only
 * rescale σ and θ; lmer never mutates the user's data; the factor satisfies L Lᵀ = ΛᵀZᵀWZΛ + I (with the
 * [X y] rows appended) at any θ; −2 log L of an ML fit equals the dense marginal Gaussian likelihood.
 */
import fc from "fast-check";
import {CholeskyDecomposition, Matrix} from "ml-matrix";
import {table, type ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {factorAt} from "../src/lmm/objective.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {denseFactor, denseFit, denseFromFrame, denseLambda, denseZ, maxAbs, type DenseModel} from "./helpers/dense.js";

type Columns = Record<string, unknown[]>;

/** The columns of a table as plain arrays. */
function columnsOf(t: ColumnTable): Columns {
  const out: Columns = {};
  for (const name of t.columnNames()) out[name] = Array.from(t.array(name) as ArrayLike<unknown>);
  return out;
}

/** The rows of `cols` in the order `perm`. */
function permute(cols: Columns, perm: number[]): Columns {
  const out: Columns = {};
  for (const [k, v] of Object.entries(cols)) out[k] = perm.map((i) => v[i]);
  return out;
}

/** Expects |a − b| ≤ rel · max(|b|, scale), naming the quantity on failure. */
function expectClose(what: string, a: number, b: number, rel: number, scale = 0): void {
  const tol = rel * Math.max(Math.abs(b), scale);
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${what}: ${a} vs ${b} (|diff| ${Math.abs(a - b)} > ${tol})`);
}

/** Every fixed effect of `a` within rel·max(|b|, se) of `b`'s. */
function expectSameFixef(a: LinearMixedModel, b: LinearMixedModel, rel: number): void {
  expect(a.fixefNames).toEqual(b.fixefNames);
  for (const k of b.fixefNames) expectClose(`fixef[${k}]`, a.fixef[k], b.fixef[k], rel, b.se[k]);
}

function expectSameTheta(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, scale: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expectClose(`theta[${i}]`, a[i], b[i], rel, scale);
}

const indexArray = (n: number) => Array.from({length: n}, (_, i) => i);
const permutation = (n: number) => fc.shuffledSubarray(indexArray(n), {minLength: n, maxLength: n});

describe("permuting the rows changes nothing", () => {
  const cases = [
    {name: "sleepstudy", formula: "Reaction ~ Days + (Days | Subject)"},
    {name: "Penicillin", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)"}
  ];
  for (const {name, formula} of cases) {
    it(`${name}: ${formula}`, () => {
      const cols = columnsOf(dataset(name));
      const n = dataset(name).numRows();
      const base = fitOf(name, formula);
      fc.assert(
        fc.property(permutation(n), (perm) => {
          const m = lmer(formula, permute(cols, perm));
          expectClose("REMLcrit", m.REMLcrit!, base.REMLcrit!, 1e-6);
          expectSameFixef(m, base, 1e-4);
          expectSameTheta(m.theta, base.theta, 1e-4, 1e-2);
          expectClose("sigma", m.sigma, base.sigma, 1e-4);
          expect(m.ngrps).toEqual(base.ngrps);
          // the fitted values follow their rows
          for (let k = 0; k < n; k++) expectClose(`fitted[${k}]`, m.fitted[k], base.fitted[perm[k]], 1e-4, base.sigma);
        }),
        {seed: 42, numRuns: 20}
      );
    });
  }
});

describe("an affine change of the response, c·y + d with c > 0", () => {
  const formula = "Reaction ~ Days + (Days | Subject)";
  const cols = columnsOf(dataset("sleepstudy"));
  it("scales β (shifting the intercept by d), σ and the conditional modes by c, leaves θ unchanged and moves the criterion by 2ν log c", () => {
    fc.assert(
      fc.property(
        fc.double({min: 1e-2, max: 1e2, noNaN: true}),
        fc.double({min: -1e3, max: 1e3, noNaN: true}),
        fc.boolean(),
        (c, d, REML) => {
          const base = fitOf("sleepstudy", formula, {REML});
          const y = (cols.Reaction as number[]).map((v) => c * v + d);
          const m = lmer(formula, {...cols, Reaction: y}, {REML});
          const nu = REML ? base.nobs - base.beta.length : base.nobs;
          expectClose("(Intercept)", m.fixef["(Intercept)"], c * base.fixef["(Intercept)"] + d, 1e-4, c * base.se["(Intercept)"]);
          expectClose("Days", m.fixef.Days, c * base.fixef.Days, 1e-4, c * base.se.Days);
          for (const k of base.fixefNames) expectClose(`se[${k}]`, m.se[k], c * base.se[k], 1e-4);
          expectClose("sigma", m.sigma, c * base.sigma, 1e-4);
          expectSameTheta(m.theta, base.theta, 1e-4, 1e-2);
          const scale = Math.max(...base.b[0].map(Math.abs));
          base.b[0].forEach((v, i) => expectClose(`b[${i}]`, m.b[0][i], c * v, 1e-4, scale * c));
          if (REML) expectClose("REMLcrit", m.REMLcrit!, base.REMLcrit! + 2 * nu * Math.log(c), 1e-6);
          else expect(m.REMLcrit).toBeNull();
          expectClose("deviance", m.deviance, base.deviance + 2 * base.nobs * Math.log(c), 1e-6, REML ? 1 : 0);
        }
      ),
      {seed: 42, numRuns: 15}
    );
  });
});

describe("weights", () => {
  const formula = "Reaction ~ Days + (Days | Subject)";
  const cols = columnsOf(dataset("sleepstudy"));

  it("weights of ones give the fit without weights", () => {
    for (const REML of [true, false]) {
      const base = fitOf("sleepstudy", formula, {REML});
      const m = lmer(formula, {...cols, w: cols.Reaction.map(() => 1)}, {REML, weights: "w"});
      const a = m.toJSON(), b = base.toJSON();
      for (const k of ["nobs", "ngrps", "df", "isSingular", "warnings"] as const) expect(a[k]).toEqual(b[k]);
      for (const k of ["sigma", "logLik", "AIC", "BIC", "deviance"] as const) expectClose(k, a[k], b[k], 1e-10);
      if (REML) expectClose("REMLcrit", a.REMLcrit!, b.REMLcrit!, 1e-10);
      expectSameFixef(m, base, 1e-10);
      expectSameTheta(a.theta, b.theta, 1e-8, 1e-2);
      b.ranef.condval.forEach((v, i) => expectClose(`condval[${i}]`, a.ranef.condval[i], v, 1e-8, 1));
      b.ranef.condsd.forEach((v, i) => expectClose(`condsd[${i}]`, a.ranef.condsd[i], v, 1e-8));
    }
  });

  it("constant weights k leave β, its SEs, the criterion and the random-effect variances unchanged; σ scales by √k and θ by 1/√k", () => {
    // σ_w²(I/k + ZΛ_wΛ_wᵀZᵀ) = (σ_w²/k)(I + k ZΛ_wΛ_wᵀZᵀ): the unweighted model with σ² = σ_w²/k, Λ = √k Λ_w
    fc.assert(
      fc.property(fc.double({min: 0.1, max: 10, noNaN: true}), fc.boolean(), (k, REML) => {
        const base = fitOf("sleepstudy", formula, {REML});
        const m = lmer(formula, {...cols, w: cols.Reaction.map(() => k)}, {REML, weights: "w"});
        expectSameFixef(m, base, 1e-4);
        for (const name of base.fixefNames) expectClose(`se[${name}]`, m.se[name], base.se[name], 1e-4);
        expectClose("sigma", m.sigma, base.sigma * Math.sqrt(k), 1e-4);
        expectSameTheta(m.theta, Array.from(base.theta, (t) => t / Math.sqrt(k)), 1e-4, 1e-2 / Math.sqrt(k));
        if (REML) expectClose("REMLcrit", m.REMLcrit!, base.REMLcrit!, 1e-6);
        expectClose("deviance", m.deviance, base.deviance, 1e-6);
        base.varCorr.slice(0, -1).forEach((row, i) => expectClose(`varCorr[${i}]`, m.varCorr[i].sdcor, row.sdcor, 1e-4, 1e-2));
      }),
      {seed: 42, numRuns: 10}
    );
  });
});

describe("lmer does not mutate the user's data", () => {
  const text = "y,x,g,w\n" + Array.from({length: 60}, (_, i) => {
    const g = i % 6, x = (i * 7) % 11;
    const y = i === 13 ? "" : String(3 + 0.5 * x + g + Math.sin(i));
    return `${y},${x},g${g},${1 + (i % 3)}`;
  }).join("\n");
  const formula = "log(y) ~ x + I(x^2) + (x | g)";

  it("an Arquero table", () => {
    const t = readCSV(text);
    const before = structuredClone(t.objects());
    const arrays = t.columnNames().map((k) => t.array(k));
    const copies = arrays.map((a) => Array.from(a as ArrayLike<unknown>));
    const m = lmer(formula, t, {weights: "w"});
    expect(m.nobs).toBe(59);
    expect(t.numRows()).toBe(60);
    expect(t.columnNames()).toEqual(["y", "x", "g", "w"]);
    expect(t.objects()).toEqual(before);
    arrays.forEach((a, i) => expect(Array.from(a as ArrayLike<unknown>)).toEqual(copies[i]));
  });

  it("an array of row objects, an object of arrays and an object of typed arrays", () => {
    const rows = readCSV(text).objects() as Record<string, unknown>[];
    const rowsBefore = structuredClone(rows);
    lmer(formula, rows, {weights: "w"});
    expect(rows).toEqual(rowsBefore);
    for (const row of rows) expect(Object.keys(row)).toEqual(["y", "x", "g", "w"]);

    const cols = columnsOf(readCSV(text));
    const colsBefore = structuredClone(cols);
    lmer(formula, cols, {weights: "w"});
    expect(cols).toEqual(colsBefore);

    const typed = {
      y: Float64Array.from(cols.y as (number | null)[], (v) => (v == null ? NaN : v)),
      x: Float64Array.from(cols.x as number[]),
      g: cols.g.slice(),
      w: Float64Array.from(cols.w as number[])
    };
    const typedBefore = {y: typed.y.slice(), x: typed.x.slice(), g: typed.g.slice(), w: typed.w.slice()};
    lmer(formula, typed, {weights: "w"});
    expect(typed).toEqual(typedBefore);
  });

  it("a table made with arquero's table()", () => {
    const t = table(columnsOf(readCSV(text)));
    const before = structuredClone(t.objects());
    lmer(formula, t);
    expect(t.objects()).toEqual(before);
  });
});

/** [ΛᵀZᵀWZΛ + I, ΛᵀZᵀW[X y]; [X y]ᵀWZΛ, [X y]ᵀW[X y]] densely, from the model's matrices. */
function denseSystem(model: DenseModel, theta: ArrayLike<number>): Matrix {
  const n = model.y.length, p = model.X.length;
  const ZL = denseZ(model).mmul(denseLambda(model, theta));
  const q = ZL.columns;
  const full = new Matrix(n, q + p + 1);
  for (let r = 0; r < n; r++) {
    const sw = model.weights ? Math.sqrt(model.weights[r]) : 1;
    for (let c = 0; c < q; c++) full.set(r, c, ZL.get(r, c) * sw);
    for (let a = 0; a < p; a++) full.set(r, q + a, model.X[a][r] * sw);
    full.set(r, q + p, (model.y[r] - (model.offset ? model.offset[r] : 0)) * sw);
  }
  const A = full.transpose().mmul(full);
  for (let c = 0; c < q; c++) A.set(c, c, A.get(c, c) + 1);
  return A;
}

describe("the factor satisfies L Lᵀ = ΛᵀZᵀWZΛ + I (bordered by the [X y] rows) at any θ", () => {
  const cases: {name: string; formula: string; weights?: string; what: string}[] = [
    {name: "sleepstudy", formula: "Reaction ~ Days + (Days | Subject)", what: "one vector-valued term"},
    {name: "Penicillin", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", what: "two crossed terms"},
    {name: "Pastes", formula: "strength ~ 1 + (1 | sample) + (1 | batch) + (1 | cask)", what: "three terms"},
    {name: "cake", formula: "angle ~ recipe + temp + (1 | replicate) + (0 + temp | recipe)", what: "nested and crossed, a slope term"}
  ];
  for (const {name, formula, what} of cases) {
    it(`${what}: ${name} ${formula}`, () => {
      const fit = fitOf(name, formula);
      const {structure} = fit;
      const model = denseFromFrame(structure.frame);
      const lower = Array.from(fit.theta, (_, i) => (fit.thetaNames[i].split(".").length === 2 ? 0 : -Infinity));
      const thetaArb = fc.tuple(
        ...lower.map((lo) => (lo === 0 ? fc.double({min: 0, max: 5, noNaN: true}) : fc.double({min: -3, max: 3, noNaN: true})))
      );
      const check = (theta: number[]) => {
        const L = denseFactor(factorAt(structure, theta));
        const A = denseSystem(model, theta);
        const diff = maxAbs(Matrix.sub(L.mmul(L.transpose()), A));
        if (!(diff <= 1e-10 * maxAbs(A))) throw new Error(`max |L Lᵀ − A| = ${diff} at θ = ${theta}`);
      };
      check(Array.from(fit.theta));
      fc.assert(fc.property(thetaArb, check), {seed: 42, numRuns: 25});
    });
  }

  it("with prior weights: Pastes with random positive weights", () => {
    const cols = columnsOf(dataset("Pastes"));
    fc.assert(
      fc.property(fc.array(fc.double({min: 0.1, max: 10, noNaN: true}), {minLength: 60, maxLength: 60}), (w) => {
        const m = lmer("strength ~ 1 + (1 | batch) + (1 | cask:batch)", {...cols, w}, {weights: "w"});
        const L = denseFactor(m.L);
        const A = denseSystem(denseFromFrame(m.structure.frame), m.theta);
        expect(maxAbs(Matrix.sub(L.mmul(L.transpose()), A))).toBeLessThanOrEqual(1e-10 * maxAbs(A));
        // and the weighted criterion is the dense weighted marginal likelihood
        const dense = denseFit(denseFromFrame(m.structure.frame), m.theta);
        expectClose("REMLcrit", m.REMLcrit!, dense.reml, 1e-8);
      }),
      {seed: 42, numRuns: 10}
    );
  });
});

describe("−2 log L of an ML fit is the marginal Gaussian likelihood y ~ N(Xβ̂, σ̂²(ZΛΛᵀZᵀ + I))", () => {
  it("sleepstudy (Days | Subject), n = 180, with X and Z built by hand from the data", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)", {REML: false});
    const t = dataset("sleepstudy");
    const y = Array.from(t.array("Reaction") as ArrayLike<number>);
    const days = Array.from(t.array("Days") as ArrayLike<number>);
    const subjects = Array.from(t.array("Subject") as ArrayLike<number>);
    const levels = [...new Set(subjects)].sort((a, b) => a - b);
    const n = y.length;
    // log-density of the multivariate normal written out: −½(n log 2π + log|Σ| + (y−μ)ᵀΣ⁻¹(y−μ))
    const ZL = denseZ({
      y,
      X: [],
      terms: [{p: 2, levels: levels.length, refs: subjects.map((s) => levels.indexOf(s)), Z: days.flatMap((d) => [1, d])}]
    }).mmul(denseLambda({y, X: [], terms: [{p: 2, levels: 18, refs: [], Z: []}]}, m.theta));
    const Sigma = ZL.mmul(ZL.transpose()).add(Matrix.eye(n)).mul(m.sigma2);
    const mu = days.map((d) => m.fixef["(Intercept)"] + m.fixef.Days * d);
    const r = Matrix.columnVector(y.map((v, i) => v - mu[i]));
    const chol = new CholeskyDecomposition(Sigma);
    let logDet = 0;
    const Lc = chol.lowerTriangularMatrix;
    for (let i = 0; i < n; i++) logDet += 2 * Math.log(Lc.get(i, i));
    const quad = r.transpose().mmul(chol.solve(r)).get(0, 0);
    const minus2logLik = n * Math.log(2 * Math.PI) + logDet + quad;
    expectClose("deviance", m.deviance, minus2logLik, 1e-8);
    expectClose("-2 logLik", -2 * m.logLik, minus2logLik, 1e-8);
    expect(m.REMLcrit).toBeNull();
  });
});
