/**
 * Satterthwaite degrees of freedom and p-values against lmerTest (the `satterthwaite` field of every
 * reference case that has it): relative 1e-3 for df and p. Also the finite-difference machinery on closed
 * forms, and the deviance in (θ, σ) against the profiled criterion.
 */
import {describe, expect, it} from "vitest";
import {richardsonDerivatives, richardsonHessian} from "../src/inference/richardson.js";
import {satterthwaite, satterthwaiteContrast, satterthwaiteValues} from "../src/inference/satterthwaite.js";
import {varparDeviance} from "../src/inference/varpar-deviance.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import {fitOf} from "./helpers/fits.js";
import {fitReferences} from "./helpers/reference.js";

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

describe("Richardson-extrapolated differences", () => {
  it("the Hessian of a cubic and of an exponential", () => {
    const H = richardsonHessian((x) => x[0] ** 2 * x[1] + Math.exp(x[1]), [1, 2]);
    expect(H[0]).toBeCloseTo(4, 9);
    expect(H[1]).toBeCloseTo(2, 9);
    expect(H[2]).toBeCloseTo(2, 9);
    expect(H[3]).toBeCloseTo(Math.exp(2), 8);
  });
  it("gradients and Hessians of several components, with a zero coordinate", () => {
    const d = richardsonDerivatives((x) => Float64Array.of(x[0] * x[1], Math.sin(x[1]) * x[0] ** 3), [3, 0]);
    expect(Array.from(d.value)).toEqual([0, 0]);
    expect(d.gradient[0][0]).toBeCloseTo(0, 12);
    expect(d.gradient[0][1]).toBeCloseTo(3, 10);
    expect(d.gradient[1][1]).toBeCloseTo(27, 9);
    expect(d.hessian[0][1]).toBeCloseTo(1, 10);
    expect(d.hessian[1][1]).toBeCloseTo(27, 8);
    expect(d.hessian[1][3]).toBeCloseTo(0, 8);
  });
  it("matches the exact Hessian of a deviance-like function", () => {
    // f(θ, σ) = log(1 + θ²) + 10/(σ²(1 + θ)) + 5 log σ²
    const f = (x: Float64Array) => Math.log(1 + x[0] ** 2) + 10 / (x[1] ** 2 * (1 + x[0])) + 5 * Math.log(x[1] ** 2);
    const [t, s] = [0.7, 1.3];
    const H = richardsonHessian(f, [t, s]);
    const exact = [
      (2 * (1 - t * t)) / (1 + t * t) ** 2 + 20 / (s * s * (1 + t) ** 3),
      20 / (s ** 3 * (1 + t) ** 2),
      60 / (s ** 4 * (1 + t)) - 10 / (s * s)
    ];
    expect(Math.abs(H[0] - exact[0]) / exact[0]).toBeLessThan(1e-9);
    expect(Math.abs(H[1] - exact[1]) / exact[1]).toBeLessThan(1e-9);
    expect(Math.abs(H[3] - exact[2]) / exact[2]).toBeLessThan(1e-9);
  });
});

describe("the deviance in (θ, σ)", () => {
  it("equals the profiled criterion at σ̂ (REML and ML)", () => {
    const reml = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const dev = varparDeviance(reml.structure, true);
    expect(dev([...reml.theta, reml.sigma])).toBeCloseTo(reml.REMLcrit!, 8);
    const ml = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)", {REML: false});
    expect(varparDeviance(ml.structure, false)([...ml.theta, ml.sigma])).toBeCloseTo(ml.deviance, 8);
  });
});

const cases = fitReferences().filter((r) => r.satterthwaite);

/** The reference's θ as an array (jsonlite writes a single θ as a number). */
const refTheta = (theta: number | number[]) => Float64Array.from([theta].flat());

