// The DuckDB-Wasm notebook (notebooks/sql-duckdb.html) in headless Chromium: time and peak memory of
// generating N synthetic rows as Parquet in the page and fitting y ~ x + (x | g) from DuckDB-Wasm's sums.
//
//   node bench/sql-browser.mjs [--n 50000000] [--runs 1] [--node] [--chromium /usr/bin/chromium]
//
// Builds the notebooks' site (scripts/site.mjs) into a temporary folder, serves it on 127.0.0.1 and opens
// sql-duckdb.html?n=N in Debian's Chromium (playwright-core; every request that leaves 127.0.0.1 is
// refused). The page reports its own times (data-* of its status lines): generation (the COPY statements,
// a million rows a Parquet file), the fit (its queries in DuckDB, then the optimizer), and the whole run.
// Memory is read from outside every 250 ms: the proportional set size (Pss of /proc/PID/smaps_rollup,
// which counts shared pages once) of every process of that Chromium, summed, and the largest single
// process's resident size (the renderer, whose DuckDB worker holds the wasm heap and the Parquet files);
// the peaks are printed. The machine is shared: the load average is printed with each run.
//
// Measured at the commit that added these numbers (Chromium 156, @duckdb/duckdb-wasm 1.28.0 = DuckDB 0.9.1,
// eh build, one thread; Node: @duckdb/node-api 1.5.6, both cores; load average 5.3-5.6 on the 2 shared cores),
// `--n 50000000 --node`: Chromium generated 50 million rows (50 files, 949 MB of Parquet) in 107 s and fitted
// them in 8.78 s (queries 8.40 s, 42 evaluations), 119 s for the whole page, peak Pss 1982 MB (largest
// process 1735 MB); Node generated them in 26.5 s and fitted in 8.31 s (queries 8.02 s, 44 evaluations), peak
// RSS 197 MB. An earlier run: Chromium 131 s + 7.9 s, 1987 MB. `--n 5000000 --node`: Chromium 14.0 s +
// 2.39 s, 746 MB; Node 1.8 s + 0.84 s, 217 MB. With files of 5 million rows (before CHUNK was a million),
// 50 million rows took 1042 s to generate and 2230 MB at load 6-7.
import {execFileSync} from "node:child_process";
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {chromium} from "playwright-core";
import {buildSite, serveSite} from "../scripts/site.mjs";
import {GLOB, syntheticStatements} from "../notebooks/synthetic-parquet.js";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const n = Number(option("--n", "50000000"));

// --node-child N: the same statements and fit in this Node process with @duckdb/node-api (dist/index.js's
// duckdb(), all cores), printing its times and peak resident memory (which counts DuckDB's)
if (args.includes("--node-child")) {
  const api = await import(fileURLToPath(new URL("../dist/index.js", import.meta.url)));
  const dir = mkdtempSync(join(tmpdir(), "lmm-bench-sql-node-")) + "/";
  try {
    const db = await api.duckdb();
    const t0 = performance.now();
    for (const s of syntheticStatements(n, dir)) await db.query(s.sql, []);
    const generateSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const m = await api.lmer("y ~ x + (x | g)", {connection: db, parquet: dir + GLOB});
    const fitSeconds = (performance.now() - t1) / 1000;
    console.log(JSON.stringify({generateSeconds, fitSeconds, querySeconds: m.queries.reduce((a, q) => a + q.milliseconds, 0) / 1000, evaluations: m.optimizer.evaluations,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000), theta: Array.from(m.theta), beta: Array.from(m.beta), sigma: m.sigma}));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  process.exit(0);
}
const runs = Number(option("--runs", "1"));
const executablePath = option("--chromium", process.env.CHROMIUM_PATH ?? "/usr/bin/chromium");
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium, or --chromium PATH`);

/** The process ids under `root` (itself included), from /proc's parent links. */
function tree(root) {
  const parent = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** A field of /proc/PID/smaps_rollup or /proc/PID/status, in bytes (0 when the process is gone). */
function field(pid, file, name) {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/${file}`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// --node: first the same rows and fit in a fresh Node process (DuckDB native), for comparison in the same run
if (args.includes("--node")) {
  const out = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--node-child", "--n", String(n)], {encoding: "utf8", maxBuffer: 1 << 24}).trim().split("\n").pop());
  console.log(JSON.stringify({node: true, rows: n, generateSeconds: +out.generateSeconds.toFixed(1), fitSeconds: +out.fitSeconds.toFixed(2), querySeconds: +out.querySeconds.toFixed(2),
    evaluations: out.evaluations, peakRssMB: out.peakRssMB, theta: out.theta, beta: out.beta, sigma: out.sigma, load: loadavg().map((x) => +x.toFixed(2))}));
}

