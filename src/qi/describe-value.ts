/**
 * A value for a message: strings quoted, functions and objects named.
 *
 * @example
 *   describe("old"); // "\"old\""
 *   describe([1, "a"]); // "[1, \"a\"]"
 */
export function describe(v: unknown): string {
  if (typeof v === "function") return "a function";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(", ")}]`;
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}
