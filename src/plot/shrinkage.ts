import * as Plot from "@observablehq/plot";
import type {LinearMixedModel} from "../lmm/model.js";
import {checkModel, defaultX, groupOf, invalid, labelled, modelColumn, numericColumn} from "./options.js";
import {markOwnOptions, readMarkOptions, readRowOptions} from "./mark-options.js";

/** The options of {@link shrinkage} that are its own (the rest are Plot's mark options). */
const SHRINKAGE_OPTIONS = markOwnOptions<ShrinkageOptions>({group: true, x: true, r: true, key: true});

/** Options of {@link shrinkage}; other options (`fx`, `fy`, `clip`, …) go to every mark. */
export interface ShrinkageOptions extends Omit<Plot.MarkOptions, "stroke" | "fill"> {
  /** The grouping factor (default: the model's first). */
  group?: string;
  /** The numeric column whose slope to show, a fixed effect of the model (default: its first after the intercept). */
  x?: string;
  /** Radius of the dots (default 3). */
  r?: number;
  /**
   * Where to draw a key of the three kinds of estimate: a corner of the frame, `"auto"` (default) for the
   * corner with the fewest points, or false for none.
   */
  key?: false | "auto" | "top-left" | "top-right" | "bottom-left" | "bottom-right";
}

/** One point of the mark's data. */
export interface ShrinkagePoint {
  group: string;
  /** "no pooling" (the group's own least-squares line), "partial pooling" (β̂ + b̃) or "population" (β̂). */
  estimate: "no pooling" | "partial pooling" | "population";
  intercept: number;
  slope: number;
}

/** One arrow: from a group's no-pooling estimate to its partial-pooling (conditional) estimate. */
export interface ShrinkageArrow {
  group: string;
  intercept1: number;
  slope1: number;
  intercept2: number;
  slope2: number;
}

const defaults = {r: 3, key: "auto"};

const KINDS = ["no pooling", "partial pooling", "population"] as const;
const KEYS = ["top-left", "top-right", "bottom-left", "bottom-right"];

/**
 * Shrinkage: for each level of the group, the intercept and slope on x of its own least-squares line (no
 * pooling) against its conditional estimates β̂ + b̃ from the model (partial pooling), joined by an arrow,
 * with the population estimate β̂. Meant for models of the response on x with a random intercept and/or
 * slope on x by group, such as `Reaction ~ Days + (Days | Subject)`; a term without a random effect keeps
 * the population value, and a slope that is random but not fixed (`Reaction ~ 1 + (Days | Subject)`) has
 * population value 0. Levels whose x takes fewer than two values have no least-squares line: they are
 * left out, with a console warning as Plot gives. A key in a corner of the frame names the three kinds of
 * point (they share the color scale, so `color: {legend: true}` gives a legend instead, with `key: false`).
 *
 * Reference: Bates (2010), lme4: Mixed-effects modeling with R, §3.3 (Fig. 3.6, shrinkage plot);
 * Gelman & Hill (2007), §12.2 (complete, no and partial pooling).
 *
 * @example
 *   Plot.plot({marks: [shrinkage(m, sleepstudy, {group: "Subject", x: "Days"})]});
 */
export function shrinkage(model: LinearMixedModel, data: unknown, options: ShrinkageOptions = {}): Plot.CompoundMark {
  checkModel(model, "shrinkage");
  readMarkOptions(options, "shrinkage", SHRINKAGE_OPTIONS);
  const {group, x, r, key, ...rest} = {...defaults, ...options};
  if (key !== false && key !== "auto" && !KEYS.includes(key)) invalid("key", key, `use "auto", ${KEYS.map((k) => `"${k}"`).join(", ")} or false`);
  const {points, arrows, x: xName} = shrinkageRows(model, data, {group, x});
  const intercept = labelled<ShrinkagePoint>("intercept", "Intercept");
  const slope = labelled<ShrinkagePoint>("slope", `Slope on ${xName}`);
  const pick = (e: ShrinkagePoint["estimate"]) => points.filter((d) => d.estimate === e);
  return Plot.marks(
    Plot.arrow(arrows, {
      ...rest,
      x1: labelled<ShrinkageArrow>("intercept1", "Intercept"),
      y1: labelled<ShrinkageArrow>("slope1", `Slope on ${xName}`),
      x2: labelled<ShrinkageArrow>("intercept2", "Intercept"),
      y2: labelled<ShrinkageArrow>("slope2", `Slope on ${xName}`),
      stroke: "currentColor",
      strokeOpacity: 0.45,
      headLength: 6,
      insetEnd: r,
      ariaDescription: "shrinkage arrow"
    }),
    Plot.dot(pick("no pooling"), {...rest, x: intercept, y: slope, stroke: "estimate", r, strokeWidth: 1.5, ariaDescription: "shrinkage no pooling"}),
    Plot.dot(pick("partial pooling"), {...rest, x: intercept, y: slope, fill: "estimate", r, ariaDescription: "shrinkage partial pooling"}),
    Plot.dot(pick("population"), {...rest, x: intercept, y: slope, stroke: "estimate", symbol: "plus", r: 2.5 * r, strokeWidth: 2.5, ariaDescription: "shrinkage population"}),
    key ? shrinkageKey(key === "auto" ? emptiestCorner(points, arrows) : key, r, rest) : null
  );
}

