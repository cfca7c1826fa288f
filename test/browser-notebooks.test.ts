/**
 * Every choice of every notebook input, in Chromium (issue 11, "must show" 1), and the built pages opened as
 * files (issue 11, item 3).
 *
 * Builds the static site (scripts/site.mjs) into a temporary folder, serves it on an ephemeral port of
 * 127.0.0.1 and opens each notebook in Debian's Chromium through playwright-core; every request that leaves
 * 127.0.0.1 is refused and fails the test. The inputs are enumerated from the page itself (so a new input is
 * covered without editing this file): every `<select>` (each option in turn), every radio button and every
 * checkbox of an input form (checked in turn; the row checkboxes of Inputs.table are not inputs of the
 * notebook), and every range slider (its minimum, its maximum and a value in the middle, on its step). After
 * each change the test waits until the page is quiet (no change to the page for a while, counting neither
 * time spent computing on the main thread nor changes inside a live region such as the crossed page's fit
 * progress) and then asserts: no cell shows an error, no page error, no console error, and every cell that
 * drew a chart when the page loaded still has one. Nothing is asserted about time.
 *
 * Opened from file://, a built page cannot run its module scripts (Chromium refuses them): the page must
 * then show the banner that says to serve it, with a one-line server, and draw no chart; served, the page's
 * module removes the banner.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {execFile} from "node:child_process";
import {mkdtempSync, rmSync} from "node:fs";
import type {Server} from "node:http";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {pathToFileURL} from "node:url";
import type {BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium, pageErrors} from "./helpers/chromium.js";
import {buildSite, notebookFiles, root, serveBannerId, serveSite} from "../scripts/site.mjs";

const NOTEBOOKS = notebookFiles().map((f) => basename(f));
/**
 * The notebooks whose inputs are enumerated: all but sql-duckdb.html, whose one input is the number of rows
 * DuckDB-Wasm generates (up to 50 million; each choice is a minute of work and gigabytes of memory).
 * test/browser-sql.test.ts runs it with 200 000 rows and checks its numbers; it is opened as a file below.
 */
const WITH_INPUTS = NOTEBOOKS.filter((name) => name !== "sql-duckdb.html");

let site: string;
let server: Server;
let base: string;
let context: BrowserContext;
let profile: string;
const offsite: string[] = [];

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const MutationObserver: any;
declare const Event: any;
declare const performance: {now(): number};

beforeAll(async () => {
  site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-notebooks-inputs-")), quiet: true});
  ({server, url: base} = await serveSite(site));
  ({context, profile} = await launchLocalChromium("lmm-chromium-inputs-", {width: 1200, height: 900}, offsite));
  // a record of the page's changes, kept from the start: the time of the last change to the notebook, and
  // the cells that hold a live region (their changes are progress reports, not the page's response to an input)
  await context.addInitScript(() => {
    window.__lastChange = 0;
    const live = new Set<any>();
    const start = () => {
      const main = document.querySelector("main");
      if (!main) return void setTimeout(start, 10);
      new MutationObserver((records: any[]) => {
        for (const r of records) {
          const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          const cell = target?.closest?.(".observablehq--cell");
          if (cell && cell.querySelector("[aria-live]")) live.add(cell);
          if (cell && live.has(cell)) continue;
          window.__lastChange = performance.now();
        }
      }).observe(main, {childList: true, subtree: true, attributes: true, characterData: true});
    };
    start();
  });
}, 240_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (site) rmSync(site, {recursive: true, force: true});
  if (profile) rmSync(profile, {recursive: true, force: true});
}, 60_000);

/**
 * Waits until nothing in the notebook has changed for `quiet` ms of the page's idle time: the check runs on
 * the page's own timers, which do not fire while a cell computes on the main thread.
 */
function quiet(page: Page, ms = 800): Promise<unknown> {
  return page.waitForFunction((q: number) => performance.now() - window.__lastChange >= q, ms, {timeout: 180_000, polling: 100});
}

/** The ids of the cells that show at least one chart (an SVG). */
function cellsWithCharts(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll("main .observablehq--cell"), (c: any) => (c.querySelector("svg") ? c.id : null)).filter(Boolean));
}

/** Cells that show an error (Notebook Kit's inspector marks them). */
function cellErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll("main .observablehq--error"), (e: any) => e.textContent));
}

/** One choice to make: which control (its kind and its index among the page's controls of that kind), and what to set. */
interface Choice {
  kind: "select" | "radio" | "checkbox" | "range";
  index: number;
  value: string;
  label: string;
}

/** The page's inputs, from the page: every choice of each, in document order. */
function choices(page: Page): Promise<Choice[]> {
  return page.evaluate(() => {
    const name = (el: any) => (el.closest("form")?.querySelector("label")?.textContent ?? "").trim();
    const out: any[] = [];
    // a checkbox of a table (Inputs.table's row selection) is not an input of the notebook
    const controls = (selector: string) => Array.from(document.querySelectorAll(`main ${selector}`)).filter((el: any) => !el.closest("table"));
    controls("select").forEach((el: any, index) => {
      for (const option of el.options) out.push({kind: "select", index, value: option.value, label: `${name(el)} = ${option.textContent}`});
    });
    controls("input[type=radio]").forEach((el: any, index) => out.push({kind: "radio", index, value: el.value, label: `${name(el)} = ${el.value}`}));
    controls("input[type=checkbox]").forEach((el: any, index) => {
      out.push({kind: "checkbox", index, value: "on", label: `${name(el)}: ${el.value} checked`});
      out.push({kind: "checkbox", index, value: "off", label: `${name(el)}: ${el.value} unchecked`});
    });
    controls("input[type=range]").forEach((el: any, index) => {
      const min = Number(el.min), max = Number(el.max);
      const step = el.step === "any" || !(Number(el.step) > 0) ? 0 : Number(el.step);
      const middle = step ? min + Math.round((max - min) / 2 / step) * step : (min + max) / 2;
      for (const v of [min, max, middle]) out.push({kind: "range", index, value: String(+v.toPrecision(12)), label: `${name(el)} = ${+v.toPrecision(12)}`});
    });
    return out;
  });
}

