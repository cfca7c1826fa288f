/**
 * Connections to SQL engines: one small interface, `query(sql, params)`, and adapters for DuckDB in Node
 * (`@duckdb/node-api`), PostgreSQL (`pg`) and any engine reached through a query function of the caller's
 * (DuckDB-Wasm, a notebook's DuckDB client). The drivers are loaded only when a connection is opened, by a
 * dynamic import of a name held in a variable, so that the core bundle and browsers never load them.
 *
 * Why a driver and not our own code: a database engine (Parquet and CSV readers, parallel hash aggregation,
 * the PostgreSQL wire protocol) is a well-kept library doing what it does well; lmm-kit only writes the SQL
 * and reads back the sums.
 */
import {clip, describeValue, fail, LmmError} from "../errors.js";
import {optionNames, readOptions} from "../options.js";

/** How a result column's values are read: numbers, text, booleans, or another type (named). */
export type SqlType = "number" | "text" | "boolean" | {other: string};

/** A query's result: column names and types, and rows of values (numbers as JavaScript numbers). */
export interface SqlResult {
  columns: {name: string; type: SqlType}[];
  rows: unknown[][];
}

/**
 * A connection to a SQL engine. `query` runs one statement with the values bound to `$1`, `$2`, … (never
 * pasted into the text) and gives the result; `close` ends the connection when lmm-kit opened it.
 *
 * @example
 *   const db = await duckdb();
 *   (await db.query("SELECT $1 + 1 AS two", [1])).rows; // [[2]]
 */
export interface SqlConnection {
  /** The engine's name, for messages and the model's record (`duckdb`, `postgres`, …). */
  engine: string;
  query(sql: string, params: readonly unknown[]): Promise<SqlResult>;
  close?(): Promise<void>;
}

/** A module loaded at run time by its name (kept in a variable so that bundlers leave it alone). */
async function load(name: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
  } catch (error) {
    return fail(`${what} needs the package ${name}, which cannot be loaded here (${clip(errorText(error), 120)}); install it with npm install ${name}`);
  }
}

export function errorText(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return "an error without a message";
  }
}

/** A number from a driver's value: JavaScript numbers, BigInts (64-bit integers) and decimal text (PostgreSQL's int8 and numeric). */
function numberOf(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return value;
}

/** Reads each number-typed column's values as JavaScript numbers. */
function normalized(columns: SqlResult["columns"], rows: unknown[][]): SqlResult {
  const numeric = columns.map((c) => c.type === "number");
  for (const row of rows) for (let j = 0; j < row.length; j++) if (numeric[j]) row[j] = numberOf(row[j]);
  return {columns, rows};
}

/** DuckDB's type names as {@link SqlType}s. */
export function duckdbType(name: string): SqlType {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/.test(name)) return "number";
  if (name === "VARCHAR") return "text";
  if (name === "BOOLEAN") return "boolean";
  return {other: name};
}

/** PostgreSQL's built-in type ids (pg_type.oid) as {@link SqlType}s. */
export function postgresType(oid: number): SqlType {
  if ([20, 21, 23, 26, 700, 701, 1700].includes(oid)) return "number";
  if ([18, 19, 25, 1042, 1043].includes(oid)) return "text";
  if (oid === 16) return "boolean";
  const names: Record<number, string> = {1082: "date", 1114: "timestamp", 1184: "timestamptz", 17: "bytea", 114: "json", 3802: "jsonb", 2950: "uuid"};
  return {other: names[oid] ?? `type ${oid}`};
}

/**
 * A DuckDB database in this Node process, through DuckDB's official package `@duckdb/node-api`: in memory
 * (default), or the database file `path`. Parquet and CSV files are read with `read_parquet` and `read_csv`
 * in a source's query, or by {@link SqlSource}'s `parquet` and `csv`.
 *
 * @example
 *   const db = await duckdb();               // in memory
 *   const file = await duckdb("sales.db");   // a database file
 */
export async function duckdb(path = ":memory:", settings: DuckDBSettings = {}): Promise<SqlConnection> {
  if (typeof path !== "string") fail(`invalid DuckDB database: ${describeValue(path)}; give the path of a database file, or nothing for one in memory`);
  const {threads} = readOptions(settings, DUCKDB_SETTINGS, "duckdb");
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 1 && threads <= 1024)) fail(`invalid threads: ${describeValue(threads)}; give a whole number from 1 to 1024`);
  const config: Record<string, string> = path === ":memory:" ? {} : {access_mode: "READ_ONLY"};
  if (threads !== undefined) config.threads = String(threads);
  const api = await load("@duckdb/node-api", "a DuckDB connection");
  const Instance = api.DuckDBInstance as {create(path: string, options?: Record<string, string>): Promise<DuckDBInstanceLike>};
  let connection: DuckDBConnectionLike;
  try {
    const instance = await Instance.create(path, config);
    connection = await instance.connect();
  } catch (error) {
    return fail(`cannot open the DuckDB database ${JSON.stringify(clip(path))}: ${clip(errorText(error), 200)}; check the path`);
  }
  return {
    engine: "duckdb",
    async query(sql, params) {
      const result = await connection.runAndReadAll(sql, params.length ? [...params] : undefined);
      const names = result.columnNames();
      const types = result.columnTypes().map((t) => duckdbType(String(t)));
      return normalized(names.map((name, j) => ({name, type: types[j]})), result.getRows());
    },
    async close() {
      connection.closeSync?.();
    }
  };
}

