/**
 * Model-matrix columns as SQL expressions over the coded rows (see rows.ts): the same coding rules as
 * frame/design.ts (R's `model.matrix` with treatment contrasts), producing for each column a product of
 * factors instead of its values.
 */
import type {Term} from "../formula/ast.js";
import {termCodes} from "../frame/term-codes.js";

/**
 * A variable of the coded rows: a numeric one by its column alias, or a factor by the alias of its level
 * code (0-based, in the order of `levels`).
 */
export type SqlVariable = {kind: "numeric"; alias: string} | {kind: "factor"; alias: string; levels: string[]};

/** A model-matrix column: its name and the SQL factors whose product it is (none: the intercept, 1). */
export interface SqlColumn {
  name: string;
  factors: string[];
  /** The index of its term in the terms given (−1 for the intercept). */
  assign: number;
}

/**
 * The columns of an intercept and terms, named and ordered as {@link designColumns} of frame/design.ts:
 * a factor by contrasts against its first level (code 1) or by all its levels (code 2; without an intercept,
 * the first factor of the first term that has one); interactions vary the first variable fastest.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1; R's `model.matrix`.
 *
 * @example
 *   sqlDesign(true, terms, variables).map((c) => c.name); // ["(Intercept)", "recipeB", "recipeC", "temp", …]
 */
export function sqlDesign(intercept: boolean, terms: Term[], variables: ReadonlyMap<string, SqlVariable>): SqlColumn[] {
  const codes = termCodes(terms);
  if (!intercept) {
    const t = terms.findIndex((term) => term.vars.some((v) => variables.get(v.label)!.kind === "factor"));
    if (t >= 0) codes[t][terms[t].vars.findIndex((v) => variables.get(v.label)!.kind === "factor")] = 2;
  }
  const out: SqlColumn[] = intercept ? [{name: "(Intercept)", factors: [], assign: -1}] : [];
  terms.forEach((term, t) => {
    let parts: {name: string; factors: string[]}[] = [];
    term.vars.forEach((ref, k) => {
      const pieces = variablePieces(ref.label, variables.get(ref.label)!, codes[t][k] === 1);
      if (k === 0) return void (parts = pieces);
      const next: typeof parts = [];
      for (const piece of pieces) {
        for (const part of parts) next.push({name: part.name ? `${part.name}:${piece.name}` : piece.name, factors: [...part.factors, ...piece.factors]});
      }
      parts = next;
    });
    for (const part of parts) out.push({...part, assign: t});
  });
  return out;
}

function variablePieces(label: string, variable: SqlVariable, contrasts: boolean): {name: string; factors: string[]}[] {
  if (variable.kind === "numeric") return [{name: label, factors: [variable.alias]}];
  const pieces = [];
  for (let l = contrasts ? 1 : 0; l < variable.levels.length; l++) {
    pieces.push({name: label + variable.levels[l], factors: [`(CASE WHEN ${variable.alias} = ${l} THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS DOUBLE PRECISION) END)`]});
  }
  return pieces;
}

/**
 * The SQL product of factors (the columns' values multiplied row by row), `1` for none.
 *
 * @example
 *   product(['"v1"', '"v2"']); // '"v1" * "v2"'
 */
export function product(factors: readonly string[]): string {
  return factors.length ? factors.join(" * ") : "CAST(1 AS DOUBLE PRECISION)";
}
