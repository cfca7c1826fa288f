import {formatR, matrixLines, roundR} from "../lmm/format.js";
import {checkDdf, fixedEffectTests, type Ddf} from "./ddf.js";
import type {KenwardRogerModel} from "./kenward-roger-covariance.js";

const EPS = 2.220446049250313e-16;

/**
 * The fixed effects with Satterthwaite's tests (or, with `ddf = "Kenward-Roger"`, Kenward–Roger's, whose
 * standard errors are adjusted) as lmerTest's `summary()` prints them (R's `printCoefmat`):
 * Estimate, Std. Error and df share one format, rounded to `digits` minus the digits before the point of the
 * smallest of them; t values rounded to `digits − 1` decimals; p-values as R's `format.pval` with
 * `digits − 1` significant digits (`< 2e-16` or `<2e-16` below machine epsilon) and significance stars.
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
export function satterthwaiteLines(model: KenwardRogerModel, digits = 4, ddf: Ddf = "Satterthwaite"): string[] {
  const s = fixedEffectTests(model, ddf);
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
 * R's `format.pval(p, digits, eps = .Machine$double.eps)`: values from 1e-3 up (and from 1e-4 when `digits`
 * is above 1) in one common format, smaller ones in another, both with `digits` significant digits; values
 * below eps as `<` and eps with `digits − 2` digits (fewer when the other values are narrow), without a space
 * when that leaves one digit and the other values are at most 6 characters wide (`<2e-16`), else with one
 * (`< 2e-16`).
 *
 * Reference: R Core Team, `?format.pval`.
 */
function formatPValues(p: number[], digits: number): string[] {
  const out = p.map(() => "");
  const tiny = p.map((v) => v < EPS);
  const rest = p.map((v, i) => [v, i] as const).filter(([v], i) => !tiny[i] && !Number.isNaN(v));
  const fixed = (v: number) => {
    const expo = Math.floor(Math.log10(v > 0 ? v : 1e-50));
    return expo >= -3 || (expo === -4 && digits > 1);
  };
  for (const group of [rest.filter(([v]) => fixed(v)), rest.filter(([v]) => !fixed(v))]) {
    const text = formatR(group.map(([v]) => v), {digits}).map((t) => t.trim());
    group.forEach(([, i], k) => (out[i] = text[k]));
  }
  if (tiny.some(Boolean)) {
    let d = Math.max(1, digits - 2);
    let sep = d === 1 ? "" : " ";
    if (rest.length) {
      const width = Math.max(...rest.map(([, i]) => out[i].length));
      if (d > 1 && d + 6 > width) d = Math.max(1, width - 7);
      sep = d === 1 && width <= 6 ? "" : " ";
    }
    const epsText = `<${sep}${formatR([EPS], {digits: d})[0].trim()}`;
    tiny.forEach((t, i) => t && (out[i] = epsText));
  }
  p.forEach((v, i) => Number.isNaN(v) && (out[i] = "NA"));
  return out;
}

/** R's significance stars: `***` below 0.001, `**` below 0.01, `*` below 0.05, `.` below 0.1. */
function significanceStars(p: number): string {
  if (!(p >= 0)) return "";
  return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
}

/**
 * The section `lmm fit` prints after lme4's summary: a title and {@link satterthwaiteLines}, with
 * Satterthwaite's df (the default) or Kenward–Roger's.
 *
 * @example
 *   satterthwaiteSection(model); // "Fixed effects, t-tests with Satterthwaite's df (lmerTest):\n …"
 *   satterthwaiteSection(model, "Kenward-Roger"); // "Fixed effects, t-tests with Kenward-Roger's df and standard errors (lmerTest):\n …"
 */
export function satterthwaiteSection(model: KenwardRogerModel, ddf: Ddf = "Satterthwaite"): string {
  if (model.fixefNames.length === 0) return "";
  const title = checkDdf(ddf) === "Kenward-Roger" ? "Kenward-Roger's df and standard errors" : "Satterthwaite's df";
  return [`Fixed effects, t-tests with ${title} (lmerTest):`, ...satterthwaiteLines(model, 4, ddf)].join("\n");
}
