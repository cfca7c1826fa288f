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

/** Builds a factor from values (none missing: drop missing rows first). */
export function makeFactor(values: ArrayLike<unknown>): Factor {
  const n = values.length;
  const labels: string[] = new Array(n);
  const first = new Map<string, unknown>();
  let numbers = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") numbers = false;
    const label = (labels[i] = levelLabel(v));
    if (!first.has(label)) first.set(label, v);
  }
  const levels = [...first.keys()];
  if (numbers) levels.sort((a, b) => (first.get(a) as number) - (first.get(b) as number));
  else levels.sort(compareLabels);
  const index = new Map<string, number>();
  levels.forEach((l, i) => index.set(l, i));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(labels[i])!;
  return {levels, codes};
}

/**
 * The interaction of factors (`cask:batch`): levels are the combinations present, labelled with the
 * components' labels joined by ":", ordered with the first factor varying slowest (as R's `f1:f2`).
 *
 * @example
 *   interaction([makeFactor(["a", "b"]), makeFactor(["A", "A"])]).levels; // ["a:A", "b:A"]
 */
export function interaction(factors: Factor[]): Factor {
  if (factors.length === 1) return factors[0];
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
