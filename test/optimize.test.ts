import {readFileSync} from "node:fs";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors";
import {bobyqa, type OptimizeResult} from "../src/optimize";
import {invertInPlace} from "../src/optimize/invert";
import {lagrangeBasis, lagrangeValue} from "../src/optimize/lagrange";
import {trustRegionStep} from "../src/optimize/trust-region";

// ---------------------------------------------------------------------------------------------------
// lme4's profiled criterion for one grouping factor, from per-group cross-products (Bates et al. 2015,
// JSS 67(1), section 3): A_i = TᵀZ_iᵀZ_iT + I = L_iL_iᵀ, c_i = L_i⁻¹TᵀZ_iᵀy, R_i = L_i⁻¹TᵀZ_iᵀX,
// R_XᵀR_X = XᵀX − Σ R_iᵀR_i, r² = yᵀy − Σ‖c_i‖² − ‖R_X⁻ᵀ(Xᵀy − Σ R_iᵀc_i)‖²;
// REML: log|L|² + log|R_X|² + (n−p)(1 + log(2πr²/(n−p))), ML: log|L|² + n(1 + log(2πr²/n)).

interface Row {
  group: string;
  y: number;
  x: number[];
  z: number[];
}

function readCsv(name: string): Record<string, string>[] {
  const text = readFileSync(new URL(`../datasets/${name}`, import.meta.url), "utf8").trim();
  const [head, ...lines] = text.split("\n");
  const names = head.split(",").map((s) => s.replace(/"/g, ""));
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v.replace(/"/g, "")])));
}

function reference(id: string): {theta: number | number[]; REMLcrit?: number; deviance: number; lme4_evaluations: number} {
  return JSON.parse(readFileSync(new URL(`./fixtures/reference/${id}.json`, import.meta.url), "utf8"));
}

/** Lower Cholesky factor of the k × k row-major matrix a, and log det a. */
function cholesky(a: number[], k: number): {l: number[]; logdet: number} {
  const l = new Array<number>(k * k).fill(0);
  let logdet = 0;
  for (let j = 0; j < k; j++) {
    let s = a[j * k + j];
    for (let t = 0; t < j; t++) s -= l[j * k + t] ** 2;
    l[j * k + j] = Math.sqrt(s);
    logdet += Math.log(s);
    for (let i = j + 1; i < k; i++) {
      let v = a[i * k + j];
      for (let t = 0; t < j; t++) v -= l[i * k + t] * l[j * k + t];
      l[i * k + j] = v / l[j * k + j];
    }
  }
  return {l, logdet};
}

function forward(l: number[], k: number, b: number[]): number[] {
  const x = b.slice();
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < i; t++) x[i] -= l[i * k + t] * x[t];
    x[i] /= l[i * k + i];
  }
  return x;
}

function profiledCriterion(rows: Row[], template: (theta: Float64Array) => number[], reml: boolean): (theta: Float64Array) => number {
  const q = rows[0].z.length;
  const p = rows[0].x.length;
  const n = rows.length;
  const xtx = new Array<number>(p * p).fill(0);
  const xty = new Array<number>(p).fill(0);
  let yty = 0;
  const groups = new Map<string, {ztz: number[]; ztx: number[]; zty: number[]}>();
  for (const {group, y, x, z} of rows) {
    let g = groups.get(group);
    if (!g) groups.set(group, (g = {ztz: new Array(q * q).fill(0), ztx: new Array(q * p).fill(0), zty: new Array(q).fill(0)}));
    for (let a = 0; a < q; a++) {
      for (let b = 0; b < q; b++) g.ztz[a * q + b] += z[a] * z[b];
      for (let b = 0; b < p; b++) g.ztx[a * p + b] += z[a] * x[b];
      g.zty[a] += z[a] * y;
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) xtx[a * p + b] += x[a] * x[b];
      xty[a] += x[a] * y;
    }
    yty += y * y;
  }
  return (theta) => {
    const t = template(theta);
    const m = xtx.slice();
    const v = xty.slice();
    let cc = 0;
    let logdetL = 0;
    for (const {ztz, ztx, zty} of groups.values()) {
      const tt = (a: number, c: number) => t[c * q + a];
      const a = new Array<number>(q * q).fill(0);
      for (let i = 0; i < q; i++) {
        for (let j = 0; j < q; j++) {
          let s = i === j ? 1 : 0;
          for (let c = 0; c < q; c++) for (let d = 0; d < q; d++) s += tt(i, c) * ztz[c * q + d] * tt(j, d);
          a[i * q + j] = s;
        }
      }
      const {l, logdet} = cholesky(a, q);
      logdetL += logdet;
      const c = forward(l, q, Array.from({length: q}, (_, i) => zty.reduce((s, zi, k) => s + tt(i, k) * zi, 0)));
      for (const ci of c) cc += ci * ci;
      const r = Array.from({length: p}, (_, b) => forward(l, q, Array.from({length: q}, (_, i) => {
        let s = 0;
        for (let k = 0; k < q; k++) s += tt(i, k) * ztx[k * p + b];
        return s;
      })));
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) m[i * p + j] -= r[i].reduce((s, ri, k) => s + ri * r[j][k], 0);
        v[i] -= r[i].reduce((s, ri, k) => s + ri * c[k], 0);
      }
    }
    const {l: rx, logdet: logdetRX} = cholesky(m, p);
    const w = forward(rx, p, v);
    const r2 = yty - cc - w.reduce((s, wi) => s + wi * wi, 0);
    return reml
      ? logdetL + logdetRX + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)))
      : logdetL + n * (1 + Math.log((2 * Math.PI * r2) / n));
  };
}

