import * as Plot from "@observablehq/plot";
import {normalQuantile} from "../stats/normal-quantile.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {checkModel, invalid, labelled} from "./options.js";
import {markOwnOptions, readMarkOptions} from "./mark-options.js";
import {residualRows} from "./residuals-fitted.js";

/** The options of {@link qqNormal} that are its own (the rest are Plot's mark options). */
const QQ_NORMAL_OPTIONS = markOwnOptions<QqNormalOptions>({line: true, r: true});

/** Options of {@link qqNormal}; other options (`fx`, `fy`, `clip`, `tip`, …) go to every mark. */
export interface QqNormalOptions extends Omit<Plot.MarkOptions, "stroke"> {
  /** Whether to draw the line y = x that normal scaled residuals follow (default true). */
  line?: boolean;
  /** Color of the dots (default currentColor). */
  stroke?: string;
  /** Radius of the dots (default 2). */
  r?: number;
}

/** One point of the mark's data. */
export interface QqRow {
  /** The standard normal quantile of the point's plotting position. */
  theoretical: number;
  /** The scaled residual, in increasing order. */
  sample: number;
}

interface Ends {
  lo: number;
  hi: number;
}

const defaults = {line: true, stroke: "currentColor", r: 2};

/**
 * The normal QQ plot of the scaled residuals (y − ŷ)/σ̂ (√w-weighted with prior weights): the sorted
 * residuals against the standard normal quantiles of R's `ppoints(n)`, with the line y = x over the range of the normal quantiles.
 *
 * Reference: lme4's `qqmath(m)`; R's `qqnorm` and `ppoints` (Blom 1958: (i − a)/(n + 1 − 2a), a = 3/8 for
 * n ≤ 10, else ½).
 *
 * @example
 *   Plot.plot({aspectRatio: 1, marks: [qqNormal(m)]});
 */
export function qqNormal(model: LinearMixedModel, options: QqNormalOptions = {}): Plot.CompoundMark {
  checkModel(model, "qqNormal");
  readMarkOptions(options, "qqNormal", QQ_NORMAL_OPTIONS);
  const {line, stroke, r, ...rest} = {...defaults, ...options};
  if (typeof line !== "boolean") invalid("line", line, "use true or false");
  const rows = qqRows(model);
  const x = "Standard normal quantiles", y = "Scaled residuals";
  const lo = rows[0].theoretical, hi = rows[rows.length - 1].theoretical;
  return Plot.marks(
    line ? Plot.link([{lo, hi}], {...rest, x1: labelled<Ends>("lo", x), y1: labelled<Ends>("lo", y), x2: labelled<Ends>("hi", x), y2: labelled<Ends>("hi", y), stroke: "currentColor", strokeOpacity: 0.5, ariaDescription: "qqNormal line"}) : null,
    Plot.dot(rows, {
      ...rest,
      x: labelled<QqRow>("theoretical", x),
      y: labelled<QqRow>("sample", y),
      stroke,
      strokeOpacity: 0.7,
      r,
      ariaDescription: "qqNormal residual"
    })
  );
}

/**
 * The points of {@link qqNormal}: the i-th smallest scaled residual against Φ⁻¹((i − a)/(n + 1 − 2a)).
 *
 * @example
 *   qqRows(m)[0]; // {theoretical: -2.773, sample: -3.954}
 */
export function qqRows(model: LinearMixedModel): QqRow[] {
  const sample = Float64Array.from(residualRows(model, true), (d) => d.residual).sort();
  const n = sample.length;
  const a = n <= 10 ? 3 / 8 : 1 / 2;
  return Array.from(sample, (s, i) => ({theoretical: normalQuantile((i + 1 - a) / (n + 1 - 2 * a)), sample: s}));
}
