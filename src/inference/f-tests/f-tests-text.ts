import {formatR, matrixLines, roundR, zapsmall} from "../../rformat/format-r.js";
import type {FTestsValues} from "./f-test.js";
import {formatPValues, SIGNIF_LEGEND, starsColumn} from "../../rformat/format-pvalue.js";

const HEADERS = ["Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)"];

/**
 * lmerTest's ANOVA table as R prints it (`print.anova`, which calls `printCoefmat` with 5 digits): the heading;
 * Sum Sq, Mean Sq, NumDF and DenDF each zapped (`zapsmall`, 5 digits) and formatted to 5 significant digits
 * (a non-zero value shown as zero formatted again with 4); F values rounded to 4 decimals and formatted to 5
 * digits; p-values by `format.pval` with 4 digits; stars and their legend when some p is below 0.1; empty
 * cells for a term without a testable hypothesis.
 *
 * Reference: R Core Team, `?print.anova`, `?printCoefmat`, `?format.pval`; Kuznetsova, Brockhoff &
 * Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   fTestsLines(fTestsValues(model)).join("\n");
 *   // Type III Analysis of Variance Table with Satterthwaite's method
 *   //              Sum Sq Mean Sq NumDF  DenDF F value Pr(>F)    
 *   // recipe         4.00    2.00     2 254.02  0.0957 0.9088    
 *   // …
 */
export function fTestsLines(v: FTestsValues, digits = 5): string[] {
  if (v.terms.length === 0) return [v.heading, `     ${HEADERS.join(" ")}`];
  const digitsT = Math.max(1, Math.min(5, digits - 1));
  const zapped = [v.sumSq, v.meanSq, v.numDF, v.denDF].map((column) => {
    const present = column.filter((x): x is number => x !== null);
    const z = zapsmall(present, digits);
    let k = 0;
    return column.map((x) => (x === null ? null : z[k++]));
  });
  const cells = [...zapped.map((column) => formatColumn(column, digits)), formatColumn(v.F.map((x) => (x === null ? null : roundR(x, digitsT))), digits)];
  // a value that is not zero but shows as zero is formatted again with one digit less (all such cells together)
  const fix: [number, number][] = [];
  zapped.forEach((column, c) => column.forEach((x, r) => x !== null && (x === 0) !== (Number(cells[c][r]) === 0) && fix.push([c, r])));
  if (fix.length) {
    const text = formatR(fix.map(([c, r]) => zapped[c][r]!), {digits: Math.max(1, digits - 1)});
    fix.forEach(([c, r], k) => (cells[c][r] = text[k]));
  }
  const present = v.p.flatMap((x, r) => (x === null ? [] : [[x, r] as const]));
  const pText = v.p.map(() => "");
  formatPValues(present.map(([x]) => x), digitsT).forEach((t, k) => (pText[present[k][1]] = t));
  const stars = starsColumn(v.p);
  const columns = [...cells, pText, ...(stars ? [stars] : [])];
  const rows = v.terms.map((_, r) => columns.map((c) => c[r]));
  return [
    v.heading,
    ...matrixLines(v.terms, [...HEADERS, ...(stars ? [""] : [])], rows, true),
    ...(stars ? ["---", SIGNIF_LEGEND] : [])
  ];
}

/** R's `format(x, digits)` of a column, missing values as empty cells. */
function formatColumn(column: readonly (number | null)[], digits: number): string[] {
  const present = column.filter((x): x is number => x !== null);
  const text = formatR(present, {digits});
  let k = 0;
  return column.map((x) => (x === null ? "" : text[k++]));
}
