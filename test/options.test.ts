/**
 * Every public function's options are checked (issue 11): each export of lmm-kit and lmm-kit/plot, each
 * method of its classes and of the memoizing cache, is either in OPTION_CALLS (a valid call, the option
 * names it takes) or in NO_OPTIONS (with what it takes instead). A key of either table that is not an export,
 * or an export in neither, fails the first tests: a new export must be classified here. For each function
 * with options, every option name misspelt (one letter changed; upper-cased for names under three letters)
 * must throw an LmmError naming the bad key and suggesting the right one, on a call that passes without it.
 */
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import * as api from "../src/index.js";
import * as plot from "../src/plot/index.js";
import {editDistance, nearestNames, readOptions} from "../src/options.js";
import {PLOT_MARK_OPTIONS} from "../src/plot/mark-options.js";
import {dataset, fitOf} from "./helpers/fits.js";

const F = "Reaction ~ Days + (Days | Subject)";
const sleepstudy = dataset("sleepstudy");
const m = fitOf("sleepstudy", F);
const x = api.setx(m, {Days: 3});
const s = api.sim(m, {x, n: 50, seed: 1});
const csv = "Reaction,Days,Subject\n1,0,a\n2,1,a\n3,0,b\n5,1,b\n";
const fakeModule = {variable: () => ({define: () => fakeVariable})};
const fakeVariable = {define: () => fakeVariable};

/** A function with an option bag: a valid call given extra options, and the names it knows. */
interface OptionCall {
  call: (extra: Record<string, unknown>) => unknown;
  known: readonly string[];
}

const LMER = ["REML", "weights", "naAction", "start", "onProgress", "signal", "checkConvergence"];
const ASYNC = [...LMER, "worker"];
const SETX = ["data", "center"];
const SIM = ["x", "x1", "n", "seed", "random", "treatment", "data", "trials"];
const mark = (own: string[]) => [...own, ...PLOT_MARK_OPTIONS];
const GLMER = ["family", "link", "nAGQ", "weights", "naAction", "offset", "start", "onProgress", "signal"];
const G = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
const cbpp = dataset("cbpp");
let db: Promise<api.SqlConnection> | null = null;
/** A DuckDB database in memory holding the sleepstudy table, made once. */
function sleepstudyDb(): Promise<api.SqlConnection> {
  db ??= api.duckdb().then(async (c) => {
    await c.query(`CREATE TABLE "sleepstudy" AS SELECT * FROM read_csv($1)`, [fileURLToPath(new URL("../datasets/sleepstudy.csv", import.meta.url))]);
    return c;
  });
  return db;
}

