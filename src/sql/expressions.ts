/**
 * The formula's variables as SQL expressions over the source's columns: the same walk over the parse tree
 * as formula/evaluate.ts, writing SQL instead of computing values. Column names are quoted identifiers;
 * numbers from the formula are written from their parsed value; nothing of the user's text is pasted.
 */
import {clip, fail, quoteList} from "../errors.js";
import type {Expr, VarRef} from "../formula/ast.js";
import {deparse} from "../formula/deparse.js";
import {transforms, unsupportedFunction} from "../formula/functions.js";
import type {SqlType} from "./connection.js";
import {quoteIdentifier} from "./source.js";

/** The source's columns by name, with their types. */
export type ColumnTypes = ReadonlyMap<string, SqlType>;

/** A variable as SQL: numbers, or a factor whose values are numbers, text or booleans. */
export type VariableSql = {kind: "numeric"; sql: string} | {kind: "factor"; sql: string; values: "number" | "text" | "boolean"};

/** An expression and what it gives: numbers (double precision), or TRUE/FALSE. */
interface Typed {
  sql: string;
  kind: "number" | "boolean";
}

/** SQL's name of each transform of formula/functions.ts. */
const FUNCTIONS: ReadonlyMap<string, string> = new Map([["log", "LN"], ["exp", "EXP"], ["sqrt", "SQRT"], ["abs", "ABS"]]);
const COMPARISONS: ReadonlyMap<string, string> = new Map([["==", "="], ["!=", "<>"], ["<", "<"], [">", ">"], ["<=", "<="], [">=", ">="]]);

/** A type's name for messages. */
export const typeName = (type: SqlType): string => (typeof type === "string" ? type : type.other);

/** Names the source's columns for an "unknown column" message. */
export function unknownColumn(name: string, columns: ColumnTypes, source: string): never {
  return fail(`unknown column: ${clip(name)} in ${source} (its columns are ${quoteList([...columns.keys()], 20)}); check the spelling or add the column`);
}

/**
 * A numeric column as SQL: `CAST("x" AS DOUBLE PRECISION)`, so that integer columns neither divide as
 * integers nor overflow; a column of another type is refused, naming it, its type and `usedIn`.
 *
 * @example
 *   numericColumn("Days", columns, "the model", "table sleepstudy"); // 'CAST("Days" AS DOUBLE PRECISION)'
 */
export function numericColumn(name: string, columns: ColumnTypes, usedIn: string, source: string): string {
  const type = columns.get(name);
  if (type === undefined) unknownColumn(name, columns, source);
  if (type !== "number") {
    fail(`column ${clip(name)} of ${source} has type ${typeName(type)}, but ${clip(usedIn, 60)} needs numbers; cast it to a number in a query, or use it as a factor`);
  }
  return `CAST(${quoteIdentifier(name)} AS DOUBLE PRECISION)`;
}

/**
 * A formula variable as SQL: a numeric one as a double-precision expression; a factor (`factor(x)`, a text or
 * boolean column, a comparison such as `I(week > 2)`) as the expression whose distinct values are its levels,
 * with `values` their type (numbers sort as numbers, R's rule in frame/factor.ts).
 *
 * @example
 *   variableSql(ref("log(pcap)"), columns, src); // {kind: "numeric", sql: 'LN(CAST("pcap" AS DOUBLE PRECISION))'}
 */
export function variableSql(ref: VarRef, columns: ColumnTypes, source: string): VariableSql {
  const expr = stripParens(ref.expr);
  if (expr.type === "name") {
    const type = columns.get(expr.name);
    if (type === undefined) unknownColumn(expr.name, columns, source);
    const column = quoteIdentifier(expr.name);
    if (type === "number") {
      const sql = `CAST(${column} AS DOUBLE PRECISION)`;
      return ref.factor ? {kind: "factor", sql, values: "number"} : {kind: "numeric", sql};
    }
    if (type === "text" || type === "boolean") return {kind: "factor", sql: column, values: type};
    return fail(`column ${clip(expr.name)} of ${source} has type ${typeName(type)}, which a model cannot use; cast it to a number or to text in a query`);
  }
  const typed = walk(expr, columns, ref.label, source);
  if (typed.kind === "boolean") return {kind: "factor", sql: typed.sql, values: "boolean"};
  return ref.factor ? {kind: "factor", sql: typed.sql, values: "number"} : {kind: "numeric", sql: typed.sql};
}

