// Fits from cross-products DuckDB computes over Parquet files, against the fit in memory where the rows fit.
//
//   node bench/sql.mjs [--sizes 1e6,1e7,1e8] [--models slope,crossed] [--dir /tmp/lmm-sql-bench] [--memory 1e6,1e7]
//
// Data: synthetic Parquet files written by DuckDB ahead of the fits (and kept in --dir for the next run):
//   slope:   y = 1 + 0.5 x + b0[g] + b1[g] x + e, g with 100 000 levels (integers), x uniform on (0, 10), b0 ~ N(0, 1),
//            b1 ~ N(0, 0.2²), e ~ N(0, 1); model y ~ x + (x | g)
//   crossed: y = 2 + a-effect (10 000 integer levels, sd 1) + b-effect (100 levels, sd 0.5) + e; model y ~ 1 + (1 | a) + (1 | b)
// Normal draws by Box–Muller from DuckDB's hash() of the row number (reproducible, whatever the threads).
//
// Each fit runs in a fresh Node process, which reports its time and its peak resident memory
// (process.resourceUsage().maxRSS, which counts DuckDB's memory too, since it runs in that process):
//   sql     lmerSql(formula, {connection: duckdb(), parquet}) — only sums come to JavaScript;
//   memory  the rows read from the Parquet file by DuckDB into Float64Arrays and strings, then lmer in memory
//           (sizes in --memory only: 10⁸ rows of text groups do not fit in a Node heap).
// Run `npm run build` first (the bench imports dist/index.js). The machine is shared: the load average is
// printed with each line, and times vary with it.
//
// Measured at the commit that added this header (load average 7–9 on the 2 shared cores): y ~ x + (x | g),
// 10⁵ groups: 10⁶ rows sql 4.2 s / 224 MB, memory 10.9 s / 505 MB; 10⁷ sql 8.0 s / 231 MB, memory 100.7 s /
// 3433 MB; 10⁸ sql 33.2 s / 234 MB. Crossed (1 | a) + (1 | b), 10⁴ × 10²: 10⁶ sql 10.9 s / 354 MB, memory
// 10.7 s / 487 MB; 10⁷ sql 21.7 s / 482 MB, memory 66.6 s / 3286 MB; 10⁸ sql 60.3 s / 508 MB. Generating the
// 10⁸-row files took 179 s (slope) and 101 s (crossed). Those were on @duckdb/node-api 1.3.2-alpha.26; on
// 1.5.6-r.1 (load 7–8): 10⁸ slope 25.5 s / 247 MB, 10⁸ crossed 44.7 s / 573 MB.
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync} from "node:fs";
import {loadavg} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist", "index.js");

const MODELS = {
  slope: {formula: "y ~ x + (x | g)", groups: 100_000},
  crossed: {formula: "y ~ 1 + (1 | a) + (1 | b)", groups: 10_000}
};

/** A uniform draw on (0, 1) from the hash of an integer expression and a stream number, as SQL. */
const uniform = (expr, stream) => `((hash(${expr} * 7 + ${stream}) % 1000003) + 0.5) / 1000003`;
/** A standard normal draw (Box–Muller) as SQL. */
const normal = (expr, stream) => `(sqrt(-2 * ln(${uniform(expr, stream)})) * cos(2 * pi() * ${uniform(expr, stream + 1)}))`;

function generateSql(model, n, file) {
  if (model === "slope") {
    return `COPY (SELECT 1 + 0.5 * x + u0 + u1 * x + e AS y, x, g FROM (
      SELECT 10 * ${uniform("i", 1)} AS x, g, ${normal("g", 10)} AS u0, 0.2 * ${normal("g", 20)} AS u1, ${normal("i", 30)} AS e
      FROM (SELECT range AS i, CAST(hash(range) % 100000 AS INTEGER) AS g FROM range(${n})))) TO '${file}' (FORMAT parquet)`;
  }
  return `COPY (SELECT 2 + ${normal("a", 40)} + 0.5 * ${normal("b + 100000", 50)} + ${normal("i", 60)} AS y, a, b
    FROM (SELECT range AS i, CAST(hash(range) % 10000 AS INTEGER) AS a, CAST(hash(range + 1) % 100 AS INTEGER) AS b FROM range(${n}))) TO '${file}' (FORMAT parquet)`;
}

