/**
 * The page of test/browser-csp.test.ts, bundled by Vite and served under a strict Content-Security-Policy
 * (no 'unsafe-eval', no 'wasm-unsafe-eval', no 'unsafe-inline'). It uses the kit as a page would: reads
 * sleepstudy.csv from its own origin with readCSV, fits `Reaction ~ Days + (Days | Subject)` with lmer, runs
 * setx/sim with a seed, fits the same model again in a module Web Worker (startFit), and draws a
 * caterpillar plot with Observable Plot. The numbers go to `window.__lmmCsp` and, as JSON, to #result; every
 * number of the fits and of the simulation also as the bits of each double (numbers.ts), which the test
 * compares with Node's with Object.is.
 *
 * The eval probe (probe.ts) runs when the #probe button is clicked: the test clicks it once the numbers are
 * in, so that its deliberate violations come after the count of the kit's own. A click, not a call from the
 * test's page.evaluate: code that a test runs through page.evaluate may use eval whatever the policy says
 * (Chromium's DevTools protocol lets evaluated code bypass 'unsafe-eval': Runtime.evaluate's
 * allowUnsafeEvalBlockedByCSP defaults to true), and a probe called that way did run `new Function`.
 */
import * as Plot from "@observablehq/plot";
import {lmer, randomSource, readCSV, setx, sim, startFit, tableRows, type LinearMixedModel} from "../../src/index.js";
import {caterpillar} from "../../src/plot/index.js";
import {fitNumbers, simNumbers, toBits} from "./numbers.js";
import {probeEval} from "./probe.js";

// the page's globals, typed loosely: the project's tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

const FORMULA = "Reaction ~ Days + (Days | Subject)";

/** What the test compares with lmer in Node. */
function numbers(m: LinearMixedModel) {
  return {REMLcrit: m.REMLcrit, fixef: m.fixef, theta: Array.from(m.theta), sigma: m.sigma, evaluations: m.optimizer.evaluations};
}

async function run() {
  const response = await fetch("./sleepstudy.csv");
  if (!response.ok) throw new Error(`sleepstudy.csv: HTTP ${response.status}`);
  const data = readCSV(await response.text());

  const m = lmer(FORMULA, data);

  const r = randomSource(7);
  const uniforms = Array.from({length: 4}, () => r.uniform());
  const r2 = randomSource(7);
  const normals = Array.from({length: 6}, () => r2.normal());
  const s = sim(m, {x: setx(m, {Days: 8}), x1: setx(m, {Days: 2}), n: 1000, seed: 7});
  const draws = {ev: Array.from(s.qi.ev![0]), pr: Array.from(s.qi.pr![0]), fd: Array.from(s.qi.fd![0])};

  // the worker fit: where it ran is read from the job, since startFit falls back to this thread, silently,
  // when a worker cannot start (a policy that refused the worker's script would look like a success)
  const job = startFit(FORMULA, data);
  const threads = new Set<string>();
  let reports = 0;
  for await (const p of job.updates()) {
    if (p.evaluations === 0) continue;
    threads.add(p.thread);
    reports++;
  }
  const w = await job.model;

  const chart = Plot.plot({height: 420, marginLeft: 40, marks: [caterpillar(m, {group: "Subject", term: "Days"})]});
  document.getElementById("chart").append(chart);

  return {
    rows: data.numRows(),
    // the kit's tables read without Arquero's Function-built row accessors
    tables: {variance: tableRows(m.varianceTable()), fixed: tableRows(m.fixedEffectsTable()), simulation: tableRows(s.summary())},
    main: numbers(m),
    worker: {...numbers(w), thread: job.latest.thread, threads: [...threads], reports},
    seed7: {uniforms, normals, ...draws},
    // every number of both fits and of the simulation, as the bits of each double (compared with Node's)
    bits: {
      main: toBits(fitNumbers(m)),
      worker: toBits(fitNumbers(w)),
      sim: toBits(simNumbers(s.qi)),
      seed7: toBits({uniforms, normals})
    }
  };
}

document.getElementById("probe").addEventListener("click", () => {
  probeEval().then((probe) => {
    window.__lmmCspProbe = probe;
    document.getElementById("probe-result").textContent = JSON.stringify(probe);
  });
});
const status = document.getElementById("status");
run().then(
  (result) => {
    window.__lmmCsp = result;
    document.getElementById("result").textContent = JSON.stringify(result);
    status.textContent = "done";
    status.dataset.state = "done";
  },
  (error) => {
    window.__lmmCsp = {error: `${error?.name}: ${error?.message}`, stack: String(error?.stack ?? "")};
    document.getElementById("result").textContent = JSON.stringify(window.__lmmCsp);
    status.textContent = "failed";
    status.dataset.state = "failed";
  }
);
