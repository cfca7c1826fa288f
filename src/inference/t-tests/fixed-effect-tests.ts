import {checkDdf, type Ddf} from "../ddf.js";
import {kenwardRogerValues} from "./kenward-roger-t.js";
import type {KenwardRogerModel} from "../../varpar/kenward-roger-covariance.js";
import {satterthwaiteValues} from "./satterthwaite.js";
import type {CoefficientTests} from "./tests-table.js";

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
