/**
 * Nakagawa's R² and intra-class correlations against the R package performance 0.10 (insight's variance
 * components): test/fixtures/inference/variance-explained.json, made by make-variance-explained.R beside
 * it. performance's ICC by group counts only random intercepts (it warns so for slope models), so those are
 * compared only for intercept-only models; our per-group values for slope models follow Johnson (2014).
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {iccTable, varianceExplained} from "../src/inference/variance-explained.js";
import {fitOf} from "./helpers/fits.js";

interface Case {
  dataset: string;
  formula: string;
  fixed: number;
  random: number;
  residual: number;
  marginal: number;
  conditional: number;
  icc_adjusted: number;
  icc: Record<string, number>;
}
const cases = JSON.parse(readFileSync(new URL("./fixtures/inference/variance-explained.json", import.meta.url), "utf8")) as Case[];
const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThan(1e-4 * Math.max(Math.abs(b), 1e-3));

describe("R² and ICC match performance", () => {
  for (const c of cases) {
    it(c.formula, () => {
      const v = varianceExplained(fitOf(c.dataset, c.formula));
      close(v.fixed, c.fixed, "fixed");
      close(Object.values(v.random).reduce((a, b) => a + b, 0), c.random, "random");
      close(v.residual, c.residual, "residual");
      close(v.marginal, c.marginal, "marginal R²");
      close(v.conditional, c.conditional, "conditional R²");
      close(v.iccAdjusted, c.icc_adjusted, "adjusted ICC");
      if (!/\(\w+ \|/.test(c.formula.replace(/\(1 \|/g, ""))) {
        for (const [g, icc] of Object.entries(c.icc)) close(v.icc[g], icc, `icc[${g}]`);
      }
    });
  }
  it("an Arquero table of group, variance, icc", () => {
    const rows = iccTable(fitOf("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)")).objects() as Record<string, number>[];
    expect(rows.map((r) => r.group)).toEqual(["plate", "sample"]);
    expect(rows[1].icc).toBeCloseTo(0.7854, 3);
  });
  it("random slopes: Johnson's mean variance over the rows", () => {
    const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const [s0, s1] = [m.varCorr[0].vcov, m.varCorr[1].vcov];
    const c01 = m.varCorr[2].vcov;
    // Days runs 0..9 in every subject: mean Days 4.5, mean Days² 28.5
    expect(varianceExplained(m).random.Subject).toBeCloseTo(s0 + 2 * 4.5 * c01 + 28.5 * s1, 6);
  });
});
