/**
 * Error messages of the formula language that point into the formula text.
 *
 * Positions in messages count from 1 (the first character is position 1); {@link Span}s count from 0.
 * Messages quote at most {@link QUOTE_LENGTH} characters of the formula (see {@link quote}).
 */
import {QUOTE_LENGTH, clip, fail, quote} from "../errors.js";
import type {Span} from "./ast.js";

export {quote};

/**
 * Throws `formula syntax error at position P: PROBLEM in "TEXT"`, followed by `: FIX` when a fix is given.
 * A long formula is quoted around the position, cut with "…" on either side.
 *
 * @example
 *   syntaxError("y ~ x + (1 | g))", 15, 'unexpected ")"', 'remove it or add the matching "("');
 *   // LmmError: formula syntax error at position 16: unexpected ")" in "y ~ x + (1 | g))": remove it or add ...
 * @see R Core Team, R Language Definition, section 10.3 (the parser's error positions).
 */
export function syntaxError(text: string, position: number, problem: string, fix?: string): never {
  fail(`formula syntax error at position ${position + 1}: ${problem} in ${around(text, position)}${fix ? `: ${fix}` : ""}`);
}

/** The formula quoted whole when short, otherwise a window of it around `position`. */
function around(text: string, position: number, max: number = QUOTE_LENGTH): string {
  if (text.length <= max || position < max / 2) return quote(text, max);
  const from = Math.max(0, Math.min(position - Math.floor(max / 2), text.length - (max - 1)));
  return JSON.stringify("…" + clip(text.slice(from), max - 1));
}

/** The part of `text` a node covers, as written. Cut it with `clip` before putting it in a message. */
export function written(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The part of `text` a node covers, cut for a message (see `clip` in errors.ts). */
export function shown(text: string, span: Span, max = 60): string {
  return clip(text.slice(span.start, span.end), max);
}
