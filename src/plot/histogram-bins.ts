/**
 * Histogram bins of sorted numbers, counted in one pass, with Observable Plot's thresholds: `qiDistribution`
 * draws its bars from these bins instead of running Plot's bin transform on every draw, so a redraw handles
 * ~40 bins rather than 1 000 points.
 */
import {quantileSorted} from "../stats/quantile.js";
import {invalid} from "./options.js";
import {cbrt, log10, log2, pow} from "../math/index.js";

/** One bar of a histogram: the values v with x1 ≤ v < x2. */
export interface HistogramBin {
  x1: number;
  x2: number;
  count: number;
}

/** A threshold function, as Plot's: from the values and their extent, a bin count or the thresholds. */
export type ThresholdFunction = (values: ArrayLike<number>, min: number, max: number) => number | ArrayLike<number>;

/** How the bins are chosen: Plot's named rules, an approximate count, the thresholds, or a function. */
export type Thresholds = "auto" | "scott" | "sturges" | "freedman-diaconis" | number | ArrayLike<number> | ThresholdFunction;

/**
 * The bins of a histogram of `sorted` (ascending, finite numbers), chosen as Plot's bin transform chooses
 * them for numbers:
 * - a count (or a named rule giving one: `"auto"`, the default, is Scott's rule capped at 200; `"scott"`,
 *   `"sturges"`, `"freedman-diaconis"`) gives equal bins of a "nice" width (1, 2 or 5 times a power of ten)
 *   near (max − min)/count, the first starting at or below the minimum and the last ending above the maximum;
 * - an array gives the thresholds themselves (values outside them are left out);
 * - a function of (values, min, max) gives either.
 * When every value is the same, one bin [v, v] holds them all (as Plot does).
 *
 * Reference: Scott (1979), Biometrika 66(3), 605–610, width 3.49 s n^(−1/3); Sturges (1926), JASA 21,
 * ⌈log₂ n⌉ + 1 bins; Freedman & Diaconis (1981), Z. Wahrscheinlichkeitstheorie 57, width 2 IQR n^(−1/3);
 * Observable Plot's bin transform for the nice thresholds.
 *
 * @example
 *   histogramBins(Float64Array.of(0.2, 0.7, 1.1, 1.4, 2.9), 3);
 *   // [{x1: 0, x2: 1, count: 2}, {x1: 1, x2: 2, count: 2}, {x1: 2, x2: 3, count: 1}]
 */
export function histogramBins(sorted: ArrayLike<number>, thresholds: Thresholds = "auto"): HistogramBin[] {
  const n = sorted.length;
  if (n === 0) return [];
  const min = sorted[0], max = sorted[n - 1];
  let t = typeof thresholds === "function" ? thresholds(sorted, min, max) : thresholds;
  if (typeof t === "string") t = namedCount(t, sorted, min, max);
  const edges = typeof t === "number" ? niceThresholds(min, max, t) : checkedThresholds(t);
  if (edges.length === 1) return [{x1: edges[0], x2: edges[0], count: n}];
  const bins: HistogramBin[] = [];
  let j = 0;
  while (j < n && sorted[j] < edges[0]) j++;
  for (let i = 1; i < edges.length; i++) {
    const start = j;
    while (j < n && sorted[j] < edges[i]) j++;
    bins.push({x1: edges[i - 1], x2: edges[i], count: j - start});
  }
  return bins;
}

/** The bin count of a named rule. */
function namedCount(name: string, sorted: ArrayLike<number>, min: number, max: number): number {
  const n = sorted.length;
  switch (name.toLowerCase()) {
    case "auto":
      return Math.min(200, scottCount(sorted, min, max));
    case "scott":
      return scottCount(sorted, min, max);
    case "sturges":
      return Math.max(1, Math.ceil(log2(n)) + 1);
    case "freedman-diaconis": {
      const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
      return iqr > 0 ? Math.ceil((max - min) / (2 * iqr * pow(n, -1 / 3))) : 1;
    }
  }
  return invalid("thresholds", name, `use a number of bins, an array of thresholds, a function, or "auto", "scott", "sturges" or "freedman-diaconis"`);
}

/** Scott's bin count ⌈(max − min) / (3.49 s n^(−1/3))⌉, 1 when the spread is zero. */
function scottCount(sorted: ArrayLike<number>, min: number, max: number): number {
  const n = sorted.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (sorted[i] - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) * (sorted[i] - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return sd > 0 ? Math.ceil(((max - min) * cbrt(n)) / (3.49 * sd)) : 1;
}

/**
 * Equal thresholds of a nice width near (max − min)/count, from at or below min to above max. A width below 1
 * is kept as its inverse (thresholds k/inverse), so that 0.1-wide bins have thresholds 0.3, not 0.30000000000000004.
 */
function niceThresholds(min: number, max: number, count: number): number[] {
  if (!(count > 0) || !Number.isFinite(count)) invalid("thresholds", count, "give a positive number of bins, such as 40");
  const raw = (max - min) / count;
  if (!(raw > 0) || !Number.isFinite(raw)) return [min];
  const power = Math.floor(log10(raw));
  const error = raw / pow(10, power);
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  const inverse = power < 0 ? pow(10, -power) / factor : 0;
  const step = power < 0 ? 0 : pow(10, power) * factor;
  const at = (k: number) => (inverse ? k / inverse : k * step);
  let k0 = Math.round(inverse ? min * inverse : min / step);
  let k1 = Math.round(inverse ? max * inverse : max / step);
  if (!(at(k0) <= min)) k0--;
  if (!(at(k1) > max)) k1++;
  return Array.from({length: k1 - k0 + 1}, (_, i) => at(k0 + i));
}

/** Thresholds given as numbers, ascending. */
function checkedThresholds(t: unknown): number[] {
  const values = t != null && typeof t === "object" && typeof (t as ArrayLike<unknown>).length === "number" ? Array.from(t as ArrayLike<unknown>) : null;
  if (!values || values.length === 0 || values.some((v, i) => typeof v !== "number" || !Number.isFinite(v) || (i > 0 && v < (values[i - 1] as number)))) {
    invalid("thresholds", t, "give a number of bins, an ascending array of finite thresholds, a function, or a rule such as \"auto\"");
  }
  return values as number[];
}
