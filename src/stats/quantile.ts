import {fail} from "../errors.js";

/**
 * The p-quantile of sorted values by R's default rule (type 7): with h = (n − 1)p, the value
 * x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋₊₁₎ − x₍⌊h⌋₎) (0-based order statistics).
 *
 * Reference: Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American Statistician
 * 50(4), 361–365, definition 7; R's `?quantile`.
 *
 * @example
 *   quantileSorted(Float64Array.of(1, 2, 3, 4), 0.8); // 3.4
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** A setx override computed from the column's values on the model's rows. */
export type ColumnFunction = (values: ArrayLike<unknown>) => unknown;

/**
 * A setx override: the p-quantile (R's type 7) of the column over the rows the model used; an array of
 * probabilities gives one profile per quantile. Zelig's `quantile(data$x, 0.8)`, without naming the data.
 *
 * Reference: Hyndman & Fan (1996), definition 7 (see {@link quantileSorted}).
 *
 * @example
 *   setx(m, {education: quantile(0.8)});        // education at its 80th percentile
 *   setx(m, {education: quantile([0.2, 0.8])}); // two profiles
 */
export function quantile(p: number | number[]): ColumnFunction {
  const ps = Array.isArray(p) ? p : [p];
  for (const q of ps) {
    if (typeof q !== "number" || !(q >= 0 && q <= 1)) fail(`invalid probability for quantile: ${String(q)}; use a number from 0 to 1, such as 0.8`);
  }
  const fn = (values: ArrayLike<unknown>) => {
    const numbers = Float64Array.from(values as ArrayLike<number>);
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== "number") fail(`quantile needs a numeric column, got ${JSON.stringify(values[i])}; give a level of the factor instead`);
    }
    numbers.sort();
    const qs = ps.map((q) => quantileSorted(numbers, q));
    return Array.isArray(p) ? qs : qs[0];
  };
  return fn;
}