const sleepRows: Row[] = readCsv("sleepstudy.csv").map((r) => ({group: r.Subject, y: +r.Reaction, x: [1, +r.Days], z: [1, +r.Days]}));
const slopeTemplate = (t: Float64Array) => [t[0], 0, t[1], t[2]];
const sleepREML = profiledCriterion(sleepRows, slopeTemplate, true);
const sleepML = profiledCriterion(sleepRows, slopeTemplate, false);
const dyestuff = (file: string) =>
  profiledCriterion(readCsv(file).map((r) => ({group: r.Batch, y: +r.Yield, x: [1], z: [1]})), (t) => [t[0]], true);

const lme4Bounds = {lower: [0, -Infinity, 0]};

function countCalls(f: (x: Float64Array) => number): {f: (x: Float64Array) => number; calls: () => number} {
  let calls = 0;
  return {f: (x) => (calls++, f(x)), calls: () => calls};
}

// ---------------------------------------------------------------------------------------------------

describe("bobyqa on lme4's profiled criteria", () => {
  it("the test criterion reproduces lme4's values at lme4's estimates", () => {
    const reml = reference("sleepstudy-slope");
    const ml = reference("sleepstudy-slope-ml");
    expect(sleepREML(Float64Array.from(reml.theta as number[]))).toBeCloseTo(reml.REMLcrit!, 8);
    expect(sleepML(Float64Array.from(ml.theta as number[]))).toBeCloseTo(ml.deviance, 8);
  });

  it("sleepstudy REML: no more evaluations than lme4 (43) and a criterion at least as low", () => {
    const ref = reference("sleepstudy-slope");
    const result = bobyqa(sleepREML, [1, 0, 1], lme4Bounds);
    expect(result.converged).toBe(true);
    expect(result.evaluations).toBeLessThanOrEqual(ref.lme4_evaluations);
    expect(result.f).toBeLessThanOrEqual(ref.REMLcrit! + 1e-6);
    const theta = ref.theta as number[];
    for (let i = 0; i < 3; i++) expect(Math.abs(result.x[i] - theta[i])).toBeLessThan(2e-5);
  });

  it("sleepstudy REML stays within lme4's count when the criterion changes by rounding", () => {
    const ref = reference("sleepstudy-slope");
    for (let k = 1; k <= 4; k++) {
      const wobble = (x: Float64Array) => sleepREML(x) * (1 + 1e-13 * Math.sin(1e5 * (x[0] + 2 * x[1] + 3 * x[2]) + k));
      const result = bobyqa(wobble, [1, 0, 1], lme4Bounds);
      expect(result.evaluations).toBeLessThanOrEqual(ref.lme4_evaluations);
      expect(sleepREML(result.x)).toBeLessThanOrEqual(ref.REMLcrit! + 1e-6);
    }
  });

  it("sleepstudy ML: fewer evaluations than lme4 (53) and a deviance at least as low", () => {
    const ref = reference("sleepstudy-slope-ml");
    const result = bobyqa(sleepML, [1, 0, 1], lme4Bounds);
    expect(result.converged).toBe(true);
    expect(result.evaluations).toBeLessThanOrEqual(ref.lme4_evaluations);
    expect(result.f).toBeLessThanOrEqual(ref.deviance + 1e-6);
    const theta = ref.theta as number[];
    for (let i = 0; i < 3; i++) expect(Math.abs(result.x[i] - theta[i])).toBeLessThan(1e-4);
  });

  it("converges tightly when θ is rescaled (constant weights k make θ̂ shrink by √k)", () => {
    for (const [criterion, k] of [[sleepML, 7], [sleepREML, 10], [sleepREML, 2]] as const) {
      const scaled = (x: Float64Array) => criterion(x.map((v) => v * Math.sqrt(k)));
      const tight = bobyqa(scaled, [1, 0, 1], {...lme4Bounds, rhoend: 1e-10});
      const result = bobyqa(scaled, [1, 0, 1], lme4Bounds);
      expect(result.f - tight.f).toBeLessThan(1e-8);
      result.x.forEach((xi, i) => expect(Math.abs(xi - tight.x[i])).toBeLessThan(1e-4 * Math.max(Math.abs(tight.x[i]), 1e-2)));
    }
  });

  it("Dyestuff (one parameter): fewer evaluations than lme4 (17)", () => {
    const ref = reference("Dyestuff");
    const result = bobyqa(dyestuff("Dyestuff.csv"), [1], {lower: [0]});
    expect(result.evaluations).toBeLessThanOrEqual(ref.lme4_evaluations);
    expect(result.f).toBeLessThanOrEqual(ref.REMLcrit! + 1e-6);
    expect(result.x[0]).toBeCloseTo(ref.theta as number, 5);
  });

  it("Dyestuff2 (singular fit): lands exactly on the bound 0", () => {
    const ref = reference("Dyestuff2-singular");
    const result = bobyqa(dyestuff("Dyestuff2.csv"), [1], {lower: [0]});
    expect(result.x[0]).toBe(0);
    expect(result.f).toBeLessThanOrEqual(ref.REMLcrit! + 1e-6);
    expect(result.evaluations).toBeLessThanOrEqual(12);
  });
});

