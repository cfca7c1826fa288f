/**
 * `lmer` on rows that stay in a database: the cross-products come from aggregate queries (structure.ts),
 * then the fit is the in-memory one's (lmm/fit.ts's `fitStructure`).
 */
import {describeValue, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import type {TableInput} from "../frame/table-input.js";
import {fitStructure, lmer as lmerInMemory} from "../lmm/fit.js";
import {thetaLength} from "../lmm/lambda.js";
import {LMER_HINTS, readLmerOptions, type LmerOptions} from "../lmm/lmer-options.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {FitClock} from "../lmm/timings.js";
import {optionNames, readOptions} from "../options.js";
import {isSqlSource, type SqlSource} from "./source.js";
import {sqlStructure} from "./structure.js";

/** Options of a fit from SQL: lmer's, and progress of the queries. */
export interface LmerSqlOptions extends LmerOptions {
  /** Called before each query the database runs, with its number and purpose (the optimizer's progress is `onProgress`). */
  onQuery?: (progress: {query: number; purpose: string}) => void;
}

/** The options of {@link lmerSql}. */
export const LMER_SQL_OPTIONS = optionNames<LmerSqlOptions>({
  REML: true, weights: true, naAction: true, start: true, onProgress: true, signal: true, checkConvergence: true, correlation: true, variance: true, onQuery: true
});

/**
 * Fits a linear mixed model to rows in a database ({@link SqlSource}: a connection and a table, a query or a
 * file): the database computes `[Z X y]ᵀ W [Z X y]` as aggregate queries and only those sums come to
 * JavaScript, so the memory used grows with the numbers of levels and columns, not of rows. The model is the
 * in-memory fit's, with `frame: "sql"` and `queries` (what ran, bound values and times); it has no per-row
 * results (`fitted`, `residuals` and `rows` are empty: the rows stay in the database).
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.1 (the fit needs the rows only through these cross-products).
 *
 * @example
 *   const db = await duckdb();
 *   const m = await lmerSql("y ~ x + (x | g)", {connection: db, parquet: "big.parquet"});
 *   m.frame;   // "sql"
 *   m.queries; // [{sql: "SELECT * FROM read_parquet($1) …", params: ["big.parquet"], rows: 0, milliseconds: 3.1}, …]
 */
export async function lmerSql(formulaOrSpec: string | ModelSpec, source: SqlSource, given?: LmerSqlOptions): Promise<LinearMixedModel> {
  const clock = new FitClock();
  const read = readOptions(given as Record<string, unknown> | undefined, LMER_SQL_OPTIONS, "lmer", LMER_HINTS) as LmerSqlOptions;
  const {onQuery, ...rest} = read;
  const options = readLmerOptions(rest);
  if (onQuery !== undefined && typeof onQuery !== "function") fail(`invalid onQuery: ${describeValue(onQuery)}; pass a function of {query, purpose}`);
  for (const name of ["correlation", "variance"] as const) {
    if (options[name] !== undefined) fail(`${name} (a residual structure) needs the model's rows, which a fit from SQL leaves in the database; fit it in memory from the rows, or leave ${name} out`);
  }
  if (options.weights !== undefined && typeof options.weights !== "string") fail(`invalid weights: ${describeValue(options.weights)}; give the name of a numeric column of the table`);
  if (!isSqlSource(source)) fail(`invalid SQL source: ${describeValue(source)}; give {connection, table}, {connection, query} or {connection, parquet}`);
  clock.skip();
  const spec = typeof formulaOrSpec === "string" ? formula(formulaOrSpec) : formulaOrSpec;
  if (spec === null || typeof spec !== "object" || !Array.isArray(spec.random)) fail(`invalid formula: ${describeValue(formulaOrSpec)}; pass the formula as text`);
  clock.lap("formula");
  const structure = await sqlStructure(spec, source, {REML: options.REML ?? true, weights: options.weights, naAction: options.naAction, onQuery, signal: options.signal});
  clock.lap("crossProducts");
  const {start} = options;
  const count = thetaLength(structure.A.sizes);
  if (start && start.length !== count) fail(`invalid start: ${start.length} values for ${count} θ parameters`);
  return fitStructure(structure, start, options, clock);
}

/**
 * lme4's `lmer` for a table in memory ({@link TableInput}), or, given a {@link SqlSource}, for rows in a
 * database: then it returns a Promise of the model ({@link lmerSql}).
 *
 * @example
 *   const m = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   const big = await lmer("y ~ x + (x | g)", {connection: await duckdb(), parquet: "big.parquet"});
 */
export function lmer(formulaOrSpec: string | ModelSpec, data: SqlSource, options?: LmerSqlOptions): Promise<LinearMixedModel>;
export function lmer(formulaOrSpec: string | ModelSpec, data: TableInput, options?: LmerOptions): LinearMixedModel;
export function lmer(formulaOrSpec: string | ModelSpec, data: TableInput | SqlSource, options?: LmerSqlOptions): LinearMixedModel | Promise<LinearMixedModel> {
  if (isSqlSource(data)) return lmerSql(formulaOrSpec, data, options);
  return lmerInMemory(formulaOrSpec, data as TableInput, options);
}
