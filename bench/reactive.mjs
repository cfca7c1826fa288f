// The reactive layer's speed in Node (issue 4): memo hits (goal: under 1 ms), what a slider move costs
// (setx + sim recomputed, the fit not; directly and through @observablehq/runtime), and fits in a worker thread against fits on this thread, with the
// longest stall of this thread's event loop while the worker fits. Run `npx rollup -c` first;
// `node bench/reactive.mjs [--runs 200] [--crossed]` (--crossed adds the InstEval crossed fit, ~30 s).
// Timings are medians after warm-up calls. No assertions: figures only.
import {readFileSync} from "node:fs";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {Runtime} from "@observablehq/runtime";
import {from} from "arquero";
import {createCache, defineAnalysis, lmer, lmerAsync, readCSV, setx, sim} from "../dist/index.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 200;
const crossed = args.includes("--crossed");
const csv = (name) => readCSV(readFileSync(new URL(`../datasets/${name}.csv`, import.meta.url), "utf8"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median ms of f(i) over `runs` calls after 20 warm-up calls; `prepare(i)` runs outside the timing. */
function time(f, prepare = () => undefined, n = runs) {
  for (let i = 0; i < 20; i++) f(prepare(i), i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const input = prepare(i);
    const t0 = performance.now();
    f(input, i);
    times.push(performance.now() - t0);
  }
  return median(times);
}
const row = (label, ms, note = "") => console.log(`${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms  ${note}`);

const voteincome = csv("voteincome");
const VOTE = "income ~ education + age + female + (1 | state)";
const instEval = csv("InstEval");
const ME1 = "y ~ lectage + service + (1 | dept)";
const CROSSED = "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)";

console.log(`memo hits (median of ${runs}); goal: under 1 ms`);
const cache = createCache();
const m = cache.lmer(VOTE, voteincome);
row("lmer hit, voteincome (1500 rows), same table", time(() => cache.lmer(VOTE, voteincome)));
const copies = Array.from({length: 8}, () => from(voteincome.objects()));
row("lmer hit, voteincome, a rebuilt equal table", time((t) => cache.lmer(VOTE, t), (i) => copies[i % copies.length]));
const x = cache.setx(m, {education: 4});
row("setx hit", time(() => cache.setx(m, {education: 4})));
const x1 = cache.setx(m, {education: 1});
cache.sim(m, {x, x1, n: 1000, seed: 7});
row("sim hit (x, x1, 1000 draws)", time(() => cache.sim(m, {x, x1, n: 1000, seed: 7})));
row("a whole cell chain on a hit: lmer + setx ×2 + sim", time(() => {
  const model = cache.lmer(VOTE, voteincome);
  cache.sim(model, {x: cache.setx(model, {education: 4}), x1: cache.setx(model, {education: 1}), n: 1000, seed: 7});
}));
const big = createCache();
big.lmer(ME1, instEval);
const instCopy = from(instEval.objects());
row("lmer hit, InstEval (73 421 rows, 4 used columns), same table", time(() => big.lmer(ME1, instEval), undefined, 30));
row("lmer hit, InstEval, a rebuilt equal table", time(() => big.lmer(ME1, instCopy), undefined, 30));

console.log("\na slider move: setx and sim recomputed, the fit not (voteincome, 1000 draws, 2 profiles)");
const moves = [1, 2, 3, 4];
let step = 0;
row("memoized cells, a new slider value each time", time((v) => {
  const model = cache.lmer(VOTE, voteincome);
  const x = cache.setx(model, {education: v + ++step * 1e-9});
  return cache.sim(model, {x, x1: cache.setx(model, {education: 1}), n: 1000, seed: 7}).summary();
}, (i) => moves[i % 4], 100));
row("plain setx + sim + summary, for comparison", time((v) => sim(m, {x: setx(m, {education: v}), x1: setx(m, {education: 1}), n: 1000, seed: 7}).summary(), (i) => moves[i % 4], 100));

// through the runtime: redefine the slider's variable, wait for the chart variable's new value
{
  const runtime = new Runtime();
  const main = runtime.module();
  main.define("data", [], () => voteincome);
  main.define("formula", [], VOTE);
  main.define("education", [], 1);
  main.define("x", ["education"], (education) => ({education}));
  main.define("x1", [], () => ({education: 1}));
  let resolveChart = null;
  defineAnalysis(main, {data: "data", formula: "formula", x: "x", x1: "x1"}, {
    cache: createCache(),
    seed: 7,
    chart: ({simulation}) => simulation.summary().objects(),
    observer: (name) => (name === "chart" ? {fulfilled: (v) => resolveChart?.(v)} : undefined)
  });
  await new Promise((resolve) => (resolveChart = resolve));
  const times = [];
  for (let i = 0; i < 60; i++) {
    const chart = new Promise((resolve) => (resolveChart = resolve));
    const t0 = performance.now();
    main.redefine("education", [], 1 + (i % 40) / 10);
    await chart;
    times.push(performance.now() - t0);
  }
  runtime.dispose();
  row("runtime: redefine the slider → chart variable fulfilled", median(times.slice(10)), "(new values; includes the runtime's scheduling tick)");
}

console.log("\nfits: on this thread (lmer) against a worker thread (lmerAsync; the first starts the worker, later ones reuse it);");
console.log("stall = longest event-loop delay of this thread during the async fit; |Δθ| against the fit on this thread");
const cases = [["sleepstudy", "Reaction ~ Days + (Days | Subject)", csv("sleepstudy")], ["voteincome", VOTE, voteincome], ["InstEval me1", ME1, instEval]];
if (crossed) cases.push(["InstEval crossed", CROSSED, instEval]);
let coldDone = false;
for (const [name, formula, data] of cases) {
  const reps = formula === CROSSED ? 1 : 5;
  const here = [], there = [], stalls = [], firsts = [];
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    const m0 = lmer(formula, data);
    here.push(performance.now() - t0);
    const h = monitorEventLoopDelay({resolution: 1});
    h.enable();
    let first = null;
    t0 = performance.now();
    const m1 = await lmerAsync(formula, data, {onProgress: () => (first ??= performance.now() - t0)});
    if (!coldDone) {
      coldDone = true;
      row(`${name}: lmerAsync, the first (a new worker)`, performance.now() - t0, `first progress ${first.toFixed(0)} ms`);
    }
    there.push(performance.now() - t0);
    h.disable();
    stalls.push(h.max / 1e6);
    firsts.push(first);
    const dtheta = Math.max(...m1.theta.map((t, i) => Math.abs(t - m0.theta[i])));
    if (r === reps - 1) {
      row(`${name}: lmer on this thread`, median(here), `(${m0.optimizer.evaluations} evaluations)`);
      row(`${name}: lmerAsync in the idle worker`, median(there), `first progress ${median(firsts).toFixed(0)} ms, stall ${median(stalls).toFixed(1)} ms, |Δθ| ${dtheta.toExponential(1)}`);
    }
  }
}
