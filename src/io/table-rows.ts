import {describeValue, fail} from "../errors.js";

/** What {@link tableRows} reads of a table: Arquero's column accessors. */
export interface ColumnReader {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

/**
 * The rows of an Arquero table as plain objects, read column by column. Arquero's own `objects()`,
 * iteration and row-function verbs build code with `Function`, which a strict Content-Security-Policy
 * (no `'unsafe-eval'`) refuses; this reads only the column arrays, so it works on such pages. Keys are set
 * as own data properties, so a column named `__proto__` is an ordinary key.
 *
 * Reference: the Arquero API (`columnNames`, `numRows`, `array`); CSP Level 3, §6.1.10 (`script-src` and
 * `'unsafe-eval'`).
 *
 * @example
 *   tableRows(m.varianceTable())[0]; // {grp: "Subject", var1: "(Intercept)", var2: null, vcov: 612.1, sdcor: 24.74}
 */
export function tableRows(table: ColumnReader): Record<string, unknown>[] {
  if (!table || typeof table.columnNames !== "function" || typeof table.array !== "function" || typeof table.numRows !== "function") {
    fail(`invalid table: ${describeValue(table)}; pass an Arquero table (for example m.varianceTable())`);
  }
  const names = table.columnNames();
  const columns = names.map((name) => table.array(name));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows(); i++) {
    const row: Record<string, unknown> = {};
    names.forEach((name, c) => Object.defineProperty(row, name, {value: columns[c][i], enumerable: true, writable: true, configurable: true}));
    rows.push(row);
  }
  return rows;
}
