// Fits every lme4 reference case and prints a table: criterion evaluations and fit seconds against the
// figures lme4 1.1-31 recorded. Run `npm run build` first; `node bench/fit.mjs [--runs 5] [--only ID,ID]`.
// "fit s" is lmer() end to end (formula, frame, cross-products, optimizer, results) in a warm process, the
// median of the runs; "cold s" is the first fit of the case in this process. No assertions: figures only.
import {readFileSync, readdirSync} from "node:fs";
import {lmer, readCSV} from "../dist/index.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 5;
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1].split(",")) : null;
const refDir = new URL("../test/fixtures/reference/", import.meta.url);
const cases = readdirSync(refDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, refDir), "utf8")))
  .filter((r) => r.formula && r.fixef && (!only || only.has(r.id)));

const tables = new Map();
const table = (name) => {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(new URL(`../datasets/${name}.csv`, import.meta.url), "utf8")));
  return tables.get(name);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const ref of cases) {
  const data = table(ref.dataset);
  const times = [];
  let model;
  const n = ref.nobs > 50000 ? Math.min(runs, 1) : runs;
  for (let r = 0; r <= n; r++) {
    const t0 = performance.now();
    model = lmer(ref.formula, data, {REML: ref.REML});
    times.push((performance.now() - t0) / 1000);
  }
  const cold = times.shift();
  const fit = median(times);
  rows.push({
    case: ref.id,
    nobs: ref.nobs,
    evals: model.optimizer.evaluations,
    "lme4 evals": ref.lme4_evaluations,
    "cold s": cold.toFixed(4),
    "fit s": fit.toFixed(4),
    "lme4 s": ref.lme4_seconds.toFixed(4),
    "fit/lme4": (fit / ref.lme4_seconds).toFixed(2)
  });
}
console.table(rows);
const sum = (k) => rows.reduce((s, r) => s + Number(r[k]), 0);
console.log(`evaluations ${sum("evals")} vs lme4 ${sum("lme4 evals")}; fit seconds ${sum("fit s").toFixed(3)} vs lme4 ${sum("lme4 s").toFixed(3)}`);
