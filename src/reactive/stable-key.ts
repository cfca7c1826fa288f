/**
 * A string that is the same for equal option values, for cache keys: object keys sorted, `undefined`
 * properties left out (so `{REML: undefined}` keys as `{}`), arrays and typed arrays element by element,
 * numbers by value (`-0` apart from `0`), dates by time.
 *
 * Functions (such as `quantile(0.8)`) cannot be compared by their code, which does not show what they
 * close over: one with a string `description` property is keyed by it, any other by its identity, so the
 * same function object hits and a new one (a cell re-running `quantile(0.8)`) misses. Other objects that are
 * not plain (class instances) are keyed by identity too. `identity` gives those objects their numbers.
 *
 * @example
 *   stableKey({b: [1, 2], a: "x"}, ids) === stableKey({a: "x", b: Float64Array.of(1, 2)}, ids); // true
 */
export function stableKey(value: unknown, identity: (o: object) => number): string {
  switch (typeof value) {
    case "undefined":
      return "u";
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "T" : "F";
    case "bigint":
      return `${value}n`;
    case "symbol":
      return `s${JSON.stringify(String(value.description))}`;
    case "function": {
      const description = (value as {description?: unknown}).description;
      return typeof description === "string" ? `f${JSON.stringify(description)}` : `f#${identity(value)}`;
    }
  }
  if (value === null) return "null";
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    const items = value as ArrayLike<unknown>;
    let key = "[";
    for (let i = 0; i < items.length; i++) key += (i ? "," : "") + stableKey(items[i], identity);
    return key + "]";
  }
  if (value instanceof Date) return `d${value.getTime()}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `o#${identity(value as object)}`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableKey(record[k], identity)}`).join(",")}}`;
}

/**
 * Numbers objects by identity, weakly: an object keeps its number while it lives.
 *
 * @example
 *   const ids = identities();
 *   ids(f) === ids(f); // true
 */
export function identities(): (o: object) => number {
  const ids = new WeakMap<object, number>();
  let next = 0;
  return (o) => {
    let id = ids.get(o);
    if (id === undefined) ids.set(o, (id = ++next));
    return id;
  };
}
