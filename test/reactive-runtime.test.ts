/**
 * The recomputation graph with @observablehq/runtime in Node (issue 4, point 2 and "Must show" 1): a
 * covariate slider stand-in recomputes setx, sim and the chart and leaves the fit count unchanged; a new
 * formula or changed data refits; an equal rebuilt table does not.
 */
import {readFileSync} from "node:fs";
// @ts-expect-error: @observablehq/runtime ships no type declarations
import {Runtime} from "@observablehq/runtime";
import {from, table, type ColumnTable} from "arquero";
import {afterEach, describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import type {Simulation} from "../src/qi/simulation-result.js";
import {defineAnalysis, type RuntimeModule} from "../src/reactive/analysis.js";
import {createCache} from "../src/reactive/cache.js";
import type {FitProgress} from "../src/reactive/fit-job.js";

const voteincome = readCSV(readFileSync(new URL("../datasets/voteincome.csv", import.meta.url), "utf8"));
const VOTE = "income ~ education + age + female + (1 | state)";

interface Module extends RuntimeModule {
  define(name: string, inputs: string[], definition: unknown): unknown;
  redefine(name: string, inputs: string[], definition: unknown): unknown;
  value(name: string): Promise<unknown>;
}
interface RuntimeLike {
  module(): Module;
  dispose(): void;
}

/** Observers that record every value of every variable, and promise the next one. */
function recorder() {
  const values = new Map<string, unknown[]>();
  const errors: unknown[] = [];
  const waiting = new Map<string, ((value: unknown) => void)[]>();
  const observer = (name: string) => ({
    pending() {},
    fulfilled(value: unknown) {
      if (!values.has(name)) values.set(name, []);
      values.get(name)!.push(value);
      const w = waiting.get(name) ?? [];
      waiting.set(name, []);
      w.forEach((resolve) => resolve(value));
    },
    rejected(error: unknown) {
      errors.push(error);
    }
  });
  return {
    observer,
    errors,
    count: (name: string) => values.get(name)?.length ?? 0,
    last: (name: string) => values.get(name)?.at(-1),
    all: (name: string) => values.get(name) ?? [],
    /** The next value `name` takes. */
    next: (name: string) => new Promise<unknown>((resolve) => {
      if (!waiting.has(name)) waiting.set(name, []);
      waiting.get(name)!.push(resolve);
    })
  };
}

/** A slider stand-in: a generator that yields its value now and after every set(), as Inputs' view() does. */
function slider(initial: number) {
  let value = initial;
  let version = 0;
  let wake: (() => void) | null = null;
  return {
    async *values() {
      let seen = version;
      yield value;
      for (;;) {
        if (version === seen) await new Promise<void>((resolve) => (wake = resolve));
        seen = version;
        yield value;
      }
    },
    set(v: number) {
      value = v;
      version++;
      wake?.();
      wake = null;
    }
  };
}

let runtime: RuntimeLike | null = null;
afterEach(() => {
  runtime?.dispose();
  runtime = null;
});

/** A module with the inputs of the voteincome analysis: a slider for education, x1 at education 1. */
function setup(options: {async?: boolean} = {}) {
  runtime = new Runtime() as RuntimeLike;
  const main = runtime.module();
  const education = slider(2);
  main.define("data", [], () => voteincome);
  main.define("formula", [], VOTE);
  main.define("education", [], () => education.values());
  main.define("x", ["education"], (e: number) => ({education: e}));
  main.define("x1", [], () => ({education: 1}));
  const cache = createCache();
  const rec = recorder();
  let charts = 0;
  defineAnalysis(main, {data: "data", formula: "formula", x: "x", x1: "x1"}, {
    cache,
    n: 300,
    seed: 7,
    async: options.async,
    observer: rec.observer,
    chart: ({simulation, profiles}) => {
      charts++;
      return {education: profiles.values.get("education")![0], fd: simulation.summaryOf("fd").mean};
    }
  });
  return {main, education, cache, rec, charts: () => charts};
}

describe("defineAnalysis on @observablehq/runtime", () => {
  it("a moved slider recomputes setx, sim and the chart but not the fit", async () => {
    const {main, education, cache, rec, charts} = setup();
    const first = (await rec.next("chart")) as {education: number; fd: number};
    expect(first.education).toBe(2);
    expect(cache.stats().fits).toBe(1);
    expect(rec.count("model")).toBe(1);
    const model = rec.last("model") as LinearMixedModel;
    expect(model).toBeInstanceOf(LinearMixedModel);
    expect(model.formula).toBe(VOTE);
    const summary = rec.last("summary") as ColumnTable;
    expect(summary.columnNames()).toEqual(["qi", "profile", "mean", "sd", "p2_5", "p50", "p97_5"]);

    // the slider moves: a new value from the generator
    let next = rec.next("chart");
    education.set(4);
    const moved = (await next) as {education: number; fd: number};
    expect(moved.education).toBe(4);
    expect(moved.fd).not.toBeCloseTo(first.fd, 6);
    // fd = ev(x1) − ev(x) = (1 − 4) β̂_education in expectation
    expect(moved.fd).toBeCloseTo(-3 * model.fixef.education, 0);
    expect(cache.stats().fits).toBe(1);
    expect(cache.stats().hits).toBe(0); // the model cell did not even run again
    expect(rec.count("model")).toBe(1);
    expect(rec.count("profiles")).toBe(2);
    expect(rec.count("profiles1")).toBe(1); // x1 does not depend on the slider
    expect(rec.count("simulation")).toBe(2);
    expect(rec.count("chart")).toBe(2);
    expect(charts()).toBe(2);

    // the slider as a plain value, redefined (what an embedding page does on input)
    next = rec.next("chart");
    main.redefine("education", [], 3);
    expect(((await next) as {education: number}).education).toBe(3);
    expect(cache.stats().fits).toBe(1);
    expect(rec.count("model")).toBe(1);
    expect(rec.count("simulation")).toBe(3);

    // back to 4: setx and sim answer from the cache, the chart redraws
    next = rec.next("chart");
    main.redefine("education", [], 4);
    expect((await next) as {fd: number}).toEqual(moved);
    expect(cache.stats()).toMatchObject({fits: 1, setx: {hits: 1, misses: 4}, sim: {hits: 1, misses: 3}});
    expect((rec.all("simulation") as Simulation[])[3]).toBe(rec.all("simulation")[1]);
    expect(rec.errors).toEqual([]);
  });

  it("a new formula or changed data refits; an equal rebuilt table does not", async () => {
    const {main, cache, rec} = setup();
    await rec.next("chart");
    expect(cache.stats().fits).toBe(1);
    const m1 = rec.last("model") as LinearMixedModel;

    let next = rec.next("chart");
    main.redefine("formula", [], "income ~ education + age + (1 | state)");
    await next;
    expect(cache.stats().fits).toBe(2);
    const m2 = rec.last("model") as LinearMixedModel;
    expect(m2.fixefNames).toEqual(["(Intercept)", "education", "age"]);

    // an equal table rebuilt by a cell: the model cell runs, the cache answers with the same model
    next = rec.next("chart");
    main.redefine("data", [], () => from(voteincome.objects()));
    await next;
    expect(cache.stats()).toMatchObject({fits: 2, hits: 1});
    expect(rec.count("model")).toBe(3);
    expect(rec.last("model")).toBe(m2);

    // a changed income value: refit
    next = rec.next("chart");
    const income = Array.from(voteincome.array("income") as number[]);
    income[0] += 5;
    main.redefine("data", [], () => table({...Object.fromEntries(voteincome.columnNames().map((c) => [c, voteincome.array(c)])), income}));
    await next;
    expect(cache.stats().fits).toBe(3);
    const m3 = rec.last("model") as LinearMixedModel;
    expect(m3).not.toBe(m2);
    expect(m3.fixef["(Intercept)"]).not.toBe(m2.fixef["(Intercept)"]);

    // the first formula on the first table again: from the cache
    next = rec.next("chart");
    main.redefine("formula", [], VOTE);
    main.redefine("data", [], () => voteincome);
    await next;
    expect(rec.last("model")).toBe(m1);
    expect(cache.stats().fits).toBe(3);
    expect(rec.errors).toEqual([]);
  });

  it("async: the fit is a job with a progress generator; the slider still never refits", async () => {
    const {education, cache, rec} = setup({async: true});
    const first = (await rec.next("chart")) as {education: number};
    expect(first.education).toBe(2);
    // the runtime pulls the progress generator once a frame: its last report may come after the chart
    while (!((rec.last("progress") as FitProgress | undefined)?.evaluations)) await rec.next("progress");
    const progress = rec.all("progress") as FitProgress[];
    expect(progress[0].evaluations).toBe(0);
    expect(progress.at(-1)!.evaluations).toBeGreaterThan(0);
    expect(progress.at(-1)!.thread).toBe("main"); // the TypeScript sources have no built worker: fitted here
    expect(rec.last("model")).toBeInstanceOf(LinearMixedModel);
    expect(cache.stats().fits).toBe(1);

    const next = rec.next("chart");
    education.set(3);
    expect(((await next) as {education: number}).education).toBe(3);
    expect(cache.stats().fits).toBe(1);
    expect(rec.count("fit")).toBe(1);
    expect(rec.count("model")).toBe(1);
    expect(rec.errors).toEqual([]);
  });

  it("refuses what it cannot wire", () => {
    expect(() => defineAnalysis({} as RuntimeModule, {data: "d", formula: "f"})).toThrow(/invalid module/);
    runtime = new Runtime() as RuntimeLike;
    const m = runtime.module();
    expect(() => defineAnalysis(m, {data: "d"} as never)).toThrow(/invalid inputs/);
    expect(() => defineAnalysis(m, {data: "d", formula: "f"}, {chart: 3 as never})).toThrow("invalid chart: 3; give a function of {model, profiles, simulation, summary}");
  });
});