describe("bobyqa on test functions", () => {
  const rosenbrock = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
    return s;
  };

  it.each([
    [[-1.2, 1], 150],
    [[0, 0, 0], 160],
    [[0, 0, 0, 0], 210]
  ])("Rosenbrock from %j", (x0, most) => {
    const result = bobyqa(rosenbrock, x0);
    expect(result.converged).toBe(true);
    expect(result.f).toBeLessThan(1e-10);
    for (const xi of result.x) expect(xi).toBeCloseTo(1, 4);
    expect(result.evaluations).toBeLessThanOrEqual(most);
  });

  it("a quadratic whose minimum lies outside the box ends exactly on the bounds", () => {
    const f = (x: Float64Array) => (x[0] - 2) ** 2 + (x[1] + 3) ** 2 + 0.5 * x[0] * x[1];
    const result = bobyqa(f, [0.5, 0], {lower: [0, -1], upper: [1, 1]});
    expect(Array.from(result.x)).toEqual([1, -1]);
    expect(result.f).toBe(4.5);
  });

  it("a one-dimensional minimum on the bound 0 is found exactly", () => {
    const result = bobyqa((x) => (x[0] + 1) ** 2, [1], {lower: [0]});
    expect(result.x[0]).toBe(0);
    expect(result.f).toBe(1);
    expect(result.converged).toBe(true);
  });

  it("a one-dimensional interior minimum", () => {
    const result = bobyqa((x) => Math.cosh(x[0] - 0.3), [1], {lower: [0]});
    expect(result.x[0]).toBeCloseTo(0.3, 6);
    expect(result.evaluations).toBeLessThanOrEqual(12);
  });

  it("a separable quadratic in 10 dimensions", () => {
    const f = (x: Float64Array) => x.reduce((s, xi, i) => s + (i + 1) * (xi - i / 10) ** 2, 0);
    const result = bobyqa(f, new Array(10).fill(1));
    expect(result.f).toBeLessThan(1e-20);
    result.x.forEach((xi, i) => expect(xi).toBeCloseTo(i / 10, 9));
    expect(result.evaluations).toBeLessThanOrEqual(35);
  });

  it("reports the number of evaluations and calls onEvaluation once per evaluation", () => {
    const counted = countCalls(sleepREML);
    const seen: number[] = [];
    const result = bobyqa(counted.f, [1, 0, 1], {...lme4Bounds, onEvaluation: (_x, _f, count) => seen.push(count)});
    expect(result.evaluations).toBe(counted.calls());
    expect(seen).toEqual(Array.from({length: counted.calls()}, (_, i) => i + 1));
    expect(Array.from(result.initial)).toEqual([1, 0, 1]);
  });

  it("is deterministic", () => {
    const trace = () => {
      const points: number[][] = [];
      const result = bobyqa(rosenbrock, [-1.2, 1], {onEvaluation: (x) => points.push(Array.from(x))});
      return {result, points};
    };
    const a = trace();
    const b = trace();
    expect(b.points).toEqual(a.points);
    expect(Array.from(b.result.x)).toEqual(Array.from(a.result.x));
    expect(b.result.f).toBe(a.result.f);
  });

  it("never evaluates outside the box", () => {
    const lower = [0, -Infinity, 0];
    const result = bobyqa(
      (x) => {
        if (x[0] < 0 || x[2] < 0) throw new Error("outside");
        return sleepREML(x);
      },
      [1, 0, 1],
      {lower}
    );
    expect(result.converged).toBe(true);
  });
});

