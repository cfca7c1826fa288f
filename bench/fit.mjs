// lmer against lme4's lmer in the same run, whole call against whole call, for every lme4 reference case
// (test/fixtures/reference): our `lmer()` call (median of warm runs, and the first, cold) and R's
// `lmer(...)` call timed by system.time in one Rscript process started here (median of its runs, after one
// untimed call), with the −2 log-likelihood each reaches. Both sides time the whole call (formula, frame,
// cross-products, optimizer, checks, results), not the optimizer alone; our `timings` (ms per stage, of
// the median run) show where the time goes. Run `npm run build` first;
// `node bench/fit.mjs [--runs 5] [--only ID,ID] [--no-lme4]`. Cases of more than 50 000 rows run once on each
// side. Figures only, no assertions: the agreement with lme4 is checked by test/lme4-reference.test.ts.
// Needs R with lme4 for the lme4 columns (without it, or with --no-lme4, only ours are shown).
import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {lmer, readCSV} from "../dist/index.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 5;
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1].split(",")) : null;
const refDir = new URL("../test/fixtures/reference/", import.meta.url);
const datasets = fileURLToPath(new URL("../datasets/", import.meta.url));
const cases = readdirSync(refDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, refDir), "utf8")))
  .filter((r) => r.formula && r.fixef && r.dataset && (!only || only.has(r.id)));
const runsOf = (c) => (c.nobs > 50000 ? 1 : runs);

const tables = new Map();
const table = (name) => {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(join(datasets, `${name}.csv`), "utf8")));
  return tables.get(name);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** R's calls, timed in one process: median elapsed seconds of the runs (after one untimed call) and −2 log L. */
function lme4Times() {
  if (args.includes("--no-lme4")) return new Map();
  const dir = mkdtempSync(join(tmpdir(), "lmm-fit-bench-"));
  const script = join(dir, "bench.R");
  const lines = [
    "suppressMessages(library(lme4))",
    "out <- list()",
    ...cases.map((c) => {
      const call = `lmer(${c.formula}, data = d, REML = ${c.REML ? "TRUE" : "FALSE"})`;
      return [
        `d <- read.csv("${join(datasets, c.dataset + ".csv")}", stringsAsFactors = TRUE)`,
        `m <- ${call}`,
        `t <- sapply(seq_len(${runsOf(c)}), function(i) system.time(m <- ${call})[["elapsed"]])`,
        `out[["${c.id}"]] <- c(median(t), -2 * as.numeric(logLik(m)))`
      ].join("\n");
    }),
    'cat(paste(names(out), sapply(out, function(v) sprintf("%.6f %.10g", v[1], v[2])), collapse = "\\n"), "\\n")'
  ];
  writeFileSync(script, lines.join("\n"));
  try {
    const text = execFileSync("Rscript", [script], {encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 24});
    return new Map(text.trim().split("\n").map((l) => {
      const [id, s, dev] = l.trim().split(/\s+/);
      return [id, {seconds: Number(s), deviance: Number(dev)}];
    }));
  } catch (e) {
    console.log(`lme4 not timed (${e.message.split("\n")[0]}): install R with lme4 to compare`);
    return new Map();
  }
}

const ours = new Map();
for (const c of cases) {
  const data = table(c.dataset);
  const fits = [];
  let cold = NaN;
  for (let r = 0; r <= runsOf(c); r++) {
    const t0 = performance.now();
    const model = lmer(c.formula, data, {REML: c.REML});
    const s = (performance.now() - t0) / 1000;
    if (r === 0) cold = s;
    else fits.push({s, model});
  }
  const mid = median(fits.map((f) => f.s));
  const {model} = fits.find((f) => f.s === mid);
  ours.set(c.id, {seconds: mid, cold, model});
}

const lme4 = lme4Times();
const ms = (v) => v.toFixed(1);
const rows = cases.map((c) => {
  const o = ours.get(c.id), r = lme4.get(c.id), t = o.model.timings;
  return {
    case: c.id,
    nobs: c.nobs,
    evals: o.model.optimizer.evaluations,
    "cold s": o.cold.toFixed(4),
    "fit s": o.seconds.toFixed(4),
    "lme4 s": r ? r.seconds.toFixed(4) : "",
    "fit/lme4": r ? (o.seconds / r.seconds).toFixed(2) : "",
    "frame ms": ms(t.formula + t.frame),
    "xprod ms": ms(t.crossProducts),
    "opt ms": ms(t.optimization),
    "checks ms": ms(t.checks),
    "−2logLik − lme4's": r ? (-2 * o.model.logLik - r.deviance).toExponential(2) : ""
  };
});
console.table(rows);
const both = cases.filter((c) => lme4.has(c.id));
const sum = (f) => both.reduce((s, c) => s + f(c), 0);
if (both.length) {
  console.log(`${both.length} cases: fit seconds ${sum((c) => ours.get(c.id).seconds).toFixed(3)} against lme4's ${sum((c) => lme4.get(c.id).seconds).toFixed(3)} in the same run`);
}
