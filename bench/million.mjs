// A million rows: readCSV and lmer() on synthetic data, `y ~ x + (x | g)`, one group per 100 rows (10 000
// groups at 10⁶ rows), at 10⁴, 10⁵, 10⁶ and 4·10⁶ rows, with the growth exponent (the least-squares slope
// of log time on log rows). Run `npm run build` first; `node bench/million.mjs [--sizes 1e4,1e5,1e6,4e6]
// [--runs 3] [--keep] [--lib dist/index.js] [--lme4-max 1e6] [--no-lme4]`. The CSV files go to a temporary folder (removed unless --keep); nothing is committed.
//
// Per size: "csv MB" the file; "read s" readCSV of its text in this process (median of the runs);
// "fit s" lmer() on that table, warm (median of the runs after one fit); "cold s" the first lmer() in a
// fresh child process that reads the file (readFileSync + readCSV) and fits; "read+fit MB" that child's
// peak resident set (process.resourceUsage().maxRSS); "child read s" its readCSV. No assertions: figures.
//
// Targets (issue 15): at 10⁶ rows fit ≤ 0.25 s warm, read+fit peak ≤ 250 MB, readCSV ≤ 0.5 s; exponent ≤ 1.05.
// Before (3de5fdb, 2 cores shared with a CI run, load average 8–9, runs 3):
//        rows  groups  csv MB  read s   fit s  cold s  child read s  read+fit MB  evals
//       10000     100     0.2   0.063   0.182   0.673         0.133           81     63
//      100000    1000     2     0.509   0.247   1.386         0.716          139     60
//     1000000   10000    21     1.767   3.340   2.270         3.012          410     52
//     4000000   40000    87.1   7.549  16.959  17.680        19.386         1286     75
//   growth exponent: read 0.765, fit 0.782 (flattered by the fixed costs at 10⁴ rows; 10⁶ → 4·10⁶: 1.05 and 1.17)
// After (branch million, e73a90b, same machine, load average 3.6–4.4, runs 5):
//        rows  groups  csv MB  read s   fit s  cold s  child read s  read+fit MB  evals
//       10000     100     0.2   0.025   0.062   0.263         0.061           71     63
//      100000    1000     2     0.095   0.075   0.382         0.282           92     60
//     1000000   10000    21     0.436   0.391   0.727         0.944          217     52
//     4000000   40000    87.1   2.270   2.331   2.365         3.463          497     75
//   growth exponent: read 0.730, fit 0.596 over the four sizes; 10⁵ → 10⁶: read 0.66, fit 0.72; 10⁶ → 4·10⁶:
//   read 1.19, fit 1.29 (the parent then holds 87 MB of text and two tables: garbage collection grows).
//   The machine was shared: at 10⁶ rows other runs the same hour gave read 0.54–0.74 s and fit 0.62–0.92 s.
//   Every fit gives the same numbers as before, bit for bit. What a warm fit at 10⁶ rows still pays: a full
//   garbage collection (~65 MB of typed arrays a fit: the frame's columns, Z, fitted values and residuals),
//   the grouping factor's Map pass (~50 ms) and the optimizer (~80 ms, 52 evaluations).
// Then (session 8, main at 05f1693 + transform cache, quiet: load average ≈ 1.2, runs 5, lme4 in the same run):
//        rows  groups  csv MB  read s   fit s  cold s  child read s  read+fit MB  evals  lme4 fit s  fit / lme4
//       10000     100     0.2   0.009   0.010   0.071         0.035           72     31       0.119       0.084
//      100000    1000     2     0.040   0.026   0.150         0.142           93     29       1.029       0.025
//     1000000   10000    21     0.576   0.206   0.578         1.181          224     33      16.304       0.013
//     4000000   40000    87.1   1.752   1.037   1.261         3.399          533     28
//   growth exponent: read 0.911, fit 0.775 over the four sizes; 10⁶ → 4·10⁶: fit 1.17. A second run at 10⁶ alone
//   (runs 7): read 0.451 s, fit 0.208 s, cold 0.393 s, 222 MB. What changed: moment starts (52 → 33 evaluations),
//   factor codes from readCSV's label indices and a table for small integers (no Map per row), log|L| by running
//   products, fitted values and residuals on first use. What the 4·10⁶ fit still pays: fresh 32 MB buffers
//   (y, x, Z, codes), whose page faults cost 100–500 ms each under load on this virtual machine.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {availableParallelism, loadavg, tmpdir} from "node:os";
import {join} from "node:path";
import {execFileSync} from "node:child_process";
import {timeInR} from "./same-run.mjs";
import {fileURLToPath} from "node:url";

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = arg("--sizes", "1e4,1e5,1e6,4e6").split(",").map(Number);
const runs = Number(arg("--runs", 3));
const lme4Max = Number(arg("--lme4-max", 1e6));
const keep = args.includes("--keep");
const FORMULA = "y ~ x + (x | g)";
const ROWS_PER_GROUP = 100;
const dist = args.includes("--lib") ? join(process.cwd(), arg("--lib")) : fileURLToPath(new URL("../dist/index.js", import.meta.url));

