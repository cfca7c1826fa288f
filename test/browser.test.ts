/**
 * The notebooks in a real browser (issue 4, "must show" 3–5; issue 3, "must show" 3).
 *
 * Builds the static site (scripts/site.mjs) into a temporary folder, serves it on an ephemeral port of
 * 127.0.0.1 and opens every notebook in Debian's Chromium through playwright-core. Every request that does
 * not go to 127.0.0.1 is refused and recorded, and the test fails if there was any: the site must work
 * offline, with no CDN. For each notebook: no page error, no cell error, its charts (SVGs) drawn, and its
 * first slider changes the charts. The voteincome notebook's slider recomputes setx/sim without refitting,
 * and the time from the input event to the redrawn ev/pr/fd panel, and to the end of that frame, is measured
 * (goal: one frame); a panel drawn once is shown again for a simulation seen before; a memo hit takes under a
 * millisecond; the seeded draws equal Node's; the InstEval page's slider answers while the crossed model is
 * fitted in a Web Worker, and no long task blocks the page while the worker optimizes or after it is done.
 *
 * Screenshots go to test/screenshots/tmp/ (ignored by git); with LMM_UPDATE_SCREENSHOTS=1 they replace the
 * committed ones in test/screenshots/. The measured times are printed and written to
 * test/screenshots/tmp/timings.json.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import type {Server} from "node:http";
import {loadavg, tmpdir} from "node:os";
import {basename, join} from "node:path";
import type {BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium} from "./helpers/chromium.js";
import {buildSite, notebookFiles, root, serveSite} from "../scripts/site.mjs";
import {lmer, quantile, randomSource, readCSV, setx, sim} from "../src/index.js";

const SHOTS = join(root, "test", "screenshots", process.env.LMM_UPDATE_SCREENSHOTS === "1" ? "" : "tmp");

/** The notebooks: every .html file in notebooks/. */
const NOTEBOOKS = notebookFiles().map((f) => basename(f));

let site: string;
let server: Server;
let base: string;
let context: BrowserContext;
let profile: string;
/** Requests that tried to leave 127.0.0.1 (refused). */
const offsite: string[] = [];
const timings: Record<string, unknown> = {};

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (f: (t: number) => void) => number;
declare const MutationObserver: any;
declare const Event: any;
declare const PerformanceObserver: any;
declare const MessageChannel: any;

beforeAll(async () => {
  site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-notebooks-")), quiet: true});
  ({server, url: base} = await serveSite(site));
  ({context, profile} = await launchLocalChromium("lmm-chromium-", {width: 1200, height: 900}, offsite));
  // long tasks on the main thread (the crossed page checks that the Worker fit does not block it)
  await context.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list: any) => {
        for (const e of list.getEntries()) window.__longTasks.push({start: e.startTime, duration: e.duration});
      }).observe({type: "longtask", buffered: true});
    } catch {
      // no long-task timing in this browser
    }
  });
  mkdirSync(SHOTS, {recursive: true});
  mkdirSync(join(root, "test", "screenshots", "tmp"), {recursive: true});
}, 240_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (site) rmSync(site, {recursive: true, force: true});
  if (profile) rmSync(profile, {recursive: true, force: true});
  if (Object.keys(timings).length) {
    writeFileSync(join(root, "test", "screenshots", "tmp", "timings.json"), JSON.stringify(timings, null, 2) + "\n");
    console.log("browser timings:", JSON.stringify(timings, null, 2));
  }
}, 60_000);

interface Opened {
  page: Page;
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** console.error messages (Notebook Kit logs every failed cell there). */
  consoleErrors: string[];
}

async function open(name: string, settle = true, init?: () => void): Promise<Opened> {
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(base + name, {waitUntil: "load"});
  if (settle) await settled(page);
  return {page, errors, consoleErrors};
}

/** The drawn charts: every SVG in the notebook's main element, as markup. */
function charts(page: Page): Promise<string> {
  return page.evaluate(() => Array.from(document.querySelectorAll("main svg"), (s: any) => s.outerHTML).join("\n"));
}

/** Waits until the page's content has not changed for `quiet` ms (or `limit` ms have passed). */
async function settled(page: Page, quiet = 1000, limit = 60_000): Promise<void> {
  const t0 = Date.now();
  let last = "";
  let since = Date.now();
  while (Date.now() - t0 < limit) {
    const now = await page.evaluate(() => {
      const main = document.querySelector("main");
      return `${main?.innerHTML.length}:${document.querySelectorAll("main svg").length}`;
    });
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quiet) {
      return;
    }
    await page.waitForTimeout(100);
  }
}

