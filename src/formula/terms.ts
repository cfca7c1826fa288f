/**
 * R's term algebra (`terms.formula`): the operators `+ - * / : %in% ^`, the intercept rules of `1`, `0` and
 * `- 1`, duplicate removal and the ordering of terms by degree.
 */
import {fail} from "../errors.js";
import type {Expr, Term, VarRef} from "./ast.js";
import {deparse} from "./deparse.js";
import {MAX_POWER, MAX_TERMS} from "./limits.js";
import {checkArithmetic, columnsOf, onlyArgument, toVarRef} from "./variable.js";
import {quote, shown as cut} from "./syntax-error.js";

/** A random-effects term as parsed: `left | right` or `left || right`. */
export type Bar = Expr & {type: "binary"; op: "|" | "||"};

/**
 * Receivers of random-effects terms (`(x | g)`, `tag(x | g)`) and offsets (`offset(x)`) found among the terms
 * joined by `+`; where a receiver is absent, such a term is an error.
 */
export interface TermHooks {
  random?: (bar: Bar) => void;
  offset?: (variable: VarRef) => void;
}

/** The expanded terms of one side of a formula: the intercept and the terms ordered as R orders them. */
export interface ExpandedTerms {
  intercept: boolean;
  terms: Term[];
}

/** A term during expansion: the indices of its variables in order of first appearance, ascending. */
type Bits = number[];

/**
 * Expands the terms of `expr` (a formula's right-hand side, or the left side of a random-effects term) as R's
 * `terms.formula` does: `a*b` = `a + b + a:b`; `(a + b)^2` = `a + b + a:b`; `a/b` = `a + a:b`;
 * `a %in% b` = `a:b`; `- t` removes the term t, `- 1`, `+ 0` and `0 +` the intercept, `1` restores it.
 * Duplicates are dropped (`a:a` = `a`). Terms are sorted by degree, keeping the order of appearance within a
 * degree; the variables of an interaction are ordered by their first appearance in `expr`, so `a + b:a`
 * gives the term `a:b`. Parentheses are transparent. An expansion to more than {@link MAX_TERMS} terms, or a
 * power above {@link MAX_POWER}, is refused.
 *
 * @example
 *   expandTerms(parseExpression("a*b - a"), "a*b - a").terms.map((t) => t.label); // ["b", "a:b"]
 * @see Chambers & Hastie (1992), Statistical Models in S, chapter 2; R's src/library/stats/src/model.c
 *   (EncodeVars, CrossTerms, PowerTerms, NestTerms, DeleteTerms, TrimRepeats).
 */
export function expandTerms(expr: Expr, text: string, hooks: TermHooks = {}): ExpandedTerms {
  const vars: VarRef[] = [];
  const indexOf = new Map<string, number>();
  let intercept = true;

  const variable = (v: VarRef): Bits[] => {
    let k = indexOf.get(v.label);
    if (k === undefined) {
      k = vars.length;
      vars.push(v);
      indexOf.set(v.label, k);
    }
    return [[k]];
  };

  /** `top`: reached from the whole side through `+` only; `parity`: false on the right of a `-`. */
  const encode = (e: Expr, top: boolean, parity: boolean): Bits[] => {
    switch (e.type) {
      case "paren":
        return encode(e.expr, top, parity);
      case "number":
        if (e.value === 1 || e.value === 0) {
          intercept = (e.value === 1) === parity;
          return [];
        }
        return variable(toVarRef(e, text));
      case "name":
        return variable(toVarRef(e, text));
      case "unary":
        if (e.op === "!") return variable(toVarRef(e, text));
        if (e.op === "+") return encode(e.arg, top, parity);
        encode(e.arg, false, !parity);
        return [];
      case "call":
        if (e.fn === "tag") return random(tagged(e, text), top);
        if (e.fn === "offset") return offset(e, top);
        return variable(toVarRef(e, text));
      case "binary":
        return binary(e as Expr & {type: "binary"}, top, parity);
    }
  };

  /**
   * A chain `t1 + t2 - t3 + …` (a left-deep tree of `+` and `-`), walked in a loop rather than by recursion
   * and collected in one list: long sums cost time in proportion to their length and no stack.
   */
  const sum = (e: Expr & {type: "binary"}, top: boolean, parity: boolean): Bits[] => {
    const spine: (Expr & {type: "binary"})[] = [];
    let node: Expr = e;
    while (node.type === "binary" && (node.op === "+" || node.op === "-")) {
      spine.push(node);
      node = node.left;
    }
    let list = encode(node, top, parity);
    const keys = new Set(list.map(key));
    for (let k = spine.length - 1; k >= 0; k--) {
      const {op, right: r} = spine[k];
      const right = encode(r, top && op === "+", op === "-" ? !parity : parity);
      if (op === "+") {
        for (const t of right) {
          const id = key(t);
          if (keys.has(id)) continue;
          keys.add(id);
          list.push(t);
        }
        limit(list);
      } else if (right.length > 0) {
        const removed = new Set(right.map(key));
        list = list.filter((t) => !removed.has(key(t)));
        removed.forEach((id) => keys.delete(id));
      }
    }
    return list;
  };

  const FORMULA_OPERATORS = new Set(["*", ":", "%in%", "/", "^"]);
  const binary = (e: Expr & {type: "binary"}, top: boolean, parity: boolean): Bits[] => {
    if (e.op === "|" || e.op === "||") return random(e as Bar, top);
    if (e.op === "+" || e.op === "-") return sum(e, top, parity);
    // a comparison or logical operator outside I(): toVarRef refuses it with the fix
    if (!FORMULA_OPERATORS.has(e.op)) return variable(toVarRef(e, text));
    // a term inside *, :, /, %in% or ^ is not joined by + alone
    const left = encode(e.left, false, parity);
    if (e.op === "^") return power(left, exponent(e, text), limit);
    const right = encode(e.right, false, parity);
    switch (e.op) {
      case "*":
        return limit(unique([...left, ...right, ...cross(left, right, limit)]));
      case ":":
        return cross(left, right, limit);
      case "%in%": {
        const all = union(right);
        return unique(left.map((t) => or(t, all)));
      }
      case "/": {
        const all = union(left);
        return limit(unique([...left, ...right.map((t) => or(all, t))]));
      }
    }
    return [];
  };

  /** Refuses a list of more than {@link MAX_TERMS} terms. */
  const limit = (terms: Bits[]): Bits[] => {
    if (terms.length > MAX_TERMS) {
      fail(`${quote(text)} expands to more than ${MAX_TERMS} terms; the limit is ${MAX_TERMS}: ` +
        "cross fewer variables with * or ^, or combine columns in the data");
    }
    return terms;
  };

  const random = (bar: Bar, top: boolean): Bits[] => {
    const shown = cut(text, bar);
    if (!hooks.random) {
      fail(`random-effects term (${shown}) cannot go inside another random-effects term in ${quote(text)}: ` +
        "write each one separately, joined with +");
    }
    if (!top) {
      fail(`random-effects term (${shown}) must be joined to the other terms with + in ${quote(text)}: ` +
        "write it as in y ~ x + (1 | g)");
    }
    hooks.random(bar);
    return [];
  };

  const offset = (e: Expr & {type: "call"}, top: boolean): Bits[] => {
    const shown = cut(text, e);
    if (!hooks.offset) {
      fail(`${shown} cannot go inside a random-effects term in ${quote(text)}: add the offset to the fixed terms`);
    }
    if (!top) fail(`${shown} must be joined to the other terms with + in ${quote(text)}: write y ~ x + ${shown}`);
    const inner = onlyArgument(e, text);
    checkArithmetic(inner, text);
    // like I(), an offset's argument is arithmetic: offset(age / 10)
    hooks.offset(inner.type === "paren" || inner.type === "name" || inner.type === "call" ? toVarRef(inner, text)
      : {label: deparse(inner), expr: inner, factor: false, columns: columnsOf(inner)});
    return [];
  };

  const bits = encode(expr, true, true);
  const terms = bits
    .map((b) => ({vars: b.map((k) => vars[k])}))
    .sort((a, b) => a.vars.length - b.vars.length)
    .map(({vars: v}) => ({label: v.map((x) => x.label).join(":"), vars: v}));
  return {intercept, terms};
}