describe("bobyqa on random box-constrained convex quadratics", () => {
  /** Minimum of ½xᵀAx + bᵀx on the box by projected gradient (A positive definite, well conditioned). */
  function boxMinimum(a: number[][], b: number[], lower: number[], upper: number[]): number[] {
    const norm = Math.max(...a.map((row) => row.reduce((s, v) => s + Math.abs(v), 0)));
    let x = lower.map((l, i) => Math.min(upper[i], Math.max(l, 0)));
    for (let it = 0; it < 20000; it++) {
      const g = a.map((row, i) => row.reduce((s, v, j) => s + v * x[j], 0) + b[i]);
      x = x.map((xi, i) => Math.min(upper[i], Math.max(lower[i], xi - g[i] / norm)));
    }
    return x;
  }

  it("returns a feasible point within tolerance of the true minimum", () => {
    const problem = fc
      .integer({min: 1, max: 5})
      .chain((n) =>
        fc.record({
          factors: fc.array(fc.array(fc.double({min: -1, max: 1, noNaN: true}), {minLength: n, maxLength: n}), {minLength: n, maxLength: n}),
          b: fc.array(fc.double({min: -3, max: 3, noNaN: true}), {minLength: n, maxLength: n}),
          lower: fc.array(fc.option(fc.double({min: -2, max: 0.5, noNaN: true}), {nil: undefined}), {minLength: n, maxLength: n}),
          width: fc.array(fc.option(fc.double({min: 0.1, max: 3, noNaN: true}), {nil: undefined}), {minLength: n, maxLength: n})
        })
      );
    fc.assert(
      fc.property(problem, ({factors, b, lower, width}) => {
        const n = b.length;
        const a = factors.map((ri, i) => factors.map((rj, j) => ri.reduce((s, v, k) => s + v * rj[k], 0) + (i === j ? 1 : 0)));
        const lo = lower.map((l) => l ?? -Infinity);
        const hi = lower.map((l, i) => (width[i] === undefined ? Infinity : (l ?? -1) + width[i]!));
        const f = (x: Float64Array) => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            s += b[i] * x[i];
            for (let j = 0; j < n; j++) s += 0.5 * x[i] * a[i][j] * x[j];
          }
          return s;
        };
        const x0 = lo.map((l, i) => (Number.isFinite(l) ? (Number.isFinite(hi[i]) ? (l + hi[i]) / 2 : l + 0.5) : Number.isFinite(hi[i]) ? hi[i] - 0.5 : 0));
        const result: OptimizeResult = bobyqa(f, x0, {lower: lo, upper: hi});
        const best = boxMinimum(a, b, lo, hi);
        result.x.forEach((xi, i) => {
          expect(xi).toBeGreaterThanOrEqual(lo[i]);
          expect(xi).toBeLessThanOrEqual(hi[i]);
        });
        expect(result.f).toBeLessThanOrEqual(f(Float64Array.from(best)) + 1e-8);
        expect(result.converged).toBe(true);
      }),
      {numRuns: 60, seed: 20260101}
    );
  });
});

