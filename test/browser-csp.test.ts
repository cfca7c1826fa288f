/**
 * The kit under a strict Content-Security-Policy, in a real browser: "no eval, no new Function anywhere".
 *
 * Bundles the page in test/csp-page/ with Vite (its HTML loads one external module script and one external
 * stylesheet: nothing inline), serves it on an ephemeral port of 127.0.0.1 with the policy below on every
 * response (the page, its scripts, the workers' scripts, the CSV), and opens it in Debian's Chromium through
 * playwright-core, as test/browser.test.ts does; every request that leaves 127.0.0.1 is refused and fails the
 * test. The page reads datasets/sleepstudy.csv with readCSV, fits `Reaction ~ Days + (Days | Subject)` with
 * lmer, runs setx/sim with seed 7, fits the model again in a module Web Worker (startFit) and draws a
 * caterpillar plot with Observable Plot.
 *
 * Asserted: no page error, and no `securitypolicyviolation` event (a listener installed before any page
 * script) and no console error (Chromium logs every refusal there, also those inside workers) but one:
 * Observable Plot's Plot.plot appends an inline <style> element (its default rules, `:where(.plot-d6a7b5)
 * {…}`) to every chart, which style-src 'self' refuses. That one is asserted as it is (one style-src-elem
 * violation of "inline", whose hash in Chromium's console message is that of Plot's stylesheet, which is
 * not applied), and the page is opened a second time with that stylesheet's sha256 added to style-src (still
 * no 'unsafe-inline'): there, zero violations and zero console errors. Then: every number of the fit (θ, β,
 * standard errors, vcov, σ, the criteria, variance components, fitted values, residuals, modes, the
 * optimizer's final point and its evaluation count) is the same double as lmer's in Node, bit for bit
 * (Object.is): the kit computes with IEEE-exact operations and its own elementary functions (src/math), not
 * the engine's Math.log/exp/pow, which differ in the last bit between engines (issue 9). The worker fit ran
 * in the worker (startFit falls back to the page, silently, when a worker cannot start) and has the same bits
 * as the page's fit; every seeded draw of sim (ev, pr, ev1, pr1, fd) and of randomSource(7) has Node's bits;
 * the chart's SVG is in the page.
 *
 * The negative control, so that a policy that silently failed to apply cannot make the test pass: on the same
 * page, after the kit's work is counted, a bundled module (test/csp-page/probe.ts) tries `new Function`, an
 * indirect `eval` and a string timer, and a module worker under the same policy tries `new Function` and
 * `eval`; each must be refused (EvalError, or the timer never runs) and the listeners of the page and of the
 * worker must see the refusals as script-src violations of "eval". The probe runs on a click, as page code:
 * code run through page.evaluate may use eval whatever the policy says (see test/csp-page/main.ts).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {createHash} from "node:crypto";
import {copyFileSync, createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {tmpdir} from "node:os";
import {extname, join, normalize, sep} from "node:path";
import type {BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium} from "./helpers/chromium.js";
import {root} from "../scripts/site.mjs";
import {lmer, randomSource, readCSV, setx, sim} from "../src/index.js";
import {fitNumbers, fromBits, simNumbers, toBits} from "./csp-page/numbers.js";

const PAGE_DIR = join(root, "test", "csp-page");
const FORMULA = "Reaction ~ Days + (Days | Subject)";

/** The policy: nothing but the page's own origin; no 'unsafe-eval', no 'wasm-unsafe-eval', no 'unsafe-inline'. */
const POLICY = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

interface Violation {
  effectiveDirective: string;
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
  sample: string;
}

/** A style-src hash source, as the page's URL may ask for it (`?style=sha256-…`). */
const HASH = /^'?(sha256-[A-Za-z0-9+/]+={0,2})'?$/;

/** The policy with `hash` added to style-src (still no 'unsafe-inline'). */
function policyWithStyleHash(hash: string): string {
  return POLICY.replace("style-src 'self'", `style-src 'self' '${hash}'`);
}

let outDir: string;
let profile: string;
let server: Server;
let base: string;
let context: BrowserContext;
/** Requests that tried to leave 127.0.0.1 (refused). */
const offsite: string[] = [];
/** Paths the server was asked for, with the status it answered. */
const served: {path: string; status: number}[] = [];
const seconds: Record<string, number> = {};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml"
};

/**
 * Serves `dir` on 127.0.0.1 (an ephemeral port) with the policy on every response. The page itself (only)
 * may be asked for with `?style=sha256-…`, which adds that hash to its style-src.
 */
