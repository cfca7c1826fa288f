// Inference and prediction timings: Satterthwaite per reference case, anova, profile and Wald intervals,
// predictions with standard errors, and the parametric bootstrap's time per refit against a fresh fit
// (the issue asks for under half). Run `npm run build` first; `node bench/inference.mjs [--boot 500]
// [--only ID,ID]`. Figures only, no assertions; the agreement with lme4 is checked by the tests.
import {readFileSync, readdirSync} from "node:fs";
import {anova, bootstrap, confintValues, lmer, predict, readCSV, satterthwaiteValues} from "../dist/index.js";

const args = process.argv.slice(2);
const nBoot = args.includes("--boot") ? Number(args[args.indexOf("--boot") + 1]) : 500;
const only = args.includes("--only") ? new Set(args[args.indexOf("--only") + 1].split(",")) : null;
const refDir = new URL("../test/fixtures/reference/", import.meta.url);
const refs = readdirSync(refDir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(new URL(f, refDir), "utf8")));
const tables = new Map();
const table = (name) => {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(new URL(`../datasets/${name}.csv`, import.meta.url), "utf8")));
  return tables.get(name);
};
const time = (f) => {
  const t0 = performance.now();
  const value = f();
  return [value, (performance.now() - t0) / 1000];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const ref of refs.filter((r) => r.formula && r.fixef && r.satterthwaite && (!only || only.has(r.id)))) {
  const [model, fit] = time(() => lmer(ref.formula, table(ref.dataset), {REML: ref.REML}));
  const [s, sat] = time(() => satterthwaiteValues(model));
  const worst = Math.max(...Object.entries(ref.satterthwaite.df).map(([k, v]) => Math.abs(s.df[k] - v) / v));
  const [, pred] = time(() => predict(model, table(ref.dataset).slice(0, 100), {data: table(ref.dataset), seFit: true}));
  rows.push({case: ref.id, "fit s": fit.toFixed(3), "satterthwaite s": sat.toFixed(3), "df rel. err": worst.toExponential(1), "predict+se 100 rows s": pred.toFixed(3)});
}
console.table(rows);

const sleep = table("sleepstudy");
const SLOPE = "Reaction ~ Days + (Days | Subject)";
const m0 = lmer("Reaction ~ Days + (1 | Subject)", sleep);
const m1 = lmer(SLOPE, sleep);
const [, anovaS] = time(() => anova(m0, m1));
const [, profileS] = time(() => confintValues(m1, {method: "profile"}));
const [, waldS] = time(() => confintValues(m1, {method: "Wald"}));
for (let i = 0; i < 5; i++) lmer(SLOPE, sleep);
const fresh = median(Array.from({length: 21}, () => time(() => lmer(SLOPE, sleep))[1]));
const [boot, bootS] = time(() => bootstrap(m1, {nsim: nBoot, seed: 1}));
console.table([
  {task: "anova(m0, m1) with ML refits", seconds: anovaS.toFixed(3)},
  {task: "confint profile (6 parameters)", seconds: profileS.toFixed(3)},
  {task: "confint Wald", seconds: waldS.toFixed(5)},
  {task: `bootstrap, ${nBoot} refits`, seconds: bootS.toFixed(3)},
  {task: "fresh lmer() fit (median of 21)", seconds: fresh.toFixed(4)},
  {task: "bootstrap refit (mean)", seconds: boot.secondsPerRefit.toFixed(4)},
  {task: "refit / fresh fit", seconds: (boot.secondsPerRefit / fresh).toFixed(2)}
]);
