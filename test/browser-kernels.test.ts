/**
 * The fast kernels in a real browser (issue 15): the crossed notebook's InstEval fit
 * (`y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)`, a dense 1128-wide block) in Debian's Chromium,
 * served three ways from one built site:
 * - with the isolation headers (COOP same-origin, COEP require-corp), as `npm start` serves it: the page is
 *   cross-origin isolated, and the fit worker factors on two threads (a helper Web Worker sharing memory)
 *   with the WebAssembly kernel;
 * - without them: not isolated, one thread, WebAssembly;
 * - with the headers and a strict Content-Security-Policy (no 'wasm-unsafe-eval', no 'unsafe-eval'): the
 *   kernel may not be compiled, and the plain JavaScript kernels run (on two threads).
 * Asserted: which kernels ran (the fit worker reports it: `lmm-kit.fitKernels`), and that the fit's REML
 * criterion, θ and β are the same doubles in all three and as lmer's in Node, bit for bit (String of a
 * double is its shortest round-trip form): both kernels sum each dot product in two lanes, and the threads
 * split rows, never a sum. Never timed (bench/browser.mjs times it).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it) or CHROMIUM_PATH.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import type {Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {BrowserContext} from "playwright-core";
import {afterAll, beforeAll, expect, it} from "vitest";
import {launchLocalChromium, pageErrors} from "./helpers/chromium.js";
import {buildSite, ISOLATION_HEADERS, root, serveSite} from "../scripts/site.mjs";
import {lmer, readCSV} from "../src/index.js";

const FORMULA = "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)";
/** No 'wasm-unsafe-eval' (nor 'unsafe-eval'); inline styles allowed, as Plot's charts need them (see browser-csp.test.ts). */
const POLICY = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

let site: string;
let profile: string;
let context: BrowserContext;
const servers: Server[] = [];
const offsite: string[] = [];
let node: {criterion: string; theta: string; beta: string};

beforeAll(async () => {
  site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-kernels-site-")), quiet: true});
  ({context, profile} = await launchLocalChromium("lmm-kernels-chromium-", {width: 1200, height: 900}, offsite));
  const m = lmer(FORMULA, readCSV(readFileSync(join(root, "datasets", "InstEval.csv"), "utf8")));
  node = {criterion: String(m.REMLcrit), theta: JSON.stringify(Array.from(m.theta)), beta: JSON.stringify(Array.from(m.beta))};
}, 300_000);

afterAll(async () => {
  await context?.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  if (site) rmSync(site, {recursive: true, force: true});
  if (profile) rmSync(profile, {recursive: true, force: true});
}, 60_000);

interface CrossedFit {
  isolated: boolean;
  kernels: {threads: number; webAssembly: boolean};
  criterion: string;
  theta: string;
  beta: string;
  errors: string[];
  consoleErrors: string[];
}

/** Opens crossed.html served with `options`, waits for the InstEval crossed fit, reads its numbers. */
async function crossedFit(options: {isolated: boolean; headers?: Record<string, string>}): Promise<CrossedFit> {
  const {server, url} = await serveSite(site, options);
  servers.push(server);
  const page = await context.newPage();
  const {errors, consoleErrors} = pageErrors(page);
  try {
    await page.goto(url + "crossed.html", {waitUntil: "load"});
    await page.waitForFunction(() => document.querySelector(".fit-status")?.dataset.state === "done", null, {timeout: 400_000});
    const read = await page.evaluate(() => {
      const {criterion, theta, beta} = document.querySelector(".fit-status").dataset;
      return {isolated: (globalThis as any).crossOriginIsolated === true, kernels: (globalThis as any)[Symbol.for("lmm-kit.fitKernels")], criterion, theta, beta};
    });
    return {...read, errors, consoleErrors};
  } finally {
    await page.close();
  }
}

it("the built site carries the isolation headers for hosts that read a _headers file", () => {
  const file = join(site, "_headers");
  expect(existsSync(file)).toBe(true);
  const text = readFileSync(file, "utf8");
  expect(text.split("\n")[0]).toBe("/*");
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) expect(text.toLowerCase()).toContain(`${name}: ${value}`);
});

it("with the headers the fit worker factors on two threads with WebAssembly, and the fit has Node's bits", async () => {
  const fit = await crossedFit({isolated: true});
  expect(fit.isolated).toBe(true);
  expect(fit.kernels).toEqual({threads: 2, webAssembly: true});
  expect({criterion: fit.criterion, theta: fit.theta, beta: fit.beta}).toEqual(node);
  expect(fit.errors).toEqual([]);
  expect(fit.consoleErrors).toEqual([]);
  expect(offsite).toEqual([]);
}, 500_000);

it("without the headers it factors on one thread with WebAssembly: the same bits", async () => {
  const fit = await crossedFit({isolated: false});
  expect(fit.isolated).toBe(false);
  expect(fit.kernels).toEqual({threads: 1, webAssembly: true});
  expect({criterion: fit.criterion, theta: fit.theta, beta: fit.beta}).toEqual(node);
  expect(fit.errors).toEqual([]);
  expect(fit.consoleErrors).toEqual([]);
}, 500_000);

it("under a strict policy (no 'wasm-unsafe-eval') the plain JavaScript kernels run: the same bits", async () => {
  const fit = await crossedFit({isolated: true, headers: {"content-security-policy": POLICY}});
  expect(fit.isolated).toBe(true);
  expect(fit.kernels).toEqual({threads: 2, webAssembly: false});
  expect({criterion: fit.criterion, theta: fit.theta, beta: fit.beta}).toEqual(node);
  // the kit raises nothing; the only refusals are of the notebook's own code in cells other than the fit
  // (arquero's string expressions, which it compiles with Function, and an inline event handler of the page),
  // none of WebAssembly
  for (const message of [...fit.errors, ...fit.consoleErrors]) {
    expect(message).not.toMatch(/webassembly|wasm/i);
    expect(message).toMatch(/Content Security Policy/);
  }
}, 500_000);
