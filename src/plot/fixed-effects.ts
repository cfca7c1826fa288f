import * as Plot from "@observablehq/plot";
import type {LinearMixedModel} from "../lmm/model.js";
import {invalid, isModel, labelled, levelQuantile, percent, tableColumns} from "./options.js";
import {markOwnOptions, readMarkOptions} from "./mark-options.js";

/** The options of {@link fixedEffects} that are its own (the rest are Plot's mark options). */
const FIXED_EFFECTS_OPTIONS = markOwnOptions<FixedEffectsOptions>({level: true, intercept: true, terms: true, zero: true, r: true});

/** Options of {@link fixedEffects}; other options (`fx`, `fy`, `clip`, …) go to every mark. */
export interface FixedEffectsOptions extends Omit<Plot.MarkOptions, "fill" | "stroke"> {
  /** Coverage of the Wald intervals (default 0.95). */
  level?: number;
  /** Whether to show the intercept (default true); its scale often dwarfs the slopes'. */
  intercept?: boolean;
  /** Only these terms, in this order (default: every term in the model's order). */
  terms?: string[];
  /** Whether to draw a rule at zero (default true). */
  zero?: boolean;
  /** Color of the dots and intervals (default currentColor). */
  stroke?: string;
  /** Radius of the dots (default 3.5). */
  r?: number;
}

/** One row of the mark's data. */
export interface FixedEffectRow {
  term: string;
  estimate: number;
  se: number;
  lower: number;
  upper: number;
}

const defaults = {level: 0.95, intercept: true, zero: true, stroke: "currentColor", r: 3.5};

/**
 * The fixed-effect estimates β̂ with their Wald intervals β̂ ± z·se (z = 1.96 for 95%): a dot per term on
 * y, in the model's order from the top, and a horizontal rule for its interval, with a rule at zero. Takes
 * a fitted model or its `fixedEffectsTable()` (columns term, estimate, se).
 *
 * Reference: lme4's `confint(m, method = "Wald")`; Bates et al. (2015), JSS 67(1), §5.2.
 *
 * @example
 *   Plot.plot({marginLeft: 80, marks: [fixedEffects(m, {intercept: false})]});
 */
export function fixedEffects(model: LinearMixedModel | unknown, options: FixedEffectsOptions = {}): Plot.CompoundMark {
  readMarkOptions(options, "fixedEffects", FIXED_EFFECTS_OPTIONS);
  const {level, intercept, terms, zero, stroke, r, ...rest} = {...defaults, ...options};
  const rows = fixedEffectRows(model, level, intercept, terms);
  const x = `Estimate ± ${percent(level)} Wald interval`;
  // the terms name themselves: an accessor without a label leaves the y axis unlabelled
  const term = (d: FixedEffectRow) => d.term;
  return Plot.marks(
    zero ? Plot.ruleX([0], {...rest, stroke: "currentColor", strokeOpacity: 0.4, strokeDasharray: "3,3", ariaDescription: "fixedEffects zero"}) : null,
    Plot.ruleY(rows, {...rest, y: term, x1: labelled<FixedEffectRow>("lower", x), x2: labelled<FixedEffectRow>("upper", x), stroke, strokeWidth: 1.5, ariaDescription: "fixedEffects interval"}),
    Plot.dot(rows, {
      ...rest,
      y: term,
      x: labelled<FixedEffectRow>("estimate", x),
      fill: stroke,
      stroke,
      r,
      sort: {y: null},
      ariaDescription: "fixedEffects estimate"
    })
  );
}

/**
 * The rows of {@link fixedEffects}: term, estimate, se and the interval's lower and upper ends.
 *
 * @example
 *   fixedEffectRows(m, 0.95, true)[1]; // {term: "Days", estimate: 10.467, se: 1.546, lower: 7.438, upper: 13.497}
 */
export function fixedEffectRows(model: unknown, level: number, intercept = true, terms?: string[]): FixedEffectRow[] {
  const z = levelQuantile(level);
  let rows: {term: string; estimate: number; se: number}[];
  if (isModel(model)) {
    rows = model.fixefNames.map((term, i) => ({term, estimate: model.beta[i], se: model.se[term]}));
  } else {
    const c = tableColumns(model, "fixedEffects", ["term", "estimate", "se"]);
    rows = Array.from(c.term, (term, i) => ({term: String(term), estimate: Number(c.estimate[i]), se: Number(c.se[i])}));
  }
  if (typeof intercept !== "boolean") invalid("intercept", intercept, "use true or false");
  if (!intercept) rows = rows.filter((d) => d.term !== "(Intercept)");
  if (terms !== undefined) {
    if (!Array.isArray(terms)) invalid("terms", terms, `give an array of the model's terms (${rows.map((d) => d.term).join(", ")})`);
    rows = terms.map((t) => rows.find((d) => d.term === t) ?? invalid("terms", t, `the terms are ${rows.map((d) => d.term).join(", ")}`));
  }
  if (!rows.length) invalid("terms", terms ?? [], "there is no fixed effect to show; keep the intercept or name a term");
  return rows.map((d) => ({...d, lower: d.estimate - z * d.se, upper: d.estimate + z * d.se}));
}
