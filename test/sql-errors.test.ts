import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {lmer as lmerInMemory} from "../src/lmm/fit.js";
import {arrowDecimal, duckdb, duckdbWasm, postgres, type SqlConnection} from "../src/sql/connection.js";
import {lmer} from "../src/sql/lmer.js";
import {quoteIdentifier} from "../src/sql/source.js";
import {fitDifferences} from "./helpers/sql.js";
import {bootstrap, confint, kenwardRogerValues, satterthwaiteValues, simulate} from "../src/inference/index.js";
import {predict} from "../src/predict/index.js";

// Bad input to a fit from SQL: a missing table or column, a type the formula cannot use, a connection that
// fails, each a clear LmmError naming the part; names quoted and values bound, so that hostile table,
// column and level names are data, never SQL. And the frame's rules (missing values, booleans, text
// factors, offsets, weights, transforms) through DuckDB as in memory.
const dir = mkdtempSync(join(tmpdir(), "lmm-sql-"));
let db: SqlConnection;

/** A seeded table: y, x, g (text, quotes included), b (boolean), z with a missing value, w (weights), s (text with numbers). */
function csvText(): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const groups = ["a", "O'Brien", "c\"d", "e; DROP TABLE t", "f", "g"];
  const lines = ["y,x,g,b,z,w,s"];
  const q = (text: string) => `"${text.replaceAll('"', '""')}"`;
  for (let i = 0; i < 120; i++) {
    const g = i % 6;
    const x = Math.round(next() * 1000) / 100;
    const y = Math.round((2 + 0.5 * x + g * 0.7 + (next() - 0.5) * 3) * 1000) / 1000;
    lines.push([y, x, q(groups[g]), i % 3 === 0 ? "true" : "false", i === 17 ? "NA" : (1 + (i % 5)).toString(), (1 + (i % 4) / 2).toString(), q(`k${i % 4}`)].join(","));
  }
  return lines.join("\n") + "\n";
}

beforeAll(async () => {
  const text = csvText();
  writeFileSync(join(dir, "t.csv"), text);
  db = await duckdb(":memory:", {threads: 1});
  await db.query(`CREATE TABLE "t" AS SELECT * FROM read_csv($1, nullstr = ['NA', ''])`, [join(dir, "t.csv")]);
  await db.query(`CREATE TABLE ${quoteIdentifier('we"ird; DROP TABLE t; --')} AS SELECT y AS ${quoteIdentifier('the "y"')}, x, g FROM "t"`, []);
  await db.query(`CREATE TABLE "dates" AS SELECT y, x, g, DATE '2020-01-01' + CAST(x AS INTEGER) AS d FROM "t"`, []);
});
afterAll(async () => db?.close?.());

const table = (name: string) => ({connection: db, table: name});

