import {formatR} from "./format-r.js";
import {log10} from "../math/index.js";

const EPS = 2.220446049250313e-16;

/**
 * R's `format.pval(p, digits, eps = .Machine$double.eps)`: values from 1e-3 up (and from 1e-4 when `digits`
 * is above 1) in one common format, smaller ones in another, both with `digits` significant digits; values
 * below eps as `<` and eps with `digits − 2` digits (fewer when the other values are narrow), without a space
 * when that leaves one digit and the other values are at most 6 characters wide (`<2e-16`), else with one
 * (`< 2e-16`).
 *
 * Reference: R Core Team, `?format.pval`.
 *
 * @example
 *   formatPValues([0.7809, 1e-20, 0.4393], 4); // ["0.7809", "<2e-16", "0.4393"]
 */
export function formatPValues(p: number[], digits: number): string[] {
  const out = p.map(() => "");
  const tiny = p.map((v) => v < EPS);
  const rest = p.map((v, i) => [v, i] as const).filter(([v], i) => !tiny[i] && !Number.isNaN(v));
  const fixed = (v: number) => {
    const expo = Math.floor(log10(v > 0 ? v : 1e-50));
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

/**
 * R's significance stars: `***` below 0.001, `**` below 0.01, `*` below 0.05, `.` below 0.1.
 *
 * Reference: R Core Team, `?symnum` and `?printCoefmat` (the cut points).
 *
 * @example
 *   significanceStars(0.02); // "*"
 */
export function significanceStars(p: number): string {
  if (!(p >= 0)) return "";
  return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
}


/**
 * The column of stars `printCoefmat` adds: each p-value's {@link significanceStars} padded to the widest of
 * them, or null when no p-value is below 0.1 (then R prints neither the column nor the legend).
 *
 * Reference: R Core Team, `?printCoefmat` (`signif.stars` only when some p < 0.1) and `?format` (a
 * character vector padded to a common width).
 *
 * @example
 *   starsColumn([0.07, 0.5]); // [".", " "]
 *   starsColumn([0.5]); // null
 */
export function starsColumn(p: readonly (number | null)[]): string[] | null {
  if (!p.some((v) => v !== null && v < 0.1)) return null;
  const stars = p.map((v) => (v === null ? "" : significanceStars(v)));
  const width = Math.max(...stars.map((s) => s.length));
  return stars.map((s) => s.padEnd(width));
}

/** R's legend of the significance stars, as `printCoefmat` prints it after `---`. */
export const SIGNIF_LEGEND = "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";
