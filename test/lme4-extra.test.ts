import {readdirSync, readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {formula} from "../src/formula/index.js";
import {modelFrame} from "../src/frame/index.js";
import {criterionFunction, modelStructure} from "../src/lmm/objective.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {compareWithLme4, type FitJSON, type Lme4Reference} from "./helpers/reference.js";

// lme4 1.1-31 fits beyond the shared reference (tools/make-extra-reference.R): transforms, factor(),
// slopes without intercepts, factors inside random terms, three levels of nesting, crossed and nested
// together, ||, offsets, ML; checked with the same tolerances as the shared cases.
const folder = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
const load = (name: string): Lme4Reference[] =>
  readdirSync(folder(name)).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(folder(name) + f, "utf8")));

describe("more lme4 fits match", () => {
  for (const ref of load("extra")) {
    it(ref.id, () => {
      const model = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const {bad} = compareWithLme4(ref, JSON.parse(JSON.stringify(model)) as FitJSON);
      expect(bad).toEqual([]);
    });
  }
});

// Where lme4 stops early (it warns that it failed to converge), the same model must give lme4's criterion
// at lme4's θ, and our optimum must be no worse.
describe("where lme4 did not converge, we reach a lower criterion of the same model", () => {
  for (const ref of load("lme4-stuck")) {
    it(ref.id, () => {
      const structure = modelStructure(modelFrame(formula(ref.formula), dataset(ref.dataset)), ref.REML);
      const atLme4 = criterionFunction(structure)(([] as number[]).concat(ref.theta));
      const lme4Crit = (ref.REML ? ref.REMLcrit : ref.deviance)!;
      expect(Math.abs(atLme4 - lme4Crit)).toBeLessThan(1e-6 * Math.abs(lme4Crit));
      const model = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      expect((ref.REML ? model.REMLcrit : model.deviance)!).toBeLessThan(lme4Crit);
      expect(model.thetaNames).toEqual(ref.theta_names);
    });
  }
});
