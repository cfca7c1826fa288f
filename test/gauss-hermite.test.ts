/**
 * The Gauss–Hermite rules of adaptive quadrature against lme4 1.1-31's GHrule (tools/make-gauss-hermite-
 * reference.R) and against the moments of the standard normal they must integrate exactly.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {gaussHermite} from "../src/numeric/gauss-hermite.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/glmm/gauss-hermite.json", import.meta.url), "utf8"));

describe("Gauss–Hermite rules for the standard normal density", () => {
  it("match lme4's GHrule for n = 1…25: nodes within 1e-14 (absolute), weights within 1e-12 relative or 1e-16", () => {
    const off: string[] = [];
    for (const r of ref.rules as {n: number; z: number[]; w: number[]}[]) {
      const {z, w} = gaussHermite(r.n);
      for (let i = 0; i < r.n; i++) {
        if (Math.abs(z[i] - r.z[i]) > 1e-14 * Math.max(1, Math.abs(r.z[i]))) off.push(`n ${r.n}: z[${i}] = ${z[i]}, lme4 ${r.z[i]}`);
        if (Math.abs(w[i] - r.w[i]) > Math.max(1e-16, 1e-12 * r.w[i])) off.push(`n ${r.n}: w[${i}] = ${w[i]}, lme4 ${r.w[i]}`);
      }
    }
    expect(off).toEqual([]);
  });

  it("integrate E[z^2k] = (2k − 1)!! exactly for 2k < 2n, n up to 100, and are symmetric", () => {
    for (const n of [1, 2, 3, 7, 10, 25, 40, 64, 100]) {
      const {z, w} = gaussHermite(n);
      for (let i = 0; i < n; i++) {
        expect(z[i] + z[n - 1 - i]).toBe(0);
        expect(w[i]).toBe(w[n - 1 - i]);
        if (i > 0) expect(z[i]).toBeGreaterThan(z[i - 1]);
      }
      let moment = 1;
      for (let k = 0; 2 * k < Math.min(2 * n, 24); k++) {
        if (k > 0) moment *= 2 * k - 1;
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i] * z[i] ** (2 * k);
        expect(Math.abs(s / moment - 1), `n ${n}, E z^${2 * k}`).toBeLessThan(1e-12);
      }
    }
  });

  it("refuses a number of points that is not a whole number from 1 to 100", () => {
    for (const n of [0, -1, 2.5, 101, NaN]) expect(() => gaussHermite(n)).toThrow(`a Gauss–Hermite rule needs a whole number of points from 1 to 100, not ${n}`);
  });
});
