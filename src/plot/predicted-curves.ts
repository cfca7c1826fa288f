import * as Plot from "@observablehq/plot";
import {link as linkOf} from "../glmm/links.js";
import {setx} from "../qi/setx.js";
import {frameOf, isGeneralized, type QiModel} from "../qi/qi-model.js";
import {termFactors} from "../qi/random-effects.js";
import {checkQiModel} from "./binned-residuals.js";
import {invalid, labelled} from "./options.js";
import {markOwnOptions, readMarkOptions, readRowOptions} from "./mark-options.js";

/** The options of {@link predictedCurves} that are its own (the rest are Plot's mark options). */
const PREDICTED_CURVES_OPTIONS = markOwnOptions<PredictedCurvesOptions>({x: true, group: true, levels: true, points: true, at: true, data: true});

/** Options of {@link predictedCurves}; other options (`fx`, `fy`, `clip`, `tip`, …) go to every mark. */
export interface PredictedCurvesOptions extends Omit<Plot.MarkOptions, "stroke"> {
  /** The numeric covariate along the x axis (required). */
  x?: string;
  /** The grouping factor whose levels get a curve each (default the model's first). */
  group?: string;
  /** The levels to draw (default every level). */
  levels?: readonly string[];
  /** Points along x per curve, spread evenly over the column's range (default 50). */
  points?: number;
  /** Other covariates' values (setx overrides: a value each; default their means and modes). */
  at?: Record<string, unknown>;
  /** The table the model was fit on, when setx needs it (factors, transforms). */
  data?: unknown;
  /** Color of the population curve (default currentColor); groups' curves are drawn in gray. */
  stroke?: string;
}

/** One point of a curve. */
export interface PredictedCurveRow {
  /** The level of the group, or null for the population curve (random effects 0). */
  group: string | null;
  x: number;
  /** The predicted mean on the response scale: a probability, a rate, a mean. */
  value: number;
}

/**
 * Predicted probability (binomial), rate (Poisson) or mean against a covariate, one curve per level of a
 * grouping factor at its conditional modes b̃, and a bold curve for the population (random effects 0): the
 * picture of how the groups' intercepts and slopes shift and bend the curve through the link.
 *
 * Reference: Gelman & Hill (2007), Data Analysis Using Regression and Multilevel/Hierarchical Models, §14.1
 * (Figure 14.2: fitted probabilities by group from a multilevel logistic regression).
 *
 * @example
 *   Plot.plot({marks: [predictedCurves(m, {x: "Anger", group: "item", data: VerbAgg})]});
 */
export function predictedCurves(model: QiModel, options: PredictedCurvesOptions = {}): Plot.CompoundMark {
  checkQiModel(model, "predictedCurves");
  const {x, group, levels, points, at, data, stroke = "currentColor", ...rest} = readMarkOptions(options, "predictedCurves", PREDICTED_CURVES_OPTIONS);
  const rows = predictedCurveRows(model, {x, group, levels, points, at, data});
  const scale = isGeneralized(model) ? (model.family === "binomial" ? "Predicted probability" : model.family === "poisson" ? "Predicted rate" : "Predicted mean") : "Predicted value";
  const xs = labelled<PredictedCurveRow>("x", rows.length ? String(x) : "x");
  const y = labelled<PredictedCurveRow>("value", scale);
  return Plot.marks(
    Plot.line(rows.filter((d) => d.group !== null), {...rest, x: xs, y, z: "group", stroke: "gray", strokeOpacity: 0.4, ariaDescription: "predictedCurves group"}),
    Plot.line(rows.filter((d) => d.group === null), {...rest, x: xs, y, stroke, strokeWidth: 2.5, ariaDescription: "predictedCurves population"})
  );
}

const ROW_OPTIONS = ["x", "group", "levels", "points", "at", "data"] as const;

/**
 * The points of {@link predictedCurves}: for each level h of `group` (and the population, `group: null`),
 * μ = g⁻¹(xβ̂ + z b̃_h + offset) at `points` values of `x` from its smallest to its largest value in the
 * model's rows, the other covariates as `setx` sets them (means and modes, or `at`); other grouping factors'
 * effects at 0.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §5 (conditional modes b̃); McCullagh & Nelder (1989), §2.2.4.
 *
 * @example
 *   predictedCurveRows(m, {x: "Anger", group: "item", data: VerbAgg, points: 2})[0]; // {group: null, x: 11, value: 0.27…}
 */
export function predictedCurveRows(model: QiModel, options: Omit<PredictedCurvesOptions, keyof Plot.MarkOptions | "stroke"> = {}): PredictedCurveRow[] {
  checkQiModel(model, "predictedCurves");
  const {x, group, levels, points = 50, at = {}, data} = readRowOptions(options, ROW_OPTIONS, "predictedCurveRows");
  const frame = frameOf(model);
  const groups = [...new Set(frame.terms.map((t) => t.group))];
  const g = group ?? groups[0];
  if (!groups.includes(g)) invalid("group", group, `the model's grouping factors are ${groups.join(", ")}`);
  if (typeof x !== "string") invalid("x", x, "give the name of a numeric covariate of the model, such as {x: \"Anger\"}");
  if (typeof points !== "number" || !Number.isInteger(points) || points < 2 || points > 1000) invalid("points", points, "give a whole number from 2 to 1000, such as 50");
  if (at === null || typeof at !== "object" || Object.hasOwn(at, x)) invalid("at", at, `give other covariates' values as an object, such as {Gender: "M"}, not ${x}`);
  const all = frame.terms.find((t) => t.group === g)!.levels;
  const chosen = levels === undefined ? all : Array.from(levels, String);
  for (const l of chosen) if (!all.includes(l)) invalid("levels", l, `it is not a level of ${g}; its levels include ${all.slice(0, 5).join(", ")}`);

  // the grid of x over its range in the model's rows, read by setx's own column reader
  const base = setx(model, {...at, [x]: (v: ArrayLike<number>) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < v.length; i++) (lo = Math.min(lo, v[i])), (hi = Math.max(hi, v[i]));
    return Array.from({length: points}, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  }}, data === undefined ? {} : {data});
  const grid = base.values.get(x) as number[];
  const p = model.beta.length;
  const inverse = isGeneralized(model) ? linkOf(model.link).linkinv : (e: number) => e;
  const eta = grid.map((_, j) => {
    let s = base.offset ? base.offset[j] : 0;
    for (let a = 0; a < p; a++) s += base.X[j * p + a] * model.beta[a];
    return s;
  });
  const rows: PredictedCurveRow[] = grid.map((v, j) => ({group: null, x: v, value: inverse(eta[j])}));
  const factors = termFactors(model);
  const terms = frame.terms.map((t, i) => ({t, i})).filter(({t}) => t.group === g);
  for (const level of chosen) {
    for (let j = 0; j < grid.length; j++) {
      let s = eta[j];
      for (const {t, i} of terms) {
        const h = t.levels.indexOf(level);
        for (let c = 0; c < t.p; c++) s += base.Z[i][j * t.p + c] * factors[i].modes[h * t.p + c];
      }
      rows.push({group: level, x: grid[j], value: inverse(s)});
    }
  }
  return rows;
}
