// The pieces of glmer's second stage that are not the deviance itself: the coordinates' Jacobian and the
// Hessian carried into them (against finite differences of the map and a dense product), and the predicted
// starting modes of a finite-difference stencil (exact when the modes are linear in the parameters).
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {naturalDerivatives, stageTwoCoordinates} from "../src/glmm/coordinates.js";
import {ModeHistory, ModeStarts} from "../src/glmm/mode-starts.js";

const vector = (n: number) => fc.array(fc.double({min: -2, max: 2, noNaN: true}), {minLength: n, maxLength: n}).map((v) => Float64Array.from(v));

describe("stage two's coordinates", () => {
  const nTheta = 2, p = 3, n = nTheta + p;
  const pieces = fc.record({s: vector(nTheta).map((v) => v.map((x) => 0.1 + Math.abs(x))), K: vector(p * nTheta), M: vector(p * p)}).map(({s, K, M}) => {
    for (let a = 0; a < p; a++) {
      M[a * p + a] = 0.5 + Math.abs(M[a * p + a]);
      for (let c = a + 1; c < p; c++) M[a * p + c] = 0;
    }
    return {s, K, M};
  });

  it("the Jacobian is the map's derivative (the map is affine away from the bounds)", () => {
    fc.assert(fc.property(pieces, vector(n), ({s, K, M}, y) => {
      const c = stageTwoCoordinates({s, K, M}, Float64Array.of(1, 0.5), Float64Array.of(0.1, -0.2, 0.3), Float64Array.of(-Infinity, -Infinity));
      const A = c.jacobian();
      const at = (v: Float64Array) => {
        const {theta, beta} = c.toNatural(v);
        return [...theta, ...beta];
      };
      const x0 = at(y);
      for (let j = 0; j < n; j++) {
        const e = y.slice();
        e[j] += 1;
        const x1 = at(e);
        for (let i = 0; i < n; i++) expect(x1[i] - x0[i]).toBeCloseTo(A[i * n + j], 10);
      }
    }), {seed: 13, numRuns: 50});
  });

  it("carries derivatives in y back to (θ, β): a quadratic's exact gradient and Hessian, over the free coordinates", () => {
    fc.assert(fc.property(pieces, vector(n * n), vector(n), vector(n), ({s, K, M}, h, g, y0) => {
      const lowerTheta = Float64Array.of(0, 0);
      const c = stageTwoCoordinates({s, K, M}, Float64Array.of(1, 0.5), Float64Array.of(0, 0, 0), lowerTheta);
      const A = c.jacobian();
      const free = [1, 2, 3, 4];
      const m = free.length;
      // f(x) = gᵀx + ½ xᵀHx over the free coordinates of x = (θ, β); its y-derivatives are Aᵀ(g + Hx) and AᵀHA
      const H = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) H[i * m + j] = H[j * m + i] = h[i * n + j];
      const y = Float64Array.from(y0, (v, i) => (i === 0 ? 0 : v));
      const {theta, beta} = c.toNatural(y);
      const x = [...theta, ...beta];
      const gx = free.map((fi, i) => g[i] + free.reduce((t, fj, j) => t + H[i * m + j] * x[fj], 0));
      const a = (i: number, j: number) => A[free[i] * n + free[j]];
      const gy = Float64Array.from(free, (_, j) => free.reduce((t, _f, i) => t + a(i, j) * gx[i], 0));
      const Hy = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) Hy[i * m + j] += a(k, i) * H[k * m + l] * a(l, j);
      const back = naturalDerivatives(gy, Hy, A, free);
      back.gradient.forEach((v, i) => expect(v).toBeCloseTo(gx[i], 8));
      back.hessian.forEach((v, i) => expect(v).toBeCloseTo(H[i], 8));
    }), {seed: 17, numRuns: 50});
  });
});

