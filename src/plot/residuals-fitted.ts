import * as Plot from "@observablehq/plot";
import type {LinearMixedModel} from "../lmm/model.js";
import {checkModel, invalid, labelled} from "./options.js";
import {markOwnOptions, readMarkOptions} from "./mark-options.js";

/** The options of {@link residualsFitted} that are its own (the rest are Plot's mark options). */
const RESIDUALS_FITTED_OPTIONS = markOwnOptions<ResidualsFittedOptions>({scaled: true, r: true});

/** Options of {@link residualsFitted}; other options (`fx`, `fy`, `clip`, `tip`, …) go to every mark. */
export interface ResidualsFittedOptions extends Omit<Plot.MarkOptions, "stroke"> {
  /** Whether to show scaled (Pearson) residuals √w·(y − ŷ)/σ̂ instead of raw ones (default false). */
  scaled?: boolean;
  /** Color of the dots (default currentColor). */
  stroke?: string;
  /** Radius of the dots (default 2). */
  r?: number;
}

/** One row of the mark's data: a model row. */
export interface ResidualRow {
  fitted: number;
  residual: number;
}

const defaults = {scaled: false, stroke: "currentColor", r: 2};

/**
 * Residuals against fitted values with a rule at zero, lme4's `plot(m)`: a funnel shows variance growing
 * with the mean, a curve a missing term.
 *
 * Reference: lme4's `plot.merMod` (`resid(., type = "pearson") ~ fitted(.)`).
 *
 * @example
 *   Plot.plot({marks: [residualsFitted(m)]});
 */
export function residualsFitted(model: LinearMixedModel, options: ResidualsFittedOptions = {}): Plot.CompoundMark {
  checkModel(model, "residualsFitted");
  readMarkOptions(options, "residualsFitted", RESIDUALS_FITTED_OPTIONS);
  const {scaled, stroke, r, ...rest} = {...defaults, ...options};
  if (typeof scaled !== "boolean") invalid("scaled", scaled, "use true or false");
  const rows = residualRows(model, scaled);
  return Plot.marks(
    Plot.ruleY([0], {...rest, stroke: "currentColor", strokeOpacity: 0.5, ariaDescription: "residualsFitted zero"}),
    Plot.dot(rows, {
      ...rest,
      x: labelled<ResidualRow>("fitted", "Fitted values"),
      y: labelled<ResidualRow>("residual", scaled ? "Scaled residuals" : "Residuals"),
      stroke,
      strokeOpacity: 0.7,
      r,
      ariaDescription: "residualsFitted residual"
    })
  );
}

/**
 * The residuals of the model's rows with their fitted values; `scaled` gives lme4's Pearson residuals
 * √w·(y − ŷ)/σ̂ (w the prior weights, 1 without).
 *
 * @example
 *   residualRows(m)[0]; // {fitted: 253.66, residual: -4.10}
 */
export function residualRows(model: LinearMixedModel, scaled = false): ResidualRow[] {
  const {weights} = model.structure.frame;
  return Array.from(model.usedResiduals, (e, r) => ({
    fitted: model.usedFitted[r],
    residual: scaled ? (e * (weights ? Math.sqrt(weights[r]) : 1)) / model.sigma : e
  }));
}
