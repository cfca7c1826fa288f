import type {Expr, VarRef} from "../formula/ast.js";
import {evaluate, isLogical} from "../formula/evaluate.js";
import type {ColumnScales} from "../formula/functions.js";
import {clip, fail} from "../errors.js";
import {cellText, refuseDates} from "./cells.js";
import type {DataSource} from "./source.js";

/**
 * A formula variable evaluated on every row of the source: numbers (NaN where missing) or categories
 * (null where missing).
 */
export type Variable =
  | {kind: "numeric"; label: string; values: Float64Array}
  | {kind: "category"; label: string; values: unknown[]};

/** Whether a cell counts as missing: null, undefined, NaN, an empty string or an invalid date (R's `NA`). */
export const isMissing = (v: unknown): boolean =>
  v == null || (typeof v === "number" && Number.isNaN(v)) || v === "" || (v instanceof Date && Number.isNaN(v.getTime()));

/** Whether every present value of a column is a number. */
export function isNumericColumn(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isMissing(v) && typeof v !== "number") return false;
  }
  return true;
}

/**
 * A column of numbers and missing values as a Float64Array (NaN where missing), in one pass; null as soon
 * as a value is anything else (text, a boolean, a date), which the caller then reads as it must.
 */
function numbersOf(values: ArrayLike<unknown>): Float64Array | null {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number") out[i] = v;
    else if (isMissing(v)) out[i] = NaN;
    else return null;
  }
  return out;
}

/** Names the columns of the source for an "unknown column" message. */
function unknownColumn(name: string, source: DataSource): never {
  if (source.rows === 0 && source.names.length === 0) fail(`unknown column: ${clip(name)}: the data has no rows; give a table with at least one row`);
  const shown = source.names.slice(0, 20).join(", ") + (source.names.length > 20 ? ", …" : "");
  return fail(`unknown column: ${clip(name)} (the data has ${shown}); check the spelling or add the column`);
}

/** A source column as numbers, refusing text. */
export function numericColumn(source: DataSource, name: string, usedIn: string): Float64Array {
  if (!source.has(name)) unknownColumn(name, source);
  const values = source.values(name);
  refuseDates(name, values, usedIn);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number") out[i] = v;
    else if (isMissing(v)) out[i] = NaN;
    else fail(`column ${name} holds text (${cellText(v)}) but ${usedIn} needs numbers; convert it or use it as a factor`);
  }
  return out;
}

/**
 * Evaluates a variable of the formula on every row. `scale(…)` calls use the centre and scale in `scales`
 * when it has them (a fitted model's, for new data) and record theirs in it otherwise.
 *
 * @example
 *   evaluateVariable({label: "log(gsp)", expr, factor: false, columns: ["gsp"]}, source).kind; // "numeric"
 */
export function evaluateVariable(ref: VarRef, source: DataSource, scales?: ColumnScales): Variable {
  const n = source.rows;
  const expr = stripParens(ref.expr);
  if (expr.type === "name") {
    if (!source.has(expr.name)) unknownColumn(expr.name, source);
    const values = source.values(expr.name);
    const numbers = ref.factor ? null : numbersOf(values);
    if (numbers) return {kind: "numeric", label: ref.label, values: numbers};
    if (!ref.factor) refuseDates(expr.name, values, "the model");
    if (ref.factor || !isNumericColumn(values)) {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = isMissing(values[i]) ? null : values[i];
      return {kind: "category", label: ref.label, values: out};
    }
    return {kind: "numeric", label: ref.label, values: numericColumn(source, expr.name, ref.label)};
  }
  const values = evaluate(expr, (name) => numericColumn(source, name, ref.label), n, scales);
  if (isLogical(expr)) {
    // R's logical variable: a factor with levels FALSE and TRUE
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = Number.isNaN(values[i]) ? null : values[i] === 1;
    return {kind: "category", label: ref.label, values: out};
  }
  if (ref.factor) {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = Number.isNaN(values[i]) ? null : values[i];
    return {kind: "category", label: ref.label, values: out};
  }
  return {kind: "numeric", label: ref.label, values};
}

function stripParens(expr: Expr): Expr {
  return expr.type === "paren" ? stripParens(expr.expr) : expr;
}