async function child(kind, model, file) {
  const api = await import(dist);
  const {formula} = MODELS[model];
  const t0 = performance.now();
  let m, queries = 0, querySeconds = 0;
  if (kind === "generate") {
    const db = await api.duckdb();
    const n = Number(process.argv[process.argv.indexOf("--n") + 1]);
    await db.query(generateSql(model, n, file), []);
    process.stdout.write(JSON.stringify({seconds: (performance.now() - t0) / 1000}) + "\n");
    return;
  }
  if (kind === "sql") {
    const db = await api.duckdb();
    m = await api.lmerSql(formula, {connection: db, parquet: file});
    queries = m.queries.length;
    querySeconds = m.queries.reduce((s, q) => s + q.milliseconds, 0) / 1000;
  } else {
    const db = await api.duckdb();
    const columns = model === "slope" ? ["y", "x", "g"] : ["y", "a", "b"];
    const {rows} = await db.query(`SELECT ${columns.join(", ")} FROM read_parquet($1)`, [file]);
    const data = Object.fromEntries(columns.map((c, j) => [c, typeof rows[0][j] === "number" ? Float64Array.from(rows, (r) => r[j]) : rows.map((r) => r[j])]));
    rows.length = 0;
    await db.close();
    const read = (performance.now() - t0) / 1000;
    m = api.lmer(formula, data);
    querySeconds = read;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({
    timings: m.timings, seconds, querySeconds, queries, optimizerSeconds: m.optimizer.seconds, evaluations: m.optimizer.evaluations,
    maxRssMB: process.resourceUsage().maxRSS / 1024, theta: Array.from(m.theta), beta: Array.from(m.beta), sigma: m.sigma, nobs: m.nobs
  }) + "\n");
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function runChild(args) {
  const out = execFileSync(process.execPath, ["--max-old-space-size=16000", fileURLToPath(import.meta.url), "--child", ...args], {encoding: "utf8", maxBuffer: 1 << 24});
  return JSON.parse(out.trim().split("\n").pop());
}

async function parent() {
  if (!existsSync(dist)) throw new Error("run npm run build first");
  const sizes = arg("sizes", "1e6,1e7,1e8").split(",").map(Number);
  const memorySizes = arg("memory", "1e6,1e7").split(",").map(Number);
  const models = arg("models", "slope,crossed").split(",");
  const dir = arg("dir", "/tmp/lmm-sql-bench");
  mkdirSync(dir, {recursive: true});
  const load = () => loadavg()[0].toFixed(1);
  for (const model of models) {
    for (const n of sizes) {
      const file = join(dir, `${model}-${n}.parquet`);
      if (!existsSync(file)) {
        const g = runChild(["generate", model, file, "--n", String(n)]);
        console.log(`${model} n=${n.toExponential(0)}: generated ${file} in ${g.seconds.toFixed(1)} s (load ${load()})`);
      }
      const kinds = memorySizes.includes(n) ? ["sql", "memory"] : ["sql"];
      const results = {};
      for (const kind of kinds) {
        const r = runChild([kind, model, file]);
        results[kind] = r;
        console.log(`${model} n=${n.toExponential(0)} ${kind.padEnd(6)} ${r.seconds.toFixed(2)} s (${kind === "sql" ? `${r.queries} queries ${r.querySeconds.toFixed(2)} s` : `read ${r.querySeconds.toFixed(2)} s`}, optimizer ${r.optimizerSeconds.toFixed(2)} s, ${r.evaluations} evaluations), peak RSS ${r.maxRssMB.toFixed(0)} MB, load ${load()}, stages ms ${JSON.stringify(Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)])))}; θ ${r.theta.map((t) => t.toPrecision(6)).join(" ")} σ ${r.sigma.toPrecision(6)}`);
      }
      if (results.sql && results.memory) {
        const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
        const thetaScale = Math.max(...results.memory.theta.map(Math.abs));
        const theta = Math.max(...results.sql.theta.map((t, i) => Math.abs(t - results.memory.theta[i]) / thetaScale));
        const rest = Math.max(...results.sql.beta.map((b, i) => rel(b, results.memory.beta[i])), rel(results.sql.sigma, results.memory.sigma));
        console.log(`${model} n=${n.toExponential(0)} sql vs memory: largest difference in θ ${theta.toExponential(2)} (relative to the largest θ), in β and σ ${rest.toExponential(2)} relative`);
      }
    }
  }
}

if (process.argv.includes("--child")) {
  const i = process.argv.indexOf("--child");
  await child(process.argv[i + 1], process.argv[i + 2], process.argv[i + 3]);
} else await parent();
