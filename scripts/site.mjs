#!/usr/bin/env node
/**
 * The notebooks' static site: build it with Vite and Observable Notebook Kit, serve it on 127.0.0.1.
 *
 *   node scripts/site.mjs build [--out dist/notebooks]     writes the static site (needs no network once served)
 *   node scripts/site.mjs serve [--dir dist/notebooks] [--port 8080]
 *   node scripts/site.mjs start [--port 8080]              build, then serve and print the address
 *
 * The port is 8080 unless --port or PORT says otherwise; when it is taken, serve and start stop with a
 * one-line message naming it and how to choose another (they never move to a port nobody asked for).
 *
 * Served, not opened as files: browsers refuse module scripts from file:// (Chromium blocks them as
 * cross-origin), so a built page opened from disk shows its prose and nothing else. Every page therefore
 * carries a banner, plain HTML and CSS, that says so and gives a one-line static server; the page's own
 * module removes it as it starts, so it shows only where the scripts cannot run (it appears after a delay,
 * by CSS alone, so that a served page does not flash it). No inline script: the removal is bundled into the
 * page's module like the cells.
 *
 * Why not `notebooks build` as it comes: its command line takes no Vite options, and the notebooks import the
 * kit as a user would (`import {lmer} from "lmm-kit"`, `from "lmm-kit/plot"`); Vite does not resolve a
 * package's own name from inside it, so this script adds the one missing piece, a resolver from `lmm-kit`
 * and `lmm-kit/<entry>` to the kit's TypeScript sources (src/index.ts, src/<entry>/index.ts). Bundling the
 * sources rather than dist/ keeps the site independent of the state of dist/, which `rollup -c` empties,
 * and always in step with the code. Everything else is Notebook Kit's own configuration and plugin.
 *
 * Cross-origin isolation: the server sends `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp` with every response ({@link ISOLATION_HEADERS}), and the built
 * site carries the same headers in a `_headers` file (the format of Netlify and Cloudflare Pages) for a host
 * that reads one. With them the page is cross-origin isolated: SharedArrayBuffer exists, and the fit worker
 * factors the large dense blocks of crossed models on two threads (a helper Web Worker sharing memory).
 * Without them everything still works, on one thread. Every asset of the site is same-origin, so
 * require-corp blocks nothing.
 *
 * Offline: Notebook Kit's built-ins `Plot`, `Inputs`, `aq`, `d3`, `htl`, `FileAttachment(…).csv()` and
 * `npm:` imports load from a CDN when a notebook uses them. The notebooks never do: they import
 * `@observablehq/plot`, `@observablehq/inputs` and `arquero` by name (bundled here from node_modules) and
 * read their CSV files with `FileAttachment(…).text()` and the kit's `readCSV`. The browser test blocks
 * every request that leaves 127.0.0.1 and fails on the first one.
 */
import {createReadStream, existsSync, readdirSync, statSync, writeFileSync} from "node:fs";
import {createServer} from "node:http";
import {dirname, extname, join, normalize, resolve, sep} from "node:path";
import {fileURLToPath} from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const notebooksDir = join(root, "notebooks");
export const defaultOut = join(root, "dist", "notebooks");

/**
 * The headers that make a page cross-origin isolated (SharedArrayBuffer, and so the kit's second thread):
 * sent by {@link serveSite} and written to the built site's `_headers` file.
 */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin"
};

/** The notebooks, as paths: every .html file directly in notebooks/. */
export function notebookFiles() {
  return readdirSync(notebooksDir).filter((f) => f.endsWith(".html")).sort().map((f) => join(notebooksDir, f));
}

/** Resolves `lmm-kit` and `lmm-kit/<entry>` to the kit's sources. */
function lmmKit() {
  return {
    name: "lmm-kit-sources",
    enforce: "pre",
    resolveId(id) {
      if (id === "lmm-kit") return join(root, "src", "index.ts");
      const entry = /^lmm-kit\/([a-z][a-z0-9-]*)$/.exec(id);
      if (!entry) return null;
      const file = join(root, "src", entry[1], "index.ts");
      if (!existsSync(file)) this.error(`cannot resolve ${id}: there is no src/${entry[1]}/index.ts`);
      return file;
    }
  };
}

/** The id of the banner that says a page must be served (removed by the page's module when it runs). */
export const serveBannerId = "lmm-serve-banner";

/**
 * The banner shown when the page's scripts do not run (opened from file://): why, and a one-line server.
 * Hidden for its first 0.8 s by a CSS animation, so that a served page, whose module removes it, never shows it.
 */
const serveBanner = `
    <style>
      #${serveBannerId} { animation: lmm-serve-banner-show 0s linear 0.8s both; box-sizing: border-box; max-width: var(--max-width, 960px); margin: 0 auto 1.5rem; padding: 0.75rem 1rem; border: 2px solid #d03c3c; border-radius: 6px; background: #fff4f2; color: #222; font: 15px/1.45 var(--sans-serif, sans-serif); }
      #${serveBannerId} code { font-size: 13px; background: #fff; padding: 0 3px; }
      @keyframes lmm-serve-banner-show { from { visibility: hidden; } to { visibility: visible; } }
    </style>
    <div id="${serveBannerId}" role="alert">
      <strong>Serve this page; do not open it as a file.</strong> Browsers do not run a page's module scripts
      from <code>file://</code>, so its charts and results cannot appear. Serve the folder with any static web
      server, for example <code>python3 -m http.server 8080 --directory dist/notebooks</code>, or
      <code>npm run serve:notebooks</code> in the lmm-kit project, and open <code>http://localhost:8080/</code>.
    </div>
    <script type="module">document.getElementById(${JSON.stringify(serveBannerId)})?.remove();</script>
`;

