// lmer with residual structures against nlme's lme in the same run, whole call against whole call, for every
// case of test/fixtures/nlme: our fit (median of warm runs, and the first, cold) and R's `lme(...)` call with the
// lmeControl that gave the fixture's best log-likelihood, timed by system.time in one Rscript process started
// here (median of its runs), with the log-likelihood each reaches. nlme's time is that of its best control
// alone: finding which control is best took the fixture script several fits.
// "Warm" is as in bench/fit.mjs (same-run.mjs's timeOurs): after every case's cold call, 25 untimed rounds over
// the cases (at most 15 s), so that V8's optimizing tier has compiled the hot code (the first case otherwise
// pays the warm-up of the whole optimizer); R's side gets one untimed call. Run `npm run build` first; `node bench/nlme.mjs [--runs 5] [--only ID,ID] [--warmup 25]`.
// Figures only, no assertions: the agreement with nlme is checked by test/nlme-structures.test.ts. Needs R with
// nlme for the nlme column.
//
// 2026-12-03 14:30:54–14:31:27 UTC, `--runs 7`, shared two-core machine at load average 3.7–5.5 (others at work):
//
//   case                                 fit s   nlme s  fit/nlme  evaluations  logLik − nlme's
//   BodyWeight-varConstPower-strata-ml   0.2022  0.2620  0.77      891           3.89e-8
//   BodyWeight-varPower-CAR1-ml          0.0158  0.0990  0.16      227          -4.13e-8
//   BodyWeight-varPower-CAR1-reml        0.0374  0.1110  0.34      264          -3.64e-8
//   BodyWeight-varPower-fitted-ml        0.0178  0.0690  0.26       45          -7.80e-7
//   Orthodont-AR1-varIdent-reml          0.0044  0.0310  0.14      104           1.02e-8
//   Orthodont-corSymm-ml                 0.0154  0.0820  0.19      136          -7.89e-9
//   Orthodont-varConstPower-ml           0.0057  0.1250  0.05       61           5.39e-8
//   Orthodont-varExp-fitted-ml           0.0141  0.1460  0.10       31           1.38e-5
//   Orthodont-varExp-slope               0.0047  0.0430  0.11      121           8.13e-9
//   Orthodont-varFixed-ml                0.0005  0.0130  0.04       25          -1.36e-9
//   Orthodont-varIdent-ml                0.0008  0.0110  0.07       42           3.82e-8
//   Orthodont-varIdent-reml              0.0008  0.0170  0.05       36          -1.29e-8
//   Orthodont-varPower-fitted-reml       0.0232  0.0890  0.26       26          -1.30e-4
//   Pastes-CompSymm-cask-ml              0.0010  0.0210  0.05       46          -3.12e-8
//   Pastes-CompSymm-cask-reml            0.0009  0.0230  0.04       43          -2.67e-8
//   sleepstudy-AR1-intercept-ml          0.0011  0.0180  0.06       37          -4.30e-8
//   sleepstudy-AR1-slope-ml              0.0210  0.0610  0.34      104           2.85e-2
//   sleepstudy-AR1-slope-reml            0.0080  0.0600  0.13      113           3.53e-2
//   sleepstudy-ARMA11-ml                 0.0094  0.0370  0.25       77           3.51e-8
//   sleepstudy-ARMA11-reml               0.0086  0.0360  0.24       74           2.91e-8
//   sleepstudy-slope-ml                  0.0009  0.0160  0.05       33          -3.16e-8
//   21 cases: 0.394 s against nlme's 1.370 s
//
// BodyWeight varConstPower by stratum is the one near 1 and the noisiest: 0.65, 1.28, 0.82, 0.36 and 0.77 in
// five runs between 14:27 and 14:31 (load 3.7–6.6; ours 0.12–0.26 s, nlme's 0.19–0.37 s); every other case
// stayed at or under 0.55. Before this branch it took 2113 evaluations, 4.05×.
import {lmer} from "../dist/index.js";
import {benchArgs, datasetTables, fixtureCases, timeInR, timeOurs} from "./same-run.mjs";

const {runs, warmup, only} = benchArgs();
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

const ours = timeOurs(cases, (c) => lmer(c.formula, table(c.dataset), {
  REML: c.REML, ...(c.correlation ? {correlation: c.correlation} : {}), ...(c.variance ? {variance: c.variance} : {})
}), {warmup, runsOf: () => runs});

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
    evaluations: o.model.optimizer.evaluations,
    "logLik − nlme's": r ? (o.model.logLik - r.logLik).toExponential(2) : ""
  };
});
console.table(rows);
const both = cases.filter((c) => nlme.has(c.id));
const sum = (f) => both.reduce((s, c) => s + f(c), 0);
console.log(`${both.length} cases: fit seconds ${sum((c) => ours.get(c.id).seconds).toFixed(3)} against nlme's ${sum((c) => nlme.get(c.id).seconds).toFixed(3)} in the same run`);
