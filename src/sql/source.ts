/**
 * Where the rows of a fit from SQL are: a connection and a table, a query, or (DuckDB) a Parquet or CSV file.
 */
import {clip, describeValue, fail} from "../errors.js";
import type {SqlConnection} from "./connection.js";

/**
 * The rows of a model fitted from SQL. Exactly one of `table`, `query`, `parquet` and `csv`:
 * - `table`: a table or view, by name (`"sales"`), or by schema and name (`["public", "sales"]`); each part is
 *   quoted as an identifier, so any name is safe;
 * - `query`: a SELECT of the caller's, run as a subquery: it is the caller's own SQL, run as written (it
 *   must not use parameters `$1`, which the fit's queries bind);
 * - `parquet`, `csv` (DuckDB): a file path or glob, bound as a value to `read_parquet` or `read_csv` (where
 *   `NA` and empty fields are missing, as R writes them).
 *
 * @example
 *   lmer("y ~ x + (x | g)", {connection: await duckdb(), parquet: "big.parquet"});
 *   lmer("y ~ x + (1 | g)", {connection: pg, table: ["public", "obs"]});
 */
export interface SqlSource {
  connection: SqlConnection;
  table?: string | readonly string[];
  query?: string;
  parquet?: string;
  csv?: string;
}

/** Whether a value is a {@link SqlSource} (an object whose `connection` has a `query` function), not a table. */
export function isSqlSource(data: unknown): data is SqlSource {
  try {
    const c = (data as {connection?: unknown} | null)?.connection;
    return data !== null && typeof data === "object" && !Array.isArray(data) && c !== null && typeof c === "object" && typeof (c as SqlConnection).query === "function";
  } catch {
    return false;
  }
}

/** Longest identifier or file path taken. */
const MAX_NAME = 1000;
/** Longest query text taken. */
const MAX_QUERY = 100_000;

/**
 * An identifier as SQL writes one: in double quotes, with each double quote inside doubled (SQL-92 §5.2,
 * delimited identifiers; DuckDB and PostgreSQL read it so). The name can hold no NUL character.
 *
 * @example
 *   quoteIdentifier('my "big" table'); // "\"my \"\"big\"\" table\""
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== "string" || name === "" || name.length > MAX_NAME || name.includes("\0")) {
    fail(`invalid SQL name: ${typeof name === "string" ? JSON.stringify(clip(name)) : describeValue(name)}; give a non-empty name of at most ${MAX_NAME} characters`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A source as the FROM clause reads it, with the values its text binds (starting at `$1`), and a label for messages. */
export interface Relation {
  sql: string;
  params: unknown[];
  label: string;
}

/**
 * The FROM item of a source.
 *
 * @example
 *   relation({connection, table: ["s", "t"]}); // {sql: '"s"."t"', params: [], label: "table s.t"}
 *   relation({connection, parquet: "a.parquet"}); // {sql: "read_parquet($1)", params: ["a.parquet"], …}
 */
export function relation(source: SqlSource): Relation {
  const given = (["table", "query", "parquet", "csv"] as const).filter((k) => source[k] !== undefined);
  if (given.length !== 1) {
    fail(`a SQL source needs exactly one of table, query, parquet and csv, got ${given.length ? given.join(" and ") : "none"}; such as {connection, table: "obs"}`);
  }
  const kind = given[0];
  const value = source[kind];
  if (kind === "table") {
    const parts = typeof value === "string" ? [value] : Array.isArray(value) ? [...value] : null;
    if (!parts || parts.length === 0 || parts.length > 3 || parts.some((p) => typeof p !== "string")) {
      fail(`invalid table: ${describeValue(value)}; give a name, or [schema, name]`);
    }
    return {sql: parts.map((p) => quoteIdentifier(p as string)).join("."), params: [], label: `table ${parts.join(".")}`};
  }
  if (typeof value !== "string" || value.trim() === "") fail(`invalid ${kind}: ${describeValue(value)}; give ${kind === "query" ? "a SELECT statement" : "a file path"} as text`);
  if (kind === "query") {
    const text = value.trim().replace(/;\s*$/, "");
    if (text.length > MAX_QUERY) fail(`the query has ${text.length} characters; give at most ${MAX_QUERY}, or make it a view`);
    if (/\$\d/.test(text)) fail("the query uses parameters ($1, …), which lmm-kit binds for its own values; write the values into the query or make it a view");
    return {sql: `(${text})`, params: [], label: `query ${JSON.stringify(clip(text, 60))}`};
  }
  if (value.length > MAX_NAME || value.includes("\0")) fail(`invalid ${kind} path: ${JSON.stringify(clip(value))}; give a file path of at most ${MAX_NAME} characters`);
  if (source.connection.engine !== "duckdb") fail(`${kind} files are read by DuckDB's read_${kind}; the connection is ${clip(source.connection.engine, 40)}: load the file into a table there and give {table}`);
  const reader = kind === "parquet" ? "read_parquet($1)" : "read_csv($1, nullstr = ['NA', ''])";
  return {sql: reader, params: [value], label: `${kind} file ${JSON.stringify(clip(value, 60))}`};
}
