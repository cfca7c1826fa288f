/**
 * The formula language's syntax tree and its expanded model specification.
 *
 * `parseFormula` (parse.ts) turns text into a {@link FormulaAST}; `expandFormula` (expand.ts) turns the tree
 * into a {@link ModelSpec}: the response, the fixed-effect terms, offsets and the random-effect terms, with
 * every operator (`*`, `:`, `/`, `^`, `-`, `||`, `0 +`) already applied. Nothing is ever evaluated as code.
 */

/** Character offsets of a node in the formula text, `start` inclusive, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | ({type: "name"; name: string} & Span)
  | ({type: "number"; value: number; text: string} & Span)
  | ({type: "call"; fn: string; args: Expr[]} & Span)
  | ({type: "binary"; op: BinaryOp; left: Expr; right: Expr} & Span)
  | ({type: "unary"; op: UnaryOp; arg: Expr} & Span)
  | ({type: "paren"; expr: Expr} & Span);

export type BinaryOp = "+" | "-" | "*" | "/" | "^" | ":" | "|" | "||" | "%in%" | ComparisonOp | "&" | "&&";

/** R's comparisons; with `&`, `|` and `!` they make logical variables inside `I()`: `I(week > 2)`. */
export type ComparisonOp = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** Signs, and `!` (not). */
export type UnaryOp = "-" | "+" | "!";

/** A parsed formula: `response ~ rhs`. */
export interface FormulaAST {
  text: string;
  response: Expr;
  rhs: Expr;
}

/**
 * One variable of a term: a column, a transform of columns (`log(pcap)`, `I(age^2)`), or `factor(x)`.
 * `label` is R's deparsed text (`log(pcap)`, `I(age^2)`, `factor(sex)`), used in column names.
 * `expr` is what to evaluate: for `factor(x)` it is the inner `x` and `factor` is true.
 * `columns` lists the data columns the variable reads.
 */
export interface VarRef {
  label: string;
  expr: Expr;
  factor: boolean;
  columns: string[];
}

/** An interaction of variables (a main effect has one); `label` is their labels joined by ":". */
export interface Term {
  label: string;
  vars: VarRef[];
}

/** A random-effects term `(intercept + terms | group)`; `||` is already split into one spec per column. */
export interface RandomSpec {
  intercept: boolean;
  terms: Term[];
  /** The grouping columns: one for `g`, several for `g2:g1` (lme4's order from `g1/g2`). */
  group: string[];
  /** `g`, or the columns joined by ":" (`cask:batch`). */
  groupLabel: string;
  /** The text of the term as written, for messages. */
  text: string;
}

/** The expanded formula. Fixed terms are ordered as R orders them (by degree, then as written). */
export interface ModelSpec {
  text: string;
  response: VarRef;
  intercept: boolean;
  terms: Term[];
  /** Inner expressions of `offset(...)` calls. */
  offsets: VarRef[];
  /**
   * For a response `cbind(successes, failures)` (glmer's binomial counts): the two columns or expressions.
   * `response` is then the whole call, which is never evaluated as one variable.
   */
  counts?: [VarRef, VarRef];
  /**
   * In lme4's findbars order: terms as written; `(x || g)` as `(1 | g)` then `(0 + x | g)`; `g1/g2` as `g2:g1`
   * then `g1`. (lme4 later reorders terms by number of levels; that belongs to the model frame.)
   */
  random: RandomSpec[];
  /**
   * The parse tree the spec was expanded from ({@link FormulaAST}, `parseFormula`'s result): the formula as
   * written, before any operator was applied, so that it can be printed as R deparses it
   * (`deparse(tree.response) + " ~ " + deparse(tree.rhs)`) without parsing the text again. Every spec that
   * `formula()` returns has it; a spec built by hand may not.
   */
  tree?: FormulaAST;
}