function walk(expr: Expr, columns: ColumnTypes, label: string, source: string): Typed {
  switch (expr.type) {
    case "number":
      if (!Number.isFinite(expr.value)) fail(`the number ${clip(expr.text, 40)} in ${clip(label, 60)} is not finite; write a finite number`);
      return {sql: `CAST(${numberLiteral(expr.value)} AS DOUBLE PRECISION)`, kind: "number"};
    case "name":
      return {sql: numericColumn(expr.name, columns, label, source), kind: "number"};
    case "paren":
      return walk(expr.expr, columns, label, source);
    case "unary": {
      const arg = walk(expr.arg, columns, label, source);
      if (expr.op === "!") return {sql: `(NOT ${asBoolean(arg)})`, kind: "boolean"};
      return expr.op === "-" ? {sql: `(-${asNumber(arg)})`, kind: "number"} : arg;
    }
    case "call": {
      if (expr.fn === "I" && expr.args.length === 1) return walk(expr.args[0], columns, label, source);
      if (expr.fn === "scale") {
        fail(`scale() in ${clip(label, 60)} is not available in a fit from SQL yet; centre and scale the column in a query (x - AVG(x) OVER ()) / STDDEV_SAMP(x) OVER ()`);
      }
      const name = FUNCTIONS.get(expr.fn);
      if (!name) fail(unsupportedFunction(expr.fn, `"${clip(deparse(expr), 60)}"`, [...transforms.keys()]));
      if (expr.args.length !== 1) fail(`${expr.fn}() takes one argument, got ${expr.args.length}: write ${expr.fn}(x)`);
      return {sql: `${name}(${asNumber(walk(expr.args[0], columns, label, source))})`, kind: "number"};
    }
    case "binary": {
      const left = walk(expr.left, columns, label, source);
      const right = walk(expr.right, columns, label, source);
      if (expr.op === "+" || expr.op === "-" || expr.op === "*" || expr.op === "/") return {sql: `(${asNumber(left)} ${expr.op} ${asNumber(right)})`, kind: "number"};
      if (expr.op === "^") return {sql: `POWER(${asNumber(left)}, ${asNumber(right)})`, kind: "number"};
      const comparison = COMPARISONS.get(expr.op);
      if (comparison) return {sql: `(${asNumber(left)} ${comparison} ${asNumber(right)})`, kind: "boolean"};
      if (expr.op === "&" || expr.op === "|") return {sql: `(${asBoolean(left)} ${expr.op === "&" ? "AND" : "OR"} ${asBoolean(right)})`, kind: "boolean"};
      return fail(`operator "${expr.op}" in "${clip(deparse(expr), 60)}" is not arithmetic: use + - * / ^ (or comparisons, & and | inside I()), or I() around them`);
    }
  }
}

/** TRUE/FALSE as 1 and 0 (NULL stays NULL), as R's arithmetic on logicals. */
const asNumber = (t: Typed): string => (t.kind === "number" ? t.sql : `(CASE WHEN ${t.sql} THEN CAST(1 AS DOUBLE PRECISION) WHEN NOT ${t.sql} THEN CAST(0 AS DOUBLE PRECISION) END)`);
/** A number as a logical: TRUE when it is not 0, as R's. */
const asBoolean = (t: Typed): string => (t.kind === "boolean" ? t.sql : `(${t.sql} <> 0)`);

/**
 * A finite number as a SQL numeric literal, written from its value (shortest round-trip digits), never
 * from text: `1e-7` as `1e-7`, `-2` as `(-2)`.
 *
 * @example
 *   numberLiteral(0.5); // "0.5"
 */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) fail(`invalid number ${value} for SQL; give a finite number`);
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

function stripParens(expr: Expr): Expr {
  return expr.type === "paren" ? stripParens(expr.expr) : expr;
}
