// Times the notebooks in Chromium (issue 9 moved these figures out of test/browser.test.ts, which asserts
// counts and states only): `node bench/browser.mjs [--moves 14]`. Needs the built library (`npx rollup -c`)
// and /usr/bin/chromium (or CHROMIUM_PATH). Builds the site into a temporary folder, serves it on 127.0.0.1
// and refuses every other request. Prints, with the load average:
// - voteincome: per slider move, from the frame that runs the cells to the redrawn ev/pr/fd panel (`work`),
//   to the end of that frame's main-thread work (`frame`: cells, style, layout, paint) and from the input
//   event (`latency`); medians over all moves, over moves that ran sim and over moves answered from its cache
//   (goal: one 60 Hz frame, 16 ms); and the notebook's own median memo-hit time;
// - crossed: the time from each slider move to the redrawn chart while the worker fits InstEval, the seconds
//   to the first progress report, optimizing, and from the last report to the model on the page, and the long
//   tasks (> 50 ms) on the page during and after the optimization (goal: none).
// - crossed, by kernel: the InstEval crossed fit's whole lmer() call in the crossed notebook's fit worker
//   (the model's timings.total), served with the isolation headers (two threads, WebAssembly), without them
//   (one thread, WebAssembly) and with them under a strict CSP (no 'wasm-unsafe-eval': JavaScript), against
//   the same call in Node (the built library, two threads and WebAssembly) in the same run, with the
//   evaluations and whether the numbers are Node's bits. `--kernels` runs only this part.
// No assertions: figures only.
import {execFileSync} from "node:child_process";
import {existsSync, mkdtempSync, rmSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {join} from "node:path";
import {chromium} from "playwright-core";
import {buildSite, serveSite} from "../scripts/site.mjs";

const args = process.argv.slice(2);
const moveCount = args.includes("--moves") ? Number(args[args.indexOf("--moves") + 1]) : 14;
const kernelsOnly = args.includes("--kernels");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) throw new Error(`chromium is missing at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : NaN);
const ms = (x) => `${x.toFixed(1)} ms`;

const site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-bench-notebooks-")), quiet: true});
const {server, url: base} = await serveSite(site);
const profile = mkdtempSync(join(tmpdir(), "lmm-bench-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: {width: 1200, height: 900},
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
});
await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort("blockedbyclient")));
await context.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({start: e.startTime, duration: e.duration});
  }).observe({type: "longtask", buffered: true});
});

/** Waits until the page's main content has not changed for `quiet` ms. */
async function settled(page, quiet = 1000, limit = 120_000) {
  const t0 = Date.now();
  let last = "";
  let since = Date.now();
  while (Date.now() - t0 < limit) {
    const now = await page.evaluate(() => `${document.querySelector("main")?.innerHTML.length}:${document.querySelectorAll("main svg").length}`);
    if (now !== last) (last = now), (since = Date.now());
    else if (Date.now() - since >= quiet) return;
    await page.waitForTimeout(100);
  }
}

try {
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ${(await context.browser()?.version()) ?? "chromium"}`);

  // voteincome: slider moves to the redrawn panel
  if (!kernelsOnly) {
    const page = await context.newPage();
    await page.goto(base + "zelig-voteincome.html", {waitUntil: "load"});
    await settled(page);
    const values = [0.3, 0.05, 0.5, 0.55, 0.6, 0.7, 0.75, 0.85, 0.9, 0.95, 0.35, 0.1, 0.65, 0.9].slice(0, moveCount);
    const moves = await page.evaluate(async (vs) => {
      const input = document.querySelector("main input[type=range]");
      input.scrollIntoView({block: "start"});
      await new Promise((r) => setTimeout(r, 200));
      const cell = document.querySelector(".qi-panel").parentElement;
      const out = [];
      for (const v of vs) {
        const simRuns = window.__lmmStats.sim.misses;
        const result = await new Promise((resolve) => {
          const frames = [];
          let tracking = true;
          const tick = () => {
            frames.push(performance.now());
            if (tracking) requestAnimationFrame(tick);
          };
          const observer = new MutationObserver(() => {
            if (!cell.querySelector(".qi-panel")) return;
            const t1 = performance.now();
            observer.disconnect();
            tracking = false;
            const frameStart = frames.filter((f) => f <= t1).pop() ?? t0;
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              const t2 = performance.now();
              requestAnimationFrame(() => resolve({latency: t1 - t0, work: t1 - frameStart, frame: t2 - frameStart}));
            };
            channel.port2.postMessage(null);
          });
          observer.observe(cell, {childList: true, subtree: true});
          requestAnimationFrame(tick);
          const t0 = performance.now();
          input.value = String(v);
          input.dispatchEvent(new Event("input", {bubbles: true}));
        });
        await new Promise((r) => setTimeout(r, 50));
        out.push({value: v, ...result, simRan: window.__lmmStats.sim.misses > simRuns});
      }
      return out;
    }, values);
    const stats = await page.evaluate(() => window.__lmmStats);
    const of = (list, key) => list.map((m) => m[key]);
    const ran = moves.filter((m) => m.simRan);
    const cached = moves.filter((m) => !m.simRan);
    console.log(`\nzelig-voteincome.html: ${moves.length} slider moves (${ran.length} ran sim, ${cached.length} answered from its cache)`);
    for (const key of ["work", "frame", "latency"]) {
      console.log(`  ${key.padEnd(8)} median ${ms(median(of(moves, key)))}  (sim ran ${ms(median(of(ran, key)))}, cached ${ms(median(of(cached, key)))}), max ${ms(Math.max(...of(moves, key)))}`);
    }
    console.log(`  memo hit (the notebook's own median of 21): ${stats.hitMs.toFixed(3)} ms`);
    await page.close();
  }

  // crossed: slider while the worker fits, and long tasks
  if (!kernelsOnly) {
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__fitTimeline = [];
      const poll = () => {
        const status = document.querySelector(".fit-status");
        const last = window.__fitTimeline[window.__fitTimeline.length - 1];
        if (status && (!last || last[1] !== status.dataset.state || last[2] !== status.dataset.evaluations)) {
          window.__fitTimeline.push([performance.now(), status.dataset.state, status.dataset.evaluations]);
        }
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });
    await page.goto(base + "crossed.html", {waitUntil: "load"});
    await page.waitForFunction(() => Number(document.querySelector(".fit-status")?.dataset.evaluations ?? 0) >= 2, null, {timeout: 300_000});
    const responses = await page.evaluate(async (vs) => {
      const input = document.querySelector("main input[type=range]");
      const out = [];
      for (const v of vs) {
        const cell = Array.from(document.querySelectorAll("main svg")).map((s) => s.closest(".observablehq--cell")).find((c) => c && c.textContent.includes("Expected rating at age"));
        const running = document.querySelector(".fit-status")?.dataset.state === "running";
        const took = await new Promise((resolve) => {
          const before = cell.querySelector("svg");
          const observer = new MutationObserver(() => {
            const now = cell.querySelector("svg");
            if (!now || now === before) return;
            observer.disconnect();
            resolve(performance.now() - t0);
          });
          observer.observe(cell, {childList: true, subtree: true});
          const t0 = performance.now();
          input.value = String(v);
          input.dispatchEvent(new Event("input", {bubbles: true}));
        });
        out.push({value: v, ms: took, fitRunning: running});
        await new Promise((r) => setTimeout(r, 250));
      }
      return out;
    }, [2, 3, 4, 5, 6, 1.5]);
    await page.waitForFunction(() => document.querySelector(".fit-status")?.dataset.state === "done", null, {timeout: 600_000});
    await settled(page);
    const {timeline, longTasks, text} = await page.evaluate(() => ({timeline: window.__fitTimeline, longTasks: window.__longTasks, text: document.querySelector(".fit-status")?.textContent}));
    const running = timeline.filter((t) => t[1] === "running" && Number(t[2]) >= 1);
    const optimizing = [running[0][0], running[running.length - 1][0]];
    const done = timeline.find((t) => t[1] === "done")[0];
    const during = longTasks.filter((e) => e.start >= optimizing[0] && e.start + e.duration <= optimizing[1]);
    const after = longTasks.filter((e) => e.start + e.duration > optimizing[1] && e.start <= done);
    console.log(`\ncrossed.html: ${text}`);
    console.log(`  slider to redrawn chart while the worker fits: ${responses.filter((r) => r.fitRunning).map((r) => ms(r.ms)).join(", ") || "(the fit was done first)"}`);
    console.log(`  seconds to the first progress report ${(running[0][0] / 1000).toFixed(1)}, optimizing ${((optimizing[1] - optimizing[0]) / 1000).toFixed(1)}, last report to the model ${((done - optimizing[1]) / 1000).toFixed(2)}`);
    console.log(`  long tasks while optimizing: ${during.length} (longest ${ms(Math.max(0, ...during.map((e) => e.duration)))}); after the last report: ${after.length} (longest ${ms(Math.max(0, ...after.map((e) => e.duration)))})`);
    await page.close();
  }
  // crossed, by kernel: the whole lmer() call in the page's fit worker against Node's in the same run
  {
    const FORMULA = "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)";
    const child = `import {readFileSync} from "node:fs";
const {lmer, readCSV} = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
const data = readCSV(readFileSync(${JSON.stringify(new URL("../datasets/InstEval.csv", import.meta.url).pathname)}, "utf8"));
const m = lmer(${JSON.stringify(FORMULA)}, data);
process.stdout.write(JSON.stringify({total: m.timings.total, evaluations: m.optimizer.evaluations, criterion: String(m.REMLcrit)}));`;
    const node = () => JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", child], {encoding: "utf8"}));
    const POLICY = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
    const ways = [
      ["headers (isolated)", {isolated: true}],
      ["no headers", {isolated: false}],
      ["headers + strict CSP", {isolated: true, headers: {"content-security-policy": POLICY}}]
    ];
    console.log(`\nInstEval crossed (${FORMULA}), whole lmer() call, same run (load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}):`);
    const first = node();
    console.log(`  Node (built library)              ${(first.total / 1000).toFixed(2)} s, ${first.evaluations} evaluations`);
    for (const [name, options] of ways) {
      const served = await serveSite(site, options);
      const page = await context.newPage();
      await page.goto(served.url + "crossed.html", {waitUntil: "load"});
      await page.waitForFunction(() => document.querySelector(".fit-status")?.dataset.state === "done", null, {timeout: 600_000});
      const got = await page.evaluate(() => ({...document.querySelector(".fit-status").dataset, kernels: globalThis[Symbol.for("lmm-kit.fitKernels")], isolated: globalThis.crossOriginIsolated}));
      await page.close();
      served.server.close();
      const kernels = got.kernels ? `${got.kernels.threads} thread${got.kernels.threads > 1 ? "s" : ""}, ${got.kernels.webAssembly ? "WebAssembly" : "JavaScript"}` : "?";
      console.log(`  Chromium, ${name.padEnd(22)} ${(Number(got.totalMs) / 1000).toFixed(2)} s, ${got.evaluations} evaluations (${kernels}; isolated ${got.isolated}); criterion ${got.criterion === first.criterion ? "Node's bits" : `${got.criterion}, Node's ${first.criterion}`}`);
    }
    const last = node();
    console.log(`  Node again                        ${(last.total / 1000).toFixed(2)} s`);
  }
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
} finally {
  await context.close();
  server.close();
  rmSync(site, {recursive: true, force: true});
  rmSync(profile, {recursive: true, force: true});
}