// the child: reads the file and fits once in a fresh process, printing its times and peak memory as JSON
const CHILD = `
import {readFileSync} from "node:fs";
import {lmer, readCSV} from ${JSON.stringify(dist)};
const t0 = performance.now();
const table = readCSV(readFileSync(process.argv[1], "utf8"));
const t1 = performance.now();
const m = lmer(${JSON.stringify(FORMULA)}, table);
const t2 = performance.now();
console.log(JSON.stringify({read: (t1 - t0) / 1000, fit: (t2 - t1) / 1000, maxRSS: process.resourceUsage().maxRSS * 1024, evaluations: m.optimizer.evaluations}));
`;

/** A small seeded generator (mulberry32) and standard normals from it (Box–Muller). */
function random(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return {uniform, normal};
}

/**
 * The CSV text of n rows: g is a text label ("g1" …), x ~ U(0, 10), y = 10 + 0.5 x + b0[g] + b1[g] x + e with
 * b0 ~ N(0, 2²), b1 ~ N(0, 0.3²), e ~ N(0, 1); numbers written with 6 significant digits, rows in random group order.
 */
function syntheticCSV(n, seed = 42) {
  const {uniform, normal} = random(seed);
  const groups = Math.max(2, Math.round(n / ROWS_PER_GROUP));
  const b0 = Float64Array.from({length: groups}, () => 2 * normal());
  const b1 = Float64Array.from({length: groups}, () => 0.3 * normal());
  const parts = ["y,x,g\n"];
  let chunk = "";
  for (let i = 0; i < n; i++) {
    const g = i < groups ? i : Math.floor(uniform() * groups);
    const x = 10 * uniform();
    const y = 10 + 0.5 * x + b0[g] + b1[g] * x + normal();
    chunk += `${y.toPrecision(6)},${x.toPrecision(6)},g${g + 1}\n`;
    if (chunk.length > 1 << 20) (parts.push(chunk), (chunk = ""));
  }
  parts.push(chunk);
  return parts.join("");
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (f) => {
  const t0 = performance.now();
  const value = f();
  return [value, (performance.now() - t0) / 1000];
};

/** The least-squares slope of log y on log x. */
function slope(xs, ys) {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length, my = ly.reduce((s, v) => s + v, 0) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) (sxy += (lx[i] - mx) * (ly[i] - my)), (sxx += (lx[i] - mx) ** 2);
  return sxy / sxx;
}

const {lmer, readCSV} = await import(dist);
const dir = mkdtempSync(join(tmpdir(), "lmm-million-"));
const rows = [];
try {
  for (const n of sizes) {
    const text = syntheticCSV(n);
    const file = join(dir, `million-${n}.csv`);
    writeFileSync(file, text);
    const child = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", CHILD, file], {encoding: "utf8", maxBuffer: 1 << 20}));
    const reads = [];
    let table;
    for (let r = 0; r < runs; r++) {
      table = undefined;
      [table, reads[r]] = timed(() => readCSV(text));
    }
    let [model] = timed(() => lmer(FORMULA, table));
    const fits = [];
    for (let r = 0; r < runs; r++) [model, fits[r]] = timed(() => lmer(FORMULA, table));
    rows.push({
      rows: n,
      groups: model.structure.A.sizes[0].l,
      "csv MB": +(text.length / 2 ** 20).toFixed(1),
      "read s": +median(reads).toFixed(3),
      "fit s": +median(fits).toFixed(3),
      "cold s": +child.fit.toFixed(3),
      "child read s": +child.read.toFixed(3),
      "read+fit MB": Math.round(child.maxRSS / 2 ** 20),
      evals: model.optimizer.evaluations
    });
    console.error(JSON.stringify(rows[rows.length - 1]));
    table = undefined;
    model = undefined;
  }
  // lme4 on the same files, in one R process after ours (so the two never share the cores)
  const inR = sizes.filter((n) => n <= lme4Max);
  const lme4 = inR.length && !args.includes("--no-lme4")
    ? timeInR("lme4", inR.map((n) => ({id: `n${n}`, file: join(dir, `million-${n}.csv`), runs: 1, call: `lmer(${FORMULA}, data = d)`, value: "m@optinfo$feval"})))
    : new Map();
  for (const row of rows) {
    const r = lme4.get(`n${row.rows}`);
    row["lme4 fit s"] = r ? +r.seconds.toFixed(3) : "";
    row["fit / lme4"] = r ? +(row["fit s"] / r.seconds).toFixed(3) : "";
  }
} finally {
  if (!keep) rmSync(dir, {recursive: true, force: true});
  else console.error(`files kept in ${dir}`);
}
console.table(rows);
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(", ")} on ${availableParallelism()} cores`);
if (rows.length > 1) {
  const ns = rows.map((r) => r.rows);
  const exponent = (k) => slope(ns, rows.map((r) => r[k])).toFixed(3);
  console.log(`growth exponent (log-log slope over ${ns.join(", ")} rows): read ${exponent("read s")}, fit ${exponent("fit s")}, cold ${exponent("cold s")}, read+fit MB ${exponent("read+fit MB")}`);
}
