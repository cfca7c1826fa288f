/**
 * The parser of the formula language: `response ~ rhs` into a {@link FormulaAST}, by precedence climbing over
 * R's operator table. `|` and `||` bind less tightly than everything but `~`, as in R: `y ~ 1 | g` is
 * `y ~ (1 | g)` and `y ~ x + 1 | g` is `y ~ ((x + 1) | g)`, one random-effects term, as lme4 reads them.
 * Outside parentheses a bar may only make up the whole right-hand side; the response cannot hold one.
 *
 * Limits (limits.ts): at most {@link MAX_FORMULA_LENGTH} characters, {@link MAX_NESTING} levels of
 * parentheses, calls, signs and powers, and {@link MAX_OPERATORS} binary operators.
 */
import {describeValue, fail} from "../errors.js";
import type {BinaryOp, Expr, FormulaAST} from "./ast.js";
import {MAX_FORMULA_LENGTH, MAX_NESTING, MAX_OPERATORS} from "./limits.js";
import {quote, syntaxError} from "./syntax-error.js";
import {tokenize, type Token} from "./tokenize.js";

/**
 * Binding power of the binary operators, lowest first, as in R's `?Syntax`: `|` `||`, `&` `&&`, (prefix `!`),
 * the comparisons, `+ -`, `* /`, `%in%`, `:`. Unary `-` `+` bind tighter than all of these and `^` (right
 * associative) tighter still.
 */
export const binaryPrecedence: ReadonlyMap<string, number> = new Map([
  ["|", 1], ["||", 1], ["&", 2], ["&&", 2],
  ["==", 4], ["!=", 4], ["<", 4], [">", 4], ["<=", 4], [">=", 4],
  ["+", 5], ["-", 5], ["*", 6], ["/", 6], ["%in%", 7], [":", 8],
]);
/** Prefix `!` binds between `&` and the comparisons: `!x > 2` is `!(x > 2)`, `a & !b` is `a & (!b)`. */
export const notPrecedence = 3;
export const unaryPrecedence = 9;
export const powerPrecedence = 10;

const example = '"Reaction ~ Days + (Days | Subject)"';

/**
 * Parses `response ~ rhs`. Errors name the position (from 1) and quote the formula.
 *
 * @example
 *   parseFormula("Reaction ~ Days + (Days | Subject)").rhs.type; // "binary"
 * @see R Core Team, R Language Definition, section 10.4 "Expressions" (operator precedence: `?Syntax`).
 */
export function parseFormula(text: string): FormulaAST {
  checkText(text, "formula", `a string such as ${example}`);
  if (text.trim() === "") fail(`empty formula: write response ~ terms, as in ${example}`);
  const p = parser(text);
  if (p.peek().kind === "~") fail(`formula ${quote(text)} has no response: write it before "~", as in ${example}`);
  const response = p.expression(1);
  const tilde = p.peek();
  if (tilde.kind === "end") fail(`formula ${quote(text)} has no "~": write response ~ terms, as in ${example}`);
  if (tilde.kind !== "~") p.unexpected(tilde, 'expected "~" between the response and the terms');
  p.next();
  const rhs = p.expression(1, true);
  const after = p.peek();
  if (after.kind === "~") syntaxError(text, after.start, 'a second "~"', 'a formula has one "~": response ~ terms');
  if (after.kind !== "end") p.unexpected(after);
  return {text, response, rhs};
}

/**
 * Parses one expression without `~`, such as `I(age^2)` or `log(x + 1)`.
 *
 * @example
 *   parseExpression("x^-1").type; // "binary"
 */
export function parseExpression(text: string): Expr {
  checkText(text, "expression", "a string such as log(x)");
  if (text.trim() === "") fail("empty expression: write a column name or a transform, as in log(x)");
  const p = parser(text);
  const expr = p.expression(1);
  const after = p.peek();
  if (after.kind !== "end") p.unexpected(after);
  return expr;
}

/** Refuses what is not a string, or is longer than {@link MAX_FORMULA_LENGTH}. */
function checkText(text: unknown, what: string, fix: string): asserts text is string {
  if (typeof text !== "string") fail(`invalid ${what}: ${describeValue(text)}; give ${fix}`);
  if (text.length > MAX_FORMULA_LENGTH) {
    fail(`${what} ${quote(text)} has ${text.length} characters; the limit is ${MAX_FORMULA_LENGTH}: ` +
      "shorten it, for example by combining columns in the data");
  }
}

