import {fail} from "../../errors.js";
import {kenwardRogerValues} from "./kenward-roger-t.js";
import type {KenwardRogerModel} from "../../varpar/kenward-roger-covariance.js";
import {satterthwaiteValues} from "./satterthwaite.js";
import type {CoefficientTests} from "./tests-table.js";

/** lmerTest's methods for the denominator degrees of freedom of the fixed-effect t tests. */
export type Ddf = "Satterthwaite" | "Kenward-Roger";

/** The methods, in lmerTest's spelling. */
export const DDF_METHODS: readonly Ddf[] = ["Satterthwaite", "Kenward-Roger"];

/**
 * Checks a `ddf` option: one of {@link DDF_METHODS}, spelled as lmerTest spells them.
 *
 * @example
 *   checkDdf("Kenward-Roger"); // "Kenward-Roger"
 *   checkDdf("KR"); // throws: invalid ddf: "KR"; use "Satterthwaite" or "Kenward-Roger"
 */
export function checkDdf(value: unknown): Ddf {
  if (!DDF_METHODS.includes(value as Ddf)) fail(`invalid ddf: ${JSON.stringify(value) ?? String(value)}; use "Satterthwaite" or "Kenward-Roger"`);
  return value as Ddf;
}

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
