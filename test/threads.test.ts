import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";

// The two-thread Cholesky runs only from the built library (its helper thread is a built file), so this
// test fits a crossed model with a 450-level dense block and a third term through bin/lmm.js and compares it with the
// one-thread fit of the sources in this process.
const root = fileURLToPath(new URL("../", import.meta.url));
let dir: string;
let csv: string;

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
}, 300_000);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

it("the two-thread factor gives the one-thread fit", () => {
  const formula = "y ~ x + (1 | a) + (1 | b) + (1 | c)";
  const out = JSON.parse(execFileSync("node", ["bin/lmm.js", "fit", csv, formula, "--json"], {cwd: root, maxBuffer: 1 << 28}).toString());
  const here = lmer(formula, readCSV(readFileSync(csv, "utf8")));
  expect(out.ngrps).toEqual(here.ngrps);
  expect(out.ngrps.a).toBe(1200);
  expect(out.ngrps.b).toBeGreaterThan(400);
  expect(Math.abs(out.REMLcrit - here.REMLcrit!)).toBeLessThan(1e-7 * Math.abs(here.REMLcrit!));
  out.theta.forEach((t: number, i: number) => expect(Math.abs(t - here.theta[i])).toBeLessThan(1e-6));
  expect(Math.abs(out.fixef.x - here.fixef.x)).toBeLessThan(1e-6 * here.se.x);
});