function parser(text: string) {
  const tokens = tokenize(text);
  const operators = tokens.reduce((k, t) => k + (t.kind === "op" ? 1 : 0), 0);
  if (operators > MAX_OPERATORS) {
    fail(`formula ${quote(text)} has ${operators} operators; the limit is ${MAX_OPERATORS}: ` +
      "write fewer terms, for example by combining columns in the data");
  }
  let i = 0;
  /** Parentheses and calls around the current token: bars are allowed inside them. */
  let depth = 0;
  /** Parentheses, calls, signs and powers around the current token, for the nesting limit. */
  let nesting = 0;
  const peek = (): Token => tokens[i];
  const next = (): Token => tokens[i++];

  /** Enters one level of nesting at `token`, refusing to go past {@link MAX_NESTING}. */
  function enter(token: Token): void {
    if (++nesting > MAX_NESTING) {
      syntaxError(text, token.start, `nesting deeper than ${MAX_NESTING} levels`,
        `the limit is ${MAX_NESTING} levels of parentheses, function calls, signs and powers; simplify the formula`);
    }
  }

  function unexpected(token: Token, fix?: string): never {
    if (token.kind === "end") syntaxError(text, token.start, "unexpected end of formula", fix ?? "add a term at the end");
    const shown = text.slice(token.start, token.end);
    if (token.kind === ")" && !fix) syntaxError(text, token.start, 'unexpected ")"', 'remove it or add the matching "("');
    syntaxError(text, token.start, `unexpected "${shown}"`, fix);
  }

  /** `bars`: a bar may stand outside parentheses (the whole right-hand side of a formula). */
  function expression(minPrecedence: number, bars = false): Expr {
    let left = unary();
    for (;;) {
      const token = peek();
      const precedence = token.kind === "op" ? binaryPrecedence.get(token.value) : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      if (precedence === 1 && depth === 0 && !bars) {
        syntaxError(text, token.start, `"${token.value}" outside parentheses`,
          "write random-effects terms in parentheses, as in (Days | Subject)");
      }
      next();
      const right = expression(precedence + 1);
      left = {type: "binary", op: token.value as BinaryOp, left, right, start: left.start, end: right.end};
    }
  }

  function unary(): Expr {
    const token = peek();
    if (token.kind === "op" && token.value === "!") {
      next();
      enter(token);
      const arg = expression(notPrecedence + 1);
      nesting--;
      return {type: "unary", op: "!", arg, start: token.start, end: arg.end};
    }
    if (token.kind === "op" && (token.value === "-" || token.value === "+")) {
      next();
      enter(token);
      const arg = unary();
      nesting--;
      return {type: "unary", op: token.value as "-" | "+", arg, start: token.start, end: arg.end};
    }
    return power();
  }

  function power(): Expr {
    const base = primary();
    const token = peek();
    if (token.kind !== "op" || token.value !== "^") return base;
    next();
    enter(token);
    const exponent = unary();
    nesting--;
    return {type: "binary", op: "^", left: base, right: exponent, start: base.start, end: exponent.end};
  }

  function primary(): Expr {
    const token = next();
    if (token.kind === "number") {
      return {type: "number", value: Number(token.value), text: token.value, start: token.start, end: token.end};
    }
    if (token.kind === "name") {
      if (peek().kind === "(") return call(token);
      return {type: "name", name: token.value, start: token.start, end: token.end};
    }
    if (token.kind === "(") {
      depth++;
      enter(token);
      const expr = expression(1);
      close(token);
      depth--;
      nesting--;
      return {type: "paren", expr, start: token.start, end: tokens[i - 1].end};
    }
    return unexpected(token, token.kind === "end" ? undefined : "expected a term here, such as a column name");
  }

  function call(name: Token): Expr {
    const open = next();
    depth++;
    enter(name);
    const args: Expr[] = [];
    if (peek().kind !== ")") {
      for (;;) {
        args.push(expression(1));
        if (peek().kind !== ",") break;
        next();
      }
    }
    close(open);
    depth--;
    nesting--;
    return {type: "call", fn: name.value, args, start: name.start, end: tokens[i - 1].end};
  }

  function close(open: Token): void {
    const token = peek();
    if (token.kind === ")") {
      next();
      return;
    }
    if (token.kind === "end") syntaxError(text, open.start, 'unclosed "("', 'add the missing ")"');
    unexpected(token, 'expected ")"');
  }

  return {peek, next, expression, unexpected};
}
