// Times setx + sim of 1000 draws on the voteincome model (issue 3: under 2 ms warm). Run `npx rollup -c`
// first; `node bench/qi.mjs [--runs 500]`. Three workloads, each the median of the runs after 50 warm-up
// calls (after one cold call, shown too): x only (setx + sim); the seed's example (two setx + sim with x and x1); and the example plus its
// summary table. The model is fit once, outside the timings. No assertions: figures only.
import {readFileSync} from "node:fs";
import {lmer, quantile, readCSV, setx, sim} from "../dist/index.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 500;
const voteincome = readCSV(readFileSync(new URL("../datasets/voteincome.csv", import.meta.url), "utf8"));
const m = lmer("income ~ education + age + female + tag(1 | state)", voteincome);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(label, f) {
  for (let i = 0; i < 50; i++) f(i);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f(i);
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`${label.padEnd(44)} ${ms.toFixed(3)} ms   (median of ${runs}; ${ms < 2 ? "under" : "OVER"} the 2 ms goal)`);
}

console.log(`voteincome: ${m.formula}, ${m.nobs} rows, 1000 draws`);
const t0 = performance.now();
sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
console.log(`${"cold: the first call on the model".padEnd(44)} ${(performance.now() - t0).toFixed(3)} ms   (reads and checks the columns, factors Var(β̂))`);
time("setx + sim (x only)", (i) => sim(m, {x: setx(m, {education: quantile(0.8)}), n: 1000, seed: i}));
time("setx x, setx x1 + sim (the seed's example)", (i) =>
  sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: i}));
time("the example + summary()", (i) =>
  sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: i}).summary());