/** The exports, methods and nested bags that take options, by name (`Class#method`, `memo.method`, `fn:bag`). */
const OPTION_CALLS: Record<string, OptionCall> = {
  lmer: {call: (o) => api.lmer(F, sleepstudy, o), known: LMER},
  lmerSql: {call: async (o) => api.lmerSql(F, {connection: await sleepstudyDb(), table: "sleepstudy"}, o), known: [...LMER, "onQuery"]},
  duckdb: {call: async (o) => (await api.duckdb(":memory:", o)).close?.(), known: ["threads"]},
  glmer: {call: (o) => api.glmer(G, cbpp, o), known: GLMER},
  memoLmer: {call: (o) => api.memoLmer(F, sleepstudy, o), known: LMER},
  memoGlmer: {call: (o) => api.memoGlmer(G, cbpp, o), known: GLMER},
  startFit: {call: (o) => api.startFit(F, sleepstudy, {worker: false, ...o}).model, known: ASYNC},
  lmerAsync: {call: (o) => api.lmerAsync(F, sleepstudy, {worker: false, ...o}), known: ASYNC},
  lmerProgress: {call: (o) => drain(api.lmerProgress(F, sleepstudy, {worker: false, ...o})), known: ASYNC},
  modelFrame: {call: (o) => api.modelFrame(api.formula(F), sleepstudy, o), known: ["weights", "naAction"]},
  readCSV: {call: (o) => api.readCSV(csv, o), known: ["maxCells"]},
  writeZelig: {call: (o) => api.writeZelig(api.formula("y ~ x + (1 | g)"), o), known: ["level2"]},
  writeLevels: {call: (o) => api.writeLevels(api.formula("y ~ x + (1 | g)"), o), known: ["level2", "group", "level3"]},
  equations: {call: (o) => api.equations(api.formula("y ~ x + (1 | g)"), o), known: ["form", "format", "level2", "group", "level3", "digits"]},
  setx: {call: (o) => api.setx(m, {}, o), known: SETX},
  memoSetx: {call: (o) => api.memoSetx(m, {}, o), known: SETX},
  sim: {call: (o) => api.sim(m, {x, n: 10, seed: 1, ...o}), known: SIM},
  memoSim: {call: (o) => api.memoSim(m, {x, n: 10, seed: 1, ...o}), known: SIM},
  predict: {call: (o) => api.predict(m, undefined, o), known: ["re", "allowNewLevels", "seFit", "data", "type"]},
  confint: {call: (o) => api.confint(m, {method: "Wald", ...o}), known: ["method", "level", "nsim", "seed", "onProgress", "signal"]},
  confintValues: {call: (o) => api.confintValues(m, {method: "Wald", ...o}), known: ["method", "level", "nsim", "seed", "onProgress", "signal"]},
  bootstrap: {call: (o) => api.bootstrap(m, {nsim: 2, seed: 1, ...o}), known: ["nsim", "seed", "onProgress", "signal"]},
  simulate: {call: (o) => api.simulate(m, {seed: 1, ...o}), known: ["nsim", "seed", "random"]},
  refit: {call: (o) => api.refit(m, o), known: ["REML", "start", "onProgress", "signal", "checkConvergence"]},
  fTests: {call: (o) => api.fTests(m, o), known: ["type", "ddf"]},
  fTestsValues: {call: (o) => api.fTestsValues(m, o), known: ["type", "ddf"]},
  createCache: {call: (o) => api.createCache(o), known: ["size"]},
  defineAnalysis: {
    call: (o) => api.defineAnalysis(fakeModule, {data: "data", formula: "formula"}, o),
    known: ["names", "n", "seed", "center", "chart", "async", "cache", "observer"]
  },
  "defineAnalysis:inputs": {
    call: (o) => api.defineAnalysis(fakeModule, {data: "data", formula: "formula", ...o} as api.AnalysisInputs),
    known: ["data", "formula", "x", "x1", "options"]
  },
  "defineAnalysis:names": {
    call: (o) => api.defineAnalysis(fakeModule, {data: "data", formula: "formula"}, {names: o}),
    known: ["model", "profiles", "profiles1", "simulation", "summary", "chart", "fit", "progress"]
  },
  summary: {call: (o) => api.summary(m, o), known: ["ddf", "digits", "dataName", "correlation"]},
  tidy: {call: (o) => api.tidy(m, o), known: ["effects", "conf.int", "confInt", "conf.level", "confLevel", "ddf", "ddf.method"]},
  "memo.lmer": {call: (o) => api.memo.lmer(F, sleepstudy, o), known: LMER},
  "memo.startFit": {call: (o) => api.memo.startFit(F, sleepstudy, {worker: false, ...o}).model, known: ASYNC},
  "memo.lmerAsync": {call: (o) => api.memo.lmerAsync(F, sleepstudy, {worker: false, ...o}), known: ASYNC},
  "memo.lmerProgress": {call: (o) => drain(api.memo.lmerProgress(F, sleepstudy, {worker: false, ...o})), known: ASYNC},
  "memo.glmer": {call: (o) => api.memo.glmer(G, cbpp, o), known: GLMER},
  "memo.setx": {call: (o) => api.memo.setx(m, {}, o), known: SETX},
  "memo.sim": {call: (o) => api.memo.sim(m, {x, n: 10, seed: 1, ...o}), known: SIM},
  "plot.caterpillar": {call: (o) => plot.caterpillar(m, o), known: mark(["group", "term", "level", "labels", "zero", "r"])},
  "plot.caterpillarRows": {call: (o) => plot.caterpillarRows(m, o), known: ["group", "term", "level"]},
  "plot.fixedEffects": {call: (o) => plot.fixedEffects(m, o), known: mark(["level", "intercept", "terms", "zero", "r"])},
  "plot.groupLines": {call: (o) => plot.groupLines(m, sleepstudy, o), known: mark(["x", "group", "dots"])},
  "plot.groupLineRows": {call: (o) => plot.groupLineRows(m, sleepstudy, o), known: ["x", "group"]},
  "plot.shrinkage": {call: (o) => plot.shrinkage(m, sleepstudy, o), known: mark(["group", "x", "r", "key"])},
  "plot.shrinkageRows": {call: (o) => plot.shrinkageRows(m, sleepstudy, o), known: ["group", "x"]},
  "plot.residualsFitted": {call: (o) => plot.residualsFitted(m, o), known: mark(["scaled", "r"])},
  "plot.qqNormal": {call: (o) => plot.qqNormal(m, o), known: mark(["line", "r"])},
  "plot.binnedResiduals": {call: (o) => plot.binnedResiduals(m, o), known: mark(["bins", "r"])},
  "plot.binnedResidualRows": {call: (o) => plot.binnedResidualRows(m, o), known: ["bins"]},
  "plot.predictedCurves": {call: (o) => plot.predictedCurves(m, {x: "Days", ...o}), known: mark(["x", "group", "levels", "points", "at", "data"])},
  "plot.predictedCurveRows": {call: (o) => plot.predictedCurveRows(m, {x: "Days", ...o}), known: ["x", "group", "levels", "points", "at", "data"]},
  "plot.qiDistribution": {call: (o) => plot.qiDistribution(s, o), known: mark(["qi", "profile", "type", "level", "bandwidth", "thresholds"])}
};

