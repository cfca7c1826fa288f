import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {afterAll, beforeAll, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";

// The two-thread Cholesky runs only from the built library (its helper thread is a built file), so this
// test fits a crossed model with a 450-level dense block and a third term with dist/ in child processes and
// compares them with the one-thread fit of the sources in this process (where there is no helper, and the
// trailing updates run in WebAssembly on one thread, src/linalg/cholesky-wasm.ts). The
// helper counts what it computed (helperWork, in shared memory), and the child prints the counts: the
// second thread must have done a share of every kind of row. Without WebAssembly both threads run the
// same JavaScript row kernels as the one-thread factorization; with it (the default in Node) the trailing
// updates run in WebAssembly, whose two-lane sums the JavaScript kernel sums in the same order: either way
// the fit must equal this one bit for bit.
const root = fileURLToPath(new URL("../", import.meta.url));
const FORMULA = "y ~ x + (1 | a) + (1 | b) + (1 | c)";
let dir: string;
let csv: string;
let script: string;
let here: LinearMixedModel;

interface HelperWork {
  jobs: number;
  panelRows: number;
  trailingRows: number;
  trailingRowsWasm: number;
  gramRows: number;
}
interface ChildFit {
  theta: number[];
  beta: number[];
  REMLcrit: number;
  fitted: number[];
  ngrps: Record<string, number>;
  work: HelperWork | null;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lmm-threads-"));
  // seeded synthetic crossed design: 3000 rows, 1200 levels of a, 450 of b (a dense block for two threads)
  // and 30 of c (whose rows against b are solved on two threads)
  let state = 12345;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const ea = Array.from({length: 1200}, normal), eb = Array.from({length: 450}, normal), ec = Array.from({length: 30}, normal);
  const lines = ["y,x,a,b,c"];
  for (let i = 0; i < 3000; i++) {
    const a = i % 1200, b = Math.floor(uniform() * 450), c = Math.floor(uniform() * 30), x = uniform();
    lines.push(`${(1 + 2 * x + 0.7 * ea[a] + 0.5 * eb[b] + 0.3 * ec[c] + normal()).toFixed(6)},${x.toFixed(6)},a${a},b${b},c${c}`);
  }
  csv = join(dir, "crossed.csv");
  writeFileSync(csv, lines.join("\n") + "\n");
  // the child: fits with the built library, then reads the helper's counts (the built library exports no
  // internals; the helper publishes its counter under a registered symbol)
  script = join(dir, "fit.mjs");
  writeFileSync(script, `import {readFileSync} from "node:fs";
const [lib, csv, formula, kernel] = process.argv.slice(2);
if (kernel === "js") delete globalThis.WebAssembly;
const {lmer, readCSV} = await import(lib);
const m = lmer(formula, readCSV(readFileSync(csv, "utf8")));
const work = globalThis[Symbol.for("lmm-kit.helperWork")]?.() ?? null;
process.stdout.write(JSON.stringify({theta: Array.from(m.theta), beta: Array.from(m.beta), REMLcrit: m.REMLcrit, fitted: Array.from(m.fitted), ngrps: m.ngrps, work}));
`);
  here = lmer(FORMULA, readCSV(readFileSync(csv, "utf8")));
}, 300_000);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const childFit = (kernel: "js" | "wasm"): ChildFit =>
  JSON.parse(execFileSync(process.execPath, [script, pathToFileURL(join(root, "dist/index.js")).href, csv, FORMULA, kernel], {maxBuffer: 1 << 28}).toString());

