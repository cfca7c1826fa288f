import {formatR, matrixLines, roundR} from "../lmm/format.js";
import {checkDdf, fixedEffectTests, type Ddf} from "./ddf.js";
import {formatPValues, significanceStars} from "./format-pvalue.js";
import type {KenwardRogerModel} from "./kenward-roger-covariance.js";
import {log10} from "../math/index.js";

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
  const digmin = magnitudes.length ? 1 + Math.floor(log10(Math.min(...magnitudes))) : 1;
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