describe("bobyqa's handling of awkward objectives and options", () => {
  it("treats NaN as a very bad value", () => {
    const f = (x: Float64Array) => (x[0] < 0.5 ? NaN : (x[0] - 0.7) ** 2 + (x[1] - 0.2) ** 2);
    const result = bobyqa(f, [1, 1], {lower: [0, 0]});
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(0.7, 6);
    expect(result.x[1]).toBeCloseTo(0.2, 6);
  });

  it("reports an objective that is never finite", () => {
    const result = bobyqa(() => Infinity, [1, 2]);
    expect(result.converged).toBe(false);
    expect(Array.from(result.x)).toEqual([1, 2]);
    expect(result.message).toMatch(/no finite value/);
  });

  it("stops at maxEvaluations", () => {
    const result = bobyqa(sleepREML, [1, 0, 1], {...lme4Bounds, maxEvaluations: 12});
    expect(result.evaluations).toBe(12);
    expect(result.converged).toBe(false);
    expect(result.message).toMatch(/maxEvaluations = 12/);
    expect(result.f).toBe(sleepREML(result.x));
  });

  it("stops when the signal is aborted", () => {
    const controller = new AbortController();
    const result = bobyqa(sleepREML, [1, 0, 1], {
      ...lme4Bounds,
      signal: controller.signal,
      onEvaluation: (_x, _f, count) => count === 9 && controller.abort()
    });
    expect(result.evaluations).toBe(9);
    expect(result.converged).toBe(false);
    expect(result.message).toBe("aborted after 9 evaluations");
  });

  it("honours rhobeg and rhoend", () => {
    const points: number[] = [];
    bobyqa((x) => (x[0] - 1) ** 2, [0], {rhobeg: 0.1, rhoend: 1e-3, onEvaluation: (x) => points.push(x[0])});
    expect(points.slice(0, 3)).toEqual([0, 0.1, -0.1]);
  });

  it.each([
    [[], {}, "x0 is empty (give at least one parameter to optimize)"],
    [[1, NaN], {}, "x0[1] is NaN (start from finite values)"],
    [[-1], {lower: [0]}, "x0[0] = -1 is below lower[0] = 0 (start inside the bounds)"],
    [[2], {upper: [1]}, "x0[0] = 2 is above upper[0] = 1 (start inside the bounds)"],
    [[1, 1], {lower: [0]}, "lower has length 1 but x0 has length 2 (give one bound per parameter)"],
    [[1], {lower: [1], upper: [1]}, "lower[0] = 1 is not below upper[0] = 1 (give lower < upper; leave fixed parameters out)"],
    [[1], {rhobeg: -1}, "rhobeg = -1 is not a positive finite number (give the initial step size, such as 0.5)"],
    [[1], {rhobeg: 0.1, rhoend: 1}, "rhoend = 1 exceeds rhobeg = 0.1 (give rhoend ≤ rhobeg)"],
    [[1, 1], {maxEvaluations: 5}, "maxEvaluations = 5 is too small (the first model alone needs 2n + 1 = 5; allow at least 6)"]
  ])("rejects x0 = %j with %j", (x0, options, message) => {
    expect(() => bobyqa((x) => x[0], x0, options)).toThrow(LmmError);
    expect(() => bobyqa((x) => x[0], x0, options)).toThrow(message);
  });
});

