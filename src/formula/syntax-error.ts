/**
 * Error messages of the formula language that point into the formula text.
 *
 * Positions in messages count from 1 (the first character is position 1); {@link Span}s count from 0.
 */
import {fail} from "../errors.js";
import type {Span} from "./ast.js";

/**
 * Throws `formula syntax error at position P: PROBLEM in "TEXT"`, followed by `: FIX` when a fix is given.
 *
 * @example
 *   syntaxError("y ~ x + (1 | g))", 15, 'unexpected ")"', 'remove it or add the matching "("');
 *   // LmmError: formula syntax error at position 16: unexpected ")" in "y ~ x + (1 | g))": remove it or add ...
 * @see R Core Team, R Language Definition, section 10.3 (the parser's error positions).
 */
export function syntaxError(text: string, position: number, problem: string, fix?: string): never {
  fail(`formula syntax error at position ${position + 1}: ${problem} in ${quote(text)}${fix ? `: ${fix}` : ""}`);
}

/** The formula text in double quotes, as messages show it. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** The part of `text` a node covers, as written. */
export function written(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}
