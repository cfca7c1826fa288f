/**
 * Random-effects terms `(x | g)` to {@link RandomSpec}s: lme4's `expandDoubleVerts` for `||` and
 * `expandSlash` for nested grouping `g1/g2`.
 */
import {fail} from "../errors.js";
import type {Expr, RandomSpec, Term} from "./ast.js";
import {MAX_RANDOM_TERMS} from "./limits.js";
import {expandTerms, type Bar} from "./terms.js";
import {quote, shown as cut, written} from "./syntax-error.js";

interface Columns {
  intercept: boolean;
  terms: Term[];
}

/**
 * The specs of one random-effects term. The left side is expanded like fixed terms, with an intercept unless
 * removed (`0 + x`, `-1 + x`, `x - 1`). `x || g` is split as lme4 splits it: the intercept alone, then one
 * spec per term without intercept. `g1:g2` is one grouping; `g1/g2` gives the groupings `g2:g1` then `g1`,
 * and `g1/g2/g3` gives `g3:g2:g1`, `g2:g1`, `g1` (lme4's order, most nested first). With both, the `||` split
 * is the outer loop. Every spec keeps the text of the term as written.
 *
 * @example
 *   const {rhs, text} = parseFormula("y ~ (Days || Subject)");
 *   randomSpecs((rhs as {expr: Bar}).expr, text).map((r) => r.intercept); // [true, false]
 * @see Bates, Mächler, Bolker & Walker (2015), Fitting Linear Mixed-Effects Models Using lme4, JSS 67(1),
 *   section 2.1 and table 2; lme4's findbars, expandSlash and expandDoubleVerts.
 */
export function randomSpecs(bar: Bar, text: string): RandomSpec[] {
  const shown = written(text, bar);
  const columns = expandTerms(bar.left, text);
  if (!columns.intercept && columns.terms.length === 0) {
    fail(`random-effects term (${cut(text, bar)}) has no intercept and no terms in ${quote(text)}: ` +
      "write (1 | g) for a random intercept or (0 + x | g) for a random slope");
  }
  const parts: Columns[] = bar.op === "||" ? split(columns) : [columns];
  // counted before the groupings are built: nesting k factors builds k lists of up to k names
  const count = parts.length * nestings(bar.right);
  if (count > MAX_RANDOM_TERMS) {
    fail(`random-effects term (${cut(text, bar)}) splits into ${count} terms; the limit is ` +
      `${MAX_RANDOM_TERMS}: split fewer columns with || or nest fewer factors with /`);
  }
  const groups = groupings(bar.right, bar, text);
  return parts.flatMap((part) => groups.map((group) => ({
    intercept: part.intercept,
    terms: part.terms,
    group,
    groupLabel: group.join(":"),
    text: shown,
  })));
}

/** lme4's expandDoubleVert: `(x + z || g)` = `(1 | g) + (0 + x | g) + (0 + z | g)`. */
function split(columns: Columns): Columns[] {
  const slopes = columns.terms.map((term) => ({intercept: false, terms: [term]}));
  return columns.intercept ? [{intercept: true, terms: []}, ...slopes] : slopes;
}

/** How many groupings the right side of a bar makes: one per level of nesting with `/` (at least one). */
function nestings(expr: Expr): number {
  let k = 1;
  for (let e = expr; ; ) {
    if (e.type === "paren") e = e.expr;
    else if (e.type === "binary" && e.op === "/") {
      k++;
      e = e.left;
    } else return k;
  }
}

/** The groupings of the right side of a bar, each a list of column names, most nested first. */
function groupings(expr: Expr, bar: Bar, text: string): string[][] {
  if (expr.type === "paren") return groupings(expr.expr, bar, text);
  if (expr.type === "name") return [[expr.name]];
  if (expr.type === "binary" && expr.op === ":") {
    return [[...single(expr.left, bar, text), ...single(expr.right, bar, text)]];
  }
  if (expr.type === "binary" && expr.op === "/") {
    const outer = groupings(expr.left, bar, text);
    return [[...single(expr.right, bar, text), ...outer[0]], ...outer];
  }
  return fail(`invalid grouping factor "${cut(text, expr)}" in (${cut(text, bar)}) in ${quote(text)}: ` +
    "use a column name, g1:g2 for an interaction or g1/g2 for nesting");
}

function single(expr: Expr, bar: Bar, text: string): string[] {
  const groups = groupings(expr, bar, text);
  if (groups.length !== 1) {
    fail(`invalid grouping factor "${cut(text, expr)}" in (${cut(text, bar)}) in ${quote(text)}: ` +
      "nesting with / goes from the outermost factor to the innermost, as in g1/g2/g3");
  }
  return groups[0];
}