/** Cells that show an error (Notebook Kit's inspector marks them). */
function cellErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll("main .observablehq--error"), (e: any) => e.textContent));
}

/** Sets the first range input of the page to a value, as a user would, and returns the value it took. */
function moveFirstSlider(page: Page, fraction: number): Promise<{from: string; to: string}> {
  return page.evaluate((f: number) => {
    const input = document.querySelector("main input[type=range]");
    if (!input) throw new Error("no slider on the page");
    const from = input.value;
    const min = Number(input.min), max = Number(input.max);
    input.value = String(min + f * (max - min));
    input.dispatchEvent(new Event("input", {bubbles: true}));
    return {from, to: input.value};
  }, fraction);
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({path: join(SHOTS, name.replace(/\.html$/, ".png")), fullPage: true});
}

describe("the notebooks in Chromium", () => {
  it.each(NOTEBOOKS)("%s loads offline, draws its charts, and its first slider changes them", async (name) => {
    // crossed.html fits InstEval for a while: its own test below waits for that fit; here only its start
    const crossed = name === "crossed.html";
    const {page, errors, consoleErrors} = await open(name, !crossed);
    try {
      if (crossed) {
        await page.waitForSelector(".fit-status", {timeout: 120_000});
        await settled(page, 1000, 10_000);
      }
      expect(errors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(await cellErrors(page)).toEqual([]);
      const svgs = await page.locator("main svg").count();
      expect(svgs).toBeGreaterThanOrEqual(name === "index.html" ? 1 : 4);
      if (!crossed) await screenshot(page, name);
      const before = await charts(page);
      const moved = await moveFirstSlider(page, 0.25);
      expect(moved.to).not.toBe(moved.from);
      await page.waitForFunction((b: string) => Array.from(document.querySelectorAll("main svg"), (s: any) => s.outerHTML).join("\n") !== b, before, {timeout: 30_000});
      await settled(page, 1000, crossed ? 5000 : 60_000);
      expect(errors).toEqual([]);
      expect(await cellErrors(page)).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);

  it("refused no request: nothing tried to leave 127.0.0.1", () => {
    expect(offsite).toEqual([]);
  });
});

describe("zelig-voteincome.html", () => {
  it("recomputes setx and sim without refitting when the slider moves, and redraws quickly; a memo hit takes under 1 ms", async () => {
    const {page, errors} = await open("zelig-voteincome.html");
    try {
      const stats0 = await page.evaluate(() => window.__lmmStats);
      expect(stats0.fits).toBe(1);
      expect(stats0.sameModel).toBe(true);
      expect(stats0.hitMs).toBeLessThan(1);

      // each move: input event → the ev/pr/fd panel redrawn. Education has four levels, so R's quantile puts
      // almost every percentile on a level: 0.3, 0.05 and 0.5 are new profiles (sim runs and the panel is
      // drawn), the rest repeat one (setx runs, its profiles equal an earlier one, sim answers from the cache
      // and the panel drawn for that simulation is shown again). The slider is scrolled into view, as a reader
      // moving it sees it. Per move: `work`, from the start of the frame that runs the cells to the panel in
      // the page (the figure the note has always reported); `frame`, from the same start to the end of that
      // frame's main-thread work (every cell that read the slider, then style, layout and paint: a message
      // posted when the panel appears is handled after them).
      const values = [0.3, 0.05, 0.5, 0.55, 0.6, 0.7, 0.75, 0.85, 0.9, 0.95, 0.35, 0.1, 0.65, 0.9];
      const moves = await page.evaluate(async (vs: number[]) => {
        const input = document.querySelector("main input[type=range]");
        input.scrollIntoView({block: "start"});
        await new Promise((r) => setTimeout(r, 200));
        const cell = document.querySelector(".qi-panel").parentElement;
        window.__firstPanel = cell.querySelector(".qi-panel");
        const out = [];
        for (const v of vs) {
          const simRuns = window.__lmmStats.sim.misses;
          const result = await new Promise<any>((resolve) => {
            const frames: number[] = [];
            let tracking = true;
            const tick = () => {
              frames.push(performance.now());
              if (tracking) requestAnimationFrame(tick);
            };
            const observer = new MutationObserver(() => {
              if (!cell.querySelector(".qi-panel")) return; // cleared, not redrawn yet
              const t1 = performance.now();
              observer.disconnect();
              tracking = false;
              const frameStart = frames.filter((f) => f <= t1).pop() ?? t0;
              const channel = new MessageChannel();
              channel.port1.onmessage = () => {
                const t2 = performance.now();
                // the next frame after the redraw puts it on screen
                requestAnimationFrame(() => resolve({latency: t1 - t0, work: t1 - frameStart, frame: t2 - frameStart, frames: frames.filter((f) => f <= t1).length, painted: performance.now() - t0}));
              };
              channel.port2.postMessage(null);
            });
            observer.observe(cell, {childList: true, subtree: true});
            requestAnimationFrame(tick);
            const t0 = performance.now();
            input.value = String(v);
            input.dispatchEvent(new Event("input", {bubbles: true}));
          });
          out.push({value: v, ...result, simRan: window.__lmmStats.sim.misses > simRuns});
          await new Promise((r) => setTimeout(r, 50));
        }
        return out;
      }, values);
      await settled(page, 500);
      const stats1 = await page.evaluate(() => window.__lmmStats);
      expect(errors).toEqual([]);
      // no refit: still one fit; sim ran for each new percentile pair and hit the cache for the repeated ones
      expect(stats1.fits).toBe(1);
      expect(stats1.sim.misses).toBeGreaterThan(stats0.sim.misses);
      expect(stats1.sim.hits).toBeGreaterThan(stats0.sim.hits);
      // back at the first percentile, the panel drawn for its simulation at the start is shown again, not redrawn
      const reused = await page.evaluate(async () => {
        const input = document.querySelector("main input[type=range]");
        input.value = "0.8";
        input.dispatchEvent(new Event("input", {bubbles: true}));
        await new Promise((r) => setTimeout(r, 300));
        return document.querySelector(".qi-panel") === window.__firstPanel;
      });
      expect(reused).toBe(true);

      const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
      const of = (ms: any[], key: string) => ms.map((m) => m[key] as number);
      const ran = moves.filter((m: any) => m.simRan), cached = moves.filter((m: any) => !m.simRan);
      expect(ran.length).toBeGreaterThan(0);
      expect(cached.length).toBeGreaterThan(0);
      timings.voteincome = {
        loadAverage: loadavg(),
        medianWorkInFrameMs: median(of(moves, "work")),
        medianWorkWhenSimRanMs: median(of(ran, "work")),
        medianWorkWhenSimCachedMs: median(of(cached, "work")),
        medianFrameMs: median(of(moves, "frame")),
        medianFrameWhenSimRanMs: median(of(ran, "frame")),
        medianFrameWhenSimCachedMs: median(of(cached, "frame")),
        maxFrameMs: Math.max(...of(moves, "frame")),
        medianLatencyMs: median(of(moves, "latency")),
        maxLatencyMs: Math.max(...of(moves, "latency")),
        maxWorkInFrameMs: Math.max(...of(moves, "work")),
        memoHitMs: stats1.hitMs,
        moves,
        stats: stats1
      };
      // The goal is one 60 Hz frame (16 ms) from the input to the redrawn panel; on a quiet machine the medians
      // are under it (see the timings). The bounds asserted here are looser, because npm test runs this file
      // beside CPU-heavy fits on a small machine: they catch a refit or a blocking step, not a slow frame. A
      // move answered from the cache shows a panel drawn already, so it costs a fraction of one that draws.
      expect(median(of(moves, "work"))).toBeLessThan(50);
      expect(median(of(moves, "frame"))).toBeLessThan(80);
      expect(median(of(moves, "latency"))).toBeLessThan(60);
      expect(median(of(cached, "work"))).toBeLessThan(median(of(ran, "work")) / 2);
    } finally {
      await page.close();
    }
  }, 180_000);

  it("draws the same seeded numbers as Node: randomSource(7) and the seed example's first ev, pr and fd", async () => {
    const {page} = await open("zelig-voteincome.html");
    try {
      const browser = JSON.parse(await page.locator("#seed-7-draws").getAttribute("data-json") ?? "null");
      const r = randomSource(7);
      const uniforms = Array.from({length: 4}, () => r.uniform());
      const r2 = randomSource(7);
      const normals = Array.from({length: 6}, () => r2.normal());
      expect(browser.uniforms).toEqual(uniforms);
      expect(browser.normals).toEqual(normals);
      const voteincome = readCSV(readFileSync(join(root, "datasets", "voteincome.csv"), "utf8"));
      const m = lmer("income ~ education + age + female + tag(1 | state)", voteincome);
      const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
      for (const q of ["ev", "pr", "fd"] as const) {
        const node = Array.from(s.qi[q]![0].slice(0, 3));
        browser[q].forEach((v: number, i: number) => expect(Math.abs(v - node[i])).toBeLessThanOrEqual(1e-9 * Math.abs(node[i])));
      }
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe("crossed.html", () => {
  it("keeps its slider responsive while the InstEval crossed model is fitted in a Web Worker", async () => {
    // a timeline of the fit's status, polled every frame: [time, state, evaluations]
    const {page, errors, consoleErrors} = await open("crossed.html", false, () => {
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
    try {
      const status = page.locator(".fit-status");
      // the fit has started and reported progress from the worker
      await page.waitForFunction(() => Number(document.querySelector(".fit-status")?.dataset.evaluations ?? 0) >= 2, null, {timeout: 120_000});
      expect(await status.getAttribute("data-state")).toBe("running");
      expect(await status.textContent()).toContain("in the worker");

      // move the slider several times while the worker fits; time input → redrawn department chart
      const responses = await page.evaluate(async (vs: number[]) => {
        const input = document.querySelector("main input[type=range]");
        const out = [];
        for (const v of vs) {
          const cell = document.querySelector(".fit-status") && Array.from(document.querySelectorAll("main svg")).map((s: any) => s.closest(".observablehq--cell")).find((c: any) => c && c.textContent.includes("Expected rating at age"));
          const running = document.querySelector(".fit-status")?.dataset.state === "running";
          const ms = await new Promise<number>((resolve) => {
            const observer = new MutationObserver(() => {
              if (!cell.querySelector("svg")) return;
              observer.disconnect();
              resolve(performance.now() - t0);
            });
            observer.observe(cell, {childList: true, subtree: true});
            const t0 = performance.now();
            input.value = String(v);
            input.dispatchEvent(new Event("input", {bubbles: true}));
          });
          out.push({value: v, ms, fitRunning: running});
          await new Promise((r) => setTimeout(r, 250));
        }
        return out;
      }, [2, 3, 4, 5, 6, 1.5]);
      const duringFit = responses.filter((r: any) => r.fitRunning);
      expect(duringFit.length).toBeGreaterThan(0);
      for (const r of duringFit) expect(r.ms).toBeLessThan(250);

      // then let the fit finish (within the test's budget) and show its variance components
      await page.waitForFunction(() => document.querySelector(".fit-status")?.dataset.state === "done", null, {timeout: 200_000});
      await settled(page);
      const {timeline, longTasks} = await page.evaluate(() => ({timeline: window.__fitTimeline, longTasks: window.__longTasks}));
      // the optimization: from the first progress report to the last one; then the model is rebuilt on the page
      const running = timeline.filter((t: any) => t[1] === "running" && Number(t[2]) >= 1);
      const optimizing = [running[0][0], running[running.length - 1][0]];
      const done = timeline.find((t: any) => t[1] === "done")[0];
      const during = longTasks.filter((e: any) => e.start >= optimizing[0] && e.start + e.duration <= optimizing[1]);
      const after = longTasks.filter((e: any) => e.start + e.duration > optimizing[1] && e.start <= done);
      expect(errors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(await cellErrors(page)).toEqual([]);
      const text = await page.locator("main").innerText();
      expect(text).toMatch(/fitted: \d+ evaluations/);
      timings.crossed = {
        loadAverage: loadavg(),
        sliderDuringFitMs: responses,
        fitText: await status.textContent(),
        secondsToFirstProgress: running[0][0] / 1000,
        secondsOptimizing: (optimizing[1] - optimizing[0]) / 1000,
        secondsFromLastProgressToModel: (done - optimizing[1]) / 1000,
        longTasksWhileOptimizing: during,
        longTasksBetweenLastProgressAndModel: after,
        longestTaskWhileOptimizingMs: Math.max(0, ...during.map((e: any) => e.duration)),
        longestTaskAfterLastProgressMs: Math.max(0, ...after.map((e: any) => e.duration))
      };
      // no freeze while the worker optimizes, nor after: a long task is one over 50 ms. While it optimizes, on a
      // quiet machine there is none, under npm test's load one of ~250 ms has been seen (the page building the
      // model's cross-products beside the worker). After the last evaluation the worker sends the model's
      // results (factor, β̂, ũ, conditional modes, fitted values, residuals) and the page only assembles the
      // model (~4 ms) and draws the cells that show it: no long task on a quiet machine, where solving and
      // computing the fitted values here took a task of 116 ms. The bounds leave room for a loaded machine
      // (tasks there take two to four times as long); test/reactive-worker.test.ts checks that the page uses
      // the worker's results as they are.
      expect(Math.max(0, ...during.map((e: any) => e.duration))).toBeLessThan(500);
      expect(Math.max(0, ...after.map((e: any) => e.duration))).toBeLessThan(200);
      await screenshot(page, "crossed.html");
    } finally {
      await page.close();
    }
  }, 300_000);
});
