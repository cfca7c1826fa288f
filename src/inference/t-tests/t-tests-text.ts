import {formatR, matrixLines, roundR} from "../../rformat/format-r.js";
import {formatPValues, SIGNIF_LEGEND, starsColumn} from "../../rformat/format-pvalue.js";
import {log10} from "../../math/index.js";

/** The columns of a table of t tests, each by fixed-effect name. */
export interface TestColumns {
  estimate: Record<string, number>;
  se: Record<string, number>;
  df: Record<string, number>;
  t: Record<string, number>;
  p: Record<string, number>;
}

/**
 * A table of t tests as R's `printCoefmat` prints it (lmerTest's `summary()`): Estimate, Std. Error and df
 * share one format, rounded to `digits` minus the digits before the point of the smallest of them (at
 * least one decimal; a non-zero value that would print as zero gets `digits − 1` significant digits
 * instead); t values rounded to `digits − 1` decimals; p-values as R's `format.pval` with `digits − 1`
 * significant digits (`< 2e-16` or `<2e-16` below machine epsilon) and significance stars, as wide as the
 * widest, then R's legend; neither stars nor legend when no p-value is below 0.1.
 *
 * Reference: R Core Team, `?printCoefmat` and `?format.pval`.
 *
 * @example
 *   testTableLines(["x"], {estimate: {x: 2}, se: {x: 1}, df: {x: 10}, t: {x: 2}, p: {x: 0.0734}});
 *   //   Estimate Std. Error df t value Pr(>|t|)
 *   // x        2          1 10       2   0.0734 .
 *   // ---
 *   // Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1
 */
export function testTableLines(names: readonly string[], s: TestColumns, digits = 4): string[] {
  const column = (c: Record<string, number>) => names.map((n) => c[n]);
  return coefficientTableLines(names, [["Estimate", column(s.estimate)], ["Std. Error", column(s.se)], ["df", column(s.df)]], ["t value", column(s.t)], ["Pr(>|t|)", column(s.p)], digits);
}

/**
 * R's `printCoefmat` of a table whose first columns are estimates (Estimate, Std. Error and, for lmerTest, df:
 * one shared format), then a test statistic and its p-value, with significance stars and R's legend: the
 * layout of {@link testTableLines}, with the statistic's and p-value's column names as given (lme4's glmer
 * summary: `z value` or `t value`, and `Pr(>|z|)`).
 *
 * @example
 *   coefficientTableLines(["x"], [["Estimate", [2]], ["Std. Error", [1]]], ["z value", [2]], ["Pr(>|z|)", [0.0455]]);
 *   //   Estimate Std. Error z value Pr(>|z|)  
 *   // x        2          1       2   0.0455 *
 *   // ---
 *   // Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1
 * @see R Core Team, `?printCoefmat`.
 */
export function coefficientTableLines(
  names: readonly string[],
  estimates: readonly [string, readonly number[]][],
  statistic: readonly [string, readonly number[]],
  pValues: readonly [string, readonly number[]],
  digits = 4
): string[] {
  const p = names.length;
  if (p === 0) return [];
  const k = estimates.length;
  const cs = estimates.flatMap(([, values]) => values);
  const magnitudes = cs.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  const digmin = magnitudes.length ? 1 + Math.floor(log10(Math.min(...magnitudes))) : 1;
  const csText = formatR(cs.map((x) => roundR(x, Math.max(1, digits - digmin))), {digits});
  cs.forEach((x, i) => {
    if (Number.isFinite(x) && x !== 0 && Number(csText[i]) === 0) csText[i] = formatR([x], {digits: Math.max(1, digits - 1)})[0];
  });
  const digitsT = Math.max(1, Math.min(5, digits - 1));
  const tText = formatR(statistic[1].map((t) => roundR(t, digitsT)), {digits});
  const pText = formatPValues(pValues[1].slice(), digitsT);
  const stars = starsColumn(pValues[1]);
  const cells = names.map((_, i) => [...Array.from({length: k}, (_, c) => csText[c * p + i]), tText[i], pText[i], ...(stars ? [stars[i]] : [])]);
  const columns = [...estimates.map(([name]) => name), statistic[0], pValues[0], ...(stars ? [""] : [])];
  return [...matrixLines(names, columns, cells, true), ...(stars ? ["---", SIGNIF_LEGEND] : [])];
}
