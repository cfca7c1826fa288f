// glmer against lme4's glmer in the same run, whole call against whole call, for every case of
// test/fixtures/glmer: our fit (median of warm runs, and the first, cold) and R's `glmer(...)` call timed by
// system.time in one Rscript process started here (median of its runs), with the deviance each reaches.
// Both sides time the whole call (formula, frame, PIRLS set-up, both stages, Hessian, results), not the
// optimizer alone; our `timings` (ms per stage, of the median run) show where the time goes. CPU seconds (ours
// from process.cpuUsage, every thread of the process; R's user + system from system.time) are shown beside the
// wall-clock ones: on a machine that others load, they still compare the work each side does.
// Run `npm run build` first; `node bench/glmer.mjs [--runs 5] [--only ID,ID]`. Figures only, no assertions:
// the agreement with lme4 is checked by test/glmer-fixtures.test.ts. Needs R with lme4 for the lme4 column.
import {glmer} from "../dist/index.js";
import {benchArgs, datasetTables, fixtureCases, median, timeInR} from "./same-run.mjs";

const {runs, only} = benchArgs();
const cases = fixtureCases(new URL("../test/fixtures/glmer/", import.meta.url), only);
const table = datasetTables();

/** glmer's options for a case, as the fixture's R call gave them (an offset argument is log of a column). */
function optionsOf(c, data) {
  const options = {family: c.family, link: c.link, nAGQ: c.nAGQ};
  if (c.weights) options.weights = c.weights;
  const offset = /^log\((\w+)\)$/.exec(c.offset ?? "");
  if (offset) options.offset = Array.from(data.array(offset[1]), Math.log);
  return options;
}

/** R's calls, timed in one process: median elapsed and CPU seconds of `runs` calls and the deviance reached. */
function lme4Times() {
  const times = timeInR("lme4", cases.map((c) => {
    const family = `${c.family}(link = "${c.link}")`;
    const extra = [c.weights ? `weights = ${c.weights}` : "", /^log\(/.test(c.offset ?? "") ? `offset = ${c.offset}` : ""].filter(Boolean).join(", ");
    const call = `glmer(${c.formula}, data = d, family = ${family}, nAGQ = ${c.nAGQ}${extra ? ", " + extra : ""})`;
    return {id: c.id, dataset: c.dataset, runs, call, value: "-2 * as.numeric(logLik(m))"};
  }));
  return new Map([...times].map(([id, t]) => [id, {seconds: t.seconds, cpu: t.cpu, deviance: t.value}]));
}

const ours = new Map();
for (const c of cases) {
  const data = table(c.dataset);
  const fits = [];
  let cold = NaN;
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    let model;
    try {
      model = glmer(c.formula, data, optionsOf(c, data));
    } catch (e) {
      ours.set(c.id, {error: e.message.slice(0, 80)});
      break;
    }
    const s = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(c0);
    if (r === 0) cold = s;
    else fits.push({s, cpu: (used.user + used.system) / 1e6, model});
  }
  if (!ours.has(c.id)) {
    const seconds = median(fits.map((f) => f.s));
    const {model} = fits.find((f) => f.s === seconds);
    ours.set(c.id, {seconds, cpu: median(fits.map((f) => f.cpu)), cold, deviance: -2 * model.logLik, evaluations: model.optimizer?.evaluations, timings: model.timings});
  }
}

const lme4 = lme4Times();
const rows = cases.map((c) => {
  const o = ours.get(c.id), r = lme4.get(c.id);
  if (o.error) return {case: c.id, nobs: c.nobs, "error": o.error};
  return {
    case: c.id,
    nobs: c.nobs,
    nAGQ: c.nAGQ,
    "cold s": o.cold.toFixed(4),
    "fit s": o.seconds.toFixed(4),
    "lme4 s": r ? r.seconds.toFixed(4) : "",
    "fit/lme4": r ? (o.seconds / r.seconds).toFixed(2) : "",
    "cpu s": o.cpu.toFixed(4),
    "lme4 cpu s": r ? r.cpu.toFixed(4) : "",
    "cpu/lme4": r ? (o.cpu / r.cpu).toFixed(2) : "",
    "frame ms": (o.timings.formula + o.timings.frame).toFixed(1),
    "xprod ms": o.timings.crossProducts.toFixed(1),
    "opt ms": o.timings.optimization.toFixed(1),
    "checks ms": o.timings.checks.toFixed(1),
    "−2logLik − lme4's": r ? (o.deviance - r.deviance).toExponential(2) : ""
  };
});
console.table(rows);
const both = cases.filter((c) => !ours.get(c.id).error && lme4.has(c.id));
const sum = (f) => both.reduce((s, c) => s + f(c), 0);
console.log(`${both.length} cases: fit seconds ${sum((c) => ours.get(c.id).seconds).toFixed(3)} against lme4's ${sum((c) => lme4.get(c.id).seconds).toFixed(3)} in the same run; CPU seconds ${sum((c) => ours.get(c.id).cpu).toFixed(3)} against ${sum((c) => lme4.get(c.id).cpu).toFixed(3)}`);
