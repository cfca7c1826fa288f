import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {STRUCTURE_BOUND, structureCoordinates} from "../src/lmm/residual-coordinates.js";
import type {ResidualStructure} from "../src/lmm/residual.js";
import {dataset} from "./helpers/fits.js";

// The optimizer's coordinates of residual structures (src/lmm/residual-coordinates.ts): varConstPower's const
// and corCAR1's φ as log(1 + eᵘ) of nlme's u, bounded at the value of u = −30; the others u times a scale.
describe("residual structures' optimizer coordinates", () => {
  const structure = (correlation: string | null, variance: string | null, strata: string[]): ResidualStructure =>
    ({
      correlation: correlation ? {kind: correlation} : null,
      variance: variance ? {kind: variance} : null,
      nCorrelation: correlation ? 1 : 0,
      strataNames: strata,
      covariateLevels: {values: Float64Array.of(1, 8, 64), logAbs: Float64Array.of(0, Math.LN2 * 3, Math.LN2 * 6), index: new Int32Array(0)}
    }) as unknown as ResidualStructure;

  it("corCAR1's φ and varConstPower's const: x = log(1 + eᵘ), back to u exactly enough, 0 a bound", () => {
    const r = structure("corCAR1", "varConstPower", ["A", "B"]);
    const c = structureCoordinates(r, [0, 1, 2, 3, 4]);
    expect(c.atZero).toEqual([true, true, true, false, false]);
    for (const u of [-29, -5, -1e-3, 0, 0.7, 12]) {
      for (const j of [0, 1]) expect(Math.abs(c.toU(j, c.toX(j, u)) - u)).toBeLessThan(1e-12 * Math.max(1, Math.abs(u)));
    }
    expect(c.toX(0, 0)).toBeCloseTo(Math.LN2, 15);
    expect(c.lower[0]).toBeCloseTo(Math.exp(-STRUCTURE_BOUND), 25);
    expect(c.toU(1, c.lower[1])).toBeCloseTo(-STRUCTURE_BOUND, 10);
    // the powers: u times max |log |v|| (log 64)
    expect(c.toX(3, 1)).toBeCloseTo(Math.LN2 * 6, 12);
    expect(c.lower[3]).toBeCloseTo(-STRUCTURE_BOUND * Math.LN2 * 6, 10);
  });

  it("corAR1's φ and varIdent's ratios keep nlme's scale", () => {
    const c = structureCoordinates(structure("corAR1", "varIdent", ["A", "B"]), [0, 1]);
    expect(c.atZero).toEqual([false, false]);
    expect(c.toX(0, 0.4)).toBe(0.4);
    expect(c.lower).toEqual([-STRUCTURE_BOUND, -STRUCTURE_BOUND]);
  });

  it("a const whose estimate is 0 stops at the bound, and the optimizer's log says so", () => {
    const m = lmer("distance ~ age * Sex + (1 | Subject)", dataset("Orthodont"), {REML: false, variance: "varConstPower(form = ~ age)"});
    const json = JSON.parse(JSON.stringify(m));
    expect(json.varStruct.const).toBeLessThan(1e-12);
    expect(m.optimizer.log.some((line) => /^const at its bound /.test(line))).toBe(true);
    expect(m.optimizer.evaluations).toBeLessThan(200);
  });
});