describe("predicted modes of a finite-difference stencil", () => {
  it("are exact for modes linear in the parameters, from the centre and one point per coordinate", () => {
    fc.assert(fc.property(vector(3), vector(6), vector(3), (x0, B, d) => {
      const modes = (x: ArrayLike<number>) => [Float64Array.from([0, 1], (r) => 0.3 + B[r * 3] * x[0] + B[r * 3 + 1] * x[1] + B[r * 3 + 2] * x[2])];
      const starts = new ModeStarts();
      starts.centre(x0, modes(x0));
      for (let k = 0; k < 3; k++) {
        const x = x0.slice();
        x[k] += 1e-2;
        starts.record(x, modes(x));
      }
      const y = Float64Array.from(x0, (v, k) => v + d[k]);
      const got = starts.predict(y)!;
      modes(y)[0].forEach((v, r) => expect(got[0][r]).toBeCloseTo(v, 9));
    }), {seed: 19, numRuns: 100});
  });

  it("leaves out coordinates with no recorded point, and predicts nothing before a centre", () => {
    const starts = new ModeStarts();
    expect(starts.predict([1, 2])).toBeNull();
    starts.centre([0, 0], [Float64Array.of(1)]);
    starts.record([0.5, 0], [Float64Array.of(2)]);
    starts.record([0.5, 0.5], [Float64Array.of(9)]); // two coordinates moved: not a slope
    expect(Array.from(starts.predict([1, 7])![0])).toEqual([3]);
    starts.record([-0.5, 0], [Float64Array.of(0.5)]); // the central slope (2 − 0.5)/1
    expect(Array.from(starts.predict([1, 0])![0])).toEqual([2.5]);
  });
});

describe("predicted modes at an optimizer's next point", () => {
  it("are exact for modes linear in the parameters once dim + 2 points are kept, and absent before", () => {
    fc.assert(fc.property(fc.array(vector(3), {minLength: 7, maxLength: 7}), vector(6), vector(3), (xs, B, x) => {
      const modes = (v: ArrayLike<number>) => [Float64Array.from([0, 1], (r) => 0.3 + B[r * 3] * v[0] + B[r * 3 + 1] * v[1] + B[r * 3 + 2] * v[2])];
      const history = new ModeHistory(7);
      xs.slice(0, 4).forEach((v) => history.record(v, modes(v)));
      expect(history.predict(x)).toBeNull();
      xs.slice(4).forEach((v) => history.record(v, modes(v)));
      const got = history.predict(x);
      if (got) modes(x)[0].forEach((v, r) => expect(got[0][r]).toBeCloseTo(v, 6));
    }), {seed: 31, numRuns: 100});
  });

  it("keeps the last `capacity` points, and predicts nothing from points that do not span the space", () => {
    const history = new ModeHistory(4);
    for (let k = 0; k < 4; k++) history.record([k, 0], [Float64Array.of(k)]);
    expect(history.predict([0.5, 1])).toBeNull(); // the second coordinate never moved: a fit would extrapolate
    history.record([0, 1], [Float64Array.of(5)]);
    history.record([1, 1], [Float64Array.of(6)]); // [0,0] and [1,0] forgotten: [2,0], [3,0], [0,1], [1,1] kept
    expect(history.predict([2, 1])![0][0]).toBeCloseTo(7, 6);
  });
});

describe("derivatives with forward pairs (one evaluation a pair)", () => {
  it("are exact for quadratics, and within h·(third derivatives) for cubics, in the order centre, ±eᵢ, pairs", async () => {
    const {derivatives} = await import("../src/lmm/convergence.js");
    fc.assert(fc.property(vector(9), vector(3), vector(3), fc.double({min: -1, max: 1, noNaN: true}), (h9, g, x0, c) => {
      const H = [[2 + Math.abs(h9[0]), h9[1], h9[2]], [h9[1], 2 + Math.abs(h9[4]), h9[5]], [h9[2], h9[5], 2 + Math.abs(h9[8])]];
      const f = (x: Float64Array) => {
        let v = c * x[0] * x[1] * x[2];
        for (let i = 0; i < 3; i++) {
          v += g[i] * x[i];
          for (let j = 0; j < 3; j++) v += 0.5 * H[i][j] * x[i] * x[j];
        }
        return v;
      };
      const calls: Float64Array[] = [];
      const d = derivatives((x) => (calls.push(x.slice()), f(x)), Float64Array.from(x0), [0, 1, 2], 1e-3, true);
      expect(calls.length).toBe(1 + 6 + 3);
      expect(Array.from(calls[0])).toEqual(Array.from(x0));
      for (let i = 0; i < 3; i++) {
        const exact = g[i] + H[i].reduce((s, v, j) => s + v * x0[j], 0) + c * x0[(i + 1) % 3] * x0[(i + 2) % 3];
        expect(d.gradient[i]).toBeCloseTo(exact, 6);
        for (let j = 0; j < 3; j++) {
          const k = 3 - i - j;
          const exactH = H[i][j] + (i === j ? 0 : c * x0[k]);
          expect(Math.abs(d.hessian[i * 3 + j] - exactH)).toBeLessThanOrEqual(1e-3 * Math.abs(c) + 1e-5);
        }
      }
    }), {seed: 37, numRuns: 100});
  });
});
