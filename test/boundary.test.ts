import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {readFileSync} from "node:fs";
import {lmer, readCSV} from "../src/index.js";
import {probeBoundary, templateColumns} from "../src/lmm/boundary.js";
import {criterionFunction} from "../src/lmm/objective.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {randomSource} from "../src/stats/random.js";

// Issue 10: a fit must not end at a bound of θ when the criterion is lower inside. The criterion is even in
// a scalar term's θᵢ, so its derivative at 0 is 0 whether 0 is a minimum or not; a first-order test cannot
// tell. These tests simulate data whose true variance components are small but not zero (0.01 to 0.1 of σ,
// where the optimizer is most tempted by the bound), fit from lme4's default start, and check the end.

type Columns = Record<string, (number | string)[]>;

/** y = 1 + 0.5 x + Σ random effects + ε, σ = 1; `terms` give each grouping factor's levels per row and the sd. */
function simulate(seed: number, n: number, groups: {name: string; level: (i: number) => number; sd: number; slopeSd?: number; quadSd?: number}[]): Columns {
  const rng = randomSource(seed);
  const effects = groups.map(() => new Map<number, [number, number, number]>());
  const out: Columns = {y: [], x: []};
  for (const g of groups) out[g.name] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    let y = 1 + 0.5 * x + rng.normal();
    groups.forEach((g, k) => {
      const l = g.level(i);
      if (!effects[k].has(l)) effects[k].set(l, [g.sd * rng.normal(), (g.slopeSd ?? 0) * rng.normal(), (g.quadSd ?? 0) * rng.normal()]);
      const [a, b, c] = effects[k].get(l)!;
      y += a + b * x + c * x * x;
      out[g.name].push(`${g.name}${l}`);
    });
    out.y.push(y);
    out.x.push(x);
  }
  return out;
}

/**
 * Whether the fit is at the optimum as far as simple checks can see: the criterion at interior points along
 * each bounded θᵢ (a grid from 1e-3 to 1, both signs of the rest of its column) and after a refit from an
 * interior start is not below the fit's by more than 1e-6. Returns the worst improvement found.
 */
function improvementInside(m: LinearMixedModel, formula: string, data: Columns, REML: boolean, interiorStart: number[]): number {
  const f = criterionFunction(m.structure);
  const theta = Float64Array.from(m.theta);
  const f0 = f(theta);
  let best = f0;
  for (const column of templateColumns(m.structure.A.sizes)) {
    const i = column[0];
    if (theta[i] > 1e-4) continue;
    for (const h of [1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1]) {
      for (const sign of [1, -1]) {
        const x = theta.slice();
        x[i] = h;
        for (const j of column.slice(1)) x[j] *= sign;
        best = Math.min(best, f(x));
      }
    }
  }
  const refit = lmer(formula, data, {REML, start: interiorStart});
  best = Math.min(best, refit.optimizer.criterion);
  return f0 - best;
}

/** lme4's default start: 1 on the diagonal of each template, 0 below (the designs' terms have p = 1, 2 or 3). */
function lme4Start(k: number): number[] {
  const template: Record<number, number[]> = {1: [1], 3: [1, 0, 1], 6: [1, 0, 0, 1, 0, 1]};
  if (k === 2) return [1, 1];
  if (k === 4) return [1, 0, 1, 1];
  if (k === 7) return [...template[6], 1];
  return template[k];
}

const designs = {
  crossed: (seed: number, r: number) => ({
    formula: "y ~ x + (1 | a) + (1 | b)",
    data: simulate(seed, 600, [
      {name: "a", level: (i) => i % 30, sd: 1},
      {name: "b", level: (i) => Math.floor(i / 30) % 20, sd: r}
    ]),
    start: [1, r]
  }),
  nested: (seed: number, r: number) => ({
    formula: "y ~ x + (1 | a/b)",
    data: simulate(seed, 480, [
      {name: "a", level: (i) => i % 12, sd: 0.8},
      {name: "b", level: (i) => (i % 12) * 10 + (Math.floor(i / 12) % 4), sd: r}
    ]),
    start: [r, 0.8]
  }),
  slope: (seed: number, r: number) => ({
    formula: "y ~ x + (x | a) + (1 | b)",
    data: simulate(seed, 600, [
      {name: "a", level: (i) => i % 25, sd: 0.7, slopeSd: r},
      {name: "b", level: (i) => Math.floor(i / 25) % 24, sd: r}
    ]),
    start: [0.7, 0, r, r]
  }),
  // few groups for a 2 × 2 term: most fits are singular, and some stop on the wrong mirror image of T's column
  "few-group slope": (seed: number, r: number) => ({
    formula: "y ~ x + (x | a)",
    data: simulate(seed, 120, [{name: "a", level: (i) => i % 4, sd: r, slopeSd: r}]),
    start: [r, 0, r]
  }),
  // a 3 × 3 correlated term and a crossed intercept: the shape issue 10 reports 1.75 above the optimum
  "3 × 3 and crossed": (seed: number, r: number) => ({
    formula: "y ~ x + (x + I(x^2) | a) + (1 | b)",
    data: simulate(seed, 400, [
      {name: "a", level: (i) => i % 20, sd: 0.7, slopeSd: r, quadSd: r},
      {name: "b", level: (i) => (i * 7) % 15, sd: r}
    ]),
    start: [0.7, 0, 0, r, 0, r, r]
  })
};

