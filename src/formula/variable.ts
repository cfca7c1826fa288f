/**
 * One variable of a term ({@link VarRef}): a column, a transform of columns, or `factor(x)`.
 */
import {clip, fail} from "../errors.js";
import type {Expr, VarRef} from "./ast.js";
import {deparse} from "./deparse.js";
import {columnTransforms, transforms, unsupportedFunction} from "./functions.js";
import {quote, shown} from "./syntax-error.js";

const arithmetic = new Set(["+", "-", "*", "/", "^"]);
/** Allowed inside function calls only: `I(week > 2)`, `I(a == 1 & b < 3)`; `|` inside I() only. */
const logicalOperators = new Set(["==", "!=", "<", ">", "<=", ">=", "&", "|"]);

/** Where an expression sits: at a term's top, inside a call, or inside I() (where `|` is the logical or). */
type Context = "term" | "call" | "I";

/**
 * The variable `expr` stands for in formula `text`: a name, `log(...)`, `exp(...)`, `sqrt(...)`, `abs(...)`,
 * `I(...)` or `factor(...)`; inside their arguments only numbers, names, `+ - * / ^`, parentheses and the
 * transforms are allowed. Parentheses around the whole variable are dropped, as R's terms drop them.
 *
 * @example
 *   toVarRef(parseExpression("I(age^2)"), "I(age^2)");
 *   // {label: "I(age^2)", expr: <the call>, factor: false, columns: ["age"]}
 * @see R Core Team, `?formula` (the I() function and arithmetic inside it).
 */
export function toVarRef(expr: Expr, text: string): VarRef {
  if (expr.type === "paren") return toVarRef(expr.expr, text);
  if (expr.type === "name") {
    if (expr.name === ".") fail(`"." (all other columns) is not supported in ${quote(text)}: list the columns by name`);
    return {label: expr.name, expr, factor: false, columns: [expr.name]};
  }
  if (expr.type === "call") {
    if (expr.fn === "factor") {
      const inner = onlyArgument(expr, text);
      checkArithmetic(inner, text, "call");
      return {label: deparse(expr), expr: inner, factor: true, columns: columnsOf(inner)};
    }
    checkArithmetic(expr, text);
    return {label: deparse(expr), expr, factor: false, columns: columnsOf(expr)};
  }
  if (expr.type === "number") {
    fail(`invalid term ${shown(text, expr)} in ${quote(text)}: a term is a column or a transform of columns; ` +
      "only 1 and 0 (intercept or none) may stand alone");
  }
  if ((expr.type === "binary" && logicalOperators.has(expr.op)) || (expr.type === "unary" && expr.op === "!")) {
    fail(`"${shown(text, expr)}" in ${quote(text)} is a comparison or logical expression, which a term cannot be: ` +
      "wrap it in I(), as in I(week > 2) (outside I(), a comparison takes in the + around it)");
  }
  return fail(`"${shown(text, expr)}" cannot be a variable in ${quote(text)}: wrap arithmetic in I(), as in I(a + b)`);
}

/**
 * The data columns `expr` reads, in order of first appearance (function names excluded).
 *
 * @example
 *   columnsOf(parseExpression("I(x * y + x)")); // ["x", "y"]
 */
export function columnsOf(expr: Expr): string[] {
  const names = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.type === "name") names.add(e.name);
    else if (e.type === "call") e.args.forEach(visit);
    else if (e.type === "binary") (visit(e.left), visit(e.right));
    else if (e.type === "unary") visit(e.arg);
    else if (e.type === "paren") visit(e.expr);
  };
  visit(expr);
  return [...names];
}

/**
 * Fails unless `expr` is arithmetic on names and numbers through the whitelisted transforms; inside a call,
 * comparisons and the elementwise `&` and `!` are allowed too, and inside `I()` also `|` (elsewhere a bar
 * makes a random-effects term, as lme4 reads it).
 */
export function checkArithmetic(expr: Expr, text: string, context: Context = "term"): void {
  const inCall = context !== "term";
  switch (expr.type) {
    case "name":
    case "number":
      return;
    case "paren":
      return checkArithmetic(expr.expr, text, context);
    case "unary":
      if (expr.op === "!" && !inCall) {
        fail(`"${shown(text, expr)}" in ${quote(text)} is a logical expression: wrap it in I(), as in I(!x)`);
      }
      return checkArithmetic(expr.arg, text, context);
    case "binary":
      if (expr.op === "&&" || expr.op === "||") {
        fail(`operator "${expr.op}" in "${shown(text, expr)}" compares only the first value, in ${quote(text)}: ` +
          `use ${expr.op === "&&" ? "&" : "|"}, which works row by row`);
      }
      if (logicalOperators.has(expr.op) && inCall && (expr.op !== "|" || context === "I")) {
        checkArithmetic(expr.left, text, context);
        return checkArithmetic(expr.right, text, context);
      }
      if (!arithmetic.has(expr.op)) {
        fail(`operator "${expr.op}" in "${shown(text, expr)}" is not arithmetic, in ${quote(text)}: ` +
          (expr.op === "|" ? "a bar makes a random-effects term, as in (x | g); inside I() it is the logical or"
            : logicalOperators.has(expr.op) ? "wrap the comparison in I(), as in I(week > 2)"
            : "inside I() and other functions use only + - * / ^, comparisons, & and |"));
      }
      checkArithmetic(expr.left, text, context);
      return checkArithmetic(expr.right, text, context);
    case "call":
      if (!transforms.has(expr.fn) && !columnTransforms.includes(expr.fn)) {
        if (expr.fn === "factor" || expr.fn === "offset" || expr.fn === "tag") {
          fail(`${shown(text, expr)} in ${quote(text)} must be a whole term: ` +
            "factor(), offset() and tag() cannot go inside other functions or arithmetic");
        }
        fail(unsupportedFunction(expr.fn, quote(text)));
      }
      return checkArithmetic(onlyArgument(expr, text), text, expr.fn === "I" ? "I" : "call");
  }
}

/** The single argument of a call, or an error naming the call. */
export function onlyArgument(expr: Expr & {type: "call"}, text: string): Expr {
  if (expr.args.length !== 1) {
    fail(`${clip(expr.fn, 40)}() takes one argument, got ${expr.args.length} in "${shown(text, expr)}" in ${quote(text)}: ` +
      `write ${clip(expr.fn, 40)}(x)`);
  }
  return expr.args[0];
}
