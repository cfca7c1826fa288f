/**
 * The last results of the formula's costly transforms (`log`, `exp`: correctly rounded, a double-double
 * series per value, about 1 µs each), so that refitting a model on the same data, as a notebook does at every
 * slider move, does not compute them again. A result is reused only for an argument equal to the one it was
 * computed from, value by value (one comparison per value, against a copy the cache keeps), so an edited
 * column is always transformed anew. At most {@link MAX_ENTRIES} results of at most {@link MAX_VALUES} values
 * in all are kept; the oldest go first.
 *
 * @example
 *   transformed("log", logRounded, Float64Array.of(1, 10)); // computed: [0, 2.302585092994046]
 *   transformed("log", logRounded, Float64Array.of(1, 10)); // the same values, from the cache (a copy)
 */

/** Most results kept. */
export const MAX_ENTRIES = 16;
/** Most argument values kept, over all results (with as many results: 2 × 8 bytes each). */
export const MAX_VALUES = 4_000_000;
/** The transforms worth caching: those much slower than comparing their argument. */
const CACHED = new Set(["log", "exp"]);

interface Entry {
  name: string;
  input: Float64Array;
  output: Float64Array;
}

const entries: Entry[] = [];
let held = 0;

/** `f` applied to each value of `x` (named `name` for the cache), from the cache when `x` was seen last. */
export function transformed(name: string, f: (x: number) => number, x: Float64Array): Float64Array {
  if (!CACHED.has(name) || x.length > MAX_VALUES) return x.map(f);
  const k = entries.findIndex((e) => e.name === name && sameValues(e.input, x));
  if (k >= 0) {
    const [entry] = entries.splice(k, 1);
    entries.push(entry);
    return entry.output.slice();
  }
  const output = x.map(f);
  entries.push({name, input: x.slice(), output: output.slice()});
  held += x.length;
  while (entries.length > MAX_ENTRIES || held > MAX_VALUES) held -= entries.shift()!.input.length;
  return output;
}

/** Whether two arrays hold the same values (NaN equal to NaN; −0 equal to 0, on which log and exp agree). */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const u = a[i], v = b[i];
    if (u !== v && !(u !== u && v !== v)) return false;
  }
  return true;
}
