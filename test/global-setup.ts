import {execFileSync} from "node:child_process";
import {existsSync, readdirSync, statSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

// Builds dist/ once before any test file runs, when it is missing or older than the sources: the tests of
// the CLI, the worker fit, the two-thread Cholesky and the notebooks use the built files, and building in
// each of them would race (rollup empties dist/ first).
const root = fileURLToPath(new URL("../", import.meta.url));
const built = ["index.js", "cli.js", "plot.js", "fit-worker.js", "helper-worker.js"].map((f) => join(root, "dist", f));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export default function setup(): void {
  const sources = Math.max(newest(join(root, "src")), newest(join(root, "rollup.config.mjs")));
  const stale = built.some((f) => !existsSync(f) || statSync(f).mtimeMs < sources);
  if (stale) execFileSync(process.execPath, [join(root, "node_modules/rollup/dist/bin/rollup"), "-c"], {cwd: root, stdio: "pipe", timeout: 300_000});
}