describe("bobyqa's pieces", () => {
  it("inverts a small indefinite matrix", () => {
    const a = Float64Array.of(0, 1, 1, 1);
    expect(invertInPlace(a, 2)).toBe(true);
    expect(Array.from(a)).toEqual([-1, 1, 1, 0]);
    expect(invertInPlace(Float64Array.of(1, 2, 2, 4), 2)).toBe(false);
  });

  it("Lagrange functions of three points on a line are the interpolating parabolas", () => {
    const basis = lagrangeBasis(Float64Array.of(0, 1, -1), 3, 1)!;
    expect(lagrangeValue(basis, 1, Float64Array.of(0.5))).toBeCloseTo(0.375, 14);
    expect(lagrangeValue(basis, 0, Float64Array.of(1))).toBeCloseTo(0, 14);
  });

  it("the trust-region step stops on a bound exactly and on the sphere", () => {
    const {d} = trustRegionStep(Float64Array.of(-1, -1), Float64Array.of(1, 0, 0, 1), 1, Float64Array.of(-9, -9), Float64Array.of(0.2, 9));
    expect(d[0]).toBe(0.2);
    expect(Math.hypot(d[0], d[1])).toBeCloseTo(1, 12);
    const t = trustRegionStep(Float64Array.of(-1, -1), Float64Array.of(1, 0, 0, 1), 1, Float64Array.of(-9, -9), Float64Array.of(0.2, 9), "tangent");
    expect(t.d[0]).toBe(0.2);
    expect(t.d[1]).toBeCloseTo(d[1], 12);
  });

  it("the arc search in tan(θ/2) gives the steps of the search in θ: feasible, and the same reduction to 1e-8", () => {
    const problem = fc.integer({min: 2, max: 9}).chain((n) =>
      fc.record({
        g: fc.array(fc.double({min: -2, max: 2, noNaN: true}), {minLength: n, maxLength: n}),
        b: fc.array(fc.double({min: -1, max: 1, noNaN: true}), {minLength: n * n, maxLength: n * n}),
        lo: fc.array(fc.double({min: -1, max: 0, noNaN: true}), {minLength: n, maxLength: n}),
        hi: fc.array(fc.double({min: 0, max: 1, noNaN: true}), {minLength: n, maxLength: n}),
        delta: fc.double({min: 0.05, max: 2, noNaN: true})
      })
    );
    fc.assert(
      fc.property(problem, (raw) => {
        // sizes under 1e-8 set to 0: gradients near the underflow threshold make both searches' reductions NaN
        const clean = (v: number[]) => v.map((x) => (Math.abs(x) < 1e-8 ? 0 : x));
        const [g, b, lo, hi] = [clean(raw.g), clean(raw.b), clean(raw.lo), clean(raw.hi)];
        const delta = raw.delta;
        const n = g.length;
        // a symmetric, possibly indefinite model Hessian
        const h = Float64Array.from({length: n * n}, (_, k) => 0.5 * (b[k] + b[(k % n) * n + Math.floor(k / n)]));
        const args = [Float64Array.from(g), h, delta, Float64Array.from(lo), Float64Array.from(hi)] as const;
        const angle = trustRegionStep(...args);
        const tangent = trustRegionStep(...args, "tangent");
        const feasible = Array.from(tangent.d).every((v, i) => v >= lo[i] && v <= hi[i]) && Math.hypot(...tangent.d) <= delta * (1 + 1e-12);
        return feasible && (Math.abs(tangent.reduction - angle.reduction) <= 1e-8 * Math.max(angle.reduction, 1e-12));
      }),
      {numRuns: 300, seed: 17}
    );
  });
});