describe("fits do not stop at a bound when the criterion is lower inside", () => {
  for (const [name, design] of Object.entries(designs)) {
    it(`${name} models with variance components 0.01 to 0.1 of σ`, () => {
      fc.assert(
        fc.property(fc.integer({min: 0, max: 0xffffffff}), fc.double({min: 0.01, max: 0.1, noNaN: true}), fc.boolean(), (seed, r, REML) => {
          const {formula, data, start} = design(seed, r);
          const m = lmer(formula, data, {REML, start: lme4Start(start.length)});
          expect(improvementInside(m, formula, data, REML, start)).toBeLessThanOrEqual(1e-6);
          const {ending} = m.optimizer;
          if (m.isSingular) expect(["bound-minimum", "restarted"]).toContain(ending.verdict);
          if (ending.verdict === "bound-minimum") expect(ending.probes.every((p) => p.criterion >= m.optimizer.criterion - 1e-9)).toBe(true);
        }),
        {seed: 20261202, numRuns: 25}
      );
    });
  }
});

describe("probeBoundary", () => {
  it("finds the descent from an even criterion's maximum at the bound", () => {
    const f = (t: Float64Array) => (t[0] * t[0] - 0.01) ** 2;
    const probes = probeBoundary(f, Float64Array.of(0), 1e-4, [{p: 1, l: 20, q: 20}]);
    expect(probes.atBound).toEqual([0]);
    expect(probes.best?.theta[0]).toBe(0.1);
    expect(probes.best?.criterion).toBeLessThan(1e-30);
  });
  it("calls a minimum at the bound a minimum", () => {
    const f = (t: Float64Array) => t[0] * t[0] + 1;
    const probes = probeBoundary(f, Float64Array.of(0), 1e-4, [{p: 1, l: 20, q: 20}]);
    expect(probes.best).toBeUndefined();
    expect(probes.probes.map((p) => p.criterion)).toEqual([1 + 1e-6, 1.01]);
  });
  it("probes both mirror images of a vector term's column", () => {
    // f depends on the covariance T Tᵀ only: its (1,2) entry θ₀θ₁ is lower when positive
    const f = (t: Float64Array) => (t[0] * t[1] - 0.05) ** 2 + (t[1] * t[1] + t[2] * t[2] - 1) ** 2;
    const probes = probeBoundary(f, Float64Array.of(0, -1, 0.1), 1e-4, [{p: 2, l: 20, q: 40}]);
    expect(probes.probes.map((p) => p.flipped)).toEqual([false, true, false, true]);
    expect(probes.best?.theta[1]).toBe(1);
  });
});

describe("sleepstudy with a random slope over a two-level factor (issue 10)", () => {
  it("reaches the optimum that a restart from inside finds, not a false boundary stop", () => {
    const rows = sleepstudyWithG2();
    const m = lmer("Reaction ~ Days + (Days | g2)", rows);
    const inside = lmer("Reaction ~ Days + (Days | g2)", rows, {start: [0.02, 0.044, 0.01]});
    // measured: the fit from the default start stopped at 1889.9139 before the boundary probes, 1889.90399 now
    expect(m.REMLcrit!).toBeLessThanOrEqual(inside.REMLcrit! + 1e-6);
    expect(m.REMLcrit!).toBeLessThan(1889.905);
    expect(m.optimizer.ending.verdict).toBe("restarted");
    expect(m.optimizer.ending.restarts[0].criterionAtBound - m.REMLcrit!).toBeGreaterThan(0.009);
  });
});

function sleepstudyWithG2(): Record<string, unknown>[] {
  const rows = readCSV(readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8")).objects() as {Subject: number}[];
  const subjects = [...new Set(rows.map((r) => r.Subject))].sort((a, b) => a - b);
  return rows.map((r) => ({...r, g2: `g${subjects.indexOf(r.Subject) % 2}`}));
}
