import {describe, expect, it} from "vitest";
import {compareWithLme4, fitReferences, type FitJSON} from "./helpers/reference.js";
import {fitOf} from "./helpers/fits.js";

// Every lme4 1.1-31 reference fit in test/fixtures/reference, with check-lme4.mjs's tolerances (see
// compareWithLme4): criterion no more than 1e-5 above lme4's, β within 1e-3 SE, SEs and SDs relative 1e-3,
// correlations 2e-3, σ relative 1e-4, modes 1e-3 condsd, fitted values 1e-4 σ, counts equal.
describe("fits match lme4", () => {
  for (const ref of fitReferences()) {
    it(ref.id, () => {
      const model = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const fit = JSON.parse(JSON.stringify(model)) as FitJSON;
      const {bad} = compareWithLme4(ref, fit);
      expect(bad).toEqual([]);
      expect(model.optimizer.converged).toBe(true);
      expect(model.thetaNames).toEqual(([] as string[]).concat(ref.theta_names));
    });
  }
});
