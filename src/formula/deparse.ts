/**
 * Expressions back to text, as R's `deparse` writes them; these strings become term labels and column names.
 */
import type {Expr} from "./ast.js";
import {formatNumber} from "./format-number.js";
import {binaryPrecedence, notPrecedence, powerPrecedence, unaryPrecedence} from "./parse.js";

const atomPrecedence = 11;
const spaced = new Set(["+", "-", "*", "|", "||", "%in%", "&", "&&", "==", "!=", "<", ">", "<=", ">="]);

/**
 * Writes `expr` as R deparses it: spaces around `+ - * | || %in%`, `&`, `&&` and the comparisons, none around
 * `/`, `^` and `:`, calls as
 * `f(a, b)`, numbers via {@link formatNumber}, names bare (backticks dropped, as R's column names for them).
 * Parentheses in the tree are kept; where a tree built by hand needs more, they are added.
 *
 * @example
 *   deparse(parseExpression("I(age ^ 2)"));  // "I(age^2)"
 *   deparse(parseExpression("log(x+1)"));    // "log(x + 1)"
 *   deparse(parseExpression("I(x*1e-3)"));   // "I(x * 0.001)"
 * @see R Core Team, R Internals, `deparse2buff` in src/main/deparse.c.
 */
export function deparse(expr: Expr): string {
  switch (expr.type) {
    case "name":
      return expr.name;
    case "number":
      return formatNumber(expr.value);
    case "paren":
      return `(${deparse(expr.expr)})`;
    case "call":
      return `${expr.fn}(${expr.args.map(deparse).join(", ")})`;
    case "unary":
      if (expr.op === "!") return "!" + wrap(expr.arg, precedence(expr.arg) < notPrecedence);
      return expr.op + wrap(expr.arg, precedence(expr.arg) < unaryPrecedence);
    case "binary": {
      const p = precedence(expr);
      const rightAssociative = expr.op === "^";
      const left = wrap(expr.left, rightAssociative ? precedence(expr.left) <= p : precedence(expr.left) < p);
      const right = wrap(expr.right, rightAssociative ? precedence(expr.right) < unaryPrecedence : precedence(expr.right) <= p);
      return spaced.has(expr.op) ? `${left} ${expr.op} ${right}` : `${left}${expr.op}${right}`;
    }
  }
}

function wrap(expr: Expr, parens: boolean): string {
  return parens ? `(${deparse(expr)})` : deparse(expr);
}

/** How tightly a node binds when printed: operators by R's table, a negative number like a unary minus. */
function precedence(expr: Expr): number {
  if (expr.type === "binary") return expr.op === "^" ? powerPrecedence : binaryPrecedence.get(expr.op) ?? 0;
  if (expr.type === "unary") return expr.op === "!" ? notPrecedence : unaryPrecedence;
  if (expr.type === "number" && (expr.value < 0 || Object.is(expr.value, -0))) return unaryPrecedence;
  return atomPrecedence;
}
