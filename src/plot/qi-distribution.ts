import * as Plot from "@observablehq/plot";
import type {QiName, Simulation} from "../qi/simulation-result.js";
import {quantileSorted} from "../stats/quantile.js";
import {describe} from "../qi/describe-value.js";
import {fail} from "../errors.js";
import {histogramBins, type HistogramBin, type Thresholds} from "./histogram-bins.js";
import {densityAt, kernelDensity, silvermanBandwidth, type DensityPoint} from "./kernel-density.js";
import {invalid, labelled, percent} from "./options.js";
import {markOwnOptions, readMarkOptions} from "./mark-options.js";

/** The options of {@link qiDistribution} that are its own (the rest are Plot's mark options). */
const QI_DISTRIBUTION_OPTIONS = markOwnOptions<QiDistributionOptions>({qi: true, profile: true, type: true, level: true, bandwidth: true, thresholds: true});

/** Options of {@link qiDistribution}; other options (`fx`, `fy`, `clip`, …) go to every mark. */
export interface QiDistributionOptions extends Omit<Plot.MarkOptions, "fill"> {
  /** The quantity of interest: `ev`, `pr`, `ev1`, `pr1`, `fd`, `att.ev` or `att.pr` (default: the first simulated). */
  qi?: QiName;
  /** The profile, 1, 2, … (default 1). */
  profile?: number;
  /** `"density"` (default): a kernel density estimate; `"histogram"`: binned counts. */
  type?: "density" | "histogram";
  /** Coverage of the central interval shaded (default 0.95: from the 2.5% to the 97.5% quantile). */
  level?: number;
  /** The bandwidth of the density (default: Silverman's rule of thumb, R's `bw.nrd0`). */
  bandwidth?: number;
  /**
   * The histogram's bins, as the `thresholds` of Plot's bin transform for numbers (default `"auto"`): an
   * approximate count, an array of thresholds, a function, or `"auto"`, `"scott"`, `"sturges"`,
   * `"freedman-diaconis"` (see {@link histogramBins}).
   */
  thresholds?: Thresholds;
  /** Color of the curve or bars (default steelblue). */
  fill?: string;
}

interface Ends {
  lo: number;
  hi: number;
}

const defaults = {profile: 1, type: "density", level: 0.95, fill: "steelblue"};

const NAMES: Record<QiName, string> = {
  ev: "Expected value",
  pr: "Predicted value",
  ev1: "Expected value at x1",
  pr1: "Predicted value at x1",
  fd: "First difference",
  "att.ev": "Average treatment effect on the treated",
  "att.pr": "Predicted treatment effect on the treated"
};

/**
 * The distribution of a simulated quantity of interest, as Zelig's `plot(s.out)`: a kernel density (or a
 * histogram) of the draws with the central interval (95% by default, the quantiles of `s.summary()`)
 * shaded and its ends and the median marked. The histogram's bins are counted here ({@link histogramBins},
 * with Plot's thresholds) rather than by Plot's bin transform over every draw, and drawn as one step area
 * (its outline) rather than a rect per bin: a chart that redraws on every slider move stays small.
 *
 * Reference: Zelig's `plot(s.out)` (King, Tomz & Wittenberg 2000); the density as R's
 * `density(x, bw = "nrd0")`: a Gaussian kernel with Silverman's (1986) bandwidth, §3.4.2 (3.31).
 *
 * @example
 *   const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), seed: 7});
 *   Plot.plot({marks: [qiDistribution(s, {qi: "fd"})]});
 */
