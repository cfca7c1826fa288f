/**
 * Factors: a column of category values as integer codes into sorted levels.
 *
 * Levels are sorted as R sorts them in lme4's references (`LC_COLLATE=C`): numbers numerically, everything
 * else by code point; booleans become the levels `FALSE` and `TRUE` as in R.
 *
 * @example
 *   const f = makeFactor(["b", "a", "b"]); // {levels: ["a", "b"], codes: Int32Array [1, 0, 1]}
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

/** Orders category values: numbers numerically before anything else, the rest by code point of the label. */
export function compareValues(a: unknown, b: unknown): number {
  const na = typeof a === "number", nb = typeof b === "number";
  if (na && nb) return (a as number) - (b as number);
  if (na !== nb) return na ? -1 : 1;
  const la = levelLabel(a), lb = levelLabel(b);
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** Builds a factor from values (none missing: drop missing rows first). */
export function makeFactor(values: ArrayLike<unknown>): Factor {
  const seen = new Map<string, unknown>();
  for (let i = 0; i < values.length; i++) {
    const key = keyOf(values[i]);
    if (!seen.has(key)) seen.set(key, values[i]);
  }
  const distinct = [...seen.values()].sort(compareValues);
  const index = new Map<string, number>();
  distinct.forEach((v, i) => index.set(keyOf(v), i));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(keyOf(values[i]))!;
  return {levels: distinct.map(levelLabel), codes};
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

function keyOf(value: unknown): string {
  return (typeof value === "number" ? "n" : "s") + levelLabel(value);
}
