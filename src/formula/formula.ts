/**
 * The one-call entry point of the formula language: text to {@link ModelSpec}.
 */
import {describeValue, fail} from "../errors.js";
import type {ModelSpec} from "./ast.js";
import {expandFormula} from "./expand.js";
import {parseFormula} from "./parse.js";

/**
 * Parses and expands an lme4 formula. Anything but a string is refused with an LmmError naming what was given.
 *
 * @example
 *   formula("strength ~ 1 + (1 | batch/cask)").random.map((r) => r.groupLabel); // ["cask:batch", "batch"]
 * @see Bates, Mächler, Bolker & Walker (2015), Fitting Linear Mixed-Effects Models Using lme4, JSS 67(1), table 2.
 */
export function formula(text: string): ModelSpec {
  return expandFormula(parseFormula(text));
}

/**
 * The model specification of a formula given as text (parsed by {@link formula}) or as a {@link ModelSpec}
 * already expanded (checked for its fields); anything else is refused with an LmmError naming what was given.
 *
 * @example
 *   modelSpec("Reaction ~ Days + (Days | Subject)").terms.length; // 1
 *   modelSpec(42); // LmmError: invalid formula: the number 42; give a string such as "Reaction ~ Days + (Days | Subject)"
 */
export function modelSpec(value: unknown): ModelSpec {
  if (typeof value === "string") return formula(value);
  if (isModelSpec(value)) return value;
  fail(`invalid formula: ${describeValue(value)}; give a string such as "Reaction ~ Days + (Days | Subject)" ` +
    "or the result of formula(text)");
}

function isModelSpec(value: unknown): value is ModelSpec {
  if (value === null || typeof value !== "object") return false;
  try {
    const v = value as Partial<ModelSpec>;
    return typeof v.text === "string" && typeof v.intercept === "boolean" && v.response !== null &&
      typeof v.response === "object" && Array.isArray(v.terms) && Array.isArray(v.offsets) && Array.isArray(v.random);
  } catch {
    // a getter that throws
    return false;
  }
}
