import type {Term} from "../formula/ast.js";
import type {Factor} from "./factor.js";

/** A variable restricted to the model's rows: numbers, or a factor. */
export type FrameVariable = {kind: "numeric"; values: Float64Array} | {kind: "factor"; factor: Factor};

/** Named columns of a model matrix, each of length n. */
export interface DesignColumns {
  names: string[];
  columns: Float64Array[];
  /** For each column, the index of the term it comes from (-1 for the intercept). */
  assign: number[];
}

const termKey = (labels: string[]) => [...labels].sort().join("\u0000");

/**
 * The model matrix of an intercept and terms, with R's coding rules (`model.matrix` with treatment
 * contrasts): a factor in a term is coded by contrasts against its first level when the term without that
 * factor is in the model (the intercept standing for the empty term), and by one indicator per level
 * otherwise. Interaction columns vary the first variable fastest and are named like R: `recipeB:temp`.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1 (the coding of factors in terms).
 *
 * @example
 *   // angle ~ recipe * temp: (Intercept), recipeB, recipeC, temp, recipeB:temp, recipeC:temp
 *   designColumns(true, terms, variables, n).names;
 */
export function designColumns(intercept: boolean, terms: Term[], variables: Map<string, FrameVariable>, n: number): DesignColumns {
  const present = new Set(terms.map((t) => termKey(t.vars.map((v) => v.label))));
  if (intercept) present.add(termKey([]));
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const assign: number[] = [];
  if (intercept) {
    names.push("(Intercept)");
    columns.push(new Float64Array(n).fill(1));
    assign.push(-1);
  }
  terms.forEach((term, t) => {
    let parts: {name: string; values: Float64Array}[] = [{name: "", values: new Float64Array(n).fill(1)}];
    term.vars.forEach((ref, k) => {
      const variable = variables.get(ref.label)!;
      const margin = term.vars.filter((_, j) => j !== k).map((v) => v.label);
      const pieces = variablePieces(ref.label, variable, present.has(termKey(margin)), n);
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
