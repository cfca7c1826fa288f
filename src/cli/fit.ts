import {basename} from "node:path";
import {clip, fail} from "../errors.js";
import {glmer} from "../glmm/fit.js";
import {checkDdf} from "../inference/ddf.js";
import {kenwardRogerJSON} from "../inference/t-tests/kenward-roger-t.js";
import {satterthwaiteJSON} from "../inference/t-tests/satterthwaite.js";
import {summary} from "../inference/summary.js";
import {loadCSVSync} from "../io/load.js";
import {lmer} from "../lmm/fit.js";
import {readStata} from "../notation/stata.js";
import {readLevels} from "../notation/levels.js";
import {readZelig} from "../notation/zelig.js";
import {duckdb, postgres, type SqlConnection} from "../sql/connection.js";
import {lmerSql} from "../sql/lmer.js";
import type {SqlSource} from "../sql/source.js";
import {dataAndFormula, GLMM_OPTIONS, glmerArguments, parseArgs, singleValue, zeligArgument, type Output} from "./args.js";

export const FIT_USAGE = `usage: lmm fit DATA.csv "FORMULA" [--syntax lme4|stata|zelig|levels] [--ml] [--ddf Satterthwaite|Kenward-Roger] [--family binomial|poisson|Gamma|gaussian|inverse.gaussian [--link LINK] [--nagq N]] [--weights COLUMN] [--correlation "corAR1(form = ~ t | g)"] [--variance "varIdent(form = ~ 1 | s)"] [--json]; DATA may also be FILE.parquet, duckdb:FILE.db:TABLE or postgres:TABLE (fitted from the sums the database computes)`;

/** The notations `--syntax` reads. */
const SYNTAXES = ["lme4", "stata", "zelig", "levels"];

/**
 * `lmm fit DATA.csv "F" [--syntax lme4|stata|zelig|levels] [--ml] [--ddf Satterthwaite|Kenward-Roger] [--json]`: fits the
 * model (REML unless --ml; with `--syntax stata`, F is a Stata `mixed` command line, read by
 * {@link readStata}, and the fit is ML unless the command says `reml`; with `--syntax zelig`, F is a Zelig
 * formula or its two-equation list as JSON, `{"mu": "…", "gamma": "~ tag(w | g)"}`, read by {@link readZelig},
 * and a missing value is an error, as Zelig's na.fail; with `--syntax levels`, F is level-1/level-2 equations,
 * read by {@link readLevels}) and prints the one summary, lmerTest's `print(summary(m))` with the data's file name (without
 * `.csv`) on its `Data:` line; `--json` prints the model's JSON contract (`m.toJSON()`) with Satterthwaite's
 * t tests (`satterthwaite`) and, with `--ddf Kenward-Roger`, Kenward and Roger's (`kenwardRoger`).
 *
 * `--correlation` and `--variance` give residual structures in nlme's spelling (lmer's `correlation` and
 * `variance`, as nlme's `lme(…, correlation = corAR1(form = ~ Days | Subject), weights = varIdent(form = ~ 1 | Sex))`);
 * the JSON then has `corStruct` and `varStruct`, nlme's natural-scale coefficients.
 *
 * `--weights COLUMN` gives prior weights (lmer's and glmer's `weights`; a binomial proportion's trials).
 * With `--family` (and optionally `--link` and `--nagq`, glmer's `nAGQ`) the model is a generalized one,
 * fitted by {@link glmer}, and the summary is lme4's for a glmer fit; `--json` prints its `toJSON()`. `--ml`
 * and `--ddf` are refused with it (glmer fits by maximum likelihood, and its tests are Wald z tests), as is
 * `--syntax stata` (Stata's `mixed` is a linear model).
 *
 * @example
 *   fitCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--ddf", "Kenward-Roger"], out);
 *   fitCommand(["datasets/cbpp.csv", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "--family", "binomial"], out);
 */
