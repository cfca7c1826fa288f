import {fail} from "../errors.js";

/**
 * Read access to the columns of the user's table, never mutating it.
 *
 * Accepts an Arquero table (anything with `columnNames()`, `numRows()` and `array(name)`), an array of row
 * objects, or an object of equal-length column arrays. Column names are looked up as own keys only, so
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
}

interface TableLike {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

const isTableLike = (x: unknown): x is TableLike =>
  x != null && typeof (x as TableLike).columnNames === "function" && typeof (x as TableLike).array === "function";

export function dataSource(data: unknown): DataSource {
  if (isTableLike(data)) {
    const names = data.columnNames();
    const set = new Set(names);
    const cache = new Map<string, ArrayLike<unknown>>();
    return {
      names,
      rows: data.numRows(),
      has: (name) => set.has(name),
      values(name) {
        if (!cache.has(name)) cache.set(name, data.array(name));
        return cache.get(name)!;
      }
    };
  }
  if (Array.isArray(data)) {
    const names: string[] = [];
    const set = new Set<string>();
    for (const row of data) {
      if (row == null || typeof row !== "object") fail("invalid data: an array of rows must hold objects, got " + JSON.stringify(row));
      for (const key of Object.keys(row)) if (!set.has(key)) (set.add(key), names.push(key));
    }
    return {
      names,
      rows: data.length,
      has: (name) => set.has(name),
      values: (name) => data.map((row) => (Object.prototype.hasOwnProperty.call(row, name) ? row[name] : null))
    };
  }
  if (data != null && typeof data === "object") {
    const record = data as Record<string, ArrayLike<unknown>>;
    const names = Object.keys(record);
    const lengths = new Set(names.map((k) => record[k]?.length));
    if (lengths.size > 1) fail(`invalid data: columns have different lengths (${[...lengths].join(", ")}); give equal-length arrays`);
    return {
      names,
      rows: names.length ? record[names[0]].length : 0,
      has: (name) => Object.prototype.hasOwnProperty.call(record, name),
      values: (name) => record[name]
    };
  }
  return fail(`invalid data: ${String(data)}; give an Arquero table, an array of row objects or an object of column arrays`);
}
