// Fuzzes the library with the generators of the fuzz tests (test/helpers/fuzz-cases.mjs, same seeds) at a
// larger scale: 100 000 formulas (parsed, expanded, framed and, when they expand, fitted to sleepstudy),
// mutated CSVs (read, then fitted) and hostile API calls. Run `npm run build` first; `node bench/fuzz.mjs
// [--formulas 100000] [--csvs 20000] [--api 20000] [--fit-ms 2000] [--lib dist/index.js]`.
// Prints per kind: cases, non-library exceptions (must be 0; each listed with its reproducer), the slowest
// case and its time (must be under 1 s), the longest refusal (must be under 500 characters), and inputs
// mutated (must be 0). For formulas the time bound is on the input stages (parse, expand, model frame);
// fits are timed apart, stopped after --fit-ms (through onProgress) and the slow ones listed: the
// optimizer's time is not an input limit. Exits 1 when a bound is broken.
import {readFileSync} from "node:fs";
import {resolve} from "node:path";
import {pathToFileURL} from "node:url";
import fc from "fast-check";
import {SEEDS, apiCall, baseCSV, csvText, formulaText, materialize, show} from "../test/helpers/fuzz-cases.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const lib = await import(pathToFileURL(resolve(option("lib", new URL("../dist/index.js", import.meta.url).pathname))).href);
const {LmmError, lmer, readCSV, formula, modelFrame, setx, sim, predict, bootstrap} = lib;
const fitMs = Number(option("fit-ms", 2000));

const sleepText = readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8");
const sleepstudy = readCSV(sleepText);
const reaction = Array.from(sleepstudy.array("Reaction"));
const small = baseCSV(sleepText, 60);

/** Runs one case and records what it did. */
function tally(kind) {
  const t = {kind, cases: 0, fitted: 0, refused: 0, foreign: [], slowest: {ms: 0, input: ""}, longest: {length: 0, message: "", input: ""}, mutated: 0};
  t.run = (input, f) => {
    t.cases++;
    const t0 = performance.now();
    try {
      f();
      t.fitted++;
    } catch (error) {
      if (error instanceof LmmError) {
        t.refused++;
        if (error.message.length > t.longest.length) t.longest = {length: error.message.length, message: error.message, input: show(input)};
      } else {
        t.foreign.push({input: show(input, 300), error: `${error?.name ?? typeof error}: ${String(error?.message ?? error).slice(0, 200)}`, at: String(error?.stack ?? "").split("\n").slice(1, 3).map((s) => s.trim()).join(" < ")});
      }
    }
    const ms = performance.now() - t0;
    if (ms > t.slowest.ms) t.slowest = {ms, input: show(input, 200)};
  };
  return t;
}

const fits = {count: 0, slowest: {ms: 0, input: ""}, stopped: []};
class Stop extends Error {}
const formulas = tally("formula");
for (const text of fc.sample(formulaText, {seed: SEEDS.formula, numRuns: Number(option("formulas", 100_000))})) {
  let framed = false;
  formulas.run(text, () => {
    modelFrame(formula(text), sleepstudy);
    framed = true;
  });
  if (framed) timedFit(formulas, text, (o) => lmer(text, sleepstudy, o));
}
if (sleepstudy.array("Reaction").some((v, i) => v !== reaction[i])) formulas.mutated++;

/** Fits `f`'s model, stopped after --fit-ms; non-library exceptions go to `t`. */
function timedFit(t, input, fit) {
  const t0 = performance.now();
  try {
    fit({onProgress: () => { if (performance.now() - t0 > fitMs) throw new Stop(); }});
    fits.count++;
  } catch (error) {
    if (error instanceof Stop) fits.stopped.push(show(input, 200));
    else if (!(error instanceof LmmError)) t.foreign.push({input: show(input, 300), error: `${error?.name}: ${String(error?.message).slice(0, 200)}`, at: String(error?.stack ?? "").split("\n").slice(1, 3).map((s) => s.trim()).join(" < ")});
  }
  const ms = performance.now() - t0;
  if (ms > fits.slowest.ms) fits.slowest = {ms, input: show(input, 200)};
}

const csvs = tally("csv");
for (const text of fc.sample(csvText(small), {seed: SEEDS.csv, numRuns: Number(option("csvs", 20_000))})) {
  let table = null;
  csvs.run(text, () => (table = readCSV(text)));
  if (table) timedFit(csvs, text, (o) => lmer("Reaction ~ Days + (Days | Subject)", table, o));
}

const api = tally("api");
const model = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
const fixef = JSON.stringify(model.fixef);
for (const call of fc.sample(apiCall, {seed: SEEDS.api, numRuns: Number(option("api", 20_000))})) {
  const value = materialize(call.value);
  const opts = (key) => (key === "whole" ? value : {[key]: value});
  api.run(call, () => {
    switch (call.fn) {
      case "lmer formula": return lmer(value, sleepstudy);
      case "lmer data": return lmer("Reaction ~ Days + (1 | Subject)", value);
      case "lmer options": return lmer("Reaction ~ Days + (1 | Subject)", sleepstudy, opts(call.key));
      case "setx overrides": return setx(model, opts(call.key));
      case "setx options": return setx(model, {}, opts(call.key));
      case "sim options": return sim(model, {x: setx(model), seed: 1, ...(call.key === "whole" ? {} : opts(call.key)), ...(call.key === "n" ? {} : {n: 100})});
      case "predict": return call.key === "newdata" ? predict(model, value) : predict(model, undefined, opts(call.key));
      // an undefined n is the default, 500 refits: real work, not a hostile value
      case "bootstrap": return bootstrap(model, call.key === "whole" ? value : {nsim: 2, seed: 1, ...(value === undefined ? {} : opts(call.key))});
      case "readCSV": return call.key === "text" ? readCSV(value) : readCSV("a,b\n1,2\n", value);
      case "formula": return formula(value);
    }
  });
}
if (JSON.stringify(model.fixef) !== fixef || sleepstudy.array("Reaction").some((v, i) => v !== reaction[i])) api.mutated++;

console.log(`fits (formulas and csvs): ${fits.count} fitted, slowest ${fits.slowest.ms.toFixed(0)} ms: ${fits.slowest.input}`);
console.log(`  stopped after ${fitMs} ms: ${fits.stopped.length}${fits.stopped.slice(0, 5).map((s) => `\n    ${s}`).join("")}`);
let broken = false;
for (const t of [formulas, csvs, api]) {
  console.log(`${t.kind}: ${t.cases} cases, ${t.fitted} accepted, ${t.refused} refused, ${t.foreign.length} non-library exceptions, ` +
    `slowest ${t.slowest.ms.toFixed(0)} ms, longest refusal ${t.longest.length} characters, inputs mutated ${t.mutated}`);
  console.log(`  slowest: ${t.slowest.input}`);
  console.log(`  longest refusal: ${t.longest.message.slice(0, 160)}${t.longest.length > 160 ? "…" : ""}`);
  const byError = new Map();
  for (const f of t.foreign) {
    const key = `${f.error.slice(0, 80)} @ ${f.at}`;
    if (!byError.has(key)) byError.set(key, {count: 0, first: f.input});
    byError.get(key).count++;
  }
  for (const [key, {count, first}] of byError) console.log(`  non-library exception x${count}: ${key}\n    e.g. ${first}`);
  broken ||= t.foreign.length > 0 || t.slowest.ms >= 1000 || t.longest.length >= 500 || t.mutated > 0;
}
process.exitCode = broken ? 1 : 0;
