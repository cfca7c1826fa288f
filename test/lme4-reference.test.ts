import {describe, expect, it} from "vitest";
import {compareWithLme4, fitReferences, type FitJSON} from "./helpers/reference.js";
import {fitOf} from "./helpers/fits.js";

// Every lme4 1.1-31 reference fit in test/fixtures/reference, with check-lme4.mjs's tolerances (see
// compareWithLme4): criterion no more than 1e-5 above lme4's, β within 1e-3 SE, SEs and SDs relative 1e-3,
// correlations 2e-3, σ relative 1e-4, modes 1e-3 condsd, fitted values 1e-4 σ, counts equal. The references
// hold lme4's values at the optimum (lme4's fit refitted from its own θ at tight tolerances), and our
// criterion must be within 1e-6 (relative 1e-10) of it, as issue 10 asks: measured at most 5.3e-8 above
// (Produc-nested-log), where lme4's default fits stop up to 7.7e-7 short (InstEval-me3).
describe("fits match lme4", () => {
  for (const ref of fitReferences()) {
    it(ref.id, () => {
      const model = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const fit = JSON.parse(JSON.stringify(model)) as FitJSON;
      const {bad} = compareWithLme4(ref, fit);
      expect(bad).toEqual([]);
      const optimum = ref.REML ? ref.REMLcrit! : ref.deviance;
      const ours = (ref.REML ? fit.REMLcrit : fit.deviance) as number;
      expect(ours - optimum).toBeLessThanOrEqual(Math.max(1e-6, 1e-10 * Math.abs(optimum)));
      expect(model.optimizer.converged).toBe(true);
      expect(model.thetaNames).toEqual(([] as string[]).concat(ref.theta_names));
    });
  }
});
