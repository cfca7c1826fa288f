/**
 * Numbers written as text, read as R's `read.csv` (`type.convert`) reads a column: the cells of a column
 * that are all numbers once read become numbers. This is what a CSV parsed without types gives, such as
 * Observable's `FileAttachment(…).csv()` without `{typed: true}` or d3's `csvParse`.
 */

/**
 * A decimal number as R's `read.csv`, JavaScript and our `readCSV` read it: `-1`, `2.5`, `.5`, `1e-8`, `3.`,
 * `+4`. Written so that a failed match backtracks in linear time.
 */
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const SPECIAL: ReadonlyMap<string, number> = new Map([
  ["Inf", Infinity],
  ["+Inf", Infinity],
  ["-Inf", -Infinity],
  ["NaN", NaN]
]);

/**
 * One cell of text read as R's `type.convert` reads it into a numeric column: surrounding white space is
 * ignored; `""` and `"NA"` are missing (null); a decimal number (exponents and a sign allowed), `Inf`,
 * `-Inf` or `NaN` is that number, exactly as JavaScript's `Number()` reads it; anything else is not a
 * number (undefined). Hexadecimal (`0x1A`), which R also reads, is not taken, as `readCSV` does not.
 *
 * @example
 *   numberFromText(" 2.5e3 "); // 2500
 *   numberFromText("NA");      // null
 *   numberFromText("n/a");     // undefined
 * @see R Core Team, `?type.convert` and `?read.table` (`na.strings = "NA"`, blank fields missing).
 */
export function numberFromText(text: string): number | null | undefined {
  const t = text.trim();
  if (t === "" || t === "NA") return null;
  if (DECIMAL.test(t)) return Number(t);
  return SPECIAL.get(t);
}

/**
 * A column read as numbers when it holds numbers written as text: every cell a number, missing, or text
 * that {@link numberFromText} reads (at least one such text), as R's `read.csv` would read the column.
 * Missing cells become null. Returns null when the column is something else (a column of numbers only, or
 * one with any text that is not a number, a boolean or a date: those are left as they are).
 *
 * @example
 *   numericTextColumn(["249.56", " 258.7 ", "NA", ""]); // [249.56, 258.7, null, null]
 *   numericTextColumn(["308", "A12"]);                  // null (a factor, as in R)
 *   numericTextColumn([1, 2]);                           // null (numbers already)
 * @see R Core Team, `?type.convert`.
 */
export function numericTextColumn(values: ArrayLike<unknown>): (number | null)[] | null {
  if (ArrayBuffer.isView(values)) return null;
  // most columns hold no text at all: find the first string before copying anything
  let first = 0;
  for (; first < values.length; first++) {
    const v = values[first];
    if (typeof v === "string") break;
    if (typeof v !== "number" && v != null) return null;
  }
  if (first === values.length) return null;
  // a column of labels fails on its first string: check every string before copying
  for (let i = first; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string" ? numberFromText(v) === undefined : typeof v !== "number" && v != null) return null;
  }
  let text = false;
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < first; i++) out[i] = (values[i] as number | null | undefined) ?? null;
  for (let i = first; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number") out[i] = v;
    else if (v == null) out[i] = null;
    else if (typeof v === "string") {
      const x = numberFromText(v);
      if (x === undefined) return null;
      out[i] = x;
      text ||= v !== "";
    } else return null;
  }
  return text ? out : null;
}

/**
 * The warning a fit carries when columns it used held numbers written as text, naming them and the fix.
 *
 * @example
 *   convertedWarning(["Reaction", "Days"]);
 *   // "columns Reaction and Days hold numbers written as text and were read as numbers, as R's read.csv reads
 *   //  them; pass numbers (in Observable: FileAttachment(…).csv({typed: true}))"
 */
export function convertedWarning(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  const [columns, hold, were, them] = names.length === 1 ? ["column", "holds", "was", "it"] : ["columns", "hold", "were", "them"];
  return [`${columns} ${list} ${hold} numbers written as text and ${were} read as numbers, as R's read.csv reads ${them}; pass numbers (in Observable: FileAttachment(…).csv({typed: true}))`];
}

/** Whether a warning is {@link convertedWarning}'s. */
export const isConvertedWarning = (warning: string): boolean => / numbers written as text and (?:was|were) read as numbers/.test(warning);
