/**
 * The DuckDB-Wasm notebook (notebooks/sql-duckdb.html) in a real browser (issue 16, "a notebook"): the page
 * writes synthetic Parquet files with DuckDB-Wasm and fits `y ~ x + (x | g)` from DuckDB-Wasm's sums; the
 * same SQL (notebooks/synthetic-parquet.js) writes the same files in Node's DuckDB, and the fit there
 * through `duckdb()` must give the page's θ, β and σ to 1e-9 relative.
 *
 * Builds the static site (scripts/site.mjs) into a temporary folder, serves it on an ephemeral port of
 * 127.0.0.1 and opens `sql-duckdb.html?n=200000` in Debian's Chromium through playwright-core; every
 * request that leaves 127.0.0.1 is refused and fails the test (DuckDB-Wasm's modules, workers and its
 * Parquet reader all come from the site). Asserted: the page ran both steps to their end, no page error,
 * no console error, no cell error, the summary and the chart are drawn, and the numbers equal Node's.
 *
 * Then the page again under a Content-Security-Policy that allows nothing but the site itself and
 * 'wasm-unsafe-eval' (DuckDB compiles its WebAssembly): the fit runs to its end with no refused eval, no
 * refused WebAssembly and no refused worker. The negative control: without 'wasm-unsafe-eval' DuckDB-Wasm
 * cannot start, and Chromium reports the refusal. Inline styles and Notebook Kit's own inline event
 * handlers, which such a policy also refuses, are the notebook framework's, not this test's subject.
 *
 * Nothing is asserted about time (bench/sql-browser.mjs measures it).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {mkdtempSync, rmSync} from "node:fs";
import type {Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium, pageErrors} from "./helpers/chromium.js";
import {buildSite, serveSite} from "../scripts/site.mjs";
import {duckdb, lmer, type LinearMixedModel} from "../src/index.js";
import {GLOB, syntheticStatements} from "../notebooks/synthetic-parquet.js";

const ROWS = 200_000;
const FORMULA = "y ~ x + (x | g)";
/** Nothing but the site itself, and WebAssembly compilation. */
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'";

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

let site: string;
let data: string;
const servers: Server[] = [];
let base: string;
let strict: string;
let noWasm: string;
let context: BrowserContext;
let profile: string;
const offsite: string[] = [];
let node: LinearMixedModel;

beforeAll(async () => {
  site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-notebooks-sql-")), quiet: true});
  const plain = await serveSite(site);
  const withPolicy = await serveSite(site, {headers: {"content-security-policy": POLICY}});
  const withoutWasm = await serveSite(site, {headers: {"content-security-policy": POLICY.replace(" 'wasm-unsafe-eval'", "")}});
  servers.push(plain.server, withPolicy.server, withoutWasm.server);
  [base, strict, noWasm] = [plain.url, withPolicy.url, withoutWasm.url];
  ({context, profile} = await launchLocalChromium("lmm-chromium-sql-", {width: 1200, height: 900}, offsite));
  // a record of the page's policy violations, from before any of its scripts
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e: any) => window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI}));
  });
  // the same files in Node: the notebook's statements, written into a temporary folder; DuckDB on one thread
  data = mkdtempSync(join(tmpdir(), "lmm-sql-synthetic-")) + "/";
  const db = await duckdb(":memory:", {threads: 1});
  try {
    for (const s of syntheticStatements(ROWS, data)) await db.query(s.sql, []);
    node = await lmer(FORMULA, {connection: db, parquet: data + GLOB});
  } finally {
    await db.close?.();
  }
}, 240_000);

afterAll(async () => {
  await context?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const dir of [site, data, profile]) if (dir) rmSync(dir, {recursive: true, force: true});
}, 60_000);

/** Opens the notebook with ROWS rows and waits until its fit is done or failed (or a cell shows an error). */
async function run(url: string): Promise<{page: Page; errors: string[]; consoleErrors: string[]; state: any}> {
  const page = await context.newPage();
  const {errors, consoleErrors} = pageErrors(page);
  await page.goto(`${url}sql-duckdb.html?n=${ROWS}`, {waitUntil: "load"});
  await page.waitForFunction(() => ["done", "failed"].includes(document.getElementById("sql-fit")?.dataset.state) || document.querySelector("main .observablehq--error"), null, {timeout: 180_000, polling: 200});
  // the chart and summary cells run after the fit's cell: wait for the two charts when the fit is done
  const done = await page.evaluate(() => document.getElementById("sql-fit")?.dataset.state === "done");
  if (done) await page.waitForFunction(() => document.querySelectorAll("main svg").length >= 2, null, {timeout: 60_000}).catch(() => undefined);
  const state = await page.evaluate(() => ({
    generate: {...document.getElementById("sql-generate")?.dataset},
    fit: {...document.getElementById("sql-fit")?.dataset},
    cellErrors: Array.from(document.querySelectorAll("main .observablehq--error"), (e: any) => e.textContent),
    summary: document.querySelector("main .sql-summary")?.textContent ?? "",
    charts: document.querySelectorAll("main svg").length,
    violations: window.__violations.slice()
  }));
  return {page, errors, consoleErrors, state};
}

