import {formatR, matrixLines, roundR} from "../lmm/format.js";
import {satterthwaiteValues, type SatterthwaiteModel} from "./satterthwaite.js";

const EPS = 2.220446049250313e-16;

/**
 * The fixed effects with Satterthwaite's tests as lmerTest's `summary()` prints them (R's `printCoefmat`):
 * Estimate, Std. Error and df share one format, rounded to `digits` minus the digits before the point of the
 * smallest of them; t values rounded to `digits − 1` decimals; p-values as R's `format.pval` with
 * `digits − 1` significant digits (`< 2e-16` below machine epsilon) and significance stars.
 *
 * Reference: R Core Team, `?printCoefmat` and `?format.pval`; Kuznetsova, Brockhoff & Christensen (2017),
 * JSS 82(13), §4 (the summary table).
 *
 * @example
 *   satterthwaiteLines(model).join("\n");
 *   //             Estimate Std. Error      df t value Pr(>|t|)
 *   // (Intercept)  251.405      6.825  17.000  36.838  < 2e-16 ***
 *   // Days          10.467      1.546  17.000   6.771 3.26e-06 ***
 */
export function satterthwaiteLines(model: SatterthwaiteModel, digits = 4): string[] {
  const s = satterthwaiteValues(model);
  const names = model.fixefNames;
  const p = names.length;
  if (p === 0) return [];
  const cs = [...names.map((n) => s.estimate[n]), ...names.map((n) => s.se[n]), ...names.map((n) => s.df[n])];
  const magnitudes = cs.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  const digmin = magnitudes.length ? 1 + Math.floor(Math.log10(Math.min(...magnitudes))) : 1;
  const csText = formatR(cs.map((x) => roundR(x, Math.max(1, digits - digmin))), {digits});
  cs.forEach((x, i) => {
    if (Number.isFinite(x) && x !== 0 && Number(csText[i]) === 0) csText[i] = formatR([x], {digits: Math.max(1, digits - 1)})[0];
  });
  const digitsT = Math.max(1, Math.min(5, digits - 1));
  const tText = formatR(names.map((n) => roundR(s.t[n], digitsT)), {digits});
  const pText = formatPValues(names.map((n) => s.p[n]), digitsT);
  const stars = names.map((n) => significanceStars(s.p[n]).padEnd(3));
  const cells = names.map((_, i) => [csText[i], csText[p + i], csText[2 * p + i], tText[i], pText[i], stars[i]]);
  return [
    ...matrixLines(names, ["Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", "   "], cells, true),
    "---",
    "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1"
  ];
}

/**
 * R's `format.pval(p, digits, eps = .Machine$double.eps)`: values from 1e-3 up in one fixed format, smaller
 * ones in one scientific format, both with `digits` significant digits; values below eps as `< 2e-16`
 * (eps shown with `digits − 2` digits).
 */
function formatPValues(p: number[], digits: number): string[] {
  const out = p.map(() => "");
  const groups = [
    p.map((v, i) => [v, i] as const).filter(([v]) => !(v < EPS) && (v === 0 || Math.floor(Math.log10(v)) >= -3)),
    p.map((v, i) => [v, i] as const).filter(([v]) => !(v < EPS) && v !== 0 && Math.floor(Math.log10(v)) < -3)
  ];
  for (const group of groups) {
    const text = formatR(group.map(([v]) => v), {digits}).map((t) => t.trim());
    group.forEach(([, i], k) => (out[i] = text[k]));
  }
  const epsText = `< ${formatR([EPS], {digits: Math.max(1, digits - 2)})[0].trim()}`;
  p.forEach((v, i) => {
    if (v < EPS) out[i] = epsText;
    else if (Number.isNaN(v)) out[i] = "NA";
  });
  return out;
}

/** R's significance stars: `***` below 0.001, `**` below 0.01, `*` below 0.05, `.` below 0.1. */
function significanceStars(p: number): string {
  if (!(p >= 0)) return "";
  return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
}

/**
 * The section `lmm fit` prints after lme4's summary: a title and {@link satterthwaiteLines}.
 *
 * @example
 *   satterthwaiteSection(model); // "Fixed effects, t-tests with Satterthwaite's df (lmerTest):\n …"
 */
export function satterthwaiteSection(model: SatterthwaiteModel): string {
  if (model.fixefNames.length === 0) return "";
  return ["Fixed effects, t-tests with Satterthwaite's df (lmerTest):", ...satterthwaiteLines(model)].join("\n");
}
