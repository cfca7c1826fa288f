/**
 * Notebook Kit's own DuckDB client in a real browser (issue 16, "in notebooks through the DuckDB client that
 * Notebook Kit provides"): the page runs the unmodified module
 * `@observablehq/notebook-kit/dist/src/runtime/stdlib/duckdb.js` (the module a notebook's built-in
 * `DuckDBClient` is imported from, by runtime/stdlib/recommendedLibraries.js), makes `DuckDBClient.of()`, creates
 * sleepstudy in it with SQL (its 180 rows bound as parameters of one INSERT), and fits
 * `Reaction ~ Days + (Days | Subject)` with lmm-kit's `lmer` through `duckdbWasm(client)`. θ, β, σ and the
 * REML criterion must equal the in-memory fit of datasets/sleepstudy.csv in Node to 1e-9 relative.
 *
 * That module imports DuckDB-Wasm 1.32.0 from a CDN (`https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/+esm`)
 * and has its worker load the `.wasm` module and the worker's script from the same CDN. None of that is
 * reachable here, so the browser's requests for those addresses are answered by Playwright's request routing
 * from the same version installed from npm (the devDependency `duckdb-wasm-1.32`, an alias of
 * `@duckdb/duckdb-wasm@1.32.0`):
 * - `…/+esm` gets the package's ESM browser build `dist/duckdb-browser.mjs` as shipped. That file imports
 *   `apache-arrow` by its bare name (the CDN's `+esm` rewrites such names to CDN addresses); the page's
 *   import map resolves it to one module bundled here from the apache-arrow that npm installed for that
 *   version (Arrow.dom.mjs).
 * - `…/dist/<file>` gets the package's `dist/<file>` (the `.wasm` modules and the workers' scripts).
 *
 * The page itself (Notebook Kit's module and lmm-kit's dist/index.js, bundled with Vite, the CDN import
 * left as it is) is served from 127.0.0.1. Every request the browser made is recorded: each must be to
 * 127.0.0.1, a `blob:` worker, or one of the routed CDN addresses; anything else is refused and fails the test.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import type {Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {BrowserContext} from "playwright-core";
import {build} from "vite";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium, pageErrors} from "./helpers/chromium.js";
import {serveSite} from "../scripts/site.mjs";
import {lmer, readCSV, type LinearMixedModel} from "../src/index.js";

const FORMULA = "Reaction ~ Days + (Days | Subject)";
const CDN = "https://cdn.jsdelivr.net/npm/@duckdb/duckdb-wasm@1.32.0/";

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;

const root = fileURLToPath(new URL("..", import.meta.url));
/** The npm copy of DuckDB-Wasm 1.32.0 (the alias devDependency) and the apache-arrow npm installed for it (its own, or hoisted). */
const wasmPackage = join(root, "node_modules", "duckdb-wasm-1.32");
const arrowEntry = [join(wasmPackage, "node_modules"), join(root, "node_modules")].map((d) => join(d, "apache-arrow", "Arrow.dom.mjs")).find((f) => existsSync(f))!;
/** Notebook Kit's DuckDB client, as the package ships it (not among its package exports, so by its path). */
const notebookKitDuckDB = join(root, "node_modules", "@observablehq", "notebook-kit", "dist", "src", "runtime", "stdlib", "duckdb.js");

let dir: string;
let server: Server;
let base: string;
let context: BrowserContext;
let profile: string;
const offsite: string[] = [];
const routed: string[] = [];
const requested: string[] = [];
let node: LinearMixedModel;

