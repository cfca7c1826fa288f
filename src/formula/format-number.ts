/**
 * Numbers as R's `deparse` writes them: up to 15 significant digits, fixed notation unless scientific is shorter.
 */

/**
 * Formats `value` as R deparses a double (`options(scipen = 0)`): the shortest of fixed and scientific notation
 * with at most 15 significant digits, fixed when the widths tie; exponents have at least two digits.
 *
 * @example
 *   formatNumber(2);      // "2"
 *   formatNumber(1e-3);   // "0.001"
 *   formatNumber(1e-4);   // "1e-04"
 *   formatNumber(100000); // "1e+05"
 * @see R Core Team, R Internals, `formatReal` in src/main/format.c; `?options` (scipen).
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Inf" : "-Inf";
  if (value === 0) return "0";
  const sign = value < 0 ? "-" : "";
  const rounded = Number(Math.abs(value).toPrecision(15));
  const [mantissa, exponentText] = rounded.toExponential().split("e");
  const exponent = Number(exponentText);
  const scientific = `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  const decimals = Math.max(0, mantissa.replace(".", "").length - 1 - exponent);
  if (decimals > 100 || exponent >= 21) return sign + scientific;
  const fixed = rounded.toFixed(decimals);
  return sign + (fixed.length <= scientific.length ? fixed : scientific);
}
