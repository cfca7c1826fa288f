// What the benches against R share: their options, the fixture cases, the data sets, and R's calls timed in one
// Rscript process started by the bench (so that both sides run in the same run, on the same machine load).
import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {readCSV} from "../dist/index.js";

/** The command line's `--runs N` (default 5) and `--only ID,ID`, and whether `flag` is given. */
export function benchArgs(argv = process.argv.slice(2)) {
  const value = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  return {
    runs: Number(value("--runs") ?? 5),
    warmup: Number(value("--warmup") ?? 25),
    only: value("--only") ? new Set(value("--only").split(",")) : null,
    has: (flag) => argv.includes(flag)
  };
}

/** The JSON fixtures of a folder (a URL ending in /), those `keep` accepts and `only` names. */
export function fixtureCases(dir, only, keep = () => true) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")))
    .filter((c) => keep(c) && (!only || only.has(c.id)));
}

export const datasetsDir = fileURLToPath(new URL("../datasets/", import.meta.url));

/** A reader of datasets/NAME.csv as a table, each file read once. */
export function datasetTables() {
  const tables = new Map();
  return (name) => {
    if (!tables.has(name)) tables.set(name, readCSV(readFileSync(join(datasetsDir, `${name}.csv`), "utf8")));
    return tables.get(name);
  };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Our side of a bench, as a notebook session meets it: every case's first (cold) call, then `warmup` rounds
 * over the cases of at most 50 000 rows (at most 15 s), so that V8 has compiled the shared hot code with its
 * optimizing tier, then each case's `runsOf(c)` timed calls. Returns id → {seconds (median), cold, model (of
 * the median call)}; `fit(c)` makes one whole call.
 */
export function timeOurs(cases, fit, {warmup, runsOf}) {
  const timed = (c) => {
    const t0 = performance.now();
    const model = fit(c);
    return {s: (performance.now() - t0) / 1000, model};
  };
  const cold = new Map(cases.map((c) => [c.id, timed(c).s]));
  const warmUntil = performance.now() + 15000;
  for (let w = 0; w < warmup && performance.now() < warmUntil; w++) for (const c of cases) if (c.nobs <= 50000) timed(c);
  const out = new Map();
  for (const c of cases) {
    const fits = Array.from({length: runsOf(c)}, () => timed(c));
    const seconds = median(fits.map((f) => f.s));
    out.set(c.id, {seconds, cold: cold.get(c.id), model: fits.find((f) => f.s === seconds).model});
  }
  return out;
}

/**
 * R's calls timed in one Rscript process: for each entry {id, dataset | file, call, runs, value} the data set
 * (datasets/NAME.csv, or the CSV file at path `file`) is read,
 * the call made once untimed (as `m`), then `runs` times under system.time; returns id → {seconds (median
 * elapsed), cpu (median user + system), value (the R expression `value` of m, a number)}. Without R or the
 * package, an empty map and a line that says so.
 */
export function timeInR(pkg, entries) {
  const script = join(mkdtempSync(join(tmpdir(), `lmm-bench-${pkg}-`)), "bench.R");
  const lines = [
    `suppressMessages(library(${pkg}))`,
    "out <- list()",
    ...entries.map(({id, dataset, file, call, runs, value}) => [
      `d <- read.csv("${file ?? join(datasetsDir, dataset + ".csv")}", stringsAsFactors = TRUE)`,
      `m <- ${call}`,
      `t <- sapply(seq_len(${runs}), function(i) { s <- system.time(m <- ${call}); c(s[["elapsed"]], s[["user.self"]] + s[["sys.self"]]) })`,
      `out[["${id}"]] <- c(median(t[1, ]), ${value}, median(t[2, ]))`
    ].join("\n")),
    'cat(paste(names(out), sapply(out, function(v) sprintf("%.6f %.10g %.6f", v[1], v[2], v[3])), collapse = "\\n"), "\\n")'
  ];
  writeFileSync(script, lines.join("\n"));
  try {
    const text = execFileSync("Rscript", [script], {encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 24});
    return new Map(text.trim().split("\n").map((l) => {
      const [id, s, v, cpu] = l.trim().split(/\s+/);
      return [id, {seconds: Number(s), value: Number(v), cpu: Number(cpu)}];
    }));
  } catch (e) {
    console.log(`${pkg} not timed (${e.message.split("\n")[0]}): install R with ${pkg} to compare`);
    return new Map();
  }
}
