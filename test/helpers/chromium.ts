import {existsSync, mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {chromium, type BrowserContext, type Page} from "playwright-core";

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Launches headless Chromium with a fresh profile for the browser tests, and refuses every request that
 * does not go to 127.0.0.1, recording its address in `offsite` (the tests fail on any).
 *
 * @example
 *   const offsite: string[] = [];
 *   const {context, profile} = await launchLocalChromium("lmm-chromium-", {width: 1200, height: 900}, offsite);
 */
export async function launchLocalChromium(prefix: string, viewport: {width: number; height: number}, offsite: string[]): Promise<{context: BrowserContext; profile: string}> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is missing at ${CHROMIUM}: the browser test needs Debian's package (apt-get install -y chromium; .ci/run installs it) or CHROMIUM_PATH set to a Chromium binary`);
  }
  const profile = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    offsite.push(url.href);
    return route.abort("blockedbyclient");
  });
  return {context, profile};
}

/**
 * The page's uncaught errors and its console's error lines, collected as they come (arrays the caller reads
 * after the page has run).
 */
export function pageErrors(page: Page): {errors: string[]; consoleErrors: string[]} {
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  return {errors, consoleErrors};
}
