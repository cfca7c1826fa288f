/**
 * Fits off the main thread (issue 4, point 3): through the built library, whose fit worker is a built file
 * next to it (dist/fit-worker.js), a worker-thread fit equals the in-thread fit, reports progress as it goes
 * and stops when aborted (the promise rejects with an AbortError after the worker is terminated). Under the
 * TypeScript sources there is no worker file: the fallback fits on this thread, still reporting progress.
 */

import {readFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {beforeAll, describe, expect, it} from "vitest";
import {summary} from "../src/inference/summary.js";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import {LinearMixedModel} from "../src/lmm/model.js";
import {lmerAsync, lmerProgress, startFit, type FitProgress} from "../src/reactive/fit-job.js";
import {createCache} from "../src/reactive/cache.js";
import {modelAtTheta} from "../src/reactive/rebuild.js";

type Kit = typeof import("../src/index.js");

const root = fileURLToPath(new URL("../", import.meta.url));
const csv = (name: string) => readCSV(readFileSync(join(root, `datasets/${name}.csv`), "utf8"));
const sleepstudy = csv("sleepstudy");
const SLEEP = "Reaction ~ Days + (Days | Subject)";
let kit: Kit;

beforeAll(async () => {
  kit = (await import(new URL("../dist/index.js", import.meta.url).href)) as Kit;
}, 300_000);

/** The same fit: θ to 1e-8 and every reported number; the results the worker computed, bit for bit. */
function expectSameFit(a: InstanceType<Kit["LinearMixedModel"]>, b: LinearMixedModel) {
  expect(a.theta.length).toBe(b.theta.length);
  a.theta.forEach((t, i) => expect(Math.abs(t - b.theta[i])).toBeLessThan(1e-8));
  const same = (x: ArrayLike<number>, y: ArrayLike<number>) => expect(Array.from(x)).toEqual(Array.from(y));
  same(a.theta, b.theta);
  same(a.beta, b.beta);
  expect(a.u.length).toBe(b.u.length);
  a.u.forEach((u, i) => same(u, b.u[i]));
  a.b.forEach((v, i) => same(v, b.b[i]));
  same(a.fitted, b.fitted);
  same(a.residuals, b.residuals);
  expect(a.vcov).toEqual(b.vcov);
  expect(a.se).toEqual(b.se);
  expect(a.varCorr).toEqual(b.varCorr);
  expect(a.logLik).toBe(b.logLik);
  same(a.L.xyXy, b.L.xyXy);
  same(a.L.zzFirst, b.L.zzFirst);
  a.L.zzDiagonal.forEach((d, i) => d && same(d, b.L.zzDiagonal[i]));
  expect(a.fixef).toEqual(b.fixef);
  expect(a.sigma).toBe(b.sigma);
  expect(a.REMLcrit).toBe(b.REMLcrit);
  expect(a.deviance).toBe(b.deviance);
  expect(a.warnings).toEqual(b.warnings);
  expect(a.isSingular).toBe(b.isSingular);
  expect(a.optimizer.evaluations).toBe(b.optimizer.evaluations);
  expect(Array.from(a.optimizer.final)).toEqual(Array.from(b.optimizer.final));
  expect(a.ranef).toEqual(b.ranef);
  expect(a.formulaSpec).toEqual(b.formulaSpec);
  expect(a.formulaSpec.tree).toBeDefined();
  expect(kit.summary(a)).toBe(summary(b));
}

describe("fits in a worker thread (the built library)", () => {
  it("equals the fit on this thread, for numeric and text columns, ML and REML, weights, singular and crossed fits", async () => {
    const pastes = csv("Pastes");
    const cases: [string, unknown, object][] = [
      [SLEEP, sleepstudy, {}],
      [SLEEP, sleepstudy, {REML: false}],
      ["strength ~ 1 + (1 | batch/cask)", pastes, {}],
      ["strength ~ 1 + (1 | batch) + (1 | cask) + (1 | batch:cask)", pastes, {}],
      ["diameter ~ 1 + (1 | plate) + (1 | sample)", csv("Penicillin"), {REML: false}],
      ["income ~ education + age + female + (1 | state)", csv("voteincome"), {}],
      ["Reaction ~ Days + (Days | Subject)", sleepstudy.derive({w: (d: {Days: number}) => 1 + d.Days / 9}), {weights: "w"}],
      ["Yield ~ 1 + (1 | Batch)", csv("Dyestuff2"), {}]
    ];
    for (const [formula, data, options] of cases) {
      const job = kit.startFit(formula, data, options);
      expect(job.latest.thread).toBe("worker");
      expectSameFit(await job.model, lmer(formula, data as never, options));
    }
    // one worker served them all, one fit after another, and waits for the next
    expect(kit.fitWorkers()).toEqual({running: 0, idle: 1});
    const job = kit.startFit(SLEEP, sleepstudy);
    expect(kit.fitWorkers()).toEqual({running: 1, idle: 0});
    await job.model;
    expect(kit.fitWorkers()).toEqual({running: 0, idle: 1});
    // two at once: the second gets a new worker, which stops when it is done (one idle worker at most)
    const two = [kit.lmerAsync(SLEEP, sleepstudy), kit.lmerAsync(SLEEP, sleepstudy, {REML: false})];
    expect(kit.fitWorkers()).toEqual({running: 2, idle: 0});
    await Promise.all(two);
    expect(kit.fitWorkers()).toEqual({running: 0, idle: 1});
  });

  it("reports progress after every criterion evaluation, and a generator yields it, then the model", async () => {
    const seen: {evaluations: number; criterion: number}[] = [];
    const model = await kit.lmerAsync(SLEEP, sleepstudy, {onProgress: ({evaluations, criterion}) => seen.push({evaluations, criterion})});
    expect(seen.length).toBe(model.optimizer.evaluations);
    expect(seen.map((p) => p.evaluations)).toEqual(seen.map((_, i) => i + 1));
    expect(Math.min(...seen.map((p) => p.criterion))).toBeCloseTo(model.REMLcrit!, 8);

    const steps: (FitProgress | InstanceType<Kit["LinearMixedModel"]>)[] = [];
    for await (const step of kit.lmerProgress(SLEEP, sleepstudy)) steps.push(step);
    const last = steps.pop();
    expect(last).toBeInstanceOf(kit.LinearMixedModel);
    expect(steps.length).toBeGreaterThan(0);
    const progress = steps as FitProgress[];
    expect(progress.every((p) => p.thread === "worker")).toBe(true);
    expect(progress[0].evaluations).toBe(0);
    progress.slice(1).forEach((p, i) => expect(p.evaluations).toBeGreaterThan(progress[i].evaluations));
    expectSameFit(last as InstanceType<Kit["LinearMixedModel"]>, lmer(SLEEP, sleepstudy));
  });

  it("stops when aborted: the worker is terminated and the fit rejects with an AbortError", async () => {
    const instEval = csv("InstEval");
    const formula = "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)"; // tens of seconds
    const controller = new AbortController();
    let evaluations = 0;
    const t0 = performance.now();
    const fit = kit.lmerAsync(formula, instEval, {
      signal: controller.signal,
      onProgress: (p) => {
        evaluations = p.evaluations;
        if (p.evaluations === 2) controller.abort();
      }
    });
    expect(kit.fitWorkers().running).toBe(1);
    const error = await fit.then(() => null, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error!.name).toBe("AbortError");
    // the worker was terminated, not kept
    expect(kit.fitWorkers()).toEqual({running: 0, idle: 0});
    expect(evaluations).toBeLessThan(5);
    expect(performance.now() - t0).toBeLessThan(15_000);

    // a cell invalidated: Observable calls return() on its generator, which aborts the fit
    const steps = kit.lmerProgress(formula, instEval);
    expect((await steps.next()).value).toMatchObject({evaluations: 0, thread: "worker"});
    expect(((await steps.next()).value as FitProgress).evaluations).toBeGreaterThan(0);
    expect(kit.fitWorkers().running).toBe(1);
    await steps.return(undefined as never);
    for (let i = 0; i < 100 && kit.fitWorkers().running > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kit.fitWorkers()).toEqual({running: 0, idle: 0});

    // aborted before it starts
    const early = new AbortController();
    early.abort();
    await expect(kit.lmerAsync(SLEEP, sleepstudy, {signal: early.signal})).rejects.toMatchObject({name: "AbortError"});
    expect(kit.fitWorkers().running).toBe(0);
  }, 60_000);

  it("leaves this thread free while it fits: timers keep firing", async () => {
    const instEval = csv("InstEval");
    const controller = new AbortController();
    // the evaluation count the worker had reported when each of this thread's timer ticks ran
    const seenAt = new Set<number>();
    let evaluations = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const fit = kit.lmerAsync("y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept:service)", instEval, {
      signal: controller.signal,
      onProgress: (p) => {
        evaluations = p.evaluations;
        if (timer === undefined) {
          timer = setInterval(() => {
            seenAt.add(evaluations);
            if (seenAt.size >= 3) controller.abort();
          }, 1);
        }
      }
    });
    // a fit that held this thread would run to its end with no tick between its evaluations, and resolve;
    // here ticks ran while the worker moved through three different evaluation counts, and the abort they
    // sent stopped it (no clock is read: the test counts evaluations, not milliseconds)
    await expect(fit).rejects.toMatchObject({name: "AbortError"});
    clearInterval(timer);
    expect(seenAt.size).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("rejects with lmer's message for a bad formula or column", async () => {
    await expect(kit.lmerAsync("Reaction ~ Dayz + (1 | Subject)", sleepstudy)).rejects.toThrow(/Dayz/);
    await expect(kit.lmerAsync("Reaction ~ Dayz + (1 | Subject)", sleepstudy)).rejects.toMatchObject({name: "LmmError"});
    let message = "";
    try {
      lmer("Reaction ~ (1 | Days)", sleepstudy.derive({Reaction: () => "fast"}));
    } catch (e) {
      message = (e as Error).message;
    }
    await expect(kit.lmerAsync("Reaction ~ (1 | Days)", sleepstudy.derive({Reaction: () => "fast"}))).rejects.toThrow(message);
    expect(kit.fitWorkers().running).toBe(0);
  });

  it("memo: an async fit is stored, and the next call answers from the cache", async () => {
    const cache = kit.createCache();
    const job = cache.startFit(SLEEP, sleepstudy);
    expect(job.latest.thread).toBe("worker");
    const model = await job.model;
    expect(cache.lmer(SLEEP, sleepstudy)).toBe(model);
    const steps = [];
    for await (const step of cache.lmerProgress(SLEEP, kit.readCSV(readFileSync(join(root, "datasets/sleepstudy.csv"), "utf8")))) steps.push(step);
    expect(steps.at(-1)).toBe(model);
    expect((steps[0] as FitProgress).thread).toBe("cache");
    expect(cache.stats()).toMatchObject({fits: 1, hits: 2});
  });
});

describe("the model from a worker's results", () => {
  it("uses the results it is given as they are, and computes what it is not given as lmer does, bit for bit", () => {
    const pastes = csv("Pastes");
    const m = lmer("strength ~ 1 + (1 | batch) + (1 | cask) + (1 | batch:cask)", pastes);
    const outcome = {structure: m.structure, theta: m.theta, isSingular: m.isSingular, warnings: m.warnings, optimizer: m.optimizer};
    const given = modelAtTheta({...outcome, L: m.L, ranef: m.ranef, beta: m.beta, u: m.u, fitted: m.fitted, residuals: m.residuals});
    expect(given.L).toBe(m.L);
    expect(given.beta).toBe(m.beta);
    expect(given.u).toBe(m.u);
    expect(given.fitted).toBe(m.fitted);
    expect(given.residuals).toBe(m.residuals);
    expect(given.ranef).toBe(m.ranef);
    const computed = modelAtTheta(outcome);
    expect(computed.L).not.toBe(m.L);
    expect(computed.fitted).not.toBe(m.fitted);
    for (const r of [given, computed]) {
      expect(Array.from(r.fitted)).toEqual(Array.from(m.fitted));
      expect(Array.from(r.residuals)).toEqual(Array.from(m.residuals));
      expect(Array.from(r.beta)).toEqual(Array.from(m.beta));
      r.b.forEach((b, i) => expect(Array.from(b)).toEqual(Array.from(m.b[i])));
      expect(r.vcov).toEqual(m.vcov);
      expect(r.ranef).toEqual(m.ranef);
      expect(r.formulaSpec).toBe(m.formulaSpec);
      expect(summary(r)).toBe(summary(m));
    }
  });
});

describe("without a worker (the TypeScript sources)", () => {
  it("fits on this thread, still reporting progress, and gives lmer's model", async () => {
    const job = startFit(SLEEP, sleepstudy);
    expect(job.latest.thread).toBe("main");
    const reports: number[] = [];
    const updates = (async () => {
      for await (const p of job.updates()) reports.push(p.evaluations);
    })();
    const model = await job.model;
    await updates;
    expect(reports[0]).toBe(0);
    expect(reports.at(-1)).toBe(model.optimizer.evaluations);
    expect(Array.from(model.theta)).toEqual(Array.from(lmer(SLEEP, sleepstudy).theta));

    let calls = 0;
    await lmerAsync(SLEEP, sleepstudy, {onProgress: () => calls++, worker: false});
    expect(calls).toBe(model.optimizer.evaluations);
    const steps = [];
    for await (const step of lmerProgress(SLEEP, sleepstudy)) steps.push(step);
    expect(steps.at(-1)).toBeInstanceOf(LinearMixedModel);
  });

  it("an abort before the fit starts rejects with an AbortError; the generator's return() aborts", async () => {
    const controller = new AbortController();
    const fit = lmerAsync(SLEEP, sleepstudy, {signal: controller.signal});
    controller.abort();
    await expect(fit).rejects.toMatchObject({name: "AbortError"});
    const job = startFit(SLEEP, sleepstudy);
    job.abort();
    await expect(job.model).rejects.toMatchObject({name: "AbortError"});
    await expect(startFit("y ~ (", sleepstudy).model).rejects.toMatchObject({name: "LmmError"});
    // the memoizing cache refits after an aborted fit
    const cache = createCache();
    const aborted = cache.startFit(SLEEP, sleepstudy);
    aborted.abort();
    await expect(aborted.model).rejects.toMatchObject({name: "AbortError"});
    expect(await cache.lmerAsync(SLEEP, sleepstudy)).toBeInstanceOf(LinearMixedModel);
    expect(cache.stats()).toMatchObject({fits: 2, size: 1});
  });
});
