// lmer with residual structures against nlme's lme in the same run, whole call against whole call, for every
// case of test/fixtures/nlme: our fit (median of warm runs, and the first, cold) and R's `lme(...)` call with the
// lmeControl that gave the fixture's best log-likelihood, timed by system.time in one Rscript process started
// here (median of its runs), with the log-likelihood each reaches. nlme's time is that of its best control
// alone: finding which control is best took the fixture script several fits.
// Run `npm run build` first; `node bench/nlme.mjs [--runs 5] [--only ID,ID]`. Figures only, no assertions: the
// agreement with nlme is checked by test/nlme-structures.test.ts. Needs R with nlme for the nlme column.
import {lmer} from "../dist/index.js";
import {benchArgs, datasetTables, fixtureCases, median, timeInR} from "./same-run.mjs";

const {runs, only} = benchArgs();
const warmup = process.argv.includes("--warmup") ? Number(process.argv[process.argv.indexOf("--warmup") + 1]) : 25;
const cases = fixtureCases(new URL("../test/fixtures/nlme/", import.meta.url), only);
const table = datasetTables();

// the controls of tools/make-nlme-reference.R, by name
const CONTROLS = {
  default: "lmeControl()",
  optim: 'lmeControl(opt = "optim")',
  long: "lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 100, msMaxEval = 2000)",
  optimLong: 'lmeControl(opt = "optim", maxIter = 500, msMaxIter = 500)',
  noEM: "lmeControl(niterEM = 0, msMaxIter = 500, msMaxEval = 2000)"
};

/** R's calls, timed in one process: median elapsed seconds of `runs` calls and the log-likelihood reached. */
function nlmeTimes() {
  const times = timeInR("nlme", cases.map((c) => ({
    id: c.id, dataset: c.dataset, runs, value: "as.numeric(logLik(m))",
    call: c.nlme_call.replace(/data = \w+/, "data = d").replace(/\)$/, `, control = ${CONTROLS[c.control]})`)
  })));
  return new Map([...times].map(([id, t]) => [id, {seconds: t.seconds, logLik: t.value}]));
}

const ours = new Map();
for (const c of cases) {
  const data = table(c.dataset);
  const options = {REML: c.REML, ...(c.correlation ? {correlation: c.correlation} : {}), ...(c.variance ? {variance: c.variance} : {})};
  const timed = () => {
    const t0 = performance.now();
    const model = lmer(c.formula, data, options);
    return {s: (performance.now() - t0) / 1000, model};
  };
  const cold = timed().s;
  const warmUntil = performance.now() + 2000;
  for (let w = 0; w < warmup && performance.now() < warmUntil; w++) timed();
  const fits = Array.from({length: runs}, timed);
  const seconds = median(fits.map((f) => f.s));
  const {model} = fits.find((f) => f.s === seconds);
  ours.set(c.id, {seconds, cold, logLik: model.logLik, evaluations: model.optimizer.evaluations});
}

const nlme = nlmeTimes();
const rows = cases.map((c) => {
  const o = ours.get(c.id), r = nlme.get(c.id);
  return {
    case: c.id,
    nobs: c.nobs,
    "cold s": o.cold.toFixed(4),
    "fit s": o.seconds.toFixed(4),
    "nlme s": r ? r.seconds.toFixed(4) : "",
    "fit/nlme": r ? (o.seconds / r.seconds).toFixed(2) : "",
    evaluations: o.evaluations,
    "logLik − nlme's": r ? (o.logLik - r.logLik).toExponential(2) : ""
  };
});
console.table(rows);
const both = cases.filter((c) => nlme.has(c.id));
const sum = (f) => both.reduce((s, c) => s + f(c), 0);
console.log(`${both.length} cases: fit seconds ${sum((c) => ours.get(c.id).seconds).toFixed(3)} against nlme's ${sum((c) => nlme.get(c.id).seconds).toFixed(3)} in the same run`);
