/**
 * The one error type of lmm-kit: a lowercase message that names the bad value and the fix.
 *
 * @example
 *   throw new LmmError("unknown column: Dayz (columns are Reaction, Days, Subject)");
 */
export class LmmError extends Error {
  override name = "LmmError";
}

/** The longest message {@link fail} throws (messages stay under 500 characters); a longer one is cut in the middle. */
export const MAX_MESSAGE_LENGTH = 499;

/** How much of a user's text (a formula, a column list, a value) a message quotes by default. */
export const QUOTE_LENGTH = 80;

/**
 * Throws an {@link LmmError} with `message`. Quote user text with {@link quote} so that messages stay short;
 * as a last guard, a message over {@link MAX_MESSAGE_LENGTH} characters is cut in the middle, keeping its
 * start (what is wrong) and its end (the fix).
 */
export function fail(message: string): never {
  throw new LmmError(message.length > MAX_MESSAGE_LENGTH ? middle(message, MAX_MESSAGE_LENGTH) : message);
}

/**
 * `text` cut to at most `max` characters, the cut marked with an ellipsis "…" at the end.
 *
 * @example
 *   clip("a + b + c + d", 8); // "a + b +…"
 */
export function clip(text: string, max: number = QUOTE_LENGTH): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  // never split a surrogate pair
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end) + "…";
}

/**
 * User text as a message quotes it: in double quotes with JSON's escapes, cut by {@link clip} to `max`
 * characters first, so a 10 000-character formula shows as its first 80 characters and "…".
 *
 * @example
 *   quote('y ~ x + "z"');              // "\"y ~ x + \\\"z\\\"\""
 *   quote("y ~ " + "a + ".repeat(99)); // "\"y ~ a + a + … a +…\"" (80 characters inside the quotes)
 */
export function quote(text: string, max: number = QUOTE_LENGTH): string {
  return JSON.stringify(clip(String(text), max));
}

/**
 * A list of names joined by ", " as messages show it, cut after `max` names and at `length` characters.
 *
 * @example
 *   quoteList(["a", "b", "c", "d"], 2); // "a, b, … (4 in all)"
 */
export function quoteList(names: readonly string[], max = 10, length: number = QUOTE_LENGTH * 2): string {
  const shown = names.slice(0, max).map((n) => clip(String(n), 40));
  const more = names.length > max ? `, … (${names.length} in all)` : "";
  return clip(shown.join(", "), length) + more;
}

/** `text` cut to `max` characters by dropping its middle, marked " … ". */
function middle(text: string, max: number): string {
  const mark = " … ";
  const head = Math.ceil((max - mark.length) * 0.6);
  const tail = max - mark.length - head;
  let a = head;
  if (isHighSurrogate(text.charCodeAt(a - 1))) a--;
  let b = text.length - tail;
  if (isLowSurrogate(text.charCodeAt(b))) b++;
  return text.slice(0, a) + mark + text.slice(b);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * A short description of a value of the wrong type, for messages: its type and, for short values, the value.
 *
 * @example
 *   describeValue(42);         // "the number 42"
 *   describeValue(null);       // "null"
 *   describeValue([1, 2]);     // "an array of 2"
 *   describeValue(Symbol("s")); // "a symbol"
 */
export function describeValue(value: unknown): string {
  try {
    return describeType(value);
  } catch {
    // a proxy or a getter that throws
    return "an object that cannot be read";
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return `the string ${quote(value, 40)}`;
    case "number":
    case "boolean":
      return `the ${typeof value} ${String(value)}`;
    case "bigint":
      return `the bigint ${clip(String(value), 40)}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    case "undefined":
      return "undefined";
    default:
      if (value instanceof Date) return "a date";
      if (ArrayBuffer.isView(value)) return "a typed array";
      return "an object";
  }
}
