import * as Plot from "@observablehq/plot";
import type {LinearMixedModel} from "../lmm/model.js";
import {invalid, isModel, labelled, levelQuantile, percent, tableColumns} from "./options.js";
import {markOwnOptions, readMarkOptions, readRowOptions} from "./mark-options.js";

/** The options of {@link caterpillar} that are its own (the rest are Plot's mark options). */
const CATERPILLAR_OPTIONS = markOwnOptions<CaterpillarOptions>({group: true, term: true, level: true, labels: true, zero: true, r: true});

/** Options of {@link caterpillar}; other options (`fx`, `fy`, `clip`, …) go to every mark. */
export interface CaterpillarOptions extends Omit<Plot.MarkOptions, "fill" | "stroke"> {
  /** The grouping factor (default: the model's first, as in `ranef(m)`). */
  group?: string;
  /** The random effect (default: the group's first term, usually `(Intercept)`). */
  term?: string;
  /** Coverage of the intervals condval ± z·condsd (default 0.95: ± 1.96 condsd). */
  level?: number;
  /** Whether to write each level on the y axis (default: when there are at most 60 levels). */
  labels?: boolean;
  /** Whether to draw a rule at zero (default true). */
  zero?: boolean;
  /** Color of the dots and intervals (default currentColor). */
  stroke?: string;
  /** Radius of the dots (default 2.5). */
  r?: number;
}

/** One row of the mark's data. */
export interface CaterpillarRow {
  grp: string;
  /** 0 for the smallest conditional mode (drawn at the bottom), n − 1 for the largest. */
  rank: number;
  condval: number;
  condsd: number;
  lower: number;
  upper: number;
}

const defaults = {level: 0.95, zero: true, stroke: "currentColor", r: 2.5};

/** Levels beyond which the y axis leaves out the level names by default. */
const MAX_LABELS = 60;

/**
 * The caterpillar plot of lme4's `dotplot(ranef(m, condVar = TRUE))`: the conditional modes b̃ of one
 * random effect, a level per row sorted by value (largest at the top), each with the interval
 * b̃ ± z·condsd, and a rule at zero. Takes a fitted model, its `ranefTable()` or `model.ranef`.
 *
 * Reference: lme4's `dotplot.ranef.mer`; Bates et al. (2015), JSS 67(1), §5.3 (conditional variances).
 *
 * @example
 *   Plot.plot({height: 400, marks: [caterpillar(m, {group: "Subject", term: "Days"})]});
 */
export function caterpillar(model: LinearMixedModel | unknown, options: CaterpillarOptions = {}): Plot.CompoundMark {
  readMarkOptions(options, "caterpillar", CATERPILLAR_OPTIONS);
  const {group, term, level, labels, zero, stroke, r, ...rest} = {...defaults, ...options};
  const {rows, term: name, group: grp} = caterpillarRows(model, {group, term, level});
  if (labels !== undefined && typeof labels !== "boolean") invalid("labels", labels, "use true or false");
  const n = rows.length;
  const x = `Conditional mode of ${name} ± ${percent(level)} interval`;
  // Levels sit at their rank (the largest at the top) on a linear y scale with its own axis: an ordinal
  // scale of level names such as "308" would make Plot warn that the strings look like numbers.
  const y = labelled<CaterpillarRow>("rank", grp);
  const ranks = rows.map((d) => d.rank);
  return Plot.marks(
    Plot.ruleY([-0.5, n - 0.5], {...rest, strokeOpacity: 0, ariaHidden: "true"}),
    zero ? Plot.ruleX([0], {...rest, stroke: "currentColor", strokeOpacity: 0.4, strokeDasharray: "3,3", ariaDescription: "caterpillar zero"}) : null,
    Plot.ruleY(rows, {...rest, y, x1: labelled<CaterpillarRow>("lower", x), x2: labelled<CaterpillarRow>("upper", x), stroke, strokeOpacity: 0.7, ariaDescription: "caterpillar interval"}),
    Plot.dot(rows, {...rest, y, x: labelled<CaterpillarRow>("condval", x), fill: stroke, stroke, r, ariaDescription: "caterpillar mode"}),
    (labels ?? n <= MAX_LABELS)
      ? Plot.axisY(ranks, {tickFormat: (k: number) => rows[n - 1 - k].grp, tickSize: 0, label: grp})
      : Plot.axisY([], {label: `${grp} (${n} levels)`})
  );
}

/**
 * The rows of {@link caterpillar}, sorted by decreasing conditional mode, with the group and term chosen.
 *
 * @example
 *   caterpillarRows(m, {group: "Subject", term: "Days"}).rows[0]; // {grp: "308", rank: 17, condval: 9.199, condsd: 2.305, lower: 4.682, upper: 13.716}
 */
export function caterpillarRows(model: unknown, options: {group?: string; term?: string; level?: number} = {}) {
  const {group, term, level = 0.95} = readRowOptions(options, ["group", "term", "level"], "caterpillarRows");
  const z = levelQuantile(level);
  const c = isModel(model) ? model.ranef : tableColumns(model, "caterpillar", ["grpvar", "term", "grp", "condval", "condsd"]);
  const grpvar = Array.from(c.grpvar, String);
  const terms = Array.from(c.term, String);
  const groups = [...new Set(grpvar)];
  const g = group === undefined ? groups[0] : group;
  if (!groups.includes(g as string)) invalid("group", group, `the grouping factors are ${groups.join(", ")}`);
  const termsOfGroup = [...new Set(terms.filter((_, i) => grpvar[i] === g))];
  const t = term === undefined ? termsOfGroup[0] : term;
  if (!termsOfGroup.includes(t as string)) invalid("term", term, `the random effects of ${g} are ${termsOfGroup.join(", ")}`);
  const rows: CaterpillarRow[] = [];
  for (let i = 0; i < grpvar.length; i++) {
    if (grpvar[i] !== g || terms[i] !== t) continue;
    const condval = Number(c.condval[i]), condsd = Number(c.condsd[i]);
    rows.push({grp: String(c.grp[i]), rank: 0, condval, condsd, lower: condval - z * condsd, upper: condval + z * condsd});
  }
  rows.sort((a, b) => b.condval - a.condval);
  rows.forEach((d, k) => (d.rank = rows.length - 1 - k));
  return {group: g as string, term: t as string, rows};
}
