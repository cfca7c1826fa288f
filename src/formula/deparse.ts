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

/**
 * `expr` as R's `deparse(expr)` writes it in lines (`width.cutoff = 60`): as {@link deparse}, but after a
 * spaced binary operator (`a + `) or a call's `, ` that leaves the line longer than `cutoff` bytes, the line
 * ends there (with its trailing space) and the rest goes on the next, indented four spaces per open break, as
 * R's `linebreak`. `lme4` prints a long formula this way.
 *
 * @example
 *   deparseLines(parseFormula("TICKS ~ factor(YEAR) + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)"));
 *   // ["TICKS ~ factor(YEAR) + scale(HEIGHT) + (1 | BROOD) + (1 | INDEX) + ", "    (1 | LOCATION)"]
 * @see R Core Team, src/main/deparse.c: `deparse2buff` (PP_BINARY), `args2buff`, `linebreak`, `printtab2buff`.
 */
export function deparseLines(expr: Expr | {response: Expr; rhs: Expr}, cutoff = 60): string[] {
  const lines: string[] = [];
  let line = "";
  let startLine = true;
  let indent = 0;
  const print = (text: string) => {
    if (startLine) {
      startLine = false;
      for (let i = 1; i <= indent; i++) line += i <= 4 ? "    " : "  ";
    }
    line += text;
  };
  const lineBreak = (state: {broken: boolean}) => {
    if (new TextEncoder().encode(line).length <= cutoff) return;
    if (!state.broken) {
      state.broken = true;
      indent++;
    }
    lines.push(line);
    line = "";
    startLine = true;
  };
  const write = (e: Expr, parens = false): void => {
    if (parens) {
      print("(");
      write(e);
      print(")");
      return;
    }
    switch (e.type) {
      case "paren":
        print("(");
        write(e.expr);
        print(")");
        return;
      case "call": {
        print(`${e.fn}(`);
        const state = {broken: false};
        e.args.forEach((arg, i) => {
          if (i > 0) {
            print(", ");
            lineBreak(state);
          }
          write(arg);
        });
        if (state.broken) indent--;
        print(")");
        return;
      }
      case "binary": {
        if (!spaced.has(e.op)) {
          print(deparse(e));
          return;
        }
        const p = precedence(e);
        write(e.left, precedence(e.left) < p);
        print(` ${e.op} `);
        const state = {broken: false};
        lineBreak(state);
        write(e.right, precedence(e.right) <= p);
        if (state.broken) indent--;
        return;
      }
      default:
        print(deparse(e));
    }
  };
  if ("rhs" in expr) {
    // a formula: `~` is a spaced binary operator of the lowest precedence
    write(expr.response);
    print(" ~ ");
    const state = {broken: false};
    lineBreak(state);
    write(expr.rhs);
  } else write(expr);
  lines.push(line);
  return lines;
}
