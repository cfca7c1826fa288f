/**
 * A parsed formula to its {@link ModelSpec}: response, fixed terms, offsets and random-effects terms.
 */
import {clip, fail} from "../errors.js";
import type {FormulaAST, ModelSpec, RandomSpec, VarRef} from "./ast.js";
import {MAX_RANDOM_TERMS} from "./limits.js";
import {randomSpecs} from "./random.js";
import {expandTerms} from "./terms.js";
import {quote} from "./syntax-error.js";
import {checkArithmetic, columnsOf, toVarRef} from "./variable.js";
import {deparse} from "./deparse.js";
import type {Expr} from "./ast.js";

/**
 * Expands a parsed formula as lme4's `lFormula` does: the fixed part by R's `terms.formula` rules
 * (see {@link expandTerms}), the random-effects terms `(x | g)`, `(x || g)`, `tag(x | g)` anywhere among the
 * terms joined by `+` in order of appearance (see {@link randomSpecs}), and `offset(x)` terms into `offsets`.
 *
 * @example
 *   const spec = expandFormula(parseFormula("Reaction ~ Days + (Days | Subject)"));
 *   spec.terms.map((t) => t.label);  // ["Days"]
 *   spec.random[0].groupLabel;       // "Subject"
 *   spec.tree.rhs.type;              // "binary": the parse tree it was expanded from, kept for printing
 * @see Bates, Mächler, Bolker & Walker (2015), Fitting Linear Mixed-Effects Models Using lme4, JSS 67(1),
 *   section 2; R Core Team, `?formula`.
 */
export function expandFormula(ast: FormulaAST): ModelSpec {
  const {text} = ast;
  const bareResponse = ast.response.type === "paren" ? ast.response.expr : ast.response;
  const counts = bareResponse.type === "call" && bareResponse.fn === "cbind" ? countsOf(bareResponse, text) : undefined;
  const response = counts
    ? {label: deparse(bareResponse), expr: bareResponse, factor: false, columns: [...new Set([...counts[0].columns, ...counts[1].columns])]}
    : responseRef(ast.response, text);
  if (response.factor) fail(`the response ${clip(response.label, 60)} in ${quote(text)} cannot be a factor: use a numeric column`);
  const random: RandomSpec[] = [];
  const offsets: VarRef[] = [];
  const {intercept, terms} = expandTerms(ast.rhs, text, {
    random: (bar) => {
      random.push(...randomSpecs(bar, text));
      if (random.length > MAX_RANDOM_TERMS) {
        fail(`${quote(text)} has more than ${MAX_RANDOM_TERMS} random-effects terms (after splitting || and /); ` +
          `the limit is ${MAX_RANDOM_TERMS}: write fewer random-effects terms`);
      }
    },
    offset: (variable) => offsets.push(variable),
  });
  return {text, response, intercept, terms, offsets, random, tree: ast, ...(counts ? {counts} : {})};
}

/**
 * The response: a variable as on the right-hand side, or, as R allows on the left, arithmetic on columns
 * without I() (`incidence / size`, glmer's proportions; `log(y) - 1`).
 *
 * @example
 *   responseRef(parseExpression("incidence / size"), "incidence / size ~ 1").columns; // ["incidence", "size"]
 */
function responseRef(expr: Expr, text: string): VarRef {
  const bare = expr.type === "paren" ? expr.expr : expr;
  if (bare.type === "binary" || (bare.type === "unary" && bare.op === "-")) {
    checkArithmetic(bare, text);
    return {label: deparse(bare), expr: bare, factor: false, columns: columnsOf(bare)};
  }
  return toVarRef(expr, text);
}

/**
 * The two arguments of a binomial response `cbind(successes, failures)`, each a column or arithmetic on columns
 * (`cbind(incidence, size - incidence)`).
 *
 * @example
 *   countsOf(parseExpression("cbind(s, n - s)"), "cbind(s, n - s) ~ x").map((r) => r.label); // ["s", "n - s"]
 */
function countsOf(call: Extract<Expr, {type: "call"}>, text: string): [VarRef, VarRef] {
  if (call.args.length !== 2) {
    fail(`cbind() in the response of ${quote(text)} takes two arguments, successes and failures, got ${call.args.length}: write cbind(successes, failures), such as cbind(incidence, size - incidence)`);
  }
  return [responseRef(call.args[0], text), responseRef(call.args[1], text)];
}
