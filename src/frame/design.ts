import type {Term} from "../formula/ast.js";
import type {Factor} from "./factor.js";
import {termCodes} from "./term-codes.js";

/** A variable restricted to the model's rows: numbers, or a factor. */
export type FrameVariable = {kind: "numeric"; values: Float64Array} | {kind: "factor"; factor: Factor};

/** Named columns of a model matrix, each of length n. */
export interface DesignColumns {
  names: string[];
  columns: Float64Array[];
  /** For each column, the index of the term it comes from (-1 for the intercept). */
  assign: number[];
}

/**
 * The model matrix of an intercept and terms, with R's coding rules (`model.matrix` with treatment
 * contrasts): a factor in a term is coded by contrasts against its first level when its code is 1 (the term
 * without that factor is empty or contained in an earlier term, {@link termCodes}) and by one indicator per
 * level when it is 2. Without an intercept, the first factor of the first term that has one is coded by
 * indicators instead (so `0 + a + b` gives every level of a and contrasts of b, `0 + x + x:a` every level of
 * a in x:a). Interaction columns vary the first variable fastest and are named like R: `recipeB:temp`.
 *
 * `ones`, when given, is the intercept column (n ones, only read), so that the random-effects terms reuse
 * the fixed-effects' one.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1 (the coding of factors in terms);
 * R Core Team, src/library/stats/src/model.c (`modelmatrix`: the first factor of a model without intercept).
 *
 * @example
 *   // angle ~ recipe * temp: (Intercept), recipeB, recipeC, temp, recipeB:temp, recipeC:temp
 *   designColumns(true, terms, variables, n).names;
 */
export function designColumns(intercept: boolean, terms: Term[], variables: Map<string, FrameVariable>, n: number, ones?: Float64Array): DesignColumns {
  const codes = termCodes(terms);
  if (!intercept) {
    const t = terms.findIndex((term) => term.vars.some((v) => variables.get(v.label)!.kind === "factor"));
    if (t >= 0) codes[t][terms[t].vars.findIndex((v) => variables.get(v.label)!.kind === "factor")] = 2;
  }
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const assign: number[] = [];
  if (intercept) {
    names.push("(Intercept)");
    columns.push(ones ?? new Float64Array(n).fill(1));
    assign.push(-1);
  }
  terms.forEach((term, t) => {
    // the first variable's pieces are the columns themselves (a numeric variable's values shared, not
    // copied: 1 × v is v); each further variable multiplies them
    let parts: {name: string; values: Float64Array}[] = [];
    term.vars.forEach((ref, k) => {
      const pieces = variablePieces(ref.label, variables.get(ref.label)!, codes[t][k] === 1, n);
      if (k === 0) return void (parts = pieces);
      const next: typeof parts = [];
      for (const piece of pieces) {
        for (const part of parts) {
          const values = new Float64Array(n);
          for (let i = 0; i < n; i++) values[i] = part.values[i] * piece.values[i];
          next.push({name: part.name ? `${part.name}:${piece.name}` : piece.name, values});
        }
      }
      parts = next;
    });
    for (const part of parts) {
      names.push(part.name);
      columns.push(part.values);
      assign.push(t);
    }
  });
  return {names, columns, assign};
}

/** The columns one variable contributes to a term: itself, or indicators of its (non-reference) levels. */
function variablePieces(label: string, variable: FrameVariable, contrasts: boolean, n: number) {
  if (variable.kind === "numeric") return [{name: label, values: variable.values}];
  const {levels, codes} = variable.factor;
  const pieces = [];
  for (let l = contrasts ? 1 : 0; l < levels.length; l++) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) if (codes[i] === l) values[i] = 1;
    pieces.push({name: label + levels[l], values});
  }
  return pieces;
}
