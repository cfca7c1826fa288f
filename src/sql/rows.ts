/**
 * The model's rows as a SQL common table expression: every variable of the formula, the grouping columns
 * and the weights evaluated per row, the rows with a missing value left out (lme4's `na.omit`), and each
 * factor's level code bound from its levels in R's order.
 */
import {clip, fail, quote} from "../errors.js";
import type {ModelSpec, VarRef} from "../formula/ast.js";
import {makeFactor} from "../frame/factor.js";
import type {SqlType} from "./connection.js";
import type {SqlVariable} from "./design.js";
import {numericColumn, typeName, unknownColumn, variableSql, type ColumnTypes, type VariableSql} from "./expressions.js";
import {quoteIdentifier, type Relation} from "./source.js";

/** A column of the rows: its alias, its SQL, the type of its values. */
interface RowColumn {
  alias: string;
  sql: string;
  values: "number" | "text" | "boolean";
}

/** The variables and grouping columns of a formula over a source, before the factors' levels are known. */
export interface RowsPlan {
  relation: Relation;
  /** Formula variables by label. */
  variables: Map<string, RowColumn & {kind: "numeric" | "factor"}>;
  /** Grouping columns by name. */
  groups: Map<string, RowColumn>;
  /** The weights' column, if any. */
  weights: RowColumn | null;
  /** The response minus the offsets, over the aliases. */
  response: string;
}

/** A factor's levels in R's order ({@link makeFactor}) and the value of each, to bind. */
export interface FactorLevels {
  labels: string[];
  values: unknown[];
}

/**
 * The plan of the rows: each variable's SQL (expressions.ts), each grouping column's (numbers as double
 * precision, text and booleans as they are; other types refused, naming the column), the weights.
 *
 * @example
 *   const plan = rowsPlan(formula("y ~ x + (1 | g)"), columns, relation, undefined);
 *   plan.response; // '"v0"'
 */
export function rowsPlan(spec: ModelSpec, columns: ColumnTypes, relation: Relation, weights: string | undefined): RowsPlan {
  const variables = new Map<string, RowColumn & {kind: "numeric" | "factor"}>();
  const use = (ref: VarRef): VariableSql => {
    let v = variables.get(ref.label);
    if (!v) {
      const sql = variableSql(ref, columns, relation.label);
      v = {...sql, alias: quoteIdentifier(`v${variables.size}`), values: sql.kind === "numeric" ? "number" : sql.values};
      variables.set(ref.label, v);
    }
    return v;
  };
  if (spec.counts) fail(`the response ${clip(spec.response.label, 60)} is a binomial response (successes and failures); a fit from SQL is a linear model with a numeric response`);
  if (use(spec.response).kind !== "numeric") {
    fail(`the response ${clip(spec.response.label, 60)} is not numeric in ${relation.label}; choose a numeric column`);
  }
  for (const term of spec.terms) term.vars.forEach(use);
  for (const ref of spec.offsets) if (use(ref).kind !== "numeric") fail(`offset(${clip(ref.label, 60)}) needs a numeric column`);
  for (const r of spec.random) for (const term of r.terms) term.vars.forEach(use);
  const groups = new Map<string, RowColumn>();
  for (const r of spec.random) {
    for (const name of r.group) {
      if (groups.has(name)) continue;
      const type = columns.get(name);
      if (type === undefined) unknownColumn(name, columns, relation.label);
      groups.set(name, {alias: quoteIdentifier(`g${groups.size}`), ...groupSql(name, type, relation.label)});
    }
  }
  const w = weights === undefined ? null : {alias: quoteIdentifier("w"), sql: numericColumn(weights, columns, "weights", relation.label), values: "number" as const};
  const alias = (ref: VarRef) => variables.get(ref.label)!.alias;
  const offset = spec.offsets.map(alias);
  const response = offset.length ? `(${alias(spec.response)} - (${offset.join(" + ")}))` : alias(spec.response);
  return {relation, variables, groups, weights: w, response};
}

