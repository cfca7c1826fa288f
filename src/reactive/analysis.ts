import {fail} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import type {LmerOptions} from "../lmm/fit.js";
import type {LinearMixedModel} from "../lmm/model.js";
import type {Profiles} from "../qi/covariate-profiles.js";
import type {Simulation} from "../qi/simulation-result.js";
import {invalidationSignal} from "./abort.js";
import type {AnalysisCache} from "./cache.js";
import type {FitJob} from "./fit-job.js";
import {memo} from "./memo.js";

/** The part of an `@observablehq/runtime` module that {@link defineAnalysis} uses. */
export interface RuntimeModule {
  variable(observer?: unknown): RuntimeVariable;
}

/** The part of an `@observablehq/runtime` variable that {@link defineAnalysis} uses. */
export interface RuntimeVariable {
  /** The runtime calls `definition` with the value of each input, in order. */
  define(name: string | null, inputs: string[], definition: (...inputs: never[]) => unknown): RuntimeVariable;
}

/** Names of the caller's variables the analysis reads. */
export interface AnalysisInputs {
  /** The table (an Arquero table, rows, or columns). */
  data: string;
  /** The formula text. */
  formula: string;
  /** The setx overrides of the profiles, an object such as `{education: 4}` (default: none, all at their means). */
  x?: string;
  /** The setx overrides of the second profiles, for first differences. */
  x1?: string;
  /** `lmer` options (`{REML: false}`, …). */
  options?: string;
}

/** Names of the variables the analysis defines. */
export interface AnalysisNames {
  /** The fitted model. */
  model: string;
  /** The profiles of `x` (setx). */
  profiles: string;
  /** The profiles of `x1`, when `x1` is given. */
  profiles1: string;
  /** The simulation (sim). */
  simulation: string;
  /** Its summary table (`simulation.summary()`). */
  summary: string;
  /** The chart, when a `chart` function is given. */
  chart: string;
  /** With `async`: the fit job ({@link FitJob}). */
  fit: string;
  /** With `async`: the fit's progress reports, a generator (for a progress bar). */
  progress: string;
}

/** What the `chart` function of {@link defineAnalysis} receives. */
export interface AnalysisChartContext {
  model: LinearMixedModel;
  profiles: Profiles;
  profiles1: Profiles | null;
  simulation: Simulation;
  summary: ReturnType<Simulation["summary"]>;
}

/** Options of {@link defineAnalysis}. */
export interface AnalysisOptions {
  /** Names of the defined variables (defaults: `model`, `profiles`, `profiles1`, `simulation`, `summary`, `chart`, `fit`, `progress`). */
  names?: Partial<AnalysisNames>;
  /** Draws of the simulation (default 1000). */
  n?: number;
  /** Seed of the simulation (default: none; the memoized sim keeps its first draws). */
  seed?: number;
  /** How setx centers the covariates that are not overridden (`"mean"`, the default, or `"median"`). */
  center?: "mean" | "median";
  /** Draws the chart (for example with Observable Plot, which the core does not import). */
  chart?: (context: AnalysisChartContext) => unknown;
  /**
   * Fit in a worker: a `fit` variable holds the job, `progress` its progress reports (a generator) and `model`
   * waits for the model; a change of data, formula or options aborts the running fit.
   */
  async?: boolean;
  /** The cache (default: the shared {@link memo}). */
  cache?: AnalysisCache;
  /** An observer for each defined variable, by name (as `runtime.module(define, observer)` takes). */
  observer?: (name: string) => unknown;
}

/** The options {@link defineAnalysis} knows. */
export const ANALYSIS_OPTIONS = optionNames<AnalysisOptions>({names: true, n: true, seed: true, center: true, chart: true, async: true, cache: true, observer: true});

/** The inputs {@link defineAnalysis} knows. */
export const ANALYSIS_INPUTS = optionNames<AnalysisInputs>({data: true, formula: true, x: true, x1: true, options: true});

const NAMES: AnalysisNames = {
  model: "model",
  profiles: "profiles",
  profiles1: "profiles1",
  simulation: "simulation",
  summary: "summary",
  chart: "chart",
  fit: "fit",
  progress: "progress"
};

/**
 * Defines the variables of an analysis on an `@observablehq/runtime` module, for pages that embed lmm-kit
 * without Notebook Kit: from the caller's variables named in `inputs` (the table, the formula, the setx
 * overrides driven by sliders), the model, the profiles, the simulation, its summary and, with a `chart`
 * function, a chart. Every step goes through the memoizing cache, and the runtime recomputes only what
 * depends on a changed input: moving a slider that feeds `x` recomputes the profiles, the simulation, the
 * summary and the chart, never the fit; a new formula, new options or a table with changed values refits (an
 * equal rebuilt table does not).
 *
 * Variables are defined with `module.variable(observer).define(...)`; without an observer a variable is
 * computed only when something observed depends on it (the runtime's rule).
 *
 * @example
 *   const module = new Runtime().module();
 *   module.define("data", [], () => voteincome);
 *   module.define("formula", [], "income ~ education + age + female + (1 | state)");
 *   module.define("education", [], 3);   // a slider: Generators.input(slider) in a page
 *   module.define("x", ["education"], (education) => ({education}));
 *   defineAnalysis(module, {data: "data", formula: "formula", x: "x"}, {seed: 7, chart: ({simulation}) => Plot.plot(…), observer: (name) => new Inspector(el[name])});
 */
