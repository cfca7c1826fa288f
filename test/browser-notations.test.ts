/**
 * The notebook "one model, four notations" (notebooks/notations.html, issue 14) in Chromium: the TeX that
 * `equations(…, {format: "tex"})` writes is rendered by KaTeX, bundled from the `katex` npm package (Notebook
 * Kit's own `tex` would load it from a CDN, which the site must not use).
 *
 * Builds the static site (scripts/site.mjs), serves it on 127.0.0.1 and opens the page in Debian's Chromium;
 * every request that leaves 127.0.0.1 is refused and fails the test. Asserted, for each model of the page's
 * select: the four readers agree (the page's verdict), KaTeX's output is present (`.katex-html` for each
 * block), no KaTeX parse error (`.katex-error`), and the TeX each block was rendered from (KaTeX keeps it in
 * the MathML annotation) is, character for character, what `equations` writes in Node for the same fit; the
 * KaTeX fonts are loaded from the site and KaTeX's stylesheet applies. A full-page screenshot is not blank.
 *
 * Then under the project's strict Content-Security-Policy (test/browser-csp.test.ts's: nothing but 'self', no
 * 'unsafe-eval', no 'unsafe-inline'), added to every response of the site: KaTeX renders the same, with no
 * script file, eval, font or connection refused, and no refusal from KaTeX's chunk of the site (KaTeX sets its
 * styles through the DOM, which style-src allows). What is refused is inline and from elsewhere: Observable
 * Plot's `<style>` in each chart, the page's own style cell, and the style and event-handler attributes that
 * Observable Inputs writes into its forms.
 *
 * Screenshots go to test/screenshots/tmp/ (ignored by git); with LMM_UPDATE_SCREENSHOTS=1 to test/screenshots/.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`) or CHROMIUM_PATH.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import type {Server} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchLocalChromium, pageErrors} from "./helpers/chromium.js";
import {buildSite, root, serveSite} from "../scripts/site.mjs";
import {equations, lmer, readCSV, readStata} from "../src/index.js";

const SHOTS = join(root, "test", "screenshots", process.env.LMM_UPDATE_SCREENSHOTS === "1" ? "" : "tmp");
const PAGE = "notations.html";
const POLICY = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

// the page's globals, typed loosely: the test's own tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const getComputedStyle: any;
declare const Image: any;
declare const Event: any;
declare const performance: any;

let site: string;
let server: Server;
let base: string;
let context: BrowserContext;
let profile: string;
const offsite: string[] = [];

beforeAll(async () => {
  site = await buildSite({outDir: mkdtempSync(join(tmpdir(), "lmm-notations-")), quiet: true});
  ({server, url: base} = await serveSite(site));
  ({context, profile} = await launchLocalChromium("lmm-chromium-notations-", {width: 1200, height: 900}, offsite));
  // every securitypolicyviolation the page sees, recorded before any page script runs
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e: any) =>
      window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile})
    );
  });
  mkdirSync(SHOTS, {recursive: true});
}, 240_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (site) rmSync(site, {recursive: true, force: true});
  if (profile) rmSync(profile, {recursive: true, force: true});
}, 60_000);

interface Opened {
  page: Page;
  errors: string[];
  consoleErrors: string[];
}

/** Opens the page (with the strict policy on every response of the site when `csp`) and waits for its TeX. */
async function open(csp: boolean): Promise<Opened> {
  const page = await context.newPage();
  const {errors, consoleErrors} = pageErrors(page);
  if (csp) {
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== "127.0.0.1") {
        offsite.push(url.href);
        return route.abort("blockedbyclient");
      }
      const response = await route.fetch();
      await route.fulfill({response, headers: {...response.headers(), "content-security-policy": POLICY}});
    });
  }
  await page.goto(base + PAGE, {waitUntil: "load"});
  await rendered(page);
  return {page, errors, consoleErrors};
}

/** Waits until the four equation blocks and the verdict are on the page and every chart is drawn. */
async function rendered(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("main .notation-tex .katex").length >= 6 && document.querySelector("main [data-same]") && document.querySelectorAll("main svg").length >= 4, null, {timeout: 180_000});
  await page.evaluate(() => document.fonts.ready);
}