/** Exports and methods that take no option bag, with what they take instead. */
const NO_OPTIONS: Record<string, string> = {
  version: "a string",
  NEW_GROUP: "a symbol",
  QI_ORDER: "an array",
  LmmError: "an error class (message)",
  postgres: "(settings): the pg package's connection settings, handed to it",
  sqlConnection: "(engine, run): a name and a query function",
  duckdbWasm: "(db): a DuckDB-Wasm database or a notebook's DuckDBClient",
  LinearMixedModel: "a class made by lmer (its methods below)",
  GeneralizedLinearMixedModel: "a class made by glmer (fields, and toJSON)",
  family: "(name, link)",
  Profiles: "a class made by setx (its methods below)",
  Simulation: "a class made by sim (its methods below)",
  FitJob: "a class made by startFit (its methods below)",
  memo: "an object of methods (below)",
  formula: "(text)",
  parseFormula: "(text)",
  readStata: "(command): a Stata mixed command line",
  writeStata: "(spec, REML)",
  readZelig: "(formula): a Zelig formula or its {mu, gamma} list of formulas",
  readLevels: "(text): level-1/level-2 equations",
  tableRows: "(table)",
  anova: "(...models)",
  anovaValues: "(...models)",
  fixedEffectTests: "(model, ddf)",
  satterthwaite: "(model)",
  satterthwaiteValues: "(model)",
  satterthwaiteContrast: "(model, L)",
  satterthwaiteJSON: "(model)",
  satterthwaiteF: "(model, L)",
  kenwardRoger: "(model)",
  kenwardRogerValues: "(model)",
  kenwardRogerContrast: "(model, L)",
  kenwardRogerJSON: "(model)",
  kenwardRogerF: "(model, L)",
  varianceExplained: "(model)",
  iccTable: "(model)",
  glance: "(model)",
  augment: "(model, data)",
  hatValues: "(model)",
  cooksDistance: "(model, hat)",
  quantile: "(p)",
  quantileSorted: "(sorted, p)",
  randomSource: "(seed)",
  portableLog: "(x)",
  summarizeDraws: "(draws)",
  fitWorkers: "()",
  invalidationSignal: "(invalidation)",
  dataFingerprint: "(data, names)",
  usedColumns: "(spec, weights)",
  hashValues: "(values, seed)",
  "LinearMixedModel#fixedEffectsTable": "()",
  "LinearMixedModel#varianceTable": "()",
  "LinearMixedModel#ranefTable": "()",
  "LinearMixedModel#toJSON": "()",
  "LinearMixedModel#residualStructure": "()",
  "GeneralizedLinearMixedModel#toJSON": "()",
  "Profiles#table": "()",
  "Profiles#design": "()",
  "Profiles#toString": "()",
  "Simulation#rows": "()",
  "Simulation#summaryOf": "(qi, profile)",
  "Simulation#summary": "()",
  "Simulation#draws": "()",
  "Simulation#toString": "()",
  "FitJob#abort": "(reason)",
  "FitJob#updates": "()",
  "memo.stats": "()",
  "memo.clear": "()",
  "plot.binResiduals": "(fitted, residuals, bins)",
  "plot.fixedEffectRows": "(model, level, intercept, terms)",
  "plot.groupLeastSquares": "(x, y, refs, groups)",
  "plot.histogramBins": "(sorted, thresholds)",
  "plot.kernelDensity": "(sorted, h, points)",
  "plot.densityAt": "(curve, v)",
  "plot.qiDraws": "(simulation, qi, profile)",
  "plot.qqRows": "(model)",
  "plot.residualRows": "(model, scaled)",
  "plot.silvermanBandwidth": "(sorted)"
};