/** Bundles one entry and what it imports into the one ES module `dir/name` with Vite (which reads CommonJS packages such as ml-matrix and leaves `https:` imports as they are), keeping the entry's exports. */
async function bundle(entry: string, name: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: "error",
    root: dir,
    define: {"process.env.NODE_ENV": JSON.stringify("production")},
    build: {outDir: dir, emptyOutDir: false, minify: false, copyPublicDir: false, lib: {entry, formats: ["es"], fileName: () => name}}
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lmm-duckdbclient-"));
  // the page's module: Notebook Kit's DuckDBClient and lmm-kit's lmer and duckdbWasm, put on window
  writeFileSync(
    join(dir, "entry.js"),
    `import {DuckDBClient} from ${JSON.stringify(notebookKitDuckDB)};\n` +
      `import {lmer, duckdbWasm} from ${JSON.stringify(join(root, "dist", "index.js"))};\n` +
      `window.lmmKit = {DuckDBClient, lmer, duckdbWasm};\n`
  );
  await bundle(join(dir, "entry.js"), "page.js");
  await bundle(arrowEntry, "apache-arrow.mjs");
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>DuckDBClient</title>\n` +
      `<script type="importmap">${JSON.stringify({imports: {"apache-arrow": "./apache-arrow.mjs"}})}</script>\n` +
      `<script type="module" src="./page.js"></script>\n`
  );
  writeFileSync(join(dir, "sleepstudy.csv"), readFileSync(join(root, "datasets", "sleepstudy.csv")));
  ({server, url: base} = await serveSite(dir, {isolated: false}));
  ({context, profile} = await launchLocalChromium("lmm-chromium-duckdbclient-", {width: 800, height: 600}, offsite));
  context.on("request", (request) => requested.push(request.url()));
  // registered after the helper's refusal of everything off 127.0.0.1, so asked first: the CDN's DuckDB-Wasm
  // 1.32.0 from the npm package; an address the package has no file for stays unanswered (refused)
  await context.route(`${CDN}**`, (route) => {
    const url = route.request().url();
    const path = url.slice(CDN.length);
    const file = path === "+esm" ? join(wasmPackage, "dist", "duckdb-browser.mjs") : /^dist\/[\w.-]+$/.test(path) ? join(wasmPackage, path) : null;
    if (file === null || !existsSync(file)) return route.fallback();
    routed.push(url);
    const type = file.endsWith(".wasm") ? "application/wasm" : "text/javascript";
    return route.fulfill({status: 200, body: readFileSync(file), headers: {"content-type": type, "access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin"}});
  });
  node = lmer(FORMULA, readCSV(readFileSync(join(root, "datasets", "sleepstudy.csv"), "utf8")));
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  for (const d of [dir, profile]) if (d) rmSync(d, {recursive: true, force: true});
}, 60_000);

/** |a − b| / max(|b|, 1e-300) for each pair. */
const relative = (a: readonly number[], b: readonly number[]) => a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-300));

describe("Notebook Kit's DuckDBClient (DuckDB-Wasm 1.32.0) in Chromium", () => {
  it("fits sleepstudy made in SQL through duckdbWasm(client) equal to the in-memory fit in Node to 1e-9, with no page error and no request off the machine", async () => {
    const page = await context.newPage();
    const {errors, consoleErrors} = pageErrors(page);
    try {
      await page.goto(`${base}index.html`, {waitUntil: "load"});
      await page.waitForFunction(() => window.lmmKit !== undefined, null, {timeout: 30_000}).catch((error) => {
        throw new Error(`the page's module did not load (${error}); page errors: ${errors.join("; ")}; console errors: ${consoleErrors.join("; ")}; refused: ${offsite.join(" ")}; requests: ${requested.join(" ")}`);
      });
      const csv = readFileSync(join(root, "datasets", "sleepstudy.csv"), "utf8");
      const result = await page.evaluate(
        async ({csv, formula}: {csv: string; formula: string}) => {
          const {DuckDBClient, lmer, duckdbWasm} = window.lmmKit;
          const client = await DuckDBClient.of();
          await client.query("CREATE TABLE sleepstudy (Reaction DOUBLE, Days INTEGER, Subject VARCHAR)");
          // the CSV's rows (header "Reaction","Days","Subject"), every value bound, none pasted into the SQL
          const rows = csv.trim().split("\n").slice(1).map((line: string) => line.split(","));
          const params = rows.flatMap(([reaction, days, subject]: string[]) => [Number(reaction), Number(days), subject.replace(/"/g, "")]);
          await client.query(`INSERT INTO sleepstudy VALUES ${rows.map(() => "(?, ?, ?)").join(", ")}`, params);
          const count = Number((await client.query("SELECT count(*) AS n FROM sleepstudy")).getChildAt(0).get(0));
          const m = await lmer(formula, {connection: duckdbWasm(client), table: "sleepstudy"});
          const version = (await client.query("SELECT version() AS v")).getChildAt(0).get(0);
          return {count, version: String(version), frame: m.frame, queries: m.queries.length, theta: Array.from(m.theta as number[]), beta: Array.from(m.beta as number[]), sigma: m.sigma as number, criterion: m.REMLcrit as number, warnings: m.warnings};
        },
        {csv, formula: FORMULA}
      );
      expect(errors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(result.count).toBe(180);
      expect(result.version).toMatch(/^v\d+\.\d+/);
      expect(result.frame).toBe("sql");
      expect(result.queries).toBeGreaterThan(0);
      expect(result.theta).toHaveLength(node.theta.length);
      expect(result.beta).toHaveLength(node.beta.length);
      expect(Math.max(...relative(result.theta, Array.from(node.theta)))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative(result.beta, Array.from(node.beta)))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative([result.sigma], [node.sigma]))).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...relative([result.criterion], [node.REMLcrit!]))).toBeLessThanOrEqual(1e-9);
      expect(result.warnings).toEqual(node.warnings);
      const differences = [relative(result.theta, Array.from(node.theta)), relative(result.beta, Array.from(node.beta)), relative([result.sigma], [node.sigma]), relative([result.criterion], [node.REMLcrit!])].map((d) => Math.max(...d).toExponential(1));
      console.log(`DuckDB ${result.version} (DuckDB-Wasm 1.32.0) through Notebook Kit's DuckDBClient: relative differences from Node's in-memory fit θ ${differences[0]}, β ${differences[1]}, σ ${differences[2]}, REML criterion ${differences[3]}`);
      // nothing left the machine: every request went to 127.0.0.1, a blob: worker, or a routed CDN address
      expect(offsite).toEqual([]);
      const local = (u: string) => u.startsWith("blob:") || new URL(u).hostname === "127.0.0.1";
      expect(requested.filter((u) => !local(u) && !routed.includes(u))).toEqual([]);
      // the CDN's module, one worker's script and its .wasm were answered from the npm package
      expect(routed).toContain(`${CDN}+esm`);
      expect(routed.some((u) => /\/dist\/duckdb-browser-(eh|mvp)\.worker\.js$/.test(u))).toBe(true);
      expect(routed.some((u) => /\/dist\/duckdb-(eh|mvp)\.wasm$/.test(u))).toBe(true);
    } finally {
      await page.close();
    }
  }, 120_000);
});