function groupSql(name: string, type: SqlType, source: string): {sql: string; values: "number" | "text" | "boolean"} {
  const column = quoteIdentifier(name);
  if (type === "number") return {sql: `CAST(${column} AS DOUBLE PRECISION)`, values: "number"};
  if (type === "text" || type === "boolean") return {sql: column, values: type};
  return fail(`grouping column ${clip(name)} of ${source} has type ${typeName(type)}, which cannot group; cast it to text or to a number in a query`);
}

/** The condition that a column's value is present: not NULL, not NaN, not empty text (R's `NA`, frame/variables.ts). */
function present(c: RowColumn): string {
  if (c.values === "number") return `${c.sql} IS NOT NULL AND ${c.sql} <> CAST('NaN' AS DOUBLE PRECISION)`;
  if (c.values === "text") return `${c.sql} IS NOT NULL AND ${c.sql} <> ''`;
  return `${c.sql} IS NOT NULL`;
}

/** Every column of the rows, in the plan's order. */
function rowColumns(plan: RowsPlan): RowColumn[] {
  return [...plan.variables.values(), ...plan.groups.values(), ...(plan.weights ? [plan.weights] : [])];
}

/**
 * The rows as `WITH "lmm_rows" AS (…)`, and the values it binds: with `levels` (by variable label), each
 * factor's code as `"c<k>"`, bound level by level (`CASE v WHEN $i THEN 0 …`), so the codes follow R's
 * order whatever the engine's collation.
 *
 * @example
 *   const {sql, params} = rowsCte(plan, null); // for `SELECT DISTINCT "v1" FROM "lmm_rows"`
 */
export function rowsCte(plan: RowsPlan, levels: ReadonlyMap<string, FactorLevels> | null): {sql: string; params: unknown[]} {
  const params = [...plan.relation.params];
  const bind = (value: unknown) => (params.push(value), `$${params.length}`);
  const columns = rowColumns(plan);
  const select = columns.map((c) => `${c.sql} AS ${c.alias}`);
  if (levels) {
    for (const [label, v] of plan.variables) {
      if (v.kind !== "factor") continue;
      const {values} = levels.get(label)!;
      const cases = values.map((value, l) => `WHEN ${bind(value)} THEN ${l}`).join(" ");
      select.push(`CASE ${v.sql} ${cases} END AS ${codeAlias(v.alias)}`);
    }
  }
  const where = columns.map(present).join(" AND ");
  return {sql: `WITH "lmm_rows" AS (SELECT ${select.join(", ")} FROM ${plan.relation.sql} AS "lmm_source" WHERE ${where})`, params};
}

/** The alias of a factor's code column: `"v3"` → `"c3"`. */
const codeAlias = (alias: string) => `"c${alias.slice(2)}`;

/**
 * The variables as design.ts reads them, once the levels are known: numeric ones by their alias, factors by
 * their code's alias with their labels.
 */
export function designVariables(plan: RowsPlan, levels: ReadonlyMap<string, FactorLevels>): Map<string, SqlVariable> {
  const out = new Map<string, SqlVariable>();
  for (const [label, v] of plan.variables) {
    out.set(label, v.kind === "numeric" ? {kind: "numeric", alias: v.alias} : {kind: "factor", alias: codeAlias(v.alias), levels: levels.get(label)!.labels});
  }
  return out;
}

/**
 * A factor's levels from its distinct values as the engine gives them: sorted and labelled as
 * {@link makeFactor} does for a table in memory (numbers numerically, other values by the code points of
 * their labels; booleans as FALSE and TRUE), so that a fit from SQL codes factors exactly as one in memory.
 *
 * @example
 *   factorLevels(["b", "a"], "g"); // {labels: ["a", "b"], values: ["a", "b"]}
 */
export function factorLevels(distinct: readonly unknown[], label: string): FactorLevels {
  for (const v of distinct) {
    if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
      fail(`the factor ${quote(label, 60)} has a value the engine gave as ${typeof v}; cast the column to text in a query`);
    }
  }
  const factor = makeFactor(distinct);
  const values = new Array<unknown>(factor.levels.length);
  factor.codes.forEach((code, k) => (values[code] = distinct[k]));
  return {labels: factor.levels, values};
}
