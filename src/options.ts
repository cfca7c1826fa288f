/**
 * The one reader of option bags: every public function that takes `options` reads them here, so that an
 * unknown or misspelt option is an error naming it and the nearest valid one, never silently ignored.
 */
import {clip, describeValue, fail, quote, quoteList} from "./errors.js";

/** What a reader says about names that are not options: renamed ones and ones refused with a reason. */
export interface OptionHints {
  /** Names users are likely to write for an option of another name: `{n: "nsim", "na.action": "naAction"}`. */
  renamed?: Readonly<Record<string, string>>;
  /** Names refused with their own explanation and fix, such as glmer's `family` in lmer. */
  refused?: Readonly<Record<string, string>>;
  /** How the message lists the options, when not all of `known` (the marks: theirs, then "Plot's mark options"). */
  listed?: string;
}

/**
 * The option names of an options interface, checked by the compiler against it: the object must name every
 * option of `T` and nothing else, so a new option cannot be added to the interface and forgotten here.
 *
 * @example
 *   const SETX_OPTIONS = optionNames<SetxOptions>({data: true, center: true}); // ["data", "center"]
 */
export function optionNames<T>(names: {[K in keyof Required<T>]: true}): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/**
 * The options of a public function, checked and read once each (a getter is not called twice): `undefined`
 * is no options; anything but a plain object (an array, a string, null, …) is refused with
 * {@link describeValue}; an own key that is not in `known` is refused, naming it and the nearest known name
 * (see {@link nearestNames}) or the option it was renamed to, and listing the options; a name of `refused`
 * gets its own message. Keys are listed and values read inside guards, so a proxy whose traps throw is
 * refused with an LmmError rather than its own error. Returns a plain object holding the known options
 * that are not undefined.
 *
 * Reference: Observable Plot's `invalid ${name}` messages; R's `match.arg`, which names the choices.
 *
 * @example
 *   readOptions({center: "median"}, ["center", "data"], "setx"); // {center: "median"}
 *   readOptions({centre: "median"}, ["center", "data"], "setx");
 *   // throws 'unknown option "centre" of setx; did you mean "center"? The options are center, data'
 */
export function readOptions<T extends object>(options: T | undefined, known: readonly string[], where: string, hints: OptionHints = {}): Partial<T> {
  if (options === undefined) return {};
  let plain = false;
  try {
    plain = options !== null && typeof options === "object" && !Array.isArray(options) && !ArrayBuffer.isView(options);
  } catch {
    // a revoked proxy: Array.isArray throws
  }
  if (!plain) {
    fail(`invalid options of ${where}: ${describeValue(options)}; pass an object such as {${known[0] ?? ""}: …}, or nothing`);
  }
  let names: string[];
  try {
    names = Object.keys(options);
  } catch (e) {
    fail(`the options of ${where} cannot be listed (${errorText(e)}); pass a plain object`);
  }
  for (const name of names) {
    if (known.includes(name)) continue;
    if (hints.refused && Object.hasOwn(hints.refused, name)) fail(hints.refused[name]);
    const renamed = hints.renamed && Object.hasOwn(hints.renamed, name) ? hints.renamed[name] : undefined;
    const nearest = renamed !== undefined ? [renamed] : nearestNames(name, known);
    const guess = nearest.length ? `; did you mean ${nearest.map((n) => quote(n, 40)).join(" or ")}?` : ";";
    fail(`unknown option ${quote(name, 40)} of ${where}${guess} ${nearest.length ? "The" : "the"} options are ${hints.listed ?? quoteList(known, 20)}`);
  }
  const read: Record<string, unknown> = {};
  for (const name of known) {
    let value: unknown;
    try {
      value = (options as Record<string, unknown>)[name];
    } catch (e) {
      fail(`reading the option ${name} of ${where} failed (${errorText(e)}); pass a plain value`);
    }
    if (value !== undefined) read[name] = value;
  }
  return read as Partial<T>;
}

/**
 * The known names nearest to a misspelt one: a name equal but for case first; otherwise those at the
 * smallest optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions, each edit
 * counting 1) when that distance is at most 2 and at most half the misspelt name's length; none otherwise.
 *
 * Reference: Damerau (1964), "A technique for computer detection and correction of spelling errors",
 * CACM 7(3), 171–176; Boytsov (2011), ACM JEA 16, §2 (the restricted edit distance).
 *
 * @example
 *   nearestNames("reml", ["REML", "weights"]);  // ["REML"]
 *   nearestNames("centre", ["center", "data"]); // ["center"]
 *   nearestNames("family", ["REML", "weights"]); // []
 */
export function nearestNames(name: string, known: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const sameCase = known.filter((k) => k.toLowerCase() === lower);
  if (sameCase.length) return sameCase;
  const limit = Math.min(2, Math.floor(name.length / 2));
  let best = limit + 1;
  let out: string[] = [];
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), best + 1);
    if (d < best) {
      best = d;
      out = [k];
    } else if (d === best && d <= limit) {
      out.push(k);
    }
  }
  return best <= limit ? out : [];
}

/** The optimal-string-alignment distance of `a` and `b`, or `cap` as soon as it is known to be at least `cap`. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const m = a.length, n = b.length;
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({length: n + 1}, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= cap) return cap;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[n], cap);
}

function errorText(e: unknown): string {
  try {
    return clip(e instanceof Error ? String(e.message) : String(e));
  } catch {
    return "an error that cannot be shown";
  }
}

/**
 * An option that must be an AbortSignal (anything with a boolean `aborted` and a `throwIfAborted` method,
 * as signals from another realm are), or an error naming what was given.
 *
 * @example
 *   readSignal(new AbortController().signal); // the signal
 *   readSignal("stop");                        // LmmError: invalid signal: the string "stop"; pass an AbortSignal, …
 */
export function readSignal(value: unknown): AbortSignal {
  const s = value as {aborted?: unknown; throwIfAborted?: unknown} | null;
  let ok = false;
  try {
    ok = s !== null && typeof s === "object" && typeof s.aborted === "boolean" && typeof s.throwIfAborted === "function";
  } catch {
    ok = false;
  }
  if (!ok) fail(`invalid signal: ${describeValue(value)}; pass an AbortSignal, such as new AbortController().signal`);
  return value as AbortSignal;
}