/** The random-effects term inside `tag(x | g)` (Zelig's spelling of `(x | g)`). */
function tagged(e: Expr & {type: "call"}, text: string): Bar {
  let inner = e.args.length === 1 ? e.args[0] : undefined;
  while (inner?.type === "paren") inner = inner.expr;
  if (inner?.type !== "binary" || (inner.op !== "|" && inner.op !== "||")) {
    fail(`${cut(text, e)} in ${quote(text)} is not a random-effects term: write tag(x | g), as in tag(1 | state)`);
  }
  return inner as Bar;
}

/** The whole number n of `(terms)^n`, from 1 to {@link MAX_POWER}. */
function exponent(e: Expr & {type: "binary"}, text: string): number {
  let right = e.right;
  while (right.type === "paren") right = right.expr;
  if (right.type !== "number" || !Number.isInteger(right.value) || right.value < 1) {
    fail(`"^" in "${cut(text, e)}" needs a positive whole number on its right in ${quote(text)}: ` +
      "write (a + b + c)^2 for interactions, or I(x^2) for the square of a column");
  }
  if (right.value > MAX_POWER) {
    fail(`power ${right.text} in "${cut(text, e)}" is above the limit of ${MAX_POWER} in ${quote(text)}: ` +
      "(a + b + c)^3 already has every interaction of three variables; for the power of a column write I(x^2)");
  }
  return right.value;
}

/**
 * R's PowerTerms: `t^n` crosses the terms with themselves n - 1 times. Each round keeps the terms of the
 * round before, so once a round changes nothing the rest change nothing either and the loop stops.
 */
function power(terms: Bits[], n: number, limit: (terms: Bits[]) => Bits[]): Bits[] {
  let result = terms;
  for (let i = 1; i < n; i++) {
    const next = cross(terms, result, limit);
    if (next.length === result.length && next.every((t, k) => key(t) === key(result[k]))) break;
    result = next;
  }
  return result;
}

/** The distinct unions of a term of `left` and one of `right`, in order; `limit` refuses too many. */
function cross(left: Bits[], right: Bits[], limit: (terms: Bits[]) => Bits[]): Bits[] {
  const seen = new Map<string, Bits>();
  for (const l of left) {
    for (const r of right) {
      const t = or(l, r);
      const k = key(t);
      if (seen.has(k)) continue;
      seen.set(k, t);
      if (seen.size > MAX_TERMS) limit([...seen.values()]);
    }
  }
  return [...seen.values()];
}

function or(a: Bits, b: Bits): Bits {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** All the variables of `terms`, ascending. */
function union(terms: Bits[]): Bits {
  return [...new Set(terms.flat())].sort((x, y) => x - y);
}

function key(t: Bits): string {
  return t.join(",");
}

function unique(terms: Bits[]): Bits[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
