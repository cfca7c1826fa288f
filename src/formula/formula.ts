/**
 * The one-call entry point of the formula language: text to {@link ModelSpec}.
 */
import type {ModelSpec} from "./ast.js";
import {expandFormula} from "./expand.js";
import {parseFormula} from "./parse.js";

/**
 * Parses and expands an lme4 formula.
 *
 * @example
 *   formula("strength ~ 1 + (1 | batch/cask)").random.map((r) => r.groupLabel); // ["cask:batch", "batch"]
 * @see Bates, Mächler, Bolker & Walker (2015), Fitting Linear Mixed-Effects Models Using lme4, JSS 67(1), table 2.
 */
export function formula(text: string): ModelSpec {
  return expandFormula(parseFormula(text));
}
