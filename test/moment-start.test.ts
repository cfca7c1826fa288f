import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {lmer} from "../src/index.js";
import {thetaLower} from "../src/lmm/lambda.js";
import {MAX_MOMENT_THETA, MIN_MOMENT_THETA, momentStart} from "../src/lmm/moment-start.js";
import {thetaScales} from "../src/lmm/theta-scale.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {randomSource} from "../src/stats/random.js";
import {dataset, fitOf} from "./helpers/fits.js";

/** The start a fit's structure gives (in the optimizer's coordinates). */
const startOf = (m: LinearMixedModel) =>
  momentStart(m.structure.A, m.structure.frame.terms.map((t) => t.names), thetaScales(m.structure.frame), m.structure.frame.n);

/** Least-squares residuals of y on the columns of X (rows of numbers), by the normal equations (p ≤ 2 here). */
function residuals(y: number[], X: number[][]): number[] {
  const p = X[0].length;
  if (p === 1) {
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    return y.map((v) => v - mean);
  }
  const n = y.length;
  const mx = X.reduce((s, r) => s + r[1], 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) (sxy += (X[i][1] - mx) * (y[i] - my)), (sxx += (X[i][1] - mx) ** 2);
  const b = sxy / sxx;
  return y.map((v, i) => v - my - b * (X[i][1] - mx));
}

