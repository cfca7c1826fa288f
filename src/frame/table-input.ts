/**
 * A table as lmm-kit reads it (`lmer`'s `data`, `augment`'s, `predict`'s newdata):
 * - an Arquero table, or anything with `columnNames()`, `numRows()` and `array(name)`;
 * - an array of row objects, `[{Reaction: 249.56, Days: 0, Subject: "308"}, …]`;
 * - an object of equal-length column arrays, `{Reaction: [249.56, …], Days: [0, …], Subject: ["308", …]}`.
 *
 * Cells are numbers, text, booleans, dates or missing values (null, undefined, NaN). The type says what is
 * accepted; the reader still checks every value at run time (untyped callers, notebooks) and refuses
 * anything else with an error naming the column and the row.
 *
 * Reference: Arquero's `ColumnTable` (`columnNames`, `numRows`, `array`).
 *
 * @example
 *   lmer("Reaction ~ Days + (1 | Subject)", {Reaction: [249.56, 258.7, …], Days: [0, 1, …], Subject: ["308", "308", …]});
 */
export type TableInput = TableLike | readonly object[] | {readonly [column: string]: ArrayLike<unknown>};

/** Anything with Arquero's table methods that lmm-kit reads. */
export interface TableLike {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}