const site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-bench-sql-browser-")), quiet: true});
const {server, url} = await serveSite(site);
try {
  for (let run = 1; run <= runs; run++) {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    });
    const peak = {pss: 0, largestRss: 0};
    const poll = setInterval(() => {
      // Chromium's processes are this process's descendants (playwright-core launches it from here)
      const pids = tree(process.pid).filter((p) => p !== process.pid);
      let pss = 0;
      for (const p of pids) {
        pss += field(p, "smaps_rollup", "Pss");
        peak.largestRss = Math.max(peak.largestRss, field(p, "status", "VmRSS"));
      }
      peak.pss = Math.max(peak.pss, pss);
    }, 250);
    try {
      const context = await browser.newContext({viewport: {width: 1200, height: 900}});
      const offsite = [];
      await context.route("**/*", (route) => {
        const address = new URL(route.request().url());
        if (address.hostname === "127.0.0.1") return route.continue();
        offsite.push(address.href);
        return route.abort("blockedbyclient");
      });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      const t0 = performance.now();
      await page.goto(`${url}sql-duckdb.html?n=${n}`, {waitUntil: "load"});
      // the page's status lines, printed every 15 s (to stderr) while it works
      const report = setInterval(() => {
        page.evaluate(() => Array.from(document.querySelectorAll(".sql-status span"), (s) => s.textContent).join(" | "))
          .then((text) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s, Pss ${Math.round(peak.pss / 1e6)} MB] ${text}`), () => undefined);
      }, 15_000);
      await page.waitForFunction(() => ["done", "failed"].includes(document.getElementById("sql-fit")?.dataset.state) || document.querySelector(".observablehq--error"), null, {timeout: 3_600_000, polling: 500})
        .finally(() => clearInterval(report));
      const seconds = (performance.now() - t0) / 1000;
      const state = await page.evaluate(() => ({
        generate: {...document.getElementById("sql-generate").dataset},
        fit: {...document.getElementById("sql-fit").dataset},
        cellErrors: Array.from(document.querySelectorAll(".observablehq--error"), (e) => e.textContent)
      }));
      clearInterval(poll);
      const mb = (b) => Math.round(b / 1e6);
      console.log(JSON.stringify({
        run, rows: n, state: state.fit.state, loadSeconds: +seconds.toFixed(1),
        generateSeconds: +Number(state.generate.seconds).toFixed(1), parquetMB: mb(Number(state.generate.bytes)),
        fitSeconds: +Number(state.fit.seconds).toFixed(2), querySeconds: +Number(state.fit.querySeconds).toFixed(2),
        evaluations: Number(state.fit.evaluations), peakPssMB: mb(peak.pss), peakLargestRssMB: mb(peak.largestRss),
        theta: state.fit.theta && JSON.parse(state.fit.theta), beta: state.fit.beta && JSON.parse(state.fit.beta), sigma: Number(state.fit.sigma),
        errors: [...errors, ...state.cellErrors], offsite, load: loadavg().map((x) => +x.toFixed(2))
      }));
    } finally {
      clearInterval(poll);
      await browser.close();
    }
  }
} finally {
  server.close();
  rmSync(site, {recursive: true, force: true});
}