describe("errors name the part that is wrong", () => {
  it("a missing table, column or grouping column", async () => {
    await expect(lmer("y ~ x + (1 | g)", table("nope"))).rejects.toThrow(/^cannot read table nope with duckdb: Catalog Error: Table with name nope does not exist.*; check the name of the table/);
    await expect(lmer("y ~ xx + (1 | g)", table("t"))).rejects.toThrow(/^unknown column: xx in table t \(its columns are y, x, g, b, z, w, s\); check the spelling/);
    await expect(lmer("y ~ x + (1 | gg)", table("t"))).rejects.toThrow(/^unknown column: gg in table t/);
    await expect(lmer("y ~ x + (1 | g)", table("t"), {weights: "ww"})).rejects.toThrow(/^unknown column: ww in table t/);
    await expect(lmer("y ~ x + (1 | g)", {connection: db, query: "SELECT * FROM nowhere"})).rejects.toThrow(/^cannot read query "SELECT \* FROM nowhere" with duckdb: Catalog Error/);
  });

  it("a type the formula cannot use", async () => {
    await expect(lmer("y ~ d + (1 | g)", table("dates"))).rejects.toThrow(/^column d of table dates has type DATE, which a model cannot use; cast it to a number or to text in a query$/);
    await expect(lmer("y ~ x + (1 | d)", table("dates"))).rejects.toThrow(/^grouping column d of table dates has type DATE, which cannot group/);
    await expect(lmer("y ~ log(g) + (1 | g)", table("t"))).rejects.toThrow(/^column g of table t has type text, but log\(g\) needs numbers/);
    await expect(lmer("g ~ x + (1 | s)", table("t"))).rejects.toThrow(/^the response g is not numeric in table t; choose a numeric column$/);
    await expect(lmer("y ~ x + (1 | g)", table("t"), {weights: "g"})).rejects.toThrow(/^column g of table t has type text, but weights needs numbers/);
    await expect(lmer("y ~ scale(x) + (1 | g)", table("t"))).rejects.toThrow(/^scale\(\) in scale\(x\) is not available in a fit from SQL yet/);
  });

  it("a connection that fails", async () => {
    await expect(duckdb(join(dir, "missing.db"))).rejects.toThrow(/^cannot open the DuckDB database ".*missing\.db": .*; check the path$/);
    await expect(postgres({host: "127.0.0.1", port: 1, user: "nobody", database: "none"})).rejects.toThrow(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: .*; check that the server runs and the settings$/);
    const broken = {engine: "broken", query: async () => { throw new Error("connection reset by peer"); }};
    await expect(lmer("y ~ x + (1 | g)", {connection: broken, table: "t"})).rejects.toThrow(/^cannot read table t with broken: connection reset by peer/);
  });

  it("a source with none or two of table, query, parquet and csv, a query with parameters, or naAction exclude", async () => {
    await expect(lmer("y ~ x + (1 | g)", {connection: db} as never)).rejects.toThrow(/^a SQL source needs exactly one of table, query, parquet and csv, got none/);
    await expect(lmer("y ~ x + (1 | g)", {connection: db, table: "t", query: "SELECT 1"})).rejects.toThrow(/got table and query/);
    await expect(lmer("y ~ x + (1 | g)", {connection: db, query: "SELECT * FROM t WHERE x > $1"})).rejects.toThrow(/^the query uses parameters/);
    await expect(lmer("y ~ x + (1 | g)", table("t"), {naAction: "exclude"})).rejects.toThrow(/^naAction "exclude" pads per-row results/);
    await expect(lmer("y ~ x + z + (1 | g)", table("t"), {naAction: "fail"})).rejects.toThrow(/^1 row of table t has a missing value in a column of the model, which naAction "fail" refuses/);
    await expect(lmer("y ~ x + (1 | g)", table("t"), {REMl: true} as never)).rejects.toThrow(/^unknown option "REMl" of lmer; did you mean "REML"\?/);
  });
});

describe("names are quoted and values bound", () => {
  it("a table and a column named to break out of the SQL are only names; level names with quotes are only values", async () => {
    const m = await lmer('`the "y"` ~ x + (1 | g)', table('we"ird; DROP TABLE t; --'));
    expect(m.ngrps.g).toBe(6);
    expect((await db.query(`SELECT COUNT(*) FROM "t"`, [])).rows[0][0]).toBe(120);
    const levels = m.ranef.grp;
    expect(levels).toContain("O'Brien");
    expect(levels).toContain("e; DROP TABLE t");
    expect(m.queries.every((q) => !q.sql.includes("O'Brien"))).toBe(true);
    expect(m.queries.some((q) => q.params.includes("O'Brien"))).toBe(false); // grouping levels are read, not bound
  });
});

describe("the frame's rules through DuckDB equal those in memory (1e-9 relative)", () => {
  // the same values in memory: the table's columns as DuckDB holds them (booleans as booleans, NA as null)
  const data = async () => {
    const {columns, rows} = await db.query(`SELECT * FROM "t"`, []);
    return Object.fromEntries(columns.map((c, j) => [c.name, rows.map((r) => r[j])]));
  };
  for (const [formula, options] of [
    ["y ~ x + z + (1 | g)", {}],
    ["y ~ x * b + (x | g)", {}],
    ["y ~ log(x + 1) + I(x^2) + I(x > 5) + s + (1 | g)", {}],
    ["y ~ x + offset(z) + (1 | g) + (1 | s)", {}],
    ["y ~ 0 + s + x + (1 | g:b)", {weights: "w"}],
    ["y ~ factor(z) + (1 | g)", {REML: false}]
  ] as const) {
    it(formula + (Object.keys(options).length ? ` ${JSON.stringify(options)}` : ""), async () => {
      const memory = lmerInMemory(formula, await data(), options);
      const model = await lmer(formula, table("t"), options);
      expect(model.warnings).toEqual(memory.warnings);
      expect(model.fixefNames).toEqual(memory.fixefNames);
      expect(fitDifferences(memory, model, 1e-9)).toEqual([]);
    });
  }
});

