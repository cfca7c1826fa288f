import * as Plot from "@observablehq/plot";
import type {QiName, Simulation} from "../qi/simulation.js";
import {quantileSorted} from "../qi/quantile.js";
import {describe} from "../qi/describe-value.js";
import {fail} from "../errors.js";
import {checkOptions, invalid, labelled, percent} from "./options.js";

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
  /** The histogram's thresholds, as Plot's bin option (default: Plot's "auto"). */
  thresholds?: Plot.BinOptions["thresholds"];
  /** Color of the curve or bars (default steelblue). */
  fill?: string;
}

/** One point of the density curve. */
export interface DensityPoint {
  value: number;
  density: number;
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
 * shaded and its ends and the median marked.
 *
 * Reference: Zelig's `plot(s.out)` (King, Tomz & Wittenberg 2000); the density as R's
 * `density(x, bw = "nrd0")`: a Gaussian kernel with Silverman's (1986) bandwidth, §3.4.2 (3.31).
 *
 * @example
 *   const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), seed: 7});
 *   Plot.plot({marks: [qiDistribution(s, {qi: "fd"})]});
 */
export function qiDistribution(simulation: Simulation, options: QiDistributionOptions = {}): Plot.CompoundMark {
  checkOptions(options, "qiDistribution");
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
      Plot.rectY(sorted, Plot.binX<Plot.RectYOptions>({y: "count"}, {...rest, x: Object.assign((d: number) => d, {label}), thresholds, fill, fillOpacity: 0.8, insetLeft: 0.5, insetRight: 0.5, ariaDescription: "qiDistribution histogram"})),
      Plot.ruleY([0], {...rest, ariaDescription: "qiDistribution baseline"}),
      ends,
      middle
    );
  }
  const h = bandwidth ?? silvermanBandwidth(sorted);
  if (typeof h !== "number" || !(h > 0) || !Number.isFinite(h)) invalid("bandwidth", h, "give a positive number, or leave it out for Silverman's rule");
  const curve = kernelDensity(sorted, h);
  const inside = [lo, ...curve.map((d) => d.value).filter((v) => v > lo && v < hi), hi].map((v) => ({value: v, density: densityAt(sorted, h, v)}));
  const density = labelled<DensityPoint>("density", "Density");
  return Plot.marks(
    Plot.areaY(inside, {...rest, x, y: density, fill, fillOpacity: 0.35, ariaDescription: "qiDistribution interval"}),
    Plot.lineY(curve, {...rest, x, y: density, stroke: fill, strokeWidth: 1.5, ariaDescription: "qiDistribution density"}),
    Plot.ruleY([0], {...rest, ariaDescription: "qiDistribution baseline"}),
    ends,
    middle
  );
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

/**
 * Silverman's rule of thumb for a Gaussian kernel, R's `bw.nrd0`: 0.9·min(sd, IQR/1.34)·n^(−1/5), falling
 * back to the sd, then |x₁|, then 1 when the spread is zero.
 *
 * Reference: Silverman (1986), Density Estimation for Statistics and Data Analysis, (3.31); R's `bw.nrd0`.
 *
 * @example
 *   silvermanBandwidth(Float64Array.of(1, 2, 3, 4, 5)); // 0.9 · min(1.5811, 2/1.34) · 5^(−0.2) = 0.9736
 */
export function silvermanBandwidth(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  const spread = Math.min(sd, iqr / 1.34) || sd || Math.abs(sorted[0]) || 1;
  return 0.9 * spread * n ** -0.2;
}

/**
 * A Gaussian kernel density estimate f̂(v) = (1/nh) Σ φ((v − xᵢ)/h) on `points` equally spaced values from
 * min − 3h to max + 3h, as R's `density(x, bw = h, cut = 3, n = 512)` (evaluated directly, not by FFT).
 *
 * @example
 *   kernelDensity(Float64Array.of(0), 1, 3); // [{value: -3, density: 0.0044}, {value: 0, density: 0.3989}, {value: 3, density: 0.0044}]
 */
export function kernelDensity(sorted: ArrayLike<number>, h: number, points = 512): DensityPoint[] {
  const from = sorted[0] - 3 * h, to = sorted[sorted.length - 1] + 3 * h;
  return Array.from({length: points}, (_, k) => {
    const value = from + ((to - from) * k) / (points - 1);
    return {value, density: densityAt(sorted, h, value)};
  });
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** f̂(v) of {@link kernelDensity}, skipping the draws beyond 8h of v (their weight is below 1e-14). */
function densityAt(sorted: ArrayLike<number>, h: number, v: number): number {
  const n = sorted.length;
  let s = 0;
  for (let lo = lowerBound(sorted, v - 8 * h); lo < n && sorted[lo] <= v + 8 * h; lo++) {
    const u = (v - sorted[lo]) / h;
    s += Math.exp(-0.5 * u * u);
  }
  return (s * INV_SQRT_2PI) / (n * h);
}

function lowerBound(sorted: ArrayLike<number>, v: number): number {
  let a = 0, b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] < v) a = m + 1;
    else b = m;
  }
  return a;
}