/** Settings of {@link duckdb}. */
export interface DuckDBSettings {
  /**
   * Threads DuckDB may use (default: one per core). With 1, each sum adds its rows in the order DuckDB reads
   * them, so that sums over a file equal those of a fit in memory bit for bit; with more, partial sums are
   * added in the order threads finish, which changes the last bits.
   */
  threads?: number;
}

const DUCKDB_SETTINGS = optionNames<DuckDBSettings>({threads: true});

interface DuckDBInstanceLike {
  connect(): Promise<DuckDBConnectionLike>;
}

interface DuckDBConnectionLike {
  runAndReadAll(sql: string, values?: unknown[]): Promise<{columnNames(): string[]; columnTypes(): unknown[]; getRows(): unknown[][]}>;
  closeSync?(): void;
}

/** Connection settings of a PostgreSQL server, as the `pg` package takes them. */
export interface PostgresSettings {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** A connection string `postgresql://user@host:port/database` instead of the fields. */
  connectionString?: string;
}

/**
 * A PostgreSQL server, through the `pg` package (connected at once; close it with `close()`).
 *
 * @example
 *   const pg = await postgres({host: "/tmp/pgsocket", port: 5433, user: "postgres", database: "postgres"});
 */
export async function postgres(settings: PostgresSettings): Promise<SqlConnection> {
  if (settings === null || typeof settings !== "object") fail(`invalid PostgreSQL settings: ${describeValue(settings)}; give {host, port, user, database} or {connectionString}`);
  const pg = await load("pg", "a PostgreSQL connection");
  const Client = ((pg.default as Record<string, unknown> | undefined)?.Client ?? pg.Client) as new (settings: PostgresSettings) => PgClientLike;
  const client = new Client({...settings});
  try {
    await client.connect();
  } catch (error) {
    const where = settings.connectionString ? "the connection string" : `${settings.host ?? "localhost"}:${settings.port ?? 5432}`;
    return fail(`cannot connect to PostgreSQL at ${clip(where)}: ${clip(errorText(error), 200)}; check that the server runs and the settings`);
  }
  return {
    engine: "postgres",
    async query(sql, params) {
      const result = await client.query({text: sql, values: [...params], rowMode: "array"});
      return normalized(result.fields.map((f) => ({name: f.name, type: postgresType(f.dataTypeID)})), result.rows);
    },
    async close() {
      await client.end();
    }
  };
}

interface PgClientLike {
  connect(): Promise<void>;
  query(q: {text: string; values: unknown[]; rowMode: "array"}): Promise<{fields: {name: string; dataTypeID: number}[]; rows: unknown[][]}>;
  end(): Promise<void>;
}

/**
 * A connection through the caller's own query function, for engines lmm-kit has no adapter for (DuckDB-Wasm in
 * a browser, a notebook's database client, a warehouse's driver): `run(sql, params)` gives the result's
 * columns (name and {@link SqlType}) and rows.
 *
 * @example
 *   const db = sqlConnection("duckdb-wasm", async (sql, params) => ({columns, rows}));
 */
export function sqlConnection(engine: string, run: (sql: string, params: readonly unknown[]) => Promise<SqlResult>): SqlConnection {
  if (typeof engine !== "string" || engine === "") fail(`invalid engine name: ${describeValue(engine)}; give the engine's name as text, such as "duckdb"`);
  if (typeof run !== "function") fail(`invalid query function: ${describeValue(run)}; give an async function of (sql, params) that returns {columns, rows}`);
  return {
    engine,
    async query(sql, params) {
      const result = await run(sql, params);
      if (!result || !Array.isArray(result.columns) || !Array.isArray(result.rows)) fail(`the query function of ${clip(engine, 40)} gave ${describeValue(result)}; it must return {columns: [{name, type}], rows: [[…]]}`);
      return normalized(result.columns, result.rows);
    }
  };
}

/** An Apache Arrow table as DuckDB-Wasm gives one: its schema's fields, its rows, a column by index. */
interface ArrowTableLike {
  schema: {fields: {name: string; type: unknown}[]};
  numRows: number;
  getChildAt(index: number): {get(row: number): unknown} | null;
}

