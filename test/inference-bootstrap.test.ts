/**
 * simulate() and the parametric bootstrap: reproducible draws from a seed, the moments of simulated
 * responses, refits on a structure with a new response equal to fresh fits, and 500 refits of sleepstudy
 * whose percentile intervals for β agree with the profile intervals to within 15% of their width.
 */
import {describe, expect, it} from "vitest";
import {bootstrap, percentileIntervals} from "../src/inference/intervals/bootstrap.js";
import {confintValues} from "../src/inference/intervals/confint.js";
import {simulate} from "../src/inference/intervals/simulate-responses.js";
import {withResponse} from "../src/lmm/with-response.js";
import {lmer, fitStructure} from "../src/lmm/fit.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {loadReference} from "./helpers/reference.js";

const SLOPE = "Reaction ~ Days + (Days | Subject)";

describe("simulate", () => {
  const m = fitOf("sleepstudy", SLOPE);
  it("the same seed gives the same responses; another seed others", () => {
    const a = simulate(m, {nsim: 2, seed: 11}), b = simulate(m, {nsim: 2, seed: 11}), c = simulate(m, {nsim: 1, seed: 12});
    expect(a).toHaveLength(2);
    expect(a[0]).toHaveLength(180);
    expect(Array.from(a[1])).toEqual(Array.from(b[1]));
    expect(a[0][0]).not.toBe(c[0][0]);
  });
  it("responses with the model's marginal mean and variance", () => {
    const draws = simulate(m, {nsim: 2000, seed: 5});
    // row 0: Days 0, Var = σ²_intercept + σ²; row 9: Days 9
    for (const [row, days] of [[0, 0], [9, 9]]) {
      const xs = draws.map((y) => y[row]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
      const [s0, s1, c01] = [m.varCorr[0].vcov, m.varCorr[1].vcov, m.varCorr[2].vcov];
      const want = s0 + 2 * days * c01 + days * days * s1 + m.sigma2;
      expect(Math.abs(mean - (m.fixef["(Intercept)"] + days * m.fixef.Days))).toBeLessThan(4 * Math.sqrt(want / 2000));
      expect(Math.abs(v / want - 1)).toBeLessThan(0.1);
    }
  });
  it("refuses a missing seed and a bad n", () => {
    expect(() => simulate(m)).toThrow(/simulate needs a seed \(or a random source\)/);
    expect(() => simulate(m, {nsim: 1.5, seed: 1})).toThrow(/invalid nsim: the number 1.5/);
  });
});

describe("a refit with a new response on the shared structure", () => {
  it("equals a fresh fit of the new data", () => {
    const m = fitOf("sleepstudy", SLOPE);
    const [y] = simulate(m, {seed: 2});
    const rows = dataset("sleepstudy").objects() as Record<string, unknown>[];
    const fresh = lmer(SLOPE, rows.map((r, i) => ({...r, Reaction: y[i]})));
    const refit = fitStructure(withResponse(m.structure, y), m.theta);
    expect(Math.abs(refit.REMLcrit! - fresh.REMLcrit!)).toBeLessThan(1e-6);
    expect(refit.fixef.Days).toBeCloseTo(fresh.fixef.Days, 4);
    expect(refit.sigma).toBeCloseTo(fresh.sigma, 3);
  });
  it("keeps weights and offsets", () => {
    const rows = dataset("sleepstudy").objects() as Record<string, number>[];
    const data = rows.map((r, i) => ({...r, w: 1 + (i % 3), o: i % 5}));
    const f = "Reaction ~ Days + offset(o) + (1 | Subject)";
    const m = lmer(f, data, {weights: "w"});
    const same = fitStructure(withResponse(m.structure, m.structure.frame.y), m.theta);
    expect(same.REMLcrit!).toBeCloseTo(m.REMLcrit!, 6);
  });
});

describe("the parametric bootstrap", () => {
  it("500 refits of sleepstudy: percentile intervals for β within 15% of the profile intervals' width", () => {
    const m = fitOf("sleepstudy", SLOPE);
    let calls = 0;
    const b = bootstrap(m, {nsim: 500, seed: 20261122, onProgress: ({done, total}) => (calls++, expect(total).toBe(500), expect(done).toBe(calls))});
    expect(calls).toBe(500);
    const ref = loadReference("sleepstudy-confint-profile") as unknown as {parameters: string[]; lower: number[]; upper: number[]};
    expect(b.names).toEqual(ref.parameters);
    const {lower, upper} = percentileIntervals(b, 0.95);
    for (const name of ["(Intercept)", "Days"]) {
      const i = b.names.indexOf(name), j = ref.parameters.indexOf(name);
      const width = ref.upper[j] - ref.lower[j];
      expect(Math.abs(lower[i] - ref.lower[j]) / width, `${name} lower ${lower[i]} vs ${ref.lower[j]}`).toBeLessThan(0.15);
      expect(Math.abs(upper[i] - ref.upper[j]) / width, `${name} upper ${upper[i]} vs ${ref.upper[j]}`).toBeLessThan(0.15);
    }
  });
  it("confint(method: 'boot') is reproducible from its seed", () => {
    const m = fitOf("sleepstudy", SLOPE);
    const a = confintValues(m, {method: "boot", nsim: 30, seed: 9});
    const b = confintValues(m, {method: "boot", nsim: 30, seed: 9});
    expect(a).toEqual(b);
    expect(a.method).toBe("boot");
  });
  it("stops when aborted", () => {
    const m = fitOf("sleepstudy", SLOPE);
    const controller = new AbortController();
    const run = () => bootstrap(m, {nsim: 50, seed: 1, signal: controller.signal, onProgress: ({done}) => done === 3 && controller.abort()});
    expect(run).toThrow(expect.objectContaining({name: "AbortError", message: expect.stringMatching(/aborted/)}));
  });
});
