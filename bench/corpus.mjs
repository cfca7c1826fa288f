// Fits every case of issue 10's corpus (test/fixtures/corpus, lme4 fits at the optimum made by
// tools/make-corpus.R) and prints, per case and in total: our criterion minus the optimum's, lme4's default
// criterion minus the optimum's, our criterion evaluations against lme4's default's, our singular flag
// against the optimum's, our verdict and our warnings. Run `npm run build` first (this reads dist/, and
// says so when dist/ is older than src/).
//   node bench/corpus.mjs [--small] [--only ID,ID]
// --small leaves out the large cases (more than 20 000 rows). No assertions: figures only; a case is
// flagged "!" when our criterion is above the optimum's by more than max(1e-6, 1e-10 |optimum|) or we call
// an interior optimum singular.
import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {lmer, readCSV} from "../dist/index.js";

const args = process.argv.slice(2);
const small = args.includes("--small");
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1].split(",")) : null;
const root = fileURLToPath(new URL("../", import.meta.url));
const corpus = join(root, "test/fixtures/corpus");

const newest = (path) => {
  const stat = statSync(path);
  return stat.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f)))) : stat.mtimeMs;
};
const dist = join(root, "dist/index.js");
if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(root, "src"))) {
  console.warn("dist/ is older than src/: run `npm run build` first for figures of the current sources");
}

const cases = readdirSync(join(corpus, "cases"))
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(corpus, "cases", f), "utf8")))
  .filter((c) => (!only || only.has(c.id)) && !(small && c.large));
if (only) for (const id of only) if (!cases.some((c) => c.id === id)) console.warn(`no case ${id}`);

const tables = new Map();
const table = (name) => {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(join(corpus, "data", `${name}.csv`), "utf8")));
  return tables.get(name);
};
const g = (x) => (x === 0 ? "0" : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toPrecision(3));

const rows = [];
const failures = [];
let ours = 0;
let lme4 = 0;
let seconds = 0;
for (const c of cases) {
  const t0 = performance.now();
  let m;
  try {
    m = lmer(c.formula, table(c.dataset), {REML: c.REML, ...(c.weights ? {weights: c.weights} : {})});
  } catch (e) {
    rows.push({case: c.id, rows: c.rows, error: String(e.message ?? e).slice(0, 100)});
    failures.push(`${c.id}: refused: ${e.message ?? e}`);
    continue;
  }
  const s = (performance.now() - t0) / 1000;
  const crit = c.REML ? m.REMLcrit : m.deviance;
  const above = crit - c.criterion;
  const tol = Math.max(1e-6, 1e-10 * Math.abs(c.criterion));
  const falseSingular = !c.isSingular && m.isSingular;
  const flag = above > tol || falseSingular ? "!" : "";
  if (flag) {
    failures.push(`${c.id}: ours - optimum ${g(above)}, singular ours ${m.isSingular} / optimum ${c.isSingular}, ` +
      `evaluations ${m.optimizer.evaluations} (lme4 ${c.lme4_default.evaluations}), verdict ${m.optimizer.ending?.verdict}, ` +
      `theta ours [${Array.from(m.theta, g).join(", ")}] optimum [${c.theta.map(g).join(", ")}]`);
  }
  ours += m.optimizer.evaluations;
  lme4 += c.lme4_default.evaluations;
  seconds += s;
  rows.push({
    case: c.id + flag,
    rows: c.rows,
    "ours-opt": g(above),
    "lme4-opt": g(c.lme4_default.stopped_short_by),
    evals: m.optimizer.evaluations,
    "lme4 ev": c.lme4_default.evaluations,
    "sing ours/opt": `${m.isSingular ? "S" : "-"}/${c.isSingular ? "S" : "-"}`,
    verdict: m.optimizer.ending?.verdict ?? (m.optimizer.converged ? "converged" : "not converged"),
    s: s.toFixed(2),
    warnings: m.warnings.join(" | ").slice(0, 80)
  });
}
console.table(rows);
const fitted = rows.filter((r) => !r.error);
const count = (pred) => fitted.filter(pred).length;
console.log(`${cases.length} cases, ${fitted.length} fitted: evaluations ${ours} vs lme4's default ${lme4}; ` +
  `fit seconds ${seconds.toFixed(1)}`);
console.log(`above the optimum by more than the tolerance: ${failures.filter((f) => !f.includes("refused")).length}; ` +
  `lme4's default short by more than 1e-6: ${cases.filter((c) => c.lme4_default.stopped_short_by > 1e-6).length}; ` +
  `singular where the optimum is not: ${count((r) => r["sing ours/opt"] === "S/-")}; ` +
  `not singular where the optimum is: ${count((r) => r["sing ours/opt"] === "-/S")}`);
if (failures.length) console.log(`\n${failures.join("\n")}`);
