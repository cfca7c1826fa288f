/**
 * Codes of the text columns {@link readCSV} builds: for each row the index of its label among the column's
 * distinct labels (in order of first appearance; -1 for a missing cell), found while the column is read
 * (the label table hashes each field anyway). A factor of such a column is then coded from integers instead
 * of one Map lookup per row (frame/factor.ts). The column array is frozen when it is registered, so the
 * codes can never disagree with it; a column is registered only when every row's code is known.
 *
 * @example
 *   const t = readCSV("g\na\nb\na\n");
 *   labelCodes(t.column("g")); // {ids: Int32Array [0, 1, 0], labels: ["a", "b"]}
 */
export interface LabelCodes {
  ids: Int32Array;
  labels: readonly string[];
}

const registry = new WeakMap<object, LabelCodes>();

/** Freezes `column` and records its codes. */
export function registerLabelCodes(column: (string | null)[], codes: LabelCodes): void {
  Object.freeze(column);
  registry.set(column, codes);
}

/** The codes of a registered (frozen) text column, or undefined for any other value. */
export function labelCodes(column: unknown): LabelCodes | undefined {
  return typeof column === "object" && column !== null && Object.isFrozen(column) ? registry.get(column) : undefined;
}