/**
 * The corner of the frame with the fewest points within a quarter of the width and a fifth of the height
 * (the key's room in a default-sized plot), preferring the top right, then top left, bottom right, bottom left.
 * Arrows count too, by points every tenth of their length, so that the key does not sit on an arrow's shaft.
 */
function emptiestCorner(points: ShrinkagePoint[], arrows: ShrinkageArrow[]): string {
  const extent = (v: number[]) => [Math.min(...v), Math.max(...v)];
  const [x0, x1] = extent(points.map((d) => d.intercept)), [y0, y1] = extent(points.map((d) => d.slope));
  const along = arrows.flatMap((a) => Array.from({length: 9}, (_, k) => {
    const t = (k + 1) / 10;
    return {intercept: a.intercept1 + t * (a.intercept2 - a.intercept1), slope: a.slope1 + t * (a.slope2 - a.slope1)};
  }));
  const marks = [...points, ...along];
  const counts = KEYS.map((corner) => marks.filter((d) => {
    const u = (d.intercept - x0) / (x1 - x0 || 1), v = (d.slope - y0) / (y1 - y0 || 1);
    return (corner.endsWith("right") ? u > 0.75 : u < 0.25) && (corner.startsWith("top") ? v > 0.8 : v < 0.2);
  }).length);
  const order = [1, 0, 3, 2];
  return KEYS[order.reduce((best, k) => (counts[k] < counts[best] ? k : best), order[0])];
}

/** The key: a dot and a name per kind of estimate, stacked in a corner of the frame. */
function shrinkageKey(anchor: string, r: number, options: Plot.MarkOptions): Plot.Markish[] {
  const frameAnchor = anchor as Plot.FrameAnchor;
  const right = anchor.endsWith("right"), bottom = anchor.startsWith("bottom");
  const width = 86, step = 14;
  return KINDS.map((kind, i) => {
    const dx = right ? -width : 8;
    const dy = bottom ? -(KINDS.length - i) * step + 4 : i * step + 8;
    const style = kind === "no pooling" ? {stroke: "estimate", strokeWidth: 1.5} : kind === "partial pooling" ? {fill: "estimate"} : {stroke: "estimate", symbol: "plus", strokeWidth: 2};
    const data = [{estimate: kind}];
    return Plot.marks(
      Plot.dot(data, {...options, frameAnchor, dx, dy, r, ...style, ariaDescription: "shrinkage key"}),
      Plot.text(data, {...options, frameAnchor, dx: dx + 8, dy, text: "estimate", textAnchor: "start", ariaDescription: "shrinkage key"})
    );
  });
}

/**
 * The points and arrows of {@link shrinkage}.
 *
 * @example
 *   shrinkageRows(m, sleepstudy, {x: "Days"}).arrows[0];
 *   // {group: "308", intercept1: 244.19, slope1: 21.76, intercept2: 253.66, slope2: 19.67}
 */