/** A DuckDB-Wasm database (`AsyncDuckDB`) or a notebook's DuckDB client (`DuckDBClient`): either runs a query to an Arrow table. */
export type DuckDBWasmLike =
  | {connect(): Promise<{prepare(sql: string): Promise<{query(...params: unknown[]): Promise<ArrowTableLike>; close(): Promise<void>}>; query(sql: string): Promise<ArrowTableLike>; close(): Promise<void>}>}
  | {query(sql: string, params?: unknown[]): Promise<ArrowTableLike>};

/** Apache Arrow's type names (`Float64`, `Int32`, `Utf8`, `Bool`, `Decimal[…]`, …) as {@link SqlType}s. */
export function arrowType(name: string): SqlType {
  if (/^(Int|Uint|Float|Decimal)/.test(name)) return "number";
  if (/^(Large)?Utf8/.test(name)) return "text";
  if (name === "Bool") return "boolean";
  return {other: name};
}

/**
 * The number an Arrow decimal holds: Apache Arrow's JavaScript library gives a decimal's value as its
 * unscaled integer, 128 (or 256) bits of two's complement in 32-bit words, least significant first (a
 * `Uint32Array`), to be divided by 10^scale. DuckDB's `SUM` of integers (a HUGEINT) reaches DuckDB-Wasm's
 * results as such a decimal of scale 0, whose `Number(…)` reads the words wrongly. Other values pass as they are.
 *
 * Reference: Apache Arrow columnar format, "Decimal" (fixed-width little-endian two's complement integers).
 *
 * @example
 *   arrowDecimal(Uint32Array.of(2, 0, 0, 0), 0);                       // 2
 *   arrowDecimal(Uint32Array.of(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), 1); // -0.1
 */
export function arrowDecimal(value: unknown, scale: number): unknown {
  if (!(value instanceof Uint32Array) || value.length === 0 || value.length > 8) return value;
  let unscaled = 0n;
  for (let i = value.length - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(value[i]);
  const bits = BigInt(32 * value.length);
  if (value[value.length - 1] >= 0x80000000) unscaled -= 1n << bits;
  const digits = Number.isSafeInteger(scale) && scale > 0 && scale <= 76 ? scale : 0;
  if (digits === 0) return Number(unscaled);
  let unit = 1n;
  for (let i = 0; i < digits; i++) unit *= 10n;
  // whole and fractional parts apart, so that neither loses digits before the one rounding of the division
  const whole = unscaled / unit;
  return Number(whole) + Number(unscaled - whole * unit) / Number(unit);
}

/**
 * A connection to DuckDB in a browser: a DuckDB-Wasm database (`AsyncDuckDB`, from `@duckdb/duckdb-wasm`) or
 * the DuckDB client of an Observable notebook (`DuckDBClient`, whose `query(sql, params)` gives an Arrow
 * table). The Arrow results are read value by value (`get`, which gives null for a missing value).
 *
 * @example
 *   const db = await DuckDBClient.of({big: FileAttachment("big.parquet")});
 *   const m = await lmer("y ~ x + (x | g)", {connection: duckdbWasm(db), table: "big"});
 */
export function duckdbWasm(db: DuckDBWasmLike): SqlConnection {
  const client = db as {connect?: unknown; query?: unknown};
  if (db === null || typeof db !== "object" || (typeof client.connect !== "function" && typeof client.query !== "function")) {
    fail(`invalid DuckDB-Wasm database: ${describeValue(db)}; give an AsyncDuckDB of @duckdb/duckdb-wasm or a notebook's DuckDBClient`);
  }
  const run = async (sql: string, params: readonly unknown[]): Promise<ArrowTableLike> => {
    if (typeof client.query === "function") return (db as {query(sql: string, params?: unknown[]): Promise<ArrowTableLike>}).query(sql, params.length ? [...params] : undefined);
    const connection = await (db as Extract<DuckDBWasmLike, {connect: unknown}>).connect();
    try {
      if (!params.length) return await connection.query(sql);
      const statement = await connection.prepare(sql);
      try {
        return await statement.query(...params);
      } finally {
        await statement.close();
      }
    } finally {
      await connection.close();
    }
  };
  return {
    engine: "duckdb",
    async query(sql, params) {
      const table = await run(sql, params);
      const fields = table.schema.fields;
      const columns = fields.map((f) => ({name: f.name, type: arrowType(String(f.type))}));
      const vectors = fields.map((_, j) => table.getChildAt(j)!);
      // a decimal column's scale (Arrow's Decimal type has one; DuckDB's HUGEINT sums are decimals of scale 0)
      const scales = fields.map((f) => (String(f.type).startsWith("Decimal") ? Number((f.type as {scale?: unknown}).scale ?? 0) : null));
      const rows: unknown[][] = [];
      for (let i = 0; i < table.numRows; i++) rows.push(vectors.map((v, j) => (scales[j] === null ? v.get(i) : arrowDecimal(v.get(i), scales[j]!))));
      return normalized(columns, rows);
    }
  };
}

/** Whether an error is ours (to pass on unchanged) rather than the engine's. */
export const isOurs = (error: unknown): boolean => error instanceof LmmError;
