import {fail} from "../errors.js";
import type {ModelSpec, VarRef} from "../formula/ast.js";
import {makeFactor} from "../frame/factor.js";
import type {ModelFrame} from "../frame/frame.js";
import {dataSource} from "../frame/source.js";
import {evaluateVariable} from "../frame/variables.js";

/**
 * The variables of a formula that a prediction evaluates: the fixed-effect terms' variables, and (for
 * conditional predictions) those of the random-effects terms, each label once.
 */
export function formulaVariables(spec: ModelSpec, random: boolean): VarRef[] {
  const seen = new Map<string, VarRef>();
  for (const term of spec.terms) for (const v of term.vars) if (!seen.has(v.label)) seen.set(v.label, v);
  if (random) for (const r of spec.random) for (const term of r.terms) for (const v of term.vars) if (!seen.has(v.label)) seen.set(v.label, v);
  return [...seen.values()];
}

/**
 * The levels of every factor variable of a model, as the fit coded them, recomputed from the table the model
 * was fitted to: the model frame keeps the levels of grouping factors but not those of factors among the
 * variables (their reference level appears in no column name), so a prediction that must code a factor as
 * the fit did is given the training table. The table is checked to be the model's: the same number of rows
 * and the same response values in the rows the fit used.
 *
 * Levels are those of the rows used by the fit, sorted as the frame sorts them (`makeFactor`), so codes and
 * column names agree with the fit exactly.
 *
 * Reference: R's `model.frame` / `.getXlevels` (the levels a fit records for `predict`); Chambers & Hastie
 * (1992), Statistical Models in S, §2.4.1 (coding factors by contrasts).
 *
 * @example
 *   trainingLevels(model.structure.frame, exam).get("schgend"); // ["boys", "girls", "mixed"]
 */
export function trainingLevels(frame: ModelFrame, data: unknown): Map<string, string[]> {
  const source = dataSource(data);
  if (source.rows !== frame.sourceRows) {
    fail(`the data has ${source.rows} rows but the model was fitted to a table of ${frame.sourceRows}; pass the table the model was fitted to as data`);
  }
  const response = evaluateVariable(frame.spec.response, source);
  const rows = frame.rows;
  for (let i = 0; i < rows.length; i++) {
    const y = response.kind === "numeric" ? response.values[rows[i]] : Number(response.values[rows[i]]);
    if (!Object.is(y, frame.y[i])) {
      fail(`the data is not the table the model was fitted to: ${frame.responseName} is ${y} in row ${rows[i] + 1}, the fit used ${frame.y[i]}; pass the table the model was fitted to as data`);
    }
  }
  const levels = new Map<string, string[]>();
  for (const ref of formulaVariables(frame.spec, true)) {
    const v = evaluateVariable(ref, source);
    if (v.kind === "category") levels.set(ref.label, makeFactor(Array.from(rows, (r) => v.values[r])).levels);
  }
  return levels;
}
