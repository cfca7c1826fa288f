import {clip, describeValue, fail, LmmError} from "../errors.js";
import {cleanColumn, cellText} from "./cells.js";
import {numericTextColumn} from "./numeric-text.js";

/**
 * Read access to the columns of the user's table, never mutating it.
 *
 * Accepts an Arquero table (anything with `columnNames()`, `numRows()` and `array(name)`), an array of row
 * objects, or an object of equal-length column arrays. A column of numbers written as text (a CSV parsed
 * without types) is read as numbers, as R's `read.csv` reads it, and listed by `converted()`; a string
 * given as the data is refused by its length, never echoed. Column names are looked up as own keys only, so
 * columns named `__proto__`, `constructor` or `toString` are columns like any other.
 *
 * @example
 *   const src = dataSource([{y: 1, g: "a"}, {y: 2, g: "b"}]);
 *   src.names; // ["y", "g"]
 *   src.values("g"); // ["a", "b"]
 */
export interface DataSource {
  names: string[];
  rows: number;
  has(name: string): boolean;
  values(name: string): ArrayLike<unknown>;
  /** The columns read so far that held numbers written as text and were read as numbers, in the data's order (see numeric-text.ts). */
  converted(): string[];
}

interface TableLike {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

const isTableLike = (x: unknown): x is TableLike =>
  x != null && typeof (x as TableLike).columnNames === "function" && typeof (x as TableLike).array === "function";

/**
 * Runs `read` on the user's data, turning what their getters, proxies or methods throw into an LmmError
 * that says where (errors of ours pass through).
 */
function reading<T>(what: string | (() => string), read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof LmmError) throw error;
    let message: string;
    try {
      message = error instanceof Error ? String(error.message) : cellText(error);
    } catch {
      message = "an error without a message";
    }
    return fail(`invalid data: reading ${typeof what === "string" ? what : what()} failed (${clip(message, 120)}); give plain values`);
  }
}

/** Column names as strings, refusing other keys. */
function columnNames(names: unknown): string[] {
  if (!Array.isArray(names)) fail(`invalid data: columnNames() gave ${describeValue(names)}, not an array of names; give an Arquero table`);
  for (const name of names) {
    if (typeof name !== "string") fail(`invalid data: a column name is ${describeValue(name)}; column names must be text`);
  }
  return names as string[];
}

/**
 * The column array of an Arquero table that is neither filtered nor ordered, without a copy (`array(name)`
 * copies through a callback per row: 0.1 s for a million rows); null when the table is anything else or the
 * column is not an indexable array (Arrow-backed columns), so that `array(name)` reads it. Only read.
 */
function directColumn(table: TableLike, name: string, rows: number): ArrayLike<unknown> | null {
  const t = table as TableLike & {column?: unknown; isFiltered?: unknown; isOrdered?: unknown};
  if (typeof t.column !== "function" || typeof t.isFiltered !== "function" || typeof t.isOrdered !== "function") return null;
  if (t.isFiltered() || t.isOrdered()) return null;
  const column: unknown = t.column(name);
  return isColumn(column) && column.length === rows ? column : null;
}

/** Whether every value is a number, null or undefined (one pass, no copy). */
function numbersOrMissing(values: ArrayLike<unknown>): boolean {
  if (ArrayBuffer.isView(values)) return !(values instanceof BigInt64Array || values instanceof BigUint64Array);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" && v != null) return false;
  }
  return true;
}

const isColumn = (x: unknown): x is ArrayLike<unknown> => Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

/**
 * The source's values of a column, read once and checked by {@link cleanColumn}: a cell that is no number,
 * text, boolean, date or missing value is refused, naming the column and row; a getter or proxy of the
 * user's that throws while the column is read gives an LmmError too. A column of numbers written as text
 * is read as numbers ({@link numericTextColumn}), and its name kept for {@link DataSource.converted}, which
 * lists such columns in the data's order, however they were read.
 */