export function defineAnalysis(module: RuntimeModule, given: AnalysisInputs, givenOptions: AnalysisOptions = {}): Record<keyof AnalysisNames, RuntimeVariable | null> {
  const options = readOptions(givenOptions, ANALYSIS_OPTIONS, "defineAnalysis", {renamed: {nsim: "n"}});
  const inputs = readOptions(given, ANALYSIS_INPUTS, "defineAnalysis's inputs") as AnalysisInputs;
  if (module === null || typeof module !== "object" || typeof module.variable !== "function") {
    fail(`invalid module: ${String(module)}; pass a module of @observablehq/runtime (new Runtime().module())`);
  }
  if (inputs === null || typeof inputs !== "object" || typeof inputs.data !== "string" || typeof inputs.formula !== "string") {
    fail("invalid inputs: name the variables of the analysis, such as {data: \"data\", formula: \"formula\", x: \"x\"}");
  }
  for (const key of ["x", "x1", "options"] as const) {
    if (inputs[key] !== undefined && typeof inputs[key] !== "string") fail(`invalid input ${key}: ${String(inputs[key])}; give the name of a variable`);
  }
  if (options.chart !== undefined && typeof options.chart !== "function") fail(`invalid chart: ${String(options.chart)}; give a function of {model, profiles, simulation, summary}`);
  const names = {...NAMES, ...readOptions(options.names, Object.keys(NAMES), "defineAnalysis's names")};
  const cache = options.cache ?? memo;
  const n = options.n ?? 1000;
  const {seed, center} = options;
  const define = (name: string, from: string[], definition: (...values: never[]) => unknown) =>
    module.variable(options.observer?.(name)).define(name, from, definition);

  const fitInputs = [inputs.data, inputs.formula, ...(inputs.options ? [inputs.options] : [])];
  const defined: Record<keyof AnalysisNames, RuntimeVariable | null> = {
    model: null, profiles: null, profiles1: null, simulation: null, summary: null, chart: null, fit: null, progress: null
  };
  if (options.async) {
    defined.fit = define(names.fit, [...fitInputs, "invalidation"], (...values: unknown[]) => {
      const invalidation = values.pop() as Promise<unknown>;
      const [data, formula, fitOptions] = values as [unknown, string, LmerOptions | undefined];
      return cache.startFit(formula, data, {...fitOptions, signal: invalidationSignal(invalidation)});
    });
    defined.progress = define(names.progress, [names.fit], (job: FitJob) => job.updates());
    defined.model = define(names.model, [names.fit], (job: FitJob) => job.model);
  } else {
    defined.model = define(names.model, fitInputs, (data: unknown, formula: string, fitOptions?: LmerOptions) => cache.lmer(formula, data, fitOptions));
  }

  const setxOptions = (data: unknown) => (center === undefined ? {data} : {data, center});
  defined.profiles = inputs.x
    ? define(names.profiles, [names.model, inputs.x, inputs.data], (model: LinearMixedModel, x: Record<string, unknown>, data: unknown) => cache.setx(model, x, setxOptions(data)))
    : define(names.profiles, [names.model, inputs.data], (model: LinearMixedModel, data: unknown) => cache.setx(model, {}, setxOptions(data)));
  if (inputs.x1) {
    defined.profiles1 = define(names.profiles1, [names.model, inputs.x1, inputs.data], (model: LinearMixedModel, x1: Record<string, unknown>, data: unknown) =>
      cache.setx(model, x1, setxOptions(data)));
  }
  const simInputs = [names.model, names.profiles, ...(inputs.x1 ? [names.profiles1] : [])];
  defined.simulation = define(names.simulation, simInputs, (model: LinearMixedModel, x: Profiles, x1?: Profiles) =>
    cache.sim(model, {x, ...(x1 ? {x1} : {}), n, ...(seed === undefined ? {} : {seed})}));
  defined.summary = define(names.summary, [names.simulation], (simulation: Simulation) => simulation.summary());
  const chart = options.chart;
  if (chart) {
    defined.chart = define(names.chart, [...simInputs, names.simulation, names.summary], (...values: unknown[]) => {
      const [model, profiles, ...rest] = values as [LinearMixedModel, Profiles, ...unknown[]];
      const profiles1 = inputs.x1 ? (rest.shift() as Profiles) : null;
      const [simulation, summary] = rest as [Simulation, AnalysisChartContext["summary"]];
      return chart({model, profiles, profiles1, simulation, summary});
    });
  }
  return defined;
}