/** What the page shows: the verdict, KaTeX's output and errors, the TeX sources of the blocks, the fonts. */
function state(page: Page) {
  return page.evaluate(() => {
    const blocks = Array.from(document.querySelectorAll("main .notation-tex"));
    const katex = document.querySelector("main .katex");
    return {
      model: document.querySelector("main select")?.selectedOptions[0]?.textContent,
      same: document.querySelector("main [data-same]")?.dataset.same,
      blocks: blocks.length,
      html: blocks.filter((b: any) => b.querySelector(".katex-html")).length,
      errors: document.querySelectorAll("main .katex-error").length,
      cellErrors: Array.from(document.querySelectorAll("main .observablehq--error"), (e: any) => e.textContent),
      sources: blocks.map((b: any) => b.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? null),
      fontLoaded: document.fonts.check("16px KaTeX_Main") && Array.from(document.fonts).some((f: any) => f.family.replace(/"/g, "") === "KaTeX_Main" && f.status === "loaded"),
      fontFamily: katex ? getComputedStyle(katex).fontFamily : null
    };
  });
}

/** Takes a full-page screenshot, writes it, and returns the share of pixels that are not (near) white. */
async function screenshot(page: Page, name: string): Promise<number> {
  const png = await page.screenshot({path: join(SHOTS, name), fullPage: true});
  return page.evaluate(async (b64: string) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
    return ink / (data.length / 4);
  }, png.toString("base64"));
}

/** The TeX `equations` writes in Node for the page's fit of `formula` (the page's four blocks, in order). */
function nodeTex(formula: string): string[] {
  const exam = readCSV(readFileSync(join(root, "datasets", "Exam.csv"), "utf8"));
  const m = lmer(formula, exam);
  return [
    equations(m, {form: "levels", format: "tex", level2: ["schavg"]}),
    equations(m, {form: "matrix", format: "tex"}),
    equations(m, {form: "lme4", format: "tex"}),
    equations(m, {form: "stata", format: "tex"})
  ];
}

/** The three-level block: Stata's `|| batch: || cask:` fitted to Pastes, written as π/β/γ equations in TeX. */
const pastesTex = equations(lmer(readStata("mixed strength || batch: || cask:, reml").spec, readCSV(readFileSync(join(root, "datasets", "Pastes.csv"), "utf8"))), {form: "levels", format: "tex"});

const FORMULAS: Record<string, string> = {
  "random intercept, school intake as a school-level covariate": "normexam ~ standLRT + schavg + (1 | school)",
  "random intercept and random slope": "normexam ~ standLRT + (1 + standLRT | school)",
  "slopes as outcomes: intercept and slope depend on the school's intake": "normexam ~ standLRT + schavg + standLRT:schavg + (1 + standLRT | school)"
};

describe("notations.html", () => {
  it("renders each model's equations with KaTeX from the site, the TeX Node writes, no parse error, and a screenshot that is not blank", async () => {
    const {page, errors, consoleErrors} = await open(false);
    try {
      const first = await state(page);
      expect(first.model).toBe("slopes as outcomes: intercept and slope depend on the school's intake");
      const ink = await screenshot(page, "notations.png");
      expect(ink, "share of non-white pixels").toBeGreaterThan(0.01);
      expect(ink, "share of non-white pixels").toBeLessThan(0.9);
      const names: string[] = await page.evaluate(() => Array.from(document.querySelector("main select").options, (o: any) => o.textContent));
      expect([...names].sort()).toEqual(Object.keys(FORMULAS).sort());
      for (let i = 0; i < names.length; i++) {
        const expected = nodeTex(FORMULAS[names[i]]);
        await page.evaluate((k: number) => {
          const select = document.querySelector("main select");
          select.selectedIndex = k;
          select.dispatchEvent(new Event("input", {bubbles: true}));
        }, i);
        // the page has refitted and rendered the chosen model's equations (no time limit but the test's own)
        await page.waitForFunction((tex: string) => document.querySelector("main .notation-tex annotation")?.textContent === tex, expected[0], {timeout: 120_000});
        await rendered(page);
        const s = await state(page);
        expect({model: s.model, same: s.same, blocks: s.blocks, html: s.html, errors: s.errors, cellErrors: s.cellErrors}).toEqual({
          model: names[i], same: "true", blocks: 6, html: 6, errors: 0, cellErrors: []
        });
        // the four blocks of equations(…) are the TeX Node writes for the same fit, to the character, and so is
        // the last, the three-level equations of Pastes' fit (π, β, γ; T_β and T_π)
        expect(s.sources.slice(0, 4)).toEqual(expected);
        expect(s.sources[5]).toBe(pastesTex);
        expect(s.fontLoaded).toBe(true);
        expect(s.fontFamily).toContain("KaTeX_Main");
      }
      expect(errors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 400_000);

  it("renders under the strict Content-Security-Policy: nothing of KaTeX's refused, no script file, eval, font or connection refused, KaTeX's fonts and styles from the site", async () => {
    const {page, errors} = await open(true);
    try {
      const s = await state(page);
      expect({same: s.same, html: s.html, errors: s.errors, cellErrors: s.cellErrors, fontLoaded: s.fontLoaded}).toEqual({same: "true", html: 6, errors: 0, cellErrors: [], fontLoaded: true});
      expect(s.fontFamily).toContain("KaTeX_Main");
      expect(s.sources[0]).toContain("\\begin{aligned}");
      await page.waitForTimeout(100); // a violation event is queued as a task
      const violations: {directive: string; blocked: string; sample: string; source: string}[] = await page.evaluate(() => window.__violations.slice());
      // KaTeX is its own chunk of the site, and the page loaded it
      const scripts: string[] = await page.evaluate(() => performance.getEntriesByType("resource").map((e: any) => e.name));
      expect(scripts.filter((u) => /\/katex-[^/]*\.js$/.test(u))).toHaveLength(1);
      // the policy applied, and nothing of KaTeX's was refused; what was refused is inline: Plot's <style> in
      // each chart and the page's style cell (style-src-elem), and the style and event-handler attributes that
      // Observable Inputs writes into its forms (style-src-attr, script-src-attr, from Inputs' chunk, known by
      // its class prefix); no script file, eval, font or connection was refused
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.filter((v) => /\/katex-[^/]*\.js$/.test(v.source))).toEqual([]);
      const isInputs = new Map<string, boolean>();
      for (const source of new Set(violations.map((v) => v.source))) isInputs.set(source, source.startsWith(base) && (await (await fetch(source)).text()).includes("inputs-3a86ea"));
      const unexplained = violations.filter((v) => v.blocked !== "inline" || !(v.directive === "style-src-elem" || ((v.directive === "style-src-attr" || v.directive === "script-src-attr") && isInputs.get(v.source))));
      expect(unexplained).toEqual([]);
      expect(errors).toEqual([]);
      expect(offsite).toEqual([]);
    } finally {
      await page.close();
    }
  }, 300_000);
});