export function fitCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["ddf", "syntax", "correlation", "variance", ...GLMM_OPTIONS]});
  const [path, formulaText] = dataAndFormula(args, "fit", FIT_USAGE);
  const ddfGiven = singleValue(args, "ddf");
  const ddf = checkDdf(ddfGiven ?? "Satterthwaite");
  const syntax = singleValue(args, "syntax") ?? "lme4";
  if (!SYNTAXES.includes(syntax)) fail(`unknown --syntax ${JSON.stringify(syntax.slice(0, 40))}; use ${SYNTAXES.slice(0, -1).join(", ")} or ${SYNTAXES[SYNTAXES.length - 1]}`);
  const glmm = glmerArguments(args);
  const weights = singleValue(args, "weights");
  const correlation = singleValue(args, "correlation");
  const variance = singleValue(args, "variance");
  const structures: {correlation?: string; variance?: string} = {...(correlation !== undefined ? {correlation} : {}), ...(variance !== undefined ? {variance} : {})};
  if (glmm !== null && Object.keys(structures).length) fail("--correlation and --variance are for linear models (nlme's lme); leave them out with --family");
  if (glmm !== null) {
    if (ddfGiven !== undefined) fail("--ddf makes no sense with --family: a generalized model's fixed effects have Wald z tests, with no denominator degrees of freedom; leave out --ddf");
    if (syntax === "stata") fail("--syntax stata reads Stata's mixed command, a linear model; write the generalized model as an lme4 formula");
  }
  if (syntax === "lme4" && /^\s*(xt)?mixed\s/.test(formulaText) && !formulaText.includes("~")) {
    fail(`"${formulaText.trim().slice(0, 40)}" is a Stata command, not an lme4 formula: add --syntax stata`);
  }
  const stata = syntax === "stata" ? readStata(formulaText) : null;
  if (stata?.correlation !== undefined || stata?.variance !== undefined) {
    if (Object.keys(structures).length) fail("the Stata command's residuals() gives the residual structure already; leave out --correlation and --variance");
    if (stata.correlation !== undefined) Object.assign(structures, {correlation: stata.correlation});
    if (stata.variance !== undefined) Object.assign(structures, {variance: stata.variance});
  }
  const zelig = syntax === "zelig" ? readZelig(zeligArgument(formulaText)) : null;
  const levels = syntax === "levels" ? readLevels(formulaText) : null;
  const REML = stata ? stata.REML && !args.flags.has("ml") : !args.flags.has("ml");
  if (ddf === "Kenward-Roger" && !REML) fail(`--ddf Kenward-Roger needs a REML fit; ${stata ? "add reml to the Stata command" : "leave out --ml"}`);
  const data = loadCSVSync(path);
  if (glmm !== null) {
    const spec = zelig?.spec ?? levels?.spec ?? formulaText;
    const model = glmer(spec, data, {...glmm, ...(zelig ? {naAction: zelig.naAction} : {})});
    out.stdout((args.flags.has("json") ? JSON.stringify(model.toJSON()) : summary(model, {dataName: basename(path).replace(/\.csv$/i, "")})) + "\n");
    return 0;
  }
  const model = lmer(stata?.spec ?? zelig?.spec ?? levels?.spec ?? formulaText, data, {REML, ...(zelig ? {naAction: zelig.naAction} : {}), ...(weights !== undefined ? {weights} : {}), ...structures});
  if (args.flags.has("json")) {
    const kr = ddf === "Kenward-Roger" ? {kenwardRoger: kenwardRogerJSON(model)} : {};
    out.stdout(JSON.stringify({...model.toJSON(), satterthwaite: satterthwaiteJSON(model), ...kr}) + "\n");
  } else out.stdout(summary(model, {dataName: basename(path).replace(/\.csv$/i, ""), ddf}) + "\n");
  return 0;
}

// `lmm fit` on rows in a database: a Parquet file (read by DuckDB in this process), a table of a DuckDB
// database file, or a table of a PostgreSQL server. Only sums come back from the engine (src/sql).

/**
 * Whether a data argument of `lmm fit` names rows in a database rather than a CSV file: `FILE.parquet` (or a
 * glob such as `parts/*.parquet`), `duckdb:FILE.db:TABLE`, or `postgres:TABLE` (the server from libpq's
 * environment variables PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD).
 *
 * @example
 *   isSqlData("big.parquet");        // true
 *   isSqlData("duckdb:shop.db:obs"); // true
 *   isSqlData("sleepstudy.csv");     // false
 */
export function isSqlData(path: string): boolean {
  return /\.parquet$/i.test(path) || path.startsWith("duckdb:") || path.startsWith("postgres:");
}

/** The connection and source of a data argument (see {@link isSqlData}), and the name the summary's `Data:` line shows. */
async function openSource(path: string): Promise<{source: SqlSource; name: string}> {
  if (path.startsWith("duckdb:")) {
    const rest = path.slice("duckdb:".length);
    const colon = rest.lastIndexOf(":");
    if (colon <= 0 || colon === rest.length - 1) fail(`invalid DuckDB source ${JSON.stringify(clip(path, 60))}; write duckdb:FILE.db:TABLE`);
    const file = rest.slice(0, colon), table = rest.slice(colon + 1);
    return {source: {connection: await duckdb(file), table}, name: table};
  }
  if (path.startsWith("postgres:")) {
    const table = path.slice("postgres:".length);
    if (table === "") fail("invalid PostgreSQL source \"postgres:\"; write postgres:TABLE, with the server in PGHOST, PGPORT, PGUSER and PGDATABASE");
    return {source: {connection: await postgres({}), table}, name: table};
  }
  return {source: {connection: await duckdb(), parquet: path}, name: basename(path).replace(/\.parquet$/i, "")};
}

/**
 * `lmm fit DATA "F" [--ml] [--json] [--weights COLUMN]` where DATA names rows in a database: fits the model
 * from the sums the engine computes and prints lmerTest's summary (its scaled residuals are not computed:
 * the rows stay in the database) or, with `--json`, the model's JSON with Satterthwaite's t tests and the
 * queries that ran. The other options of `lmm fit` (families, notations, Kenward–Roger) are refused here.
 *
 * @example
 *   await fitSqlCommand(["big.parquet", "y ~ x + (x | g)"], out);
 *   await fitSqlCommand(["duckdb:shop.db:obs", "y ~ x + (1 | store)", "--json"], out);
 */
export async function fitSqlCommand(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["weights", "ddf", "syntax", "family", "link", "nagq", "correlation", "variance"]});
  const [path, formulaText] = dataAndFormula(args, "fit", FIT_USAGE);
  for (const name of ["ddf", "syntax", "family", "link", "nagq", "correlation", "variance"]) {
    if (singleValue(args, name) !== undefined) fail(`--${name} is not available for data in a database (${clip(path, 60)}) yet; fit a linear model in lme4 syntax, or export the rows to CSV`);
  }
  const weights = singleValue(args, "weights");
  const {source, name} = await openSource(path);
  const connection: SqlConnection = source.connection;
  try {
    const model = await lmerSql(formulaText, source, {REML: !args.flags.has("ml"), ...(weights !== undefined ? {weights} : {})});
    if (args.flags.has("json")) {
      out.stdout(JSON.stringify({...model.toJSON(), frame: model.frame, queries: model.queries, satterthwaite: satterthwaiteJSON(model)}) + "\n");
    } else out.stdout(summary(model, {dataName: name}) + "\n");
    return 0;
  } finally {
    await connection.close?.();
  }
}