describe("momentStart: θ from moments of the cross-products", () => {
  it("is the one-way ANOVA estimate for Dyestuff's (1 | Batch), computed here from the rows", () => {
    const d = dataset("Dyestuff");
    const y = Array.from(d.array("Yield") as ArrayLike<number>);
    const batch = Array.from(d.array("Batch") as ArrayLike<string>);
    const r = residuals(y, y.map(() => [1]));
    const levels = [...new Set(batch)];
    const n = y.length, J = levels.length;
    let ssb = 0, squares = 0;
    for (const l of levels) {
      const rows = r.filter((_, i) => batch[i] === l);
      ssb += rows.reduce((s, v) => s + v, 0) ** 2 / rows.length;
      squares += rows.length ** 2;
    }
    const rss = r.reduce((s, v) => s + v * v, 0);
    const variance = (ssb / (J - 1) - (rss - ssb) / (n - J)) / ((n - squares / n) / (J - 1));
    const residual = rss / (n - 1) - variance;
    const m = fitOf("Dyestuff", "Yield ~ 1 + (1 | Batch)");
    expect(startOf(m)[0]).toBeCloseTo(Math.sqrt(variance / residual), 12);
    // and it is near the REML optimum (0.848), where lme4 starts at 1
    expect(Math.abs(startOf(m)[0] - m.theta[0])).toBeLessThan(0.1);
  });

  it("is the random-coefficient estimate for sleepstudy's (Days | Subject), computed here from the rows", () => {
    const d = dataset("sleepstudy");
    const y = Array.from(d.array("Reaction") as ArrayLike<number>);
    const days = Array.from(d.array("Days") as ArrayLike<number>);
    const subject = Array.from(d.array("Subject") as ArrayLike<number>).map(String);
    const r = residuals(y, days.map((x) => [1, x]));
    const levels = [...new Set(subject)];
    const b: number[][] = [];
    const inverse = [0, 0, 0, 0];
    let projected = 0;
    for (const l of levels) {
      const rows = r.map((_, i) => i).filter((i) => subject[i] === l);
      const [s0, s1, s2] = [rows.length, rows.reduce((s, i) => s + days[i], 0), rows.reduce((s, i) => s + days[i] ** 2, 0)];
      const [t0, t1] = [rows.reduce((s, i) => s + r[i], 0), rows.reduce((s, i) => s + r[i] * days[i], 0)];
      const det = s0 * s2 - s1 * s1;
      const inv = [s2 / det, -s1 / det, -s1 / det, s0 / det];
      const bl = [inv[0] * t0 + inv[1] * t1, inv[2] * t0 + inv[3] * t1];
      projected += t0 * bl[0] + t1 * bl[1];
      b.push(bl);
      inv.forEach((v, k) => (inverse[k] += v));
    }
    const J = levels.length;
    const rss = r.reduce((s, v) => s + v * v, 0);
    const within = (rss - projected) / (y.length - 2 * J);
    const mean = [0, 1].map((a) => b.reduce((s, v) => s + v[a], 0) / J);
    const cov = [0, 1, 2, 3].map((k) => {
      const [a, c] = [k >> 1, k & 1];
      return b.reduce((s, v) => s + (v[a] - mean[a]) * (v[c] - mean[c]), 0) / (J - 1) - (within * inverse[k]) / J;
    });
    // the template: the Cholesky factor of cov/σ²_w, the Days row scaled by √mean(Days²)
    const l11 = Math.sqrt(cov[0] / within), l21 = cov[2] / within / l11, l22 = Math.sqrt(cov[3] / within - l21 * l21);
    const scale = Math.sqrt(days.reduce((s, v) => s + v * v, 0) / days.length);
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const start = startOf(m);
    expect(start[0]).toBeCloseTo(l11, 10);
    expect(start[1]).toBeCloseTo(scale * l21, 10);
    expect(start[2]).toBeCloseTo(scale * l22, 10);
  });

  it("starts InstEval's crossed model near its optimum, which lme4's θ = 1 is not", () => {
    const m = fitOf("InstEval", "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)");
    const start = startOf(m);
    // the optimum: (0.2759, 0.4354, 0.0932); the marginal estimates are (0.271, 0.453, 0.125)
    for (let i = 0; i < 3; i++) expect(Math.abs(start[i] - m.theta[i])).toBeLessThan(0.05);
    expect(m.optimizer.evaluations).toBeLessThanOrEqual(45);
  });

  it("keeps every diagonal entry within its limits and inside the bounds, and never ends a fit above lme4's start's", () => {
    const designs = [
      {formula: "y ~ x + (1 | a) + (1 | b)", p: [1, 1]},
      {formula: "y ~ x + (x | a)", p: [2]},
      {formula: "y ~ x + (x | a) + (1 | b)", p: [2, 1]},
      {formula: "y ~ x + (0 + x | a) + (1 | a)", p: [1, 1]}
    ];
    fc.assert(
      fc.property(fc.integer({min: 0, max: 0xffffffff}), fc.integer({min: 0, max: designs.length - 1}), fc.double({min: 0, max: 2, noNaN: true}), (seed, k, sd) => {
        const rng = randomSource(seed);
        const n = 240;
        const a = Array.from({length: 12}, () => [sd * rng.normal(), sd * rng.normal()]);
        const b = Array.from({length: 8}, () => sd * rng.normal());
        const data = {y: [] as number[], x: [] as number[], a: [] as string[], b: [] as string[]};
        for (let i = 0; i < n; i++) {
          const x = rng.normal(), ai = i % 12, bi = (i * 5) % 8;
          data.x.push(x);
          data.a.push(`a${ai}`);
          data.b.push(`b${bi}`);
          data.y.push(1 + 0.5 * x + a[ai][0] + a[ai][1] * x + b[bi] + rng.normal());
        }
        const m = lmer(designs[k].formula, data);
        const start = startOf(m);
        const lower = thetaLower(m.structure.A.sizes);
        expect(start.every(Number.isFinite)).toBe(true);
        lower.forEach((lo, i) => {
          if (lo === 0) expect(start[i]).toBeGreaterThanOrEqual(MIN_MOMENT_THETA), expect(start[i]).toBeLessThanOrEqual(MAX_MOMENT_THETA);
        });
        const fromOne = lmer(designs[k].formula, data, {start: lower.map((lo) => (lo === 0 ? 1 : 0))});
        expect(m.optimizer.criterion).toBeLessThanOrEqual(fromOne.optimizer.criterion + 1e-6);
      }),
      {seed: 20261203, numRuns: 30}
    );
  });
});
