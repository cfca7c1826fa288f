/**
 * `timings` on every fit (issue 15): the stages of a whole lmer() or glmer() call in ms, on the model and in
 * its JSON. Wall-clock sizes are never asserted (they depend on the machine and its load): only that every
 * field is there, finite and non-negative, and that the stages sum to at most the total.
 */
import {describe, expect, it} from "vitest";
import {glmer, glmerOnFrame} from "../src/glmm/fit.js";
import {fitStructure, lmer} from "../src/lmm/fit.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import {FIT_STAGES, FitClock, sumOfStages, type FitTimings} from "../src/lmm/timings.js";
import {modelAtTheta} from "../src/reactive/rebuild.js";
import {dataset} from "./helpers/fits.js";

const F = "Reaction ~ Days + (Days | Subject)";
const G = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

/** Every stage and the total finite and ≥ 0; the stages sum to at most the total (the rest is unattributed). */
function expectTimings(t: FitTimings): void {
  expect(Object.keys(t).sort()).toEqual([...FIT_STAGES, "total"].sort());
  for (const [k, v] of Object.entries(t)) expect(Number.isFinite(v) && v >= 0, `${k}: ${v}`).toBe(true);
  expect(sumOfStages(t)).toBeLessThanOrEqual(t.total * (1 + 1e-12));
  expect(Object.isFrozen(t)).toBe(true);
}

describe("timings of lmer", () => {
  const m = lmer(F, dataset("sleepstudy"));

  it("has every stage of the whole call, consistent with the total", () => {
    expectTimings(m.timings);
    // each stage ran, so each took some time; the optimizer's own seconds lie inside the fit's total
    expect(m.timings.optimization).toBeGreaterThan(0);
    expect(m.timings.checks).toBeGreaterThan(0);
    expect(m.optimizer.seconds * 1000).toBeLessThanOrEqual(m.timings.total);
  });

  it("is in the model's JSON, as on the model", () => {
    const json = JSON.parse(JSON.stringify(m));
    expect(json.timings).toEqual({...m.timings});
    expect(typeof json.optimizer.seconds).toBe("number");
  });

  it("a formula given parsed charges nothing to the formula stage; a refit of a structure, nothing before the optimizer", () => {
    const parsed = lmer(m.formulaSpec, dataset("sleepstudy"));
    expectTimings(parsed.timings);
    const refit = fitStructure({...m.structure, REML: false}, m.theta);
    expectTimings(refit.timings);
    expect([refit.timings.formula, refit.timings.frame, refit.timings.crossProducts]).toEqual([0, 0, 0]);
  });

  it("a model rebuilt from a worker's results reports the worker's timings; one built directly, its own construction", () => {
    const {structure, theta, isSingular, warnings, optimizer, L, beta, u, usedFitted: fitted, usedResiduals: residuals, timings} = m;
    const rebuilt = modelAtTheta({structure, theta, isSingular, warnings, optimizer, L, beta, u, fitted, residuals, timings});
    expect(rebuilt.timings).toEqual(m.timings);
    const direct = new LinearMixedModel(structure, theta, isSingular, warnings, optimizer);
    expectTimings(direct.timings);
    expect(direct.timings.total).toBe(direct.timings.checks);
  });
});

describe("timings of glmer", () => {
  const cbpp = dataset("cbpp");

  it("has every stage of the whole call, in the model and its JSON, for Laplace and nAGQ = 0", () => {
    for (const nAGQ of [1, 0]) {
      const g = glmer(G, cbpp, {family: "binomial", nAGQ});
      expectTimings(g.timings);
      expect(g.timings.optimization).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(g)).timings).toEqual({...g.timings});
    }
  });

  it("a refit on a frame already built charges nothing to the formula stage (its frame stage is the response's check)", () => {
    const g = glmer(G, cbpp, {family: "binomial"});
    const refit = glmerOnFrame(g.formulaSpec, g.frame, {family: "binomial"});
    expectTimings(refit.timings);
    expect(refit.timings.formula).toBe(0);
  });
});

describe("FitClock", () => {
  it("charges laps to their stages, leaves skipped time unattributed and stops once", () => {
    const clock = new FitClock();
    clock.lap("formula").skip().lap("frame").lap("frame");
    const t = clock.stop();
    expectTimings(t);
    expect(clock.stop()).toBe(t);
    expect(t.crossProducts).toBe(0);
    expect(t.optimization).toBe(0);
  });
});
