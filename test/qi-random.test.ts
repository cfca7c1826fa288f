/**
 * The seeded random source (issue 3, "must show" 3): same seed, same draws; different seeds differ; golden
 * values for seed 7 that a browser run must reproduce bit for bit.
 */
import {describe, expect, it} from "vitest";
import {portableLog, quantile, randomSource, setx, sim} from "../src/qi/index.js";
import {mix32, seedState, xoshiro128ss} from "../src/stats/xoshiro.js";
import {fitOf} from "./helpers/fits.js";

/**
 * Golden values for seed 7. The integers and the doubles were checked against an independent C program
 * (xoshiro128** and the polar method written from the papers, glibc's log) compiled with gcc: identical.
 * The same list must come out of a browser (the notebooks' test will compare it).
 */
export const GOLDEN_SEED_7 = {
  integers: [1004282400, 2200021487, 1928073449, 741806228],
  uniforms: [0.2338277214186818, 0.44891458133395923, 0.5656696667785289, 0.5132114466788618],
  normals: [-1.5370383110628956, -0.2949978339025397, 2.7798852822589497, 0.5592582996313386, 1.170719761828895, 0.22119921662173933],
  /**
   * The seed example's first three ev, pr and fd draws, compared to 1e-9. They also depend on the fit, which
   * matches lme4 only to about 1e-6, so a change to the optimizer moves them and they must be made again.
   */
  ev: [15.004019608951289, 15.040753531237506, 14.546667245199071],
  pr: [17.914812539956074, 12.984064086293339, 15.42208172775148],
  fd: [-3.934218305418442, -3.785900544116096, -3.6154831337260465]
};

describe("randomSource", () => {
  it("reproduces the golden values for seed 7 exactly", () => {
    const s = seedState(7);
    expect(Array.from({length: 4}, () => xoshiro128ss(s))).toEqual(GOLDEN_SEED_7.integers);
    let r = randomSource(7);
    expect(Array.from({length: 4}, () => r.uniform())).toEqual(GOLDEN_SEED_7.uniforms);
    r = randomSource(7);
    expect(Array.from({length: 6}, () => r.normal())).toEqual(GOLDEN_SEED_7.normals);
  });

  it("gives the same draws for the same seed and different draws for different seeds", () => {
    const draw = (seed: number) => {
      const r = randomSource(seed);
      return Array.from({length: 100}, () => r.normal());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(4294967295));
  });

  it("seeds by MurmurHash3's finalizer, a bijection", () => {
    expect(mix32(0)).toBe(0);
    const seen = new Set(Array.from({length: 10000}, (_, i) => mix32(i)));
    expect(seen.size).toBe(10000);
  });

  it("draws uniforms in [0, 1) and normals with mean 0 and variance 1", () => {
    const r = randomSource(1);
    const u = Float64Array.from({length: 100000}, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const z = Float64Array.from({length: 100000}, () => r.normal());
    const m = z.reduce((a, b) => a + b, 0) / z.length;
    const v = z.reduce((a, b) => a + (b - m) ** 2, 0) / (z.length - 1);
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(z.length));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / z.length));
    // P(|Z| > 1.96) = 0.05
    const tail = z.filter((x) => Math.abs(x) > 1.959963984540054).length / z.length;
    expect(Math.abs(tail - 0.05)).toBeLessThan(4 * Math.sqrt(0.05 * 0.95 / z.length));
  });
});

describe("sim is reproducible", () => {
  const m = fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");
  const run = (seed: number) => sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed});

  it("same seed, same draws; different seeds, different draws", () => {
    const a = run(7), b = run(7), c = run(8);
    for (const q of a.names) expect(b.qi[q]![0]).toEqual(a.qi[q]![0]);
    for (const q of a.names) expect(c.qi[q]![0]).not.toEqual(a.qi[q]![0]);
  });

  it("reproduces the golden draws of the seed example", () => {
    const s = run(7);
    for (const q of ["ev", "pr", "fd"] as const) {
      Array.from(s.qi[q]![0].subarray(0, 3)).forEach((v, d) => expect(v).toBeCloseTo(GOLDEN_SEED_7[q][d], 9));
    }
  });

  it("takes a random source instead of a seed", () => {
    const x = setx(m);
    const a = sim(m, {x, n: 50, random: randomSource(12)});
    const b = sim(m, {x, n: 50, seed: 12});
    expect(a.qi.pr![0]).toEqual(b.qi.pr![0]);
    expect(a.seed).toBe(12);
  });
});

describe("portableLog", () => {
  it("is within 2 ulps of Math.log across the doubles", () => {
    const r = randomSource(3);
    let worst = 0;
    for (let i = 0; i < 200000; i++) {
      const x = i % 2 ? r.uniform() : Math.exp((r.uniform() - 0.5) * 1400);
      if (x === 0) continue;
      const a = portableLog(x), b = Math.log(x);
      worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE));
    }
    expect(worst).toBeLessThan(4.5e-16);
  });

  it("handles the edges", () => {
    expect(portableLog(1)).toBe(0);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
    expect(portableLog(NaN)).toBeNaN();
    expect(portableLog(Infinity)).toBe(Infinity);
    expect(portableLog(5e-324)).toBeCloseTo(Math.log(5e-324), 12);
    expect(portableLog(Number.MAX_VALUE)).toBeCloseTo(Math.log(Number.MAX_VALUE), 12);
  });
});
