import {fail} from "../errors.js";

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