function serve(dir: string): Promise<{server: Server; url: string}> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const file = normalize(join(dir, path === "/" ? "index.html" : decodeURIComponent(path)));
    const ok = file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile();
    if (path === "/favicon.ico" && !ok) {
      response.writeHead(204, {"content-security-policy": POLICY}).end(); // browsers ask for it; the page has none
      return;
    }
    served.push({path, status: ok ? 200 : 404});
    const hash = HASH.exec(url.searchParams.get("style") ?? "")?.[1];
    const policy = hash && extname(file) === ".html" ? policyWithStyleHash(hash) : POLICY;
    const headers = {"content-security-policy": policy, "cache-control": "no-store"};
    if (!ok) {
      response.writeHead(404, {...headers, "content-type": "text/plain; charset=utf-8"}).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, {...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream"});
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`});
    });
  });
}

/** Bundles test/csp-page/ with Vite into `outDir`, with the data file next to the page. */
async function buildPage(outDir: string): Promise<void> {
  const {build} = await import("vite");
  await build({
    configFile: false,
    logLevel: "error",
    root: PAGE_DIR,
    base: "./",
    // the fit's Worker is an ES module (it imports the kit); Vite's default worker format is "iife"
    worker: {format: "es"},
    build: {
      outDir,
      emptyOutDir: true,
      // every asset a file of its own, never an inlined data: URL
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 2000,
      rollupOptions: {input: join(PAGE_DIR, "index.html")}
    }
  });
  copyFileSync(join(root, "datasets", "sleepstudy.csv"), join(outDir, "sleepstudy.csv"));
}

/** A page opened and run to its end, with everything it reported. */
interface Run {
  page: Page;
  /** The policy header of the page's response. */
  policy: string | undefined;
  /** What the page computed (window.__lmmCsp). */
  result: any;
  /** The `securitypolicyviolation` events seen on the page by the time it was done. */
  violations: Violation[];
  pageErrors: string[];
  consoleErrors: string[];
  /** The URLs of the page's workers. */
  workers: string[];
  /** Every response the browser received, with its Content-Security-Policy header. */
  received: {url: string; policy: string | undefined}[];
  /** Plot's stylesheet: the text of the <style> element in the chart's SVG, and whether it was applied. */
  plotStyle: {text: string; applied: boolean} | null;
}

async function open(search = ""): Promise<Run> {
  const page = await context.newPage();
  const run: Run = {page, policy: undefined, result: undefined, violations: [], pageErrors: [], consoleErrors: [], workers: [], received: [], plotStyle: null};
  page.on("pageerror", (e) => run.pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") run.consoleErrors.push(m.text());
  });
  page.on("response", (r) => run.received.push({url: r.url(), policy: r.headers()["content-security-policy"]}));
  page.on("worker", (w) => {
    run.workers.push(w.url());
    w.on("console", (m) => {
      if (m.type() === "error") run.consoleErrors.push(`[worker ${w.url()}] ${m.text()}`);
    });
  });
  const response = await page.goto(base + search, {waitUntil: "load"});
  run.policy = response?.headers()["content-security-policy"];
  await page.waitForFunction(() => document.getElementById("status")?.dataset.state !== "running", null, {timeout: 45_000});
  run.result = await page.evaluate(() => window.__lmmCsp);
  // a violation event is queued as a task: let any that are pending arrive
  await page.waitForTimeout(100);
  run.violations = await page.evaluate(() => window.__cspViolations.slice());
  run.plotStyle = await page.evaluate(() => {
    const style = document.querySelector("#chart svg style");
    return style && {text: style.textContent, applied: style.sheet != null};
  });
  return run;
}

beforeAll(async () => {
  const t = Date.now();
  outDir = mkdtempSync(join(tmpdir(), "lmm-csp-page-"));
  await buildPage(outDir);
  seconds.build = (Date.now() - t) / 1000;
  ({server, url: base} = await serve(outDir));
  ({context, profile} = await launchLocalChromium("lmm-chromium-csp-", {width: 1000, height: 800}, offsite));
  // the listener is in place before any script of the page runs (init scripts are not subject to the policy)
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e: any) => {
      const {effectiveDirective, violatedDirective, blockedURI, sourceFile, lineNumber, sample} = e;
      window.__cspViolations.push({effectiveDirective, violatedDirective, blockedURI, sourceFile, lineNumber, sample});
    }, true);
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (outDir) rmSync(outDir, {recursive: true, force: true});
  if (profile) rmSync(profile, {recursive: true, force: true});
  console.log("browser-csp seconds:", JSON.stringify(seconds));
}, 30_000);

/**
 * Asserts that every number the page sent (as bits) is Object.is the number Node computed, list by list,
 * and returns how many were compared. The failure names the list, the index and both values.
 */
function expectSameBits(page: Record<string, string[]>, node: Record<string, number[]>, what: string): number {
  expect(Object.keys(page).sort(), what).toEqual(Object.keys(node).sort());
  let count = 0;
  const differ: string[] = [];
  for (const [name, values] of Object.entries(node)) {
    expect(page[name], `${what} ${name}`).toHaveLength(values.length);
    values.forEach((v, i) => {
      const p = fromBits(page[name][i]);
      if (!Object.is(p, v)) differ.push(`${name}[${i}]: Chromium ${p} (${page[name][i]}), Node ${v}`);
      count++;
    });
  }
  expect(differ.slice(0, 20), `${what}: ${differ.length} numbers differ`).toEqual([]);
  return count;
}

/** An inline stylesheet refused (Plot's: one per Plot.plot, and the page draws one chart). */
function isPlotStyle(v: Violation): boolean {
  return v.effectiveDirective === "style-src-elem" && v.blockedURI === "inline";
}

describe("the kit in Chromium under a strict Content-Security-Policy", () => {
  let strict: Run;
  let hashed: Run;
  /** The sha256 hash source of Plot's stylesheet, as read from the strict page. */
  let plotStyleHash: string;

  beforeAll(async () => {
    let t = Date.now();
    strict = await open();
    seconds.strictPage = (Date.now() - t) / 1000;
    t = Date.now();
    plotStyleHash = `sha256-${createHash("sha256").update(strict.plotStyle?.text ?? "", "utf8").digest("base64")}`;
    hashed = await open(`?style=${plotStyleHash}`);
    seconds.hashedPage = (Date.now() - t) / 1000;
  }, 120_000);

  afterAll(async () => {
    await strict?.page.close();
    await hashed?.page.close();
  });

  it("runs the page with no policy violation but Observable Plot's own <style> element, no console error, no page error", () => {
    expect(strict.policy).toBe(POLICY);
    expect(strict.result?.error, strict.result?.stack).toBeUndefined();
    expect(strict.pageErrors).toEqual([]);
    expect(offsite).toEqual([]);
    // Plot.plot appends a <style> element with its default rules (`:where(.plot-d6a7b5) {…}`) to every chart:
    // an inline stylesheet, which style-src 'self' refuses (the chart is drawn; those defaults are not
    // applied). It is the only violation, and Chromium's console line for it (which names the hash of the
    // refused stylesheet: that of Plot's) the only console error; the page below, with that hash in
    // style-src, shows that nothing else was refused.
    expect(strict.plotStyle?.text).toMatch(/^:where\(\.plot-[0-9a-f]+\) \{/);
    expect(strict.plotStyle?.applied).toBe(false);
    expect(strict.violations.filter((v) => !isPlotStyle(v))).toEqual([]);
    expect(strict.violations).toHaveLength(1);
    expect(strict.consoleErrors.filter((m) => !(/inline style/.test(m) && m.includes(`'${plotStyleHash}'`)))).toEqual([]);
    expect(strict.consoleErrors).toHaveLength(1);
  });

  it("runs the page with zero policy violations and zero console errors once Plot's stylesheet is allowed by its hash", () => {
    expect(hashed.policy).toMatch(/^default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' data:; connect-src 'self'$/);
    expect(hashed.result?.error, hashed.result?.stack).toBeUndefined();
    expect(hashed.violations).toEqual([]);
    expect(hashed.consoleErrors).toEqual([]);
    expect(hashed.pageErrors).toEqual([]);
    expect(hashed.plotStyle?.applied).toBe(true);
    expect(hashed.result).toEqual(strict.result);
    expect(offsite).toEqual([]);
  });

  it("serves everything from its own origin under the policy: the page, its scripts, the CSV, the fit worker", () => {
    for (const run of [strict, hashed]) {
      const urls = run.received.map((r) => r.url);
      expect(urls.filter((u) => !u.startsWith(base))).toEqual([]);
      expect(urls.some((u) => u.endsWith("/sleepstudy.csv"))).toBe(true);
      expect(urls.some((u) => /\/fit-worker[^/]*\.js$/.test(u))).toBe(true);
      expect(run.workers.some((u) => u.startsWith(base) && /\/fit-worker[^/]*\.js$/.test(u))).toBe(true);
      // every response carried the policy (the hashed page's document, its own variant)
      const page = run.received.filter((r) => r.url.split("?")[0] === base);
      expect(page.map((r) => r.policy)).toEqual([run.policy]);
      expect(run.received.filter((r) => r.url.split("?")[0] !== base && r.policy !== POLICY)).toEqual([]);
    }
    expect(served.filter((s) => s.status !== 200).map((s) => s.path)).toEqual([]);
  });

  it("fits as lmer does in Node, bit for bit: every number of the fit Object.is Node's", () => {
    const data = readCSV(readFileSync(join(root, "datasets", "sleepstudy.csv"), "utf8"));
    const m = lmer(FORMULA, data);
    expect(strict.result.rows).toBe(180);
    const node = fitNumbers(m);
    const compared = expectSameBits(strict.result.bits.main, node, "page fit");
    // θ 3, β 2, fixef 2, se 2, vcov 4, σ 1, criteria 5, varCorr 8, fitted and residuals 360, u and b 72, final θ 3, its criterion 1, evaluations 1
    expect(compared).toBe(3 + 2 + 2 + 2 + 4 + 1 + 5 + 8 + 360 + 72 + 3 + 1 + 1);
    // the numbers the page also sent as plain JSON agree with its bits
    expect(strict.result.main.theta).toEqual(node.theta);
    expect(strict.result.main.REMLcrit).toBe(m.REMLcrit);
  });

  it("reads the kit's tables with tableRows, as Arquero's objects() gives them in Node", () => {
    const data = readCSV(readFileSync(join(root, "datasets", "sleepstudy.csv"), "utf8"));
    const m = lmer(FORMULA, data);
    const s = sim(m, {x: setx(m, {Days: 8}), x1: setx(m, {Days: 2}), n: 1000, seed: 7});
    const {tables} = strict.result;
    expect(tables.variance).toEqual(m.varianceTable().objects());
    expect(tables.variance).toHaveLength(4);
    expect(tables.fixed.map((r: {term: string}) => r.term)).toEqual(["(Intercept)", "Days"]);
    expect(tables.fixed).toEqual(JSON.parse(JSON.stringify(m.fixedEffectsTable().objects())));
    expect(tables.simulation).toEqual(JSON.parse(JSON.stringify(s.summary().objects())));
  });

  it("fits in a Web Worker (not on the page after a failed start), and the worker's fit has the page's bits", () => {
    const {thread, threads, reports, ...worker} = strict.result.worker;
    expect(thread).toBe("worker");
    expect(threads).not.toContain("main");
    expect(reports).toBeGreaterThan(0);
    expect(worker).toEqual(strict.result.main);
    expect(strict.result.bits.worker).toEqual(strict.result.bits.main);
  });

  it("draws the same seeded numbers as Node, bit for bit: randomSource(7), and every ev, pr, ev1, pr1 and fd draw of sim with seed 7", () => {
    const r = randomSource(7);
    const uniforms = Array.from({length: 4}, () => r.uniform());
    const r2 = randomSource(7);
    const normals = Array.from({length: 6}, () => r2.normal());
    expectSameBits(strict.result.bits.seed7, {uniforms, normals}, "randomSource(7)");
    const data = readCSV(readFileSync(join(root, "datasets", "sleepstudy.csv"), "utf8"));
    const m = lmer(FORMULA, data);
    const s = sim(m, {x: setx(m, {Days: 8}), x1: setx(m, {Days: 2}), n: 1000, seed: 7});
    expect(expectSameBits(strict.result.bits.sim, simNumbers(s.qi), "sim draws")).toBe(5 * 1000);
    // the plain JSON copies say the same
    for (const q of ["ev", "pr", "fd"] as const) expect(strict.result.seed7[q]).toEqual(Array.from(s.qi[q]![0]));
    // and the hashed page computed the same bits again
    expect(hashed.result.bits).toEqual(strict.result.bits);
    expect(toBits({x: [-0]}).x).toEqual(["8000000000000000"]);
  });

  it("draws the caterpillar plot: Plot's SVG with one dot per subject", async () => {
    const chart = await strict.page.evaluate(() => {
      const svg = document.querySelector("#chart svg");
      return svg && {dots: svg.querySelectorAll("circle").length, text: svg.textContent};
    });
    expect(chart).not.toBeNull();
    expect(chart.dots).toBe(18);
    expect(chart.text).toContain("Conditional mode of Days");
  });

  it("negative control: the same policy refuses eval, new Function and a string timer on that page and in a worker", async () => {
    const {page, violations} = strict;
    // a click runs the probe as page code (see test/csp-page/main.ts for why not page.evaluate)
    await page.click("#probe");
    await page.waitForFunction(() => window.__lmmCspProbe !== undefined, null, {timeout: 20_000});
    const probe = await page.evaluate(() => window.__lmmCspProbe);
    const after: Violation[] = await page.evaluate(() => window.__cspViolations.slice());
    const refused = /^EvalError: .*unsafe-eval/;
    expect(probe.page.function).toMatch(refused);
    expect(probe.page.eval).toMatch(refused);
    expect(probe.page.timer).toBe("refused (did not run)");
    expect(probe.worker.function).toMatch(refused);
    expect(probe.worker.eval).toMatch(refused);
    expect(probe.worker.violations).toBe("script-src eval; script-src eval");
    // the page's listener, the one that counted the violations of the page's own run, saw the three refusals
    const fresh = after.slice(violations.length);
    expect(fresh.map((v) => `${v.effectiveDirective} ${v.blockedURI}`)).toEqual(["script-src eval", "script-src eval", "script-src eval"]);
  });
});