/**
 * Two comparisons per case. At lme4's own θ̂ (the model rebuilt there), so that only the Satterthwaite
 * computation differs: df and p to relative 1e-3 (measured: df within 2.4e-6, p within 5.1e-5). At our fit's
 * θ̂: df to relative 1e-3 (measured within 9.4e-5); p agrees as closely as the estimates do. Our optimizer
 * reaches a criterion at or below lme4's, and where the likelihood is flat its β̂/se differs from lme4's by
 * up to 2.3e-5 (relative) — which moves a p-value of 1e-18 by 2.4e-3 relative. There, p must agree to
 * relative 1e-3 on the log scale.
 */
describe("Satterthwaite df and p-values match lmerTest", () => {
  it("covers every case with a reference", () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });
  for (const ref of cases) {
    it(`${ref.id} at lme4's estimates`, () => {
      const fit = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const m = new LinearMixedModel(fit.structure, refTheta(ref.theta), fit.isSingular, [], fit.optimizer);
      const s = satterthwaiteValues(m);
      for (const [name, df] of Object.entries(ref.satterthwaite!.df)) {
        expect(rel(s.df[name], df), `df[${name}] ${s.df[name]} vs ${df}`).toBeLessThan(1e-3);
        const p = ref.satterthwaite!.p[name];
        // R's pt() underflows to 0 before ours does: ours must then be tiny too
        if (p === 0) expect(s.p[name]).toBeLessThan(1e-300);
        else expect(rel(s.p[name], p), `p[${name}] ${s.p[name]} vs ${p}`).toBeLessThan(1e-3);
      }
      expect(Object.keys(s.df).sort()).toEqual(Object.keys(ref.satterthwaite!.df).sort());
    });
    it(`${ref.id} at our estimates`, () => {
      const s = satterthwaiteValues(fitOf(ref.dataset, ref.formula, {REML: ref.REML}));
      for (const [name, df] of Object.entries(ref.satterthwaite!.df)) {
        expect(rel(s.df[name], df), `df[${name}] ${s.df[name]} vs ${df}`).toBeLessThan(1e-3);
        const p = ref.satterthwaite!.p[name];
        if (p === 0) expect(s.p[name]).toBeLessThan(1e-300);
        else expect(Math.abs(Math.log(s.p[name] / p)), `p[${name}] ${s.p[name]} vs ${p}`).toBeLessThan(1e-3 * Math.max(1, -Math.log(p)));
      }
    });
  }
  it("a singular fit: the residual degrees of freedom n − p (Dyestuff2)", () => {
    const m = fitOf("Dyestuff2", "Yield ~ 1 + (1 | Batch)");
    expect(m.isSingular).toBe(true);
    expect(satterthwaiteValues(m).df["(Intercept)"]).toBeCloseTo(29, 6);
  });
});

describe("the Satterthwaite table and contrasts", () => {
  const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
  it("an Arquero table of term, estimate, se, df, t, p", () => {
    const rows = satterthwaite(m).objects() as Record<string, unknown>[];
    expect(rows.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    expect(Object.keys(rows[1])).toEqual(["term", "estimate", "se", "df", "t", "p"]);
    expect(rows[1].estimate).toBeCloseTo(m.fixef.Days, 12);
    expect(rows[1].se).toBeCloseTo(m.se.Days, 12);
  });
  it("a unit contrast is the coefficient's test; a general one scales", () => {
    const unit = satterthwaiteContrast(m, [0, 1]);
    const s = satterthwaiteValues(m);
    expect(unit.df).toBeCloseTo(s.df.Days, 10);
    const twice = satterthwaiteContrast(m, [0, 2]);
    expect(twice.df).toBeCloseTo(unit.df, 8);
    expect(twice.t).toBeCloseTo(unit.t, 10);
  });
  it("refuses a contrast of the wrong length by naming the fixed effects", () => {
    expect(() => satterthwaiteContrast(m, [1])).toThrow(/invalid contrast: 1 coefficients for 2 fixed effects \(\(Intercept\), Days\)/);
    expect(() => satterthwaiteContrast(m, [1, NaN])).toThrow(/coefficient 2 is NaN/);
  });
});