async function drain(g: AsyncGenerator<unknown>): Promise<void> {
  for await (const step of g) void step;
}

/** Methods of a class's prototype (not getters, not the constructor). */
function methodsOf(cls: {prototype: object}, name: string): string[] {
  const proto = cls.prototype;
  return Object.getOwnPropertyNames(proto)
    .filter((k) => k !== "constructor" && typeof Object.getOwnPropertyDescriptor(proto, k)!.value === "function")
    .map((k) => `${name}#${k}`);
}

/** Every public name that must be classified. */
function publicNames(): string[] {
  const names = [...Object.keys(api), ...Object.keys(plot).map((k) => `plot.${k}`)];
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === "function" && /^[A-Z]/.test(k) && k !== "LmmError") names.push(...methodsOf(v as {prototype: object}, k));
  }
  names.push(...Object.keys(api.memo).map((k) => `memo.${k}`));
  return names.sort();
}

/** `name` misspelt: one letter changed in the middle, or upper-cased when shorter than three letters. */
function misspelt(name: string): string {
  if (name.length < 3) return name.toUpperCase() !== name ? name.toUpperCase() : name.toLowerCase();
  const i = Math.floor(name.length / 2);
  const c = name[i].toLowerCase() === "q" ? "z" : "q";
  return name.slice(0, i) + c + name.slice(i + 1);
}

async function outcome(f: () => unknown): Promise<unknown> {
  try {
    await f();
    return null;
  } catch (error) {
    return error;
  }
}

describe("every public function is classified", () => {
  it("each export and method is in OPTION_CALLS or NO_OPTIONS, and nothing else is", () => {
    const classified = [...Object.keys(OPTION_CALLS).filter((k) => !k.includes(":")), ...Object.keys(NO_OPTIONS)].sort();
    expect(classified.filter((k) => !publicNames().includes(k))).toEqual([]);
    expect(publicNames().filter((k) => !classified.includes(k))).toEqual([]);
  });
  it("the composite marks know Plot's mark options", () => {
    expect(PLOT_MARK_OPTIONS).toContain("fx");
    expect(PLOT_MARK_OPTIONS).toContain("title");
    expect(PLOT_MARK_OPTIONS).toHaveLength(43);
  });
});

