import {clip} from "../errors.js";
import {expDD, logRounded} from "../math/index.js";

/**
 * The whitelist of functions a formula may call. Nothing outside these lists is ever evaluated.
 */

/**
 * Elementwise transforms usable in terms and inside each other: `log(x + 1)`, `I(age^2)`, `sqrt(abs(x))`.
 * `log` and `exp` are correctly rounded (math/log.ts `logRounded`, math/exp.ts `expDD`), as `sqrt` and `abs`
 * are by IEEE, so a transformed column holds the doubles R, DuckDB and PostgreSQL compute from the same data
 * (with the C library's functions): a fit from SQL aggregates then starts from the same sums as one in memory.
 */
export const transforms: ReadonlyMap<string, (x: number) => number> = new Map([
  ["log", logRounded],
  ["exp", (x: number) => expDD([x, 0])],
  ["sqrt", Math.sqrt],
  ["abs", Math.abs],
  ["I", (x: number) => x],
]);

/**
 * Transforms of a whole column rather than of each value: `scale(x)` centres x by its mean and divides by its
 * standard deviation, both over the non-missing values of the column as the data gives it (R's `scale`, as
 * `model.frame` evaluates it); a fitted model keeps them ({@link ColumnScales}) for new data.
 */
export const columnTransforms: readonly string[] = ["scale"];

/** The centre and scale of each `scale(…)` of a model, by its deparsed call: R's `makepredictcall` record. */
export type ColumnScales = Map<string, {center: number; scale: number}>;

/** Calls with a meaning in the formula itself rather than a value: a factor, an offset, a random term. */
export const formulaCalls: readonly string[] = ["factor", "offset", "tag"];

/** All supported function names, for messages. */
export const supportedFunctions: readonly string[] = [...transforms.keys(), ...columnTransforms, ...formulaCalls];

/**
 * The message for an unsupported function `name` found in `where`, naming the supported ones and the fix.
 *
 * @example
 *   unsupportedFunction("scale", '"y ~ scale(x)"');
 *   // "unsupported function scale() in "y ~ scale(x)": use log, exp, sqrt, abs, I, factor, offset or tag, ..."
 */
export function unsupportedFunction(name: string, where: string, supported: readonly string[] = supportedFunctions): string {
  const names = supported.slice(0, -1).join(", ") + " or " + supported[supported.length - 1];
  return `unsupported function ${clip(name, 40)}() in ${where}: use ${names}, or add the transformed column to the data`;
}