describe("duckdbWasm reads the Arrow tables of DuckDB-Wasm and of a notebook's DuckDBClient", () => {
  /** An Arrow-like table of a result of the Node connection (Float64, Utf8, Bool vectors with get). */
  const arrow = async (sql: string, params: readonly unknown[] = []) => {
    const {columns, rows} = await db.query(sql, params);
    const names: Record<string, string> = {number: "Float64", text: "Utf8", boolean: "Bool"};
    return {
      schema: {fields: columns.map((c) => ({name: c.name, type: typeof c.type === "string" ? names[c.type] : "Date32<DAY>"}))},
      numRows: rows.length,
      getChildAt: (j: number) => ({get: (i: number) => rows[i][j]})
    };
  };

  it("the client form (query(sql, params)) and the AsyncDuckDB form (connect, prepare) fit as the Node connection does", async () => {
    const expected = await lmer("y ~ x + (1 | g)", table("t"));
    const client = duckdbWasm({query: (sql, params) => arrow(sql, params ?? [])});
    const asyncDb = duckdbWasm({
      connect: async () => ({
        query: (sql: string) => arrow(sql),
        prepare: async (sql: string) => ({query: (...params: unknown[]) => arrow(sql, params), close: async () => {}}),
        close: async () => {}
      })
    });
    for (const connection of [client, asyncDb]) {
      const m = await lmer("y ~ x + (1 | g)", {connection, table: "t"});
      expect(fitDifferences(expected, m, 0)).toEqual([]);
    }
    expect(() => duckdbWasm({} as never)).toThrow(/^invalid DuckDB-Wasm database: an object/);
    await expect(lmer("y ~ x + (1 | d)", {connection: client, table: "dates"})).rejects.toThrow(/^grouping column d of table dates has type Date32<DAY>, which cannot group/);
  });
});

describe("arrowDecimal reads Arrow's decimals (DuckDB-Wasm gives SUM of integers, a HUGEINT, as a Decimal[38e0])", () => {
  it("reads 128- and 256-bit two's complement words at scales 0 and above, and leaves other values alone", () => {
    const words = (n: bigint, count = 4) => Uint32Array.from({length: count}, (_, i) => Number(BigInt.asUintN(32 * count, n) >> BigInt(32 * i) & 0xffffffffn));
    expect(arrowDecimal(words(2n), 0)).toBe(2);
    expect(arrowDecimal(words(200000n), 0)).toBe(200000);
    expect(arrowDecimal(words(-7n), 0)).toBe(-7);
    expect(arrowDecimal(words(2n ** 70n + 1n), 0)).toBe(Number(2n ** 70n));
    expect(arrowDecimal(words(-12345n), 2)).toBeCloseTo(-123.45, 12);
    expect(arrowDecimal(words(123456789012345678901234567n), 20)).toBeCloseTo(1234567.8901234567, 8);
    expect(arrowDecimal(words(-5n, 8), 1)).toBe(-0.5);
    expect(arrowDecimal(3, 0)).toBe(3);
    expect(arrowDecimal(null, 0)).toBe(null);
  });

  it("a DuckDB-Wasm result with a decimal column of HUGEINT sums reads as numbers", async () => {
    const words = (n: number) => Uint32Array.of(n, 0, 0, 0);
    const table = {
      schema: {fields: [{name: "s", type: Object.assign(Object.create({toString: () => "Decimal[38e0]"}), {scale: 0})}]},
      numRows: 2,
      getChildAt: () => ({get: (i: number) => words([2, 0][i])})
    };
    const connection = duckdbWasm({query: async () => table});
    expect(await connection.query("SELECT 1", [])).toEqual({columns: [{name: "s", type: "number"}], rows: [[2], [0]]});
  });
});

describe("after a fit from SQL: what needs only the sums works, what needs the rows says so", () => {
  it("Wald and profile intervals, Satterthwaite's tests and predictions for new data equal the fit in memory's; the rest refuses", async () => {
    const {rows, columns} = await db.query(`SELECT * FROM "t"`, []);
    const data = Object.fromEntries(columns.map((c, j) => [c.name, rows.map((r) => r[j])]));
    const memory = lmerInMemory("y ~ x + (1 | g)", data);
    const model = await lmer("y ~ x + (1 | g)", table("t"));
    expect(confint(model, {method: "Wald"}).objects()).toEqual(confint(memory, {method: "Wald"}).objects());
    expect(confint(model, {method: "profile"}).objects()).toEqual(confint(memory, {method: "profile"}).objects());
    expect(satterthwaiteValues(model)).toEqual(satterthwaiteValues(memory));
    const newdata = [{x: 3, g: "O'Brien"}, {x: 7.5, g: "f"}];
    expect(predict(model, newdata)).toEqual(predict(memory, newdata));
    const rowsNeeded = /needs the model's rows, which stayed in the database \(the fit from SQL had only sums\); fit in memory from the rows, or use what needs only the sums/;
    expect(() => predict(model)).toThrow(rowsNeeded);
    expect(() => kenwardRogerValues(model)).toThrow(rowsNeeded);
    expect(() => bootstrap(model, {nsim: 2, seed: 1})).toThrow(rowsNeeded);
    expect(() => simulate(model, {nsim: 1, seed: 1})).toThrow(rowsNeeded);
  });
});