/** Makes one choice as a user would: the control's value set and its input (and change) events sent. */
async function choose(page: Page, c: Choice): Promise<void> {
  const selector = {select: "select", radio: "input[type=radio]", checkbox: "input[type=checkbox]", range: "input[type=range]"}[c.kind];
  const changed = await page.evaluate(({selector, c}: {selector: string; c: Choice}) => {
    const el: any = Array.from(document.querySelectorAll(`main ${selector}`)).filter((e: any) => !e.closest("table"))[c.index];
    el.scrollIntoView({block: "center"});
    if (c.kind === "radio" || c.kind === "checkbox") {
      const want = c.kind === "radio" || c.value === "on";
      if (el.checked === want) return false;
      el.click(); // sends input and change, as a user's click does
      return true;
    }
    if (el.value === c.value) return false;
    el.value = c.value;
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
    return true;
  }, {selector, c});
  // a control already at the value changes nothing; either way the page must be quiet before the checks
  if (changed) await page.evaluate(() => (window.__lastChange = performance.now()));
}

describe("every choice of every notebook input", () => {
  it.each(WITH_INPUTS)("%s: no error cell and every chart drawn after each choice", async (name) => {
    const page = await context.newPage();
    const {errors, consoleErrors} = pageErrors(page);
    try {
      await page.goto(base + name, {waitUntil: "load"});
      await page.waitForSelector("main svg", {timeout: 180_000});
      await quiet(page);
      // served, the page's module has removed the banner that says to serve it
      expect(await page.locator(`#${serveBannerId}`).count()).toBe(0);
      expect(await cellErrors(page)).toEqual([]);
      const drawn = await cellsWithCharts(page);
      expect(drawn.length, `${name}: cells with charts`).toBeGreaterThanOrEqual(1);
      const all = await choices(page);
      // every notebook but the index has at least one input (the index has its slider)
      expect(all.length, `${name}: choices`).toBeGreaterThanOrEqual(3);
      const checked: string[] = [];
      for (const c of all) {
        await choose(page, c);
        await quiet(page);
        const state = {choice: c.label, errors: await cellErrors(page), pageErrors: errors.slice(), consoleErrors: consoleErrors.slice()};
        expect(state).toEqual({choice: c.label, errors: [], pageErrors: [], consoleErrors: []});
        const now = await cellsWithCharts(page);
        expect(drawn.filter((id) => !now.includes(id)), `${name}, ${c.label}: cells whose chart is gone`).toEqual([]);
        checked.push(c.label);
      }
      expect(checked).toHaveLength(all.length);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 400_000);

  it("finds the sleepstudy notebook's five formulas and its slider (the enumeration sees the page's inputs)", async () => {
    const page = await context.newPage();
    try {
      await page.goto(base + "sleepstudy.html", {waitUntil: "load"});
      await page.waitForSelector("main select", {timeout: 120_000});
      const all = await choices(page);
      expect(all.filter((c) => c.kind === "select").map((c) => c.label)).toContain("formula = Reaction ~ 1 + (Days | Subject)");
      expect(all.filter((c) => c.kind === "select")).toHaveLength(5);
      expect(all.filter((c) => c.kind === "range").map((c) => c.value)).toEqual(["3", "10", "7"]);
    } finally {
      await page.close();
    }
  }, 180_000);
});

describe("a built page opened as a file", () => {
  it.each(NOTEBOOKS)("%s shows the banner that says to serve it, with a one-line server, and no chart", async (name) => {
    const page = await context.newPage();
    // the context refuses every request that does not go to 127.0.0.1; a file of the built site stays on this
    // machine, so this page lets file: URLs through (a page's route comes before its context's)
    await page.route((url) => url.protocol === "file:", (route) => route.continue());
    try {
      await page.goto(pathToFileURL(join(site, name)).href, {waitUntil: "load"});
      const banner = page.locator(`#${serveBannerId}`);
      // shown by CSS alone after a short delay; the module that would remove it cannot run from file://
      await banner.waitFor({state: "visible", timeout: 30_000});
      const text = await banner.innerText();
      expect(text).toContain("python3 -m http.server");
      expect(text).toContain("npm run serve:notebooks");
      expect(await page.locator("main svg").count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe("scripts/site.mjs serve", () => {
  it("stops with one line naming a busy port and how to choose another, instead of moving to a port nobody asked for", async () => {
    const port = Number(new URL(base).port); // the test's own server holds it
    const run = (env: Record<string, string>, args: string[]) =>
      new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
        execFile(process.execPath, [join(root, "scripts", "site.mjs"), "serve", "--dir", site, ...args], {env: {...process.env, ...env}, timeout: 60_000}, (error, stdout, stderr) =>
          resolve({code: error ? ((error as {code?: number}).code ?? null) : 0, stdout, stderr})
        );
      });
    for (const [env, args] of [[{PORT: String(port)}, []], [{}, ["--port", String(port)]]] as [Record<string, string>, string[]][]) {
      const {code, stdout, stderr} = await run(env, args);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")).toEqual([
        `port ${port} is already in use: stop what listens there, or choose another port, e.g. PORT=${port + 1} npm run serve:notebooks (or --port ${port + 1})`
      ]);
    }
    const bad = await run({PORT: "eighty"}, []);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("invalid port: eighty; give a whole number from 1 to 65535 (0 for any free port), such as PORT=8081");
  }, 120_000);
});
