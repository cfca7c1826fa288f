import {labelCodes, type LabelCodes} from "../io/label-codes.js";

/**
 * Factors: a column of category values as integer codes into sorted levels.
 *
 * A level is a label (R's `as.character` of the value): values with the same label are one level, so the
 * number 308 and the text "308" in rows of objects are one Subject, as in R, where a vector of mixed values
 * is a character vector before it is a factor. Levels are sorted as R sorts them in lme4's references
 * (`LC_COLLATE=C`): numerically when every value is a number, otherwise by code point of the label (R's
 * character sort: "10" before "9"); booleans become the levels `FALSE` and `TRUE` as in R.
 *
 * @example
 *   const f = makeFactor(["b", "a", "b"]); // {levels: ["a", "b"], codes: Int32Array [1, 0, 1]}
 *   makeFactor([308, "308", 309]).levels; // ["308", "309"]
 */
export interface Factor {
  levels: string[];
  codes: Int32Array;
}

/** The label of one category value, as R prints it. */
export function levelLabel(value: unknown): string {
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Orders two category values: numbers numerically before anything else, the rest by code point of the
 * label. (A whole column sorts as {@link makeFactor} sorts it: by label as soon as one value is not a number.)
 */
export function compareValues(a: unknown, b: unknown): number {
  const na = typeof a === "number", nb = typeof b === "number";
  if (na && nb) return (a as number) - (b as number);
  if (na !== nb) return na ? -1 : 1;
  return compareLabels(levelLabel(a), levelLabel(b));
}

const compareLabels = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds a factor from values (none missing: drop missing rows first), or from `values[rows[k]]` when the
 * rows are given. One pass gives each distinct value a code in order of appearance (keyed by the number
 * itself when every value is a number, whose label is then unique: `String` tells distinct numbers apart,
 * and a Map's keys equate 0 and −0 as their labels do; by the label otherwise); the levels are then sorted
 * and the codes renumbered.
 */
export function makeFactor(values: ArrayLike<unknown>, rows?: ArrayLike<number>): Factor {
  const coded = labelCodes(values);
  if (coded) {
    const factor = factorOfCodes(coded, rows ?? null, values.length);
    if (factor) return factor;
  }
  const n = rows ? rows.length : values.length;
  let numbers = true;
  for (let k = 0; k < n && numbers; k++) numbers = typeof values[rows ? rows[k] : k] === "number";
  const seen = new Int32Array(n);
  const firsts: unknown[] = [];
  const labels: string[] = [];
  if (numbers) {
    const index = new Map<number, number>();
    for (let k = 0; k < n; k++) {
      const v = values[rows ? rows[k] : k] as number;
      let code = index.get(v);
      if (code === undefined) (code = firsts.length), index.set(v, code), firsts.push(v), labels.push(levelLabel(v));
      seen[k] = code;
    }
  } else {
    const index = new Map<string, number>();
    // rows sorted by group repeat a value: the previous row's code, with no lookup
    let previous: unknown = undefined, previousCode = -1;
    for (let k = 0; k < n; k++) {
      const v = values[rows ? rows[k] : k];
      if (v === previous && typeof v === "string") {
        seen[k] = previousCode;
        continue;
      }
      const label = typeof v === "string" ? v : levelLabel(v);
      let code = index.get(label);
      if (code === undefined) (code = labels.length), index.set(label, code), labels.push(label);
      seen[k] = code;
      (previous = v), (previousCode = code);
    }
  }
  const order = labels.map((_, c) => c);
  if (numbers) order.sort((a, b) => (firsts[a] as number) - (firsts[b] as number));
  else order.sort((a, b) => compareLabels(labels[a], labels[b]));
  const rank = new Int32Array(order.length);
  order.forEach((c, l) => (rank[c] = l));
  const codes = seen;
  for (let k = 0; k < n; k++) codes[k] = rank[seen[k]];
  return {levels: order.map((c) => labels[c]), codes};
}

/**
 * A factor of a text column whose label codes readCSV recorded (io/label-codes.ts), from the codes alone:
 * the labels met in `rows` sorted as {@link makeFactor} sorts labels, each row's code its label's rank, one
 * pass over integers instead of a lookup per row. The same factor as makeFactor's own pass; null when a
 * chosen row is missing (which makeFactor's callers drop first).
 */
function factorOfCodes({ids, labels}: LabelCodes, rows: ArrayLike<number> | null, length: number): Factor | null {
  if (ids.length !== length) return null;
  const n = rows ? rows.length : length;
  const present = new Uint8Array(labels.length);
  for (let k = 0; k < n; k++) {
    const id = ids[rows ? rows[k] : k];
    if (id < 0) return null;
    present[id] = 1;
  }
  const order: number[] = [];
  present.forEach((p, id) => p && order.push(id));
  order.sort((a, b) => compareLabels(labels[a], labels[b]));
  const rank = new Int32Array(labels.length);
  order.forEach((id, l) => (rank[id] = l));
  const codes = new Int32Array(n);
  for (let k = 0; k < n; k++) codes[k] = rank[ids[rows ? rows[k] : k]];
  return {levels: order.map((id) => labels[id]), codes};
}

/**
 * The interaction of factors (`cask:batch`): levels are the combinations present, labelled with the
 * components' labels joined by ":", ordered with the first factor varying slowest (as R's `f1:f2`).
 * A combination is keyed by its codes read as one mixed-radix number (first factor most significant), so
 * that numeric order is R's order; when the product of the numbers of levels passes 2⁵³, by its codes as text.
 *
 * @example
 *   interaction([makeFactor(["a", "b"]), makeFactor(["A", "A"])]).levels; // ["a:A", "b:A"]
 */
export function interaction(factors: Factor[]): Factor {
  if (factors.length === 1) return factors[0];
  const n = factors[0].codes.length;
  const sizes = factors.map((f) => f.levels.length);
  if (sizes.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) return interactionByText(factors);
  const keys = new Float64Array(n);
  for (const [k, f] of factors.entries()) {
    const size = sizes[k], codes = f.codes;
    for (let i = 0; i < n; i++) keys[i] = keys[i] * size + codes[i];
  }
  const distinct = Float64Array.from(new Set(keys)).sort();
  const index = new Map<number, number>();
  distinct.forEach((key, l) => index.set(key, l));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(keys[i])!;
  const levels = Array.from(distinct, (key) => {
    const labels: string[] = [];
    for (let k = factors.length - 1; k >= 0; k--) {
      const c = key % sizes[k];
      labels.push(factors[k].levels[c]);
      key = (key - c) / sizes[k];
    }
    return labels.reverse().join(":");
  });
  return {levels, codes};
}

function interactionByText(factors: Factor[]): Factor {
  const n = factors[0].codes.length;
  const tuples = new Map<string, number[]>();
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const tuple = factors.map((f) => f.codes[i]);
    const key = tuple.join(",");
    keys[i] = key;
    if (!tuples.has(key)) tuples.set(key, tuple);
  }
  const sorted = [...tuples.entries()].sort(([, a], [, b]) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  });
  const index = new Map<string, number>();
  sorted.forEach(([key], i) => index.set(key, i));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(keys[i])!;
  const levels = sorted.map(([, tuple]) => tuple.map((c, k) => factors[k].levels[c]).join(":"));
  return {levels, codes};
}