describe("a misspelt option throws, naming it and the right one", () => {
  for (const [name, {call, known}] of Object.entries(OPTION_CALLS)) {
    it(name, async () => {
      expect(await outcome(() => call({}))).toBeNull();
      for (const key of known) {
        const bad = misspelt(key);
        expect(known).not.toContain(bad);
        const error = await outcome(() => call({[bad]: 1}));
        expect(error, `${name} {${bad}}`).toBeInstanceOf(api.LmmError);
        const message = (error as Error).message;
        expect(message).toContain(`unknown option ${JSON.stringify(bad)}`);
        expect(message, message).toMatch(new RegExp(`did you mean (".+" or )?${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      }
    });
  }
});

describe("the messages", () => {
  it("setx: centre for center, with the options listed (issue 11)", () => {
    expect(() => api.setx(m, {}, {centre: "median"} as never)).toThrow(
      'unknown option "centre" of setx; did you mean "center"? The options are data, center'
    );
  });
  it("lmer: family refused by name, reml for REML, nothing suggested for a name far from all", () => {
    expect(() => api.lmer(F, sleepstudy, {family: "binomial"} as never)).toThrow(
      /^option "family" is glmer's: lmm-kit fits linear mixed models only so far; generalized \(glmer\) models are not yet available\. Do not fit a Gaussian model to 0\/1 or count data/
    );
    expect(() => api.lmer(F, sleepstudy, {link: "logit"} as never)).toThrow(/^option "link" is glmer's/);
    expect(() => api.lmerAsync(F, sleepstudy, {family: "poisson"} as never)).toThrow(/^option "family" is glmer's/);
    expect(() => api.lmer(F, sleepstudy, {reml: false} as never)).toThrow(/^unknown option "reml" of lmer; did you mean "REML"\?/);
    expect(() => api.lmer(F, sleepstudy, {zzz: 1} as never)).toThrow(/^unknown option "zzz" of lmer; the options are REML, weights/);
  });
  it("confint, bootstrap and simulate: n for nsim", () => {
    expect(() => api.confint(m, {method: "boot", n: 10, seed: 1} as never)).toThrow(/^unknown option "n" of confint; did you mean "nsim"\?/);
    expect(() => api.simulate(m, {n: 10, seed: 1} as never)).toThrow(/^unknown option "n" of simulate; did you mean "nsim"\?/);
    expect(api.simulate(m, {nsim: 3, seed: 1})).toHaveLength(3);
  });
  it("a mark lists its own options and Plot's", () => {
    expect(() => plot.caterpillar(m, {grup: "Subject"} as never)).toThrow(
      'unknown option "grup" of caterpillar; did you mean "group"? The options are group, term, level, labels, zero, r and Plot\'s mark options (fx, fy, title, tip, stroke, …)'
    );
    expect(() => plot.caterpillar(m, {group: "Subject", fx: null, title: "t"} as never)).not.toThrow();
  });
  it("a memoized lmer does not hit for a misspelt option set to undefined", () => {
    api.memoLmer(F, sleepstudy);
    expect(() => api.memoLmer(F, sleepstudy, {reml: undefined} as never)).toThrow(/unknown option "reml" of lmer/);
  });
});

describe("readOptions", () => {
  const known = ["center", "data"];
  it("takes undefined and plain objects, and reads each known option once", () => {
    expect(readOptions(undefined, known, "f")).toEqual({});
    let reads = 0;
    const o = {
      get center() {
        reads++;
        return "median";
      }
    };
    expect(readOptions(o, known, "f")).toEqual({center: "median"});
    expect(reads).toBe(1);
  });
  it("refuses what is not an object, naming it", () => {
    expect(() => readOptions(null as never, known, "f")).toThrow("invalid options of f: null; pass an object such as {center: …}, or nothing");
    expect(() => readOptions([1] as never, known, "f")).toThrow(/^invalid options of f: an array of 1/);
    expect(() => readOptions("median" as never, known, "f")).toThrow(/^invalid options of f: the string "median"/);
  });
  it("refuses proxies whose traps throw with an LmmError", () => {
    const keys = new Proxy({}, {ownKeys: () => { throw new Error("no keys"); }});
    expect(() => readOptions(keys, known, "f")).toThrow(/^the options of f cannot be listed \(no keys\); pass a plain object$/);
    const {proxy: revoked, revoke} = Proxy.revocable([], {});
    revoke();
    expect(() => readOptions(revoked, known, "f")).toThrow(/^invalid options of f: an object that cannot be read;/);
    const getter = new Proxy({}, {get: () => { throw new Error("no values"); }});
    expect(() => readOptions(getter, known, "f")).toThrow(api.LmmError);
    expect(() => readOptions(getter, known, "f")).toThrow(/^reading the option center of f failed \(no values\)/);
  });
  it("quotes and clips a long or odd key", () => {
    const key = "x".repeat(1000) + "\n";
    const message = (() => { try { readOptions({[key]: 1}, known, "f"); } catch (e) { return (e as Error).message; } })()!;
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(/^unknown option "x+…" of f; the options are center, data$/);
  });
});

describe("nearestNames", () => {
  it("prefers a name equal but for case, then the smallest edit distance up to 2", () => {
    expect(nearestNames("reml", ["REML", "weights"])).toEqual(["REML"]);
    expect(nearestNames("centre", ["center", "data"])).toEqual(["center"]);
    expect(nearestNames("wieghts", ["REML", "weights"])).toEqual(["weights"]);
    expect(nearestNames("seFt", ["re", "seFit"])).toEqual(["seFit"]);
    expect(nearestNames("family", ["REML", "weights", "start"])).toEqual([]);
    expect(nearestNames("typ", ["type", "ddf"])).toEqual(["type"]);
    // a short name allows fewer edits: "ab" is not "a typo of" every two-letter name
    expect(nearestNames("ab", ["cd", "xy"])).toEqual([]);
    expect(nearestNames("xq", ["x", "x1"])).toEqual(["x", "x1"]);
  });
  it("the restricted Damerau–Levenshtein distance", () => {
    expect(editDistance("ca", "ac")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("a", "abcdef", 2)).toBe(2);
  });
});