export function qiDistribution(simulation: Simulation, options: QiDistributionOptions = {}): Plot.CompoundMark {
  readMarkOptions(options, "qiDistribution", QI_DISTRIBUTION_OPTIONS);
  const {qi, profile, type, level, bandwidth, thresholds, fill, ...rest} = {...defaults, ...options};
  const {name, draws} = qiDraws(simulation, qi, profile);
  if (type !== "density" && type !== "histogram") invalid("type", type, `use "density" or "histogram"`);
  if (typeof level !== "number" || !(level > 0 && level < 1)) invalid("level", level, "give a probability between 0 and 1, such as 0.95");
  const sorted = Float64Array.from(draws).sort();
  const lo = quantileSorted(sorted, (1 - level) / 2), hi = quantileSorted(sorted, (1 + level) / 2);
  const median = quantileSorted(sorted, 0.5);
  const label = `${NAMES[name]} (${name}${simulation.qi[name]!.length > 1 ? `, profile ${profile}` : ""}); ${percent(level)} interval shaded`;
  const x = labelled<DensityPoint>("value", label);
  const ends = Plot.ruleX([lo, hi], {...rest, x: Object.assign((d: number) => d, {label}), stroke: "currentColor", strokeDasharray: "4,3", ariaDescription: "qiDistribution interval end"});
  const middle = Plot.ruleX([median], {...rest, x: Object.assign((d: number) => d, {label}), stroke: "currentColor", ariaDescription: "qiDistribution median"});
  if (type === "histogram") {
    return Plot.marks(
      Plot.rectX([{lo, hi}], {...rest, x1: labelled<Ends>("lo", label), x2: labelled<Ends>("hi", label), fill: "currentColor", fillOpacity: 0.08, ariaDescription: "qiDistribution interval"}),
      Plot.areaY(histogramOutline(sorted, thresholds), {
        ...rest,
        x: labelled<HistogramBin>("x1", label),
        y: labelled<HistogramBin>("count", "Frequency"),
        curve: "step-after",
        fill,
        fillOpacity: 0.8,
        ariaDescription: "qiDistribution histogram"
      }),
      Plot.ruleY([0], {...rest, ariaDescription: "qiDistribution baseline"}),
      ends,
      middle
    );
  }
  const h = bandwidth ?? silvermanBandwidth(sorted);
  if (typeof h !== "number" || !(h > 0) || !Number.isFinite(h)) invalid("bandwidth", h, "give a positive number, or leave it out for Silverman's rule");
  const curve = kernelDensity(sorted, h);
  const inside = [{value: lo, density: densityAt(curve, lo)}, ...curve.filter((d) => d.value > lo && d.value < hi), {value: hi, density: densityAt(curve, hi)}];
  const density = labelled<DensityPoint>("density", "Density");
  return Plot.marks(
    Plot.areaY(inside, {...rest, x, y: density, fill, fillOpacity: 0.35, ariaDescription: "qiDistribution interval"}),
    Plot.lineY(curve, {...rest, x, y: density, stroke: fill, strokeWidth: 1.5, ariaDescription: "qiDistribution density"}),
    Plot.ruleY([0], {...rest, ariaDescription: "qiDistribution baseline"}),
    ends,
    middle
  );
}

/**
 * The outline of a histogram as the points of a step area: each bin's left edge at its count, then the last
 * bin's right edge at zero. Drawn with `curve: "step-after"` it is one path however many bins there are, where
 * bars would be one rect each: a redraw makes 5 elements for the voteincome panel's 5 histograms, not ~215.
 */
function histogramOutline(sorted: Float64Array, thresholds: Thresholds | undefined): HistogramBin[] {
  const bins = histogramBins(sorted, thresholds);
  if (bins.length === 0) return bins;
  const end = bins[bins.length - 1].x2;
  return [...bins, {x1: end, x2: end, count: 0}];
}

/** The draws of one quantity and profile of a simulation, checked. */
export function qiDraws(simulation: Simulation, qi: unknown, profile: unknown): {name: QiName; draws: Float64Array} {
  const s = simulation as Simulation | null;
  if (s == null || typeof s !== "object" || s.qi == null || typeof s.qi !== "object") {
    fail(`qiDistribution needs a simulation from sim, got ${describe(simulation)}; call qiDistribution(sim(model, {x: setx(model)}), …)`);
  }
  const names = Object.keys(s.qi).filter((k) => s.qi[k as QiName]) as QiName[];
  const name = (qi === undefined ? names[0] : qi) as QiName;
  if (!names.includes(name)) invalid("qi", qi, `this simulation has ${names.join(", ")}`);
  const profiles = s.qi[name]!;
  if (typeof profile !== "number" || !Number.isInteger(profile) || profile < 1 || profile > profiles.length) {
    invalid("profile", profile, profiles.length === 1 ? `${name} has one profile: 1` : `${name} has profiles 1 to ${profiles.length}`);
  }
  return {name, draws: profiles[profile - 1] as Float64Array};
}
