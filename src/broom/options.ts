import {describeValue, fail, quote} from "../errors.js";

/**
 * The options of a broom-style function, read once each and checked for unknown names: `names` maps every
 * accepted spelling to its canonical name (broom's dotted `conf.int` and the camelCase `confInt` to one
 * option); an unknown name is refused with the nearest accepted one, and two spellings of one option
 * together are refused. Values are checked by the caller.
 *
 * A local reader until the project's generic option reader takes its place.
 *
 * @example
 *   readOptions("tidy", {confInt: true}, {"conf.int": "conf.int", confInt: "conf.int"}); // {"conf.int": true}
 *   readOptions("tidy", {conf: true}, {"conf.int": "conf.int"}); // throws: unknown option "conf" of tidy; did you mean conf.int? …
 */
export function readOptions(fn: string, options: unknown, names: Record<string, string>): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) fail(`invalid options of ${fn}: ${describeValue(options)}; pass an object such as {}`);
  const out: Record<string, unknown> = Object.create(null);
  const given: Record<string, string> = Object.create(null);
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch {
    return fail(`the options of ${fn} cannot be listed; pass a plain object`);
  }
  const accepted = Object.keys(names);
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(names, key)) {
      const near = nearest(key, accepted);
      fail(`unknown option ${quote(key, 40)} of ${fn}; ${near ? `did you mean ${near}? ` : ""}the options are ${accepted.join(", ")}`);
    }
    const canonical = names[key];
    if (given[canonical] !== undefined) fail(`options ${given[canonical]} and ${key} of ${fn} are the same option; give one of them`);
    given[canonical] = key;
    let value: unknown;
    try {
      value = (options as Record<string, unknown>)[key];
    } catch {
      return fail(`reading the option ${key} of ${fn} failed; pass a plain value`);
    }
    if (value !== undefined) out[canonical] = value;
  }
  return out;
}

/** The accepted name nearest to `key` by edit distance (case ignored), if within a third of its length. */
function nearest(key: string, names: string[]): string | null {
  let best: string | null = null, bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) (best = name), (bestDistance = d);
  }
  return bestDistance <= Math.max(2, Math.ceil(key.length / 3)) ? best : null;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  if (a.length > 100 || b.length > 100) return Infinity;
  let prev = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
