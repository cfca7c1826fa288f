/**
 * Helpers of the SQL tests: the reference data sets loaded as tables into DuckDB and PostgreSQL, and the
 * comparison of two fits (or two sets of cross-products) entry by entry at a relative tolerance.
 */
import {copyFileSync} from "node:fs";
import {join} from "node:path";
import type {Blocked} from "../../src/lmm/blocks.js";
import type {LinearMixedModel} from "../../src/lmm/model.js";
import type {SqlConnection} from "../../src/sql/connection.js";
import {quoteIdentifier} from "../../src/sql/source.js";
import {datasetsDir} from "./fits.js";

/** Loads datasets/NAME.csv into a DuckDB table NAME (NA and empty fields missing, types as DuckDB reads them). */
export async function duckdbTable(db: SqlConnection, name: string): Promise<void> {
  await db.query(`CREATE OR REPLACE TABLE ${quoteIdentifier(name)} AS SELECT * FROM read_csv($1, nullstr = ['NA', ''])`, [join(datasetsDir, `${name}.csv`)]);
}

const PG_TYPES: Record<string, string> = {BIGINT: "bigint", DOUBLE: "double precision", VARCHAR: "text", BOOLEAN: "boolean"};

/**
 * Loads datasets/NAME.csv into a PostgreSQL table NAME with the column types DuckDB reads (so both engines
 * hold the same values): the file is copied into the server's own folder `serverDir` and read by COPY.
 */
export async function postgresTable(pg: SqlConnection, duck: SqlConnection, name: string, serverDir: string): Promise<void> {
  const described = await duck.query(`DESCRIBE SELECT * FROM read_csv($1, nullstr = ['NA', ''])`, [join(datasetsDir, `${name}.csv`)]);
  const columns = described.rows.map((r) => `${quoteIdentifier(String(r[0]))} ${PG_TYPES[String(r[1])] ?? "text"}`);
  const file = join(serverDir, `${name}.csv`);
  copyFileSync(join(datasetsDir, `${name}.csv`), file);
  await pg.query(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`, []);
  await pg.query(`CREATE TABLE ${quoteIdentifier(name)} (${columns.join(", ")})`, []);
  // COPY takes no parameters: the path is ours (a temporary folder), written as a string literal
  await pg.query(`COPY ${quoteIdentifier(name)} FROM '${file.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true, NULL 'NA')`, []);
}

/** Entries of two arrays farther apart than `tol` relative to the larger magnitude in the whole array (`what[i]: a vs b`). */
export function differences(what: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: number, floor = 0): string[] {
  if (a.length !== b.length) return [`${what}: lengths ${a.length} and ${b.length}`];
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    if (!(Math.abs(a[i] - b[i]) <= tol * scale) && !(a[i] === b[i])) out.push(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
  return out;
}

/** Every block of two cross-products compared at `tol` relative to each block's largest entry. */
export function blockDifferences(A: Blocked, B: Blocked, tol: number): string[] {
  const blocks: [string, ArrayLike<number>, ArrayLike<number>][] = [["zzFirst", A.zzFirst, B.zzFirst], ["xyXy", A.xyXy, B.xyXy]];
  A.xyZ.forEach((x, i) => blocks.push([`xyZ${i}`, x, B.xyZ[i]]));
  A.zzDiagonal.forEach((x, i) => x && blocks.push([`zzDiagonal${i}`, x, B.zzDiagonal[i]]));
  A.zzBelowFirst.forEach((x, i) => {
    if (!x) return;
    blocks.push([`zzBelowFirst${i}`, x.values, B.zzBelowFirst[i].values], [`colPtr${i}`, x.colPtr, B.zzBelowFirst[i].colPtr], [`rowLevel${i}`, x.rowLevel, B.zzBelowFirst[i].rowLevel]);
  });
  A.zzOffDiagonal.forEach((row, i) => row?.forEach((x, j) => x && blocks.push([`zzOffDiagonal${i},${j}`, x, B.zzOffDiagonal[i][j]])));
  return blocks.flatMap(([what, a, b]) => {
    let largest = 0;
    for (let k = 0; k < a.length; k++) largest = Math.max(largest, Math.abs(a[k]));
    return differences(what, a, b, tol, largest).slice(0, 3);
  });
}

/** The estimates of two fits compared at `tol` relative (θ against the largest θ of its term's scale 1). */
export function fitDifferences(a: LinearMixedModel, b: LinearMixedModel, tol: number): string[] {
  const names = a.fixefNames;
  const ranefA = a.ranef, ranefB = b.ranef;
  return [
    ...(JSON.stringify(names) === JSON.stringify(b.fixefNames) ? [] : [`fixef names ${names} vs ${b.fixefNames}`]),
    ...(a.nobs === b.nobs ? [] : [`nobs ${a.nobs} vs ${b.nobs}`]),
    ...differences("theta", a.theta, b.theta, tol, 1),
    ...differences("beta", a.beta, b.beta, tol),
    ...differences("se", names.map((n) => a.se[n]), names.map((n) => b.se[n]), tol),
    ...differences("sigma", [a.sigma], [b.sigma], tol),
    ...differences("deviance", [a.deviance, a.REMLcrit ?? 0, a.logLik], [b.deviance, b.REMLcrit ?? 0, b.logLik], tol),
    ...differences("varCorr", a.varCorr.map((r) => r.vcov), b.varCorr.map((r) => r.vcov), tol, a.sigma2),
    ...differences("condval", ranefA.condval, ranefB.condval, tol, Math.max(...ranefA.condsd)),
    ...differences("condsd", ranefA.condsd, ranefB.condsd, tol)
  ].slice(0, 8);
}