it("the helper thread does its share, and with the JavaScript kernel the fit equals the one-thread fit bit for bit", () => {
  const out = childFit("js");
  expect(out.ngrps).toEqual(here.ngrps);
  expect(out.ngrps.a).toBe(1200);
  expect(out.ngrps.b).toBeGreaterThan(400);
  // the second thread ran: panel solves, trailing updates and Gram rows, in a job of each kind (its side of
  // the pipelined factorization, a share of the Gram rows) at each of the fit's evaluations
  const work = out.work!;
  expect(work).not.toBeNull();
  expect(work.jobs).toBeGreaterThan(40);
  expect(work.panelRows).toBeGreaterThan(0);
  expect(work.trailingRows).toBeGreaterThan(0);
  expect(work.gramRows).toBeGreaterThan(0);
  expect(work.trailingRowsWasm).toBe(0);
  // ... and changed nothing: the same bits as this process's one-thread fit
  expect(out.theta).toEqual(Array.from(here.theta));
  expect(out.beta).toEqual(Array.from(here.beta));
  expect(out.REMLcrit).toBe(here.REMLcrit);
  expect(out.fitted).toEqual(Array.from(here.fitted));
});

it("with the WebAssembly kernel (Node's default) the helper runs it and the fit equals the one-thread JavaScript fit bit for bit", () => {
  const out = childFit("wasm");
  const work = out.work!;
  expect(work.trailingRowsWasm).toBeGreaterThan(0);
  expect(work.trailingRows).toBe(0);
  expect(work.panelRows).toBeGreaterThan(0);
  expect(out.theta).toEqual(Array.from(here.theta));
  expect(out.beta).toEqual(Array.from(here.beta));
  expect(out.REMLcrit).toBe(here.REMLcrit);
  expect(out.fitted).toEqual(Array.from(here.fitted));
});

it("the lmm command fits on two threads too", () => {
  const out = JSON.parse(execFileSync("node", ["bin/lmm.js", "fit", csv, FORMULA, "--json"], {cwd: root, maxBuffer: 1 << 28}).toString());
  expect(out.ngrps).toEqual(here.ngrps);
  expect(Math.abs(out.REMLcrit - here.REMLcrit!)).toBeLessThan(1e-7 * Math.abs(here.REMLcrit!));
  out.theta.forEach((t: number, i: number) => expect(Math.abs(t - here.theta[i])).toBeLessThan(1e-6));
});

it("a fit from `node --input-type=module -e` (whose flag a worker refuses) ends, its helper on two threads", () => {
  const code = `import {readFileSync} from "node:fs";
const {lmer, readCSV} = await import(${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)});
const m = lmer(${JSON.stringify(FORMULA)}, readCSV(readFileSync(${JSON.stringify(csv)}, "utf8")));
process.stdout.write(JSON.stringify({REMLcrit: m.REMLcrit, work: globalThis[Symbol.for("lmm-kit.helperWork")]?.() ?? null}));`;
  // before the fix the helper never started and the fit waited for it forever: the timeout turns that into a failure
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], {timeout: 120_000}).toString());
  expect(out.REMLcrit).toBe(here.REMLcrit);
  expect(out.work.jobs).toBeGreaterThan(0);
});

it("a factorization that breaks down on two threads ends both threads, and the next fit has the one-thread bits", () => {
  // θ = 1e200 makes the dense block infinite: its first diagonal block is not positive definite, so main
  // signals the failure and the helper, waiting for that block, must leave its side of the pipeline (a
  // first fit starts the helper)
  const code = `import {readFileSync} from "node:fs";
const {lmer, readCSV} = await import(${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)});
const data = readCSV(readFileSync(${JSON.stringify(csv)}, "utf8"));
const work = () => globalThis[Symbol.for("lmm-kit.helperWork")]?.() ?? null;
lmer(${JSON.stringify(FORMULA)}, data);
const before = work();
let message = "";
try { lmer(${JSON.stringify(FORMULA)}, data, {start: [1e200, 1e200, 1e200]}); } catch (e) { message = String(e.message); }
const after = work();
const m = lmer(${JSON.stringify(FORMULA)}, data);
process.stdout.write(JSON.stringify({message, before, after, REMLcrit: m.REMLcrit, theta: Array.from(m.theta)}));`;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], {timeout: 120_000}).toString());
  expect(out.message).toMatch(/not finite at any θ|not positive definite/);
  // the failing fit started Cholesky jobs on the helper, and each ended
  expect(out.after.jobs).toBeGreaterThan(out.before.jobs);
  expect(out.REMLcrit).toBe(here.REMLcrit);
  expect(out.theta).toEqual(Array.from(here.theta));
});
