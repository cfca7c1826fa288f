/**
 * Codes of the text columns {@link readCSV} builds: for each row the index of its label among the column's
 * distinct labels (in order of first appearance; -1 for a missing cell), found while the column is read
 * (the label table hashes each field anyway). A factor of such a column is then coded from integers instead
 * of one Map lookup per row (frame/factor.ts). The column stays editable (a notebook may set
 * `t.column("g")[1] = "x"`, and the fit must see it), so a reader checks each row it uses against its code
 * (`column[r] === labels[ids[r]]`, one comparison of the same string object) and codes the column itself
 * when any row disagrees. A column is registered only when every row's code is known.
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

/** Records the codes of `column` (as read: check them against the column before use). */
export function registerLabelCodes(column: (string | null)[], codes: LabelCodes): void {
  registry.set(column, codes);
}

/** The codes recorded for a text column when it was read, or undefined for any other value. */
export function labelCodes(column: unknown): LabelCodes | undefined {
  return typeof column === "object" && column !== null ? registry.get(column) : undefined;
}