/** Notebook Kit's page template with the banner first in the body. */
function withServeBanner(template) {
  const i = template.indexOf("<main");
  if (i < 0) throw new Error("the notebook template has no <main> element");
  return template.slice(0, i) + serveBanner.trim() + "\n    " + template.slice(i);
}

/**
 * Builds the site into `outDir` (emptied first). Resolves when Vite is done; rejects on a build error.
 * @param {{outDir?: string, quiet?: boolean, minify?: boolean}} [options]
 */
export async function buildSite({outDir = defaultOut, quiet = false, minify = true} = {}) {
  const [{build}, {config, observable}] = await Promise.all([import("vite"), import("@observablehq/notebook-kit/vite")]);
  const base = config();
  // Notebook Kit maps `npm:` and `jsr:` imports to CDN URLs; the site must not load anything from a CDN, so
  // those aliases are left out and such an import fails the build instead of failing offline at run time
  const aliases = base.resolve.alias.filter(({find}) => !String(find).includes("npm:") && !String(find).includes("jsr:"));
  const inputs = notebookFiles();
  if (inputs.length === 0) throw new Error(`no notebooks in ${notebooksDir}`);
  await build({
    ...base,
    resolve: {...base.resolve, alias: aliases},
    configFile: false,
    logLevel: quiet ? "error" : "info",
    plugins: [lmmKit(), observable({transformTemplate: withServeBanner})],
    root: notebooksDir,
    base: "./",
    // the fit's Worker is an ES module (it imports the kit); Vite's default worker format is "iife"
    worker: {format: "es"},
    build: {
      minify,
      cssMinify: minify,
      outDir: resolve(outDir),
      emptyOutDir: true,
      // keep every file (even a small CSV) a file of its own rather than an inlined data: URL
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 2000,
      rollupOptions: {input: inputs, ...(quiet ? {checks: {pluginTimings: false}} : {})}
    }
  });
  // for hosts that read a _headers file (Netlify, Cloudflare Pages): the isolation headers on every path
  const headers = Object.entries(ISOLATION_HEADERS).map(([name, value]) => `  ${name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())}: ${value}`);
  writeFileSync(join(resolve(outDir), "_headers"), ["/*", ...headers, ""].join("\n"));
  return resolve(outDir);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".wasm": "application/wasm"
};

/**
 * Serves a folder on 127.0.0.1 (port 0: an ephemeral port) with the {@link ISOLATION_HEADERS} on every
 * response (`isolated: false` leaves them out, as a host without them would). Resolves to the listening
 * server and its base URL.
 * @param {string} dir
 * @param {{port?: number, host?: string, isolated?: boolean, headers?: Record<string, string>}} [options]
 *   `headers`: more headers for every response (a test's Content-Security-Policy)
 * @returns {Promise<{server: import("node:http").Server, url: string}>}
 */
export function serveSite(dir, {port = 0, host = "127.0.0.1", isolated = true, headers = {}} = {}) {
  const top = resolve(dir);
  const common = {...(isolated ? ISOLATION_HEADERS : {}), ...headers};
  const server = createServer((request, response) => {
    let path;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      response.writeHead(400).end("bad request");
      return;
    }
    let file = normalize(join(top, path));
    if (file !== top && !file.startsWith(top + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) && existsSync(file + ".html")) file += ".html";
    if (path === "/favicon.ico" && !existsSync(file)) {
      response.writeHead(204, common).end(); // browsers ask for it; the notebooks have none
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, {"content-type": "text/plain; charset=utf-8"}).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, {
      ...common,
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": statSync(file).size,
      "cache-control": "no-cache"
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({server, url: `http://${host}:${typeof address === "object" && address ? address.port : port}/`});
    });
  });
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  if (i + 1 >= args.length) throw new Error(`${name} needs a value`);
  return args[i + 1];
}

async function main(args) {
  const [command, ...rest] = args;
  const asked = option(rest, "--port", process.env.PORT);
  const port = Number(asked ?? 8080);
  if (command === "build") {
    const out = await buildSite({outDir: resolve(option(rest, "--out", defaultOut))});
    console.log(`notebooks built in ${out}`);
  } else if (command === "serve" || command === "start") {
    const dir = resolve(option(rest, "--dir", defaultOut));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${asked}; give a whole number from 1 to 65535 (0 for any free port), such as PORT=8081`);
    if (command === "serve" && !existsSync(join(dir, "index.html"))) throw new Error(`no site in ${dir}: run npm run build:notebooks first`);
    // the port is taken before the build (the server reads the files per request), so a busy port fails at once
    const {server, url} = await serveSite(dir, {port}).catch((error) => {
      if (error?.code === "EADDRINUSE") {
        const how = command === "start" ? `PORT=${port + 1} npm start` : `PORT=${port + 1} npm run serve:notebooks`;
        throw new Error(`port ${port} is already in use: stop what listens there, or choose another port, e.g. ${how} (or --port ${port + 1})`);
      }
      throw error;
    });
    if (command === "start") {
      try {
        await buildSite({outDir: dir});
      } catch (error) {
        server.close();
        throw error;
      }
    }
    console.log(`\nlmm-kit notebooks: ${url}\n(serving ${dir}; Ctrl-C stops)`);
  } else {
    console.error("usage: node scripts/site.mjs build [--out DIR] | serve [--dir DIR] [--port N] | start [--port N]");
    process.exitCode = 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
