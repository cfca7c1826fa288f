// lmer against lme4's lmer in the same run, whole call against whole call, for every lme4 reference case
// (test/fixtures/reference): our `lmer()` call (median of warm runs, and the first, cold) and R's
// `lmer(...)` call timed by system.time in one Rscript process started here (median of its runs, after one
// untimed call), with the −2 log-likelihood each reaches. Both sides time the whole call (formula, frame,
// cross-products, optimizer, checks, results), not the optimizer alone; our `timings` (ms per stage, of
// the median run) show where the time goes. Run `npm run build` first;
// `node bench/fit.mjs [--runs 5] [--only ID,ID] [--no-lme4] [--warmup 25]`. Cases of more than 50 000 rows run
// once on each side. "Warm" means what a notebook session meets after its first refits: after every case's
// first (cold) call, `--warmup` rounds (default 25, at most 15 s) fit all the cases of up to 50 000 rows again,
// so that V8 has compiled the shared hot functions with its optimizing tier (five calls of one case leave many
// in the interpreter or the baseline compiler: Grunfeld ML took 7.4 ms after 5 calls, 0.93 ms after 200); R
// has no such tiers (its byte-code compiler compiles a closure on its first calls, and lme4's work is in
// compiled C++), so R's side gets one untimed call. Figures only, no assertions: the agreement with lme4 is checked by test/lme4-reference.test.ts.
// Needs R with lme4 for the lme4 columns (without it, or with --no-lme4, only ours are shown).
import {lmer} from "../dist/index.js";
import {benchArgs, datasetTables, fixtureCases, timeInR, timeOurs} from "./same-run.mjs";

const {runs, warmup, only, has} = benchArgs();
const cases = fixtureCases(new URL("../test/fixtures/reference/", import.meta.url), only, (r) => r.formula && r.fixef && r.dataset);
const runsOf = (c) => (c.nobs > 50000 ? 1 : runs);
const table = datasetTables();

/** R's calls, timed in one process: median elapsed seconds of the runs (after one untimed call) and −2 log L. */
function lme4Times() {
  if (has("--no-lme4")) return new Map();
  const times = timeInR("lme4", cases.map((c) => ({
    id: c.id, dataset: c.dataset, runs: runsOf(c), value: "-2 * as.numeric(logLik(m))",
    call: `lmer(${c.formula}, data = d, REML = ${c.REML ? "TRUE" : "FALSE"})`
  })));
  return new Map([...times].map(([id, t]) => [id, {seconds: t.seconds, deviance: t.value}]));
}

const ours = timeOurs(cases, (c) => lmer(c.formula, table(c.dataset), {REML: c.REML}), {warmup, runsOf});

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
