import {spawnSync} from "node:child_process";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {beforeAll, describe, expect, it} from "vitest";
import {main, mainAsync} from "../src/cli/main.js";
import {duckdb} from "../src/sql/connection.js";
import {datasetsDir} from "./helpers/fits.js";

// `lmm fit` on rows in a database: a Parquet file (DuckDB in the process) and a table of a DuckDB database
// file print the summary of the CSV's fit, but for the Data: name and the scaled residuals, which stay in
// the database; --json adds frame "sql" and the queries.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "lmm-sql-cli-"));
const SLOPE = "Reaction ~ Days + (Days | Subject)";

async function run(...argv: string[]) {
  let stdout = "", stderr = "";
  const code = await mainAsync(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
}

beforeAll(async () => {
  const writer = await duckdb();
  await writer.query(`COPY (SELECT * FROM read_csv($1)) TO '${join(dir, "sleep.parquet")}' (FORMAT parquet)`, [join(datasetsDir, "sleepstudy.csv")]);
  await writer.query(`ATTACH '${join(dir, "shop.db")}' AS shop`, []);
  await writer.query(`CREATE TABLE shop.sleep AS SELECT * FROM read_csv($1)`, [join(datasetsDir, "sleepstudy.csv")]);
  await writer.query(`DETACH shop`, []);
  await writer.close?.();
}, 60_000);

/** The summary without its Data: line and the scaled residuals' two lines. */
const comparable = (text: string) => text.replace(/^ {3}Data: .*\n/m, "").replace(/Scaled residuals: \n.*\n(.*\n)?\nRandom/, "Random");

describe("lmm fit on a Parquet file and on a DuckDB table", () => {
  it("prints the summary of the fit from the CSV", async () => {
    let memory = "";
    main(["fit", join(datasetsDir, "sleepstudy.csv"), SLOPE], {stdout: (t) => (memory += t), stderr: () => {}});
    const parquet = await run("fit", join(dir, "sleep.parquet"), SLOPE);
    expect(parquet.code).toBe(0);
    expect(parquet.stdout).toMatch(/ {3}Data: sleep\n/);
    expect(parquet.stdout).toMatch(/Scaled residuals: \n\(not computed: the rows stay in the database, which gave only sums\)\n/);
    expect(comparable(parquet.stdout)).toBe(comparable(memory));
    const table = await run("fit", `duckdb:${join(dir, "shop.db")}:sleep`, SLOPE, "--ml", "--json");
    expect(table.code).toBe(0);
    const json = JSON.parse(table.stdout);
    expect(json.frame).toBe("sql");
    expect(json.REML).toBe(false);
    expect(json.queries.length).toBeGreaterThan(3);
    expect(json.queries[0].sql).toBe('SELECT * FROM "sleep" AS "lmm_source" LIMIT 0');
    expect(json.fitted).toEqual([]);
  }, 60_000);

  it("errors are one `lmm: ` line: a missing table or file, options it does not take", async () => {
    const missing = await run("fit", `duckdb:${join(dir, "shop.db")}:nope`, SLOPE);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lmm: cannot read table nope with duckdb: Catalog Error: Table with name nope does not exist[^\n]*\n$/);
    expect((await run("fit", `duckdb:${join(dir, "none.db")}:sleep`, SLOPE)).stderr).toMatch(/^lmm: cannot open the DuckDB database "[^"]*none\.db"/);
    expect((await run("fit", "duckdb:sleep", SLOPE)).stderr).toBe("lmm: invalid DuckDB source \"duckdb:sleep\"; write duckdb:FILE.db:TABLE\n");
    expect((await run("fit", join(dir, "sleep.parquet"), SLOPE, "--family", "poisson")).stderr).toMatch(/^lmm: --family is not available for data in a database/);
    expect((await run("fit", join(dir, "sleep.parquet"), "Reaction ~ Dayz + (1 | Subject)")).stderr).toMatch(/^lmm: unknown column: Dayz in parquet file/);
  }, 60_000);

  it("bin/lmm.js runs it, and lmm help names the forms", () => {
    const r = spawnSync(process.execPath, ["bin/lmm.js", "fit", join(dir, "sleep.parquet"), SLOPE, "--json"], {cwd: root, encoding: "utf8"});
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).nobs).toBe(180);
    let help = "";
    main(["help"], {stdout: (t) => (help += t), stderr: () => {}});
    expect(help).toMatch(/DATA may also be FILE\.parquet, duckdb:FILE\.db:TABLE or postgres:TABLE/);
  }, 60_000);
});