function cachedValues(names: readonly string[], read: (name: string) => ArrayLike<unknown>): Pick<DataSource, "values" | "converted"> {
  const cache = new Map<string, ArrayLike<unknown>>();
  const converted = new Set<string>();
  return {
    values: (name) => {
      let values = cache.get(name);
      if (values === undefined) {
        const raw = read(name);
        // a column of numbers and missing values (most columns) needs neither cleaning nor conversion
        const plain = reading(`column ${name}`, () => numbersOrMissing(raw));
        values = plain ? raw : reading(`column ${name}`, () => cleanColumn(name, raw));
        const numbers = plain ? null : numericTextColumn(values);
        if (numbers) (values = numbers), converted.add(name);
        cache.set(name, values);
      }
      return values;
    },
    converted: () => names.filter((name) => converted.has(name))
  };
}

export function dataSource(data: unknown): DataSource {
  if (reading("the data", () => isTableLike(data))) {
    const table = data as TableLike;
    const names = columnNames(reading("the column names", () => table.columnNames()));
    const rows = reading("the number of rows", () => table.numRows());
    if (!Number.isSafeInteger(rows) || rows < 0) fail(`invalid data: numRows() gave ${cellText(rows)}; a table's number of rows is a whole number, 0 or more`);
    const set = new Set(names);
    return {
      names,
      rows,
      has: (name) => set.has(name),
      ...cachedValues(names, (name) => {
        const values = reading(`column ${name}`, () => directColumn(table, name, rows) ?? table.array(name));
        if (!isColumn(values)) fail(`invalid data: array("${name}") gave ${describeValue(values)}, not an array; give an Arquero table`);
        if (values.length !== rows) fail(`invalid data: column ${name} has ${values.length} values but numRows() is ${rows}; give a table whose columns have one value per row`);
        return values;
      })
    };
  }
  if (reading("the data", () => Array.isArray(data))) {
    const list = data as Record<string, unknown>[];
    const names: string[] = [];
    const set = new Set<string>();
    const rows = reading("the number of rows", () => list.length);
    let i = 0;
    reading(() => `row ${i + 1}`, () => {
      for (; i < rows; i++) {
        const row = list[i];
        if (row == null || typeof row !== "object") fail(`invalid data: an array of rows must hold objects, got ${cellText(row)} in row ${i + 1}`);
        for (const key of Object.keys(row)) if (!set.has(key)) (set.add(key), names.push(key));
      }
    });
    return {
      names,
      rows,
      has: (name) => set.has(name),
      ...cachedValues(names, (name) => {
        const out = new Array<unknown>(rows);
        let i = 0;
        reading(() => `row ${i + 1} of column ${name}`, () => {
          for (; i < rows; i++) {
            const row = list[i];
            out[i] = Object.prototype.hasOwnProperty.call(row, name) ? row[name] : null;
          }
        });
        return out;
      })
    };
  }
  if (data != null && typeof data === "object") {
    const record = data as Record<string, unknown>;
    const names = reading("the column names", () => Object.keys(record));
    const columns = new Map<string, ArrayLike<unknown>>();
    for (const name of names) {
      const values = reading(`column ${name}`, () => record[name]);
      if (!isColumn(values)) fail(`invalid data: column ${name} is ${describeValue(values)}, not an array; an object of columns needs an array for each column`);
      columns.set(name, values);
    }
    const lengths = new Set([...columns.values()].map((c) => c.length));
    if (lengths.size > 1) fail(`invalid data: columns have different lengths (${[...lengths].join(", ")}); give equal-length arrays`);
    return {
      names,
      rows: names.length ? columns.get(names[0])!.length : 0,
      has: (name) => columns.has(name),
      ...cachedValues(names, (name) => columns.get(name)!)
    };
  }
  if (typeof data === "string") {
    fail(`invalid data: a string of ${data.length} characters, not a table; if it is CSV text, parse it with readCSV(text) first, or give an Arquero table, an array of row objects or an object of column arrays`);
  }
  return fail(`invalid data: ${describeValue(data)}; give an Arquero table, an array of row objects or an object of column arrays`);
}
