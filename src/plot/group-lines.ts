import * as Plot from "@observablehq/plot";
import type {LinearMixedModel} from "../lmm/model.js";
import {checkModel, defaultX, groupOf, invalid, labelled, modelColumn} from "./options.js";
import {markOwnOptions, readMarkOptions, readRowOptions} from "./mark-options.js";

/** The options of {@link groupLines} that are its own (the rest are Plot's mark options). */
const GROUP_LINES_OPTIONS = markOwnOptions<GroupLinesOptions>({x: true, group: true, dots: true});

/** Options of {@link groupLines}; other options (`fx`, `fy`, `clip`, …) go to every mark. */
export interface GroupLinesOptions extends Omit<Plot.MarkOptions, "stroke"> {
  /** The column of the data on the x axis (default: the model's first fixed effect that is a column). */
  x?: string;
  /** The grouping factor of the model whose lines to draw (default: the model's first). */
  group?: string;
  /** Whether to draw the observations as dots (default true). */
  dots?: boolean;
  /** Color of the groups' lines (default steelblue); `"group"` colors them by group. */
  stroke?: string;
  /** Opacity of the groups' lines (default 0.7). */
  strokeOpacity?: number;
}

/** One row of the mark's data: a model row. */
export interface GroupLinesRow {
  x: unknown;
  /** The response as modelled. */
  y: number;
  /** The fitted value Xβ̂ + Zb̃ (+ offset): the group's line. */
  fitted: number;
  /** The population value Xβ̂ (+ offset), without the random effects. */
  population: number;
  group: string;
}

const defaults = {dots: true, stroke: "steelblue", strokeOpacity: 0.7};

/**
 * Each group's fitted line against the population line: the fitted values Xβ̂ + Zb̃ joined in x order
 * within each level of the group, over the observations as dots, and the population line Xβ̂ (averaged
 * over rows with the same x, so exactly Xβ̂ when x is the only covariate) drawn thick. `data` is the table
 * the model was fit to; `x` is one of its columns.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §1 (the sleepstudy lines); Gelman & Hill (2007), §12.
 *
 * @example
 *   Plot.plot({marks: [groupLines(m, sleepstudy, {x: "Days", group: "Subject"})]});
 */
export function groupLines(model: LinearMixedModel, data: unknown, options: GroupLinesOptions = {}): Plot.CompoundMark {
  checkModel(model, "groupLines");
  readMarkOptions(options, "groupLines", GROUP_LINES_OPTIONS);
  const {x, group, dots, stroke, strokeOpacity, ...rest} = {...defaults, ...options};
  if (typeof dots !== "boolean") invalid("dots", dots, "use true or false");
  const xName = x ?? defaultX(model, data, "groupLines");
  const rows = groupLineRows(model, data, {x: xName, group});
  const xLabel = labelled<GroupLinesRow>("x", xName);
  const y = model.structure.frame.responseName;
  return Plot.marks(
    dots ? Plot.dot(rows, {...rest, x: xLabel, y: labelled<GroupLinesRow>("y", y), r: 1.5, fill: "currentColor", fillOpacity: 0.35, ariaDescription: "groupLines observation"}) : null,
    Plot.line(rows, {...rest, x: xLabel, y: labelled<GroupLinesRow>("fitted", y), z: "group", stroke, strokeOpacity, strokeWidth: 1.25, ariaDescription: "groupLines group"}),
    Plot.line(rows, Plot.groupX({y: "mean"}, {...rest, x: xLabel, y: labelled<GroupLinesRow>("population", y), stroke: "currentColor", strokeWidth: 3, ariaDescription: "groupLines population"}))
  );
}

/**
 * The rows of {@link groupLines}, one per model row, sorted by group level and x.
 *
 * @example
 *   groupLineRows(m, sleepstudy, {x: "Days"})[0]; // {x: 0, y: 249.56, fitted: 253.66, population: 251.41, group: "308"}
 */
export function groupLineRows(model: LinearMixedModel, data: unknown, options: {x?: string; group?: string} = {}): GroupLinesRow[] {
  const {x, group} = readRowOptions(options, ["x", "group"], "groupLineRows");
  checkModel(model, "groupLines");
  const xs = modelColumn(model, data, x ?? defaultX(model, data, "groupLines"), "x", "groupLines");
  const {levels, refs} = groupOf(model, group);
  const {X, y, offset, n} = model.structure.frame;
  const rows: GroupLinesRow[] = [];
  for (let r = 0; r < n; r++) {
    let population = offset ? offset[r] : 0;
    for (let a = 0; a < X.length; a++) population += X[a][r] * model.beta[a];
    rows.push({x: xs[r], y: y[r], fitted: model.usedFitted[r], population, group: levels[refs[r]]});
  }
  const order = (a: GroupLinesRow, b: GroupLinesRow) => (a.x as number) < (b.x as number) ? -1 : (a.x as number) > (b.x as number) ? 1 : 0;
  const rank = new Map(levels.map((l, i) => [l, i]));
  return rows.sort((a, b) => rank.get(a.group)! - rank.get(b.group)! || order(a, b));
}
