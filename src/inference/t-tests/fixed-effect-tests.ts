import {checkDdf, type Ddf} from "../ddf.js";
import {kenwardRogerValues} from "./kenward-roger-t.js";
import type {KenwardRogerModel} from "../../varpar/kenward-roger-covariance.js";
import {satterthwaiteValues} from "./satterthwaite.js";
import type {CoefficientTests} from "./tests-table.js";
import {testTableLines} from "./t-tests-text.js";

/**
 * The t tests of every fixed effect with the chosen degrees of freedom, as lmerTest's
 * `summary(m, ddf = …)`: Satterthwaite's (the default) or Kenward–Roger's (with adjusted standard errors;
 * REML fits only).
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.
 *
 * @example
 *   fixedEffectTests(model, "Kenward-Roger").df; // {"(Intercept)": 17, Days: 17}
 */
export function fixedEffectTests(model: KenwardRogerModel, ddf: Ddf = "Satterthwaite"): CoefficientTests {
  return checkDdf(ddf) === "Kenward-Roger" ? kenwardRogerValues(model) : satterthwaiteValues(model);
}

/**
 * The fixed effects with Satterthwaite's tests (or, with `ddf = "Kenward-Roger"`, Kenward–Roger's, whose
 * standard errors are adjusted) as lmerTest's `summary()` prints them (laid out by {@link testTableLines}). The whole
 * summary is summary.ts's `summary`.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4 (the summary table).
 *
 * @example
 *   satterthwaiteLines(model).join("\n");
 *   //             Estimate Std. Error      df t value Pr(>|t|)
 *   // (Intercept)  251.405      6.825  17.000  36.838  < 2e-16 ***
 *   // Days          10.467      1.546  17.000   6.771 3.26e-06 ***
 */
export function satterthwaiteLines(model: KenwardRogerModel, digits = 4, ddf: Ddf = "Satterthwaite"): string[] {
  if (model.fixefNames.length === 0) return [];
  return testTableLines(model.fixefNames, fixedEffectTests(model, ddf), digits);
}