export function shrinkageRows(model: LinearMixedModel, data: unknown, options: {group?: string; x?: string} = {}) {
  const {group, x} = readRowOptions(options, ["group", "x"], "shrinkageRows");
  checkModel(model, "shrinkage");
  const {group: g, levels, refs} = groupOf(model, group);
  const randomSlopes = model.structure.frame.terms.filter((t) => t.group === g).flatMap((t) => t.names).filter((n) => n !== "(Intercept)");
  const xName = x ?? slopeDefault(model, data, randomSlopes);
  const xs = numericColumn(modelColumn(model, data, xName, "x", "shrinkage"), xName, "x");
  const slopeIndex = model.fixefNames.indexOf(xName);
  if (slopeIndex < 0 && !randomSlopes.includes(xName)) {
    const slopes = [...new Set([...model.fixefNames.filter((n) => n !== "(Intercept)"), ...randomSlopes])];
    invalid("x", xName, `x must be a numeric column that is a fixed effect of the model or a random slope by ${g} (${slopes.join(", ") || "the model has neither"})`);
  }
  const {y} = model.structure.frame;
  const lines = groupLeastSquares(xs, y, refs, levels.length);

  const beta0 = model.fixef["(Intercept)"] ?? 0;
  // a slope that is random but not fixed (`y ~ 1 + (x | g)`) has population value 0, as in the model
  const beta1 = slopeIndex < 0 ? 0 : model.beta[slopeIndex];
  const ranef = model.ranef;
  const b0 = new Float64Array(levels.length), b1 = new Float64Array(levels.length);
  const index = new Map(levels.map((l, i) => [l, i]));
  for (let i = 0; i < ranef.grp.length; i++) {
    if (ranef.grpvar[i] !== g) continue;
    const h = index.get(ranef.grp[i])!;
    if (ranef.term[i] === "(Intercept)") b0[h] += ranef.condval[i];
    else if (ranef.term[i] === xName) b1[h] += ranef.condval[i];
  }

  const points: ShrinkagePoint[] = [];
  const arrows: ShrinkageArrow[] = [];
  const without: string[] = [];
  levels.forEach((level, h) => {
    const partial = {intercept: beta0 + b0[h], slope: beta1 + b1[h]};
    points.push({group: level, estimate: "partial pooling", ...partial});
    const line = lines[h];
    if (!line) return void without.push(level);
    points.push({group: level, estimate: "no pooling", ...line});
    arrows.push({group: level, intercept1: line.intercept, slope1: line.slope, intercept2: partial.intercept, slope2: partial.slope});
  });
  points.push({group: "", estimate: "population", intercept: beta0, slope: beta1});
  if (without.length) {
    const shown = without.slice(0, 5).join(", ") + (without.length > 5 ? ", …" : "");
    console.warn(`shrinkage: ${without.length} level${without.length > 1 ? "s" : ""} of ${g} (${shown}) with fewer than two values of ${xName} have no no-pooling estimate and are drawn without an arrow`);
  }
  return {group: g, x: xName, points, arrows};
}

/**
 * The default x of the shrinkage plot: the model's first fixed effect (after the intercept) that is a
 * column of the data, else the group's first random slope that is one (`Reaction ~ 1 + (Days | Subject)`).
 */
function slopeDefault(model: LinearMixedModel, data: unknown, randomSlopes: string[]): string {
  const fixed = model.fixefNames.filter((n) => n !== "(Intercept)");
  return fixed.length === 0 && randomSlopes.length > 0 ? randomSlopes[0] : defaultX(model, data, "shrinkage");
}

/**
 * Per-group least squares of y on x: for each group h, the line a + b·x minimising Σ (y − a − b·x)² over
 * its rows, b = Sxy / Sxx and a = ȳ − b·x̄ (sums of centred products, for accuracy); null for a group whose
 * x takes fewer than two distinct values.
 *
 * Reference: Draper & Smith (1998), Applied Regression Analysis, §1.2.
 *
 * @example
 *   groupLeastSquares([0, 1, 0, 1], [1, 3, 2, 2], Int32Array.of(0, 0, 1, 1), 2);
 *   // [{intercept: 1, slope: 2}, {intercept: 2, slope: 0}]
 */
export function groupLeastSquares(x: ArrayLike<number>, y: ArrayLike<number>, refs: ArrayLike<number>, groups: number): ({intercept: number; slope: number} | null)[] {
  const count = new Float64Array(groups), sx = new Float64Array(groups), sy = new Float64Array(groups);
  for (let r = 0; r < refs.length; r++) {
    count[refs[r]]++;
    sx[refs[r]] += x[r];
    sy[refs[r]] += y[r];
  }
  const sxx = new Float64Array(groups), sxy = new Float64Array(groups);
  for (let r = 0; r < refs.length; r++) {
    const h = refs[r];
    const dx = x[r] - sx[h] / count[h];
    sxx[h] += dx * dx;
    sxy[h] += dx * (y[r] - sy[h] / count[h]);
  }
  return Array.from(count, (c, h) => {
    const mx = sx[h] / c;
    if (!(c >= 2) || !(sxx[h] > 1e-12 * Math.max(1, mx * mx) * c)) return null;
    const slope = sxy[h] / sxx[h];
    return {intercept: sy[h] / c - slope * mx, slope};
  });
}
