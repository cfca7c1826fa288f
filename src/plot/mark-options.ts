/**
 * The option names of the composite marks: each mark's own, and Plot's mark options, which a composite mark
 * passes on to the Plot marks it is made of (`fx`, `fy`, `title`, `tip`, `clip`, `strokeOpacity`, …).
 *
 * The rule: a mark knows its own options and every option of Plot's `MarkOptions` (the options that all
 * Plot marks take); anything else is refused, naming the nearest name. Options that only one kind of Plot
 * mark knows (a line's `curve`, a dot's `symbol`, channels such as `x` that the mark sets itself) are
 * refused too: a composite mark hands its options to marks of several kinds, where they would be ignored or
 * would override the mark's own channels.
 */
import type * as Plot from "@observablehq/plot";
import {optionNames, readOptions} from "../options.js";

/**
 * Every option of Plot's `MarkOptions` (Observable Plot 0.6.17), checked by the compiler against the type:
 * an option Plot adds must be added here or the build fails.
 */
export const PLOT_MARK_OPTIONS = optionNames<Plot.MarkOptions>({
  filter: true, reverse: true, sort: true, transform: true, initializer: true, render: true, fx: true, fy: true,
  facet: true, facetAnchor: true, margin: true, marginTop: true, marginRight: true, marginBottom: true,
  marginLeft: true, className: true, ariaDescription: true, ariaHidden: true, ariaLabel: true,
  pointerEvents: true, title: true, tip: true, clip: true, dx: true, dy: true, fill: true, fillOpacity: true,
  stroke: true, strokeDasharray: true, strokeDashoffset: true, strokeLinecap: true, strokeLinejoin: true,
  strokeMiterlimit: true, strokeOpacity: true, strokeWidth: true, opacity: true, mixBlendMode: true,
  imageFilter: true, paintOrder: true, shapeRendering: true, href: true, target: true, channels: true
});

/**
 * A mark's own option names: those of its options type that are not Plot's mark options (each mark declares
 * its own, so this file imports no mark).
 *
 * @example
 *   markOwnOptions<QqNormalOptions>({line: true, r: true}); // ["line", "r"]
 */
export function markOwnOptions<T>(names: {[K in Exclude<keyof Required<T>, keyof Plot.MarkOptions>]: true}): readonly string[] {
  return Object.keys(names);
}


/**
 * Checks the options of a composite mark by the rule above, and returns them unchanged (the mark reads them
 * as before and passes the rest to Plot). An unknown name is an LmmError naming it and the nearest known one.
 *
 * @example
 *   readMarkOptions({group: "Subject", fx: "sex"}, "caterpillar", CATERPILLAR_OPTIONS); // passes
 *   readMarkOptions({grup: "Subject"}, "caterpillar", CATERPILLAR_OPTIONS); // throws 'unknown option "grup" of caterpillar; did you mean "group"? …'
 */
export function readMarkOptions<T extends object>(options: T | undefined, mark: string, own: readonly string[]): T {
  readOptions(options, [...own, ...PLOT_MARK_OPTIONS], mark, {listed: `${own.join(", ")} and Plot's mark options (fx, fy, title, tip, stroke, …)`});
  return (options ?? {}) as T;
}

/**
 * Checks the options of a rows helper (`caterpillarRows`, `groupLineRows`, `shrinkageRows`): only `known`.
 *
 * @example
 *   readRowOptions({group: "Subject"}, ["group", "term", "level"], "caterpillarRows"); // passes
 */
export function readRowOptions<T extends object>(options: T | undefined, known: readonly string[], where: string): T {
  readOptions(options, known, where);
  return (options ?? {}) as T;
}
