import {describeValue, fail, quote} from "../errors.js";

/**
 * The values a cell of the user's table may hold, and what each means (R's types in brackets):
 *
 * - a number [numeric]; NaN is missing, ±Infinity is refused where a number is used;
 * - a string [character], the empty string missing; a boolean [logical], labelled `TRUE`/`FALSE`;
 * - null or undefined: missing [NA];
 * - a Date [Date/POSIXct]: a category labelled by its ISO 8601 text (`factor(d)`, a grouping factor);
 *   an invalid date (`new Date(NaN)`) is missing, as R's `NA` date. A date is not taken as a number: the
 *   unit (days? milliseconds?) would be a guess, so a date column in a numeric place is refused, naming
 *   the fix (see {@link refuseDates});
 * - a BigInt (Arrow's int64 columns): the number it equals, when that number is exact (|v| ≤ 2^53);
 *   beyond that it is refused;
 * - anything else (symbols, functions, plain or null-prototype objects, arrays) is refused, naming the
 *   column, the row and what was found.
 *
 * {@link cleanColumn} applies this to a whole column once, copying only when a value must change.
 */
export type Cell = number | string | boolean | Date | null | undefined;

/** A value for a message, never throwing (BigInts, symbols and null-prototype objects included). */
export function cellText(value: unknown): string {
  if (typeof value === "string") return quote(value, 40);
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid date" : value.toISOString();
  if (value === null || value === undefined || typeof value === "boolean") return String(value);
  return describeValue(value);
}

/**
 * A column's values checked and cleaned as the cell rules above say: the same array when every value is
 * acceptable as it is, otherwise a copy with BigInts as numbers and invalid dates as null.
 *
 * @example
 *   cleanColumn("g", [1, 2n, new Date(NaN)]); // [1, 2, null]
 */
export function cleanColumn(name: string, values: ArrayLike<unknown>): ArrayLike<Cell> {
  // typed arrays of numbers hold only numbers
  if (ArrayBuffer.isView(values) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array)) {
    return values as unknown as ArrayLike<number>;
  }
  let out: Cell[] | null = null;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const t = typeof v;
    if (t === "number" || t === "string" || t === "boolean" || v == null) continue;
    let clean: Cell;
    if (t === "bigint") clean = bigintNumber(v as bigint, name, i);
    else if (v instanceof Date) {
      if (!Number.isNaN(v.getTime())) continue;
      clean = null;
    } else {
      return fail(`invalid value in row ${i + 1} of column ${name}: ${cellText(v)}; a cell must be a number, text, a boolean, a date or missing (null)`);
    }
    out ??= Array.from(values as ArrayLike<Cell>);
    out[i] = clean;
  }
  return out ?? (values as ArrayLike<Cell>);
}

function bigintNumber(v: bigint, name: string, i: number): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) {
    fail(`value ${cellText(v)} in row ${i + 1} of column ${name} is beyond 2^53, where numbers are no longer exact; scale the column or convert it to text to use it as a factor`);
  }
  return x;
}

/**
 * Refuses a column of dates where numbers are needed, naming the fix.
 *
 * @example
 *   refuseDates("when", values, "Reaction ~ when + (1 | g)"); // throws when a value is a Date
 */
export function refuseDates(name: string, values: ArrayLike<unknown>, usedIn: string, levelsHint = true): void {
  if (ArrayBuffer.isView(values)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Date && !Number.isNaN(v.getTime())) {
      const hint = levelsHint ? `, or write factor(${name}) to use them as levels` : "";
      fail(`column ${name} holds dates (${cellText(v)} in row ${i + 1}) but ${usedIn} needs numbers; convert the dates to numbers (such as days since a start date)${hint}`);
    }
  }
}