/** |a − b| / max(|b|, 1e-300) for each pair. */
const relative = (a: readonly number[], b: readonly number[]) => a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-300));

describe("notebooks/sql-duckdb.html in Chromium", () => {
  it("generates 200 000 rows as Parquet with DuckDB-Wasm and fits θ, β and σ equal to Node's duckdb() fit of the same files to 1e-9, with no error and nothing from off the site", async () => {
    const {page, errors, consoleErrors, state} = await run(base);
    try {
      expect(state.cellErrors).toEqual([]);
      expect(errors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(offsite).toEqual([]);
      expect(state.generate.state).toBe("done");
      expect(state.fit.state).toBe("done");
      expect(Number(state.fit.rows)).toBe(ROWS);
      expect(Number(state.fit.queries)).toBe(node.queries.length);
      const theta = JSON.parse(state.fit.theta), beta = JSON.parse(state.fit.beta), sigma = Number(state.fit.sigma);
      expect(theta).toHaveLength(node.theta.length);
      expect(beta).toHaveLength(node.beta.length);
      expect(Math.max(...relative(theta, Array.from(node.theta)))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative(beta, Array.from(node.beta)))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative([sigma], [node.sigma]))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative([Number(state.fit.criterion)], [node.REMLcrit!]))).toBeLessThanOrEqual(1e-9);
      // the same warnings (none: DuckDB-Wasm's HUGEINT sums, Arrow decimals, read as the numbers they are)
      expect(JSON.parse(state.fit.warnings)).toEqual(node.warnings);
      expect(node.warnings).toEqual([]);
      // near the truth (intercept 1, slope 0.5, σ 1), as 200 000 rows should be
      expect(Math.abs(beta[1] - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(sigma - 1)).toBeLessThan(0.02);
      expect(state.summary).toContain("REML criterion at convergence");
      expect(state.summary).toContain("Number of obs: 200000, groups:  g, 10000");
      expect(state.charts).toBeGreaterThanOrEqual(2);
    } finally {
      await page.close();
    }
  }, 300_000);

  it("runs under a Content-Security-Policy of the site alone plus 'wasm-unsafe-eval' with no script or worker violation, and without 'wasm-unsafe-eval' DuckDB-Wasm is refused", async () => {
    const allowed = await run(strict);
    try {
      expect(allowed.errors).toEqual([]);
      expect(allowed.state.cellErrors).toEqual([]);
      expect(allowed.state.fit.state).toBe("done");
      expect(JSON.parse(allowed.state.fit.theta)).toEqual(Array.from(node.theta).map((t) => expect.closeTo(t, 12)));
      // what the policy guards here: eval of strings, WebAssembly, workers. (Notebook Kit's page sets a few
      // inline event handlers of its own, refused as "inline" whatever this page does: not counted.)
      const violations = allowed.state.violations.filter((v: {directive: string; blocked: string}) => v.directive.startsWith("worker-src") || /eval/.test(v.blocked));
      expect(violations).toEqual([]);
      expect(allowed.consoleErrors.filter((e) => /EvalError|Evaluating a string|WebAssembly|create a worker/.test(e))).toEqual([]);
    } finally {
      await allowed.page.close();
    }
    // without 'wasm-unsafe-eval' DuckDB-Wasm's worker cannot compile its module and the page waits forever:
    // wait for Chromium's report of the refusal (on the page's console or the worker's), not for the fit
    const page = await context.newPage();
    try {
      const reports: string[] = [];
      const refusal = new Promise<void>((resolve) => {
        const note = (text: string) => {
          reports.push(text);
          if (/WebAssembly|wasm-unsafe-eval/.test(text) && !/inline event handler/.test(text)) resolve();
        };
        page.on("console", (m) => note(m.text()));
        page.on("pageerror", (e) => note(e.message));
        page.on("worker", (w) => w.on("console", (m) => note(m.text())));
      });
      await page.goto(`${noWasm}sql-duckdb.html?n=${ROWS}`, {waitUntil: "load"});
      const seen = await Promise.race([refusal.then(() => true), page.waitForTimeout(90_000).then(() => false)]);
      expect(seen, reports.join("\n")).toBe(true);
      expect(await page.evaluate(() => document.getElementById("sql-fit")?.dataset.state)).not.toBe("done");
    } finally {
      await page.close();
    }
  }, 400_000);
});
