import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import {dataSource} from "../frame/source.js";
import type {TableInput} from "../frame/table-input.js";
import {convertedWarning} from "../frame/numeric-text.js";
import {lmer, type LmerOptions} from "../lmm/fit.js";
import {LMER_HINTS} from "../lmm/lmer-options.js";
import {optionNames, readOptions} from "../options.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {abortError} from "./abort.js";
import {usedColumns} from "./fingerprint.js";
import {fitRequest, workerError, type FitMessage} from "./fit-request.js";
import {modelAtTheta} from "./rebuild.js";
import {acquireFitWorker} from "./worker-host.js";

/** Options of the asynchronous fits: those of `lmer`, and where to fit. */
export interface AsyncFitOptions extends LmerOptions {
  /**
   * Fit in a worker (a worker thread in Node, a module Web Worker in browsers) when one can be started:
   * the default. With false, or where no worker can run, the fit runs on the calling thread: progress is
   * still reported, but the thread is busy until the fit ends.
   */
  worker?: boolean;
}

/** The options {@link startFit}, {@link lmerAsync} and {@link lmerProgress} know: lmer's and `worker`. */
export const ASYNC_FIT_OPTIONS = optionNames<AsyncFitOptions>({
  REML: true, weights: true, naAction: true, start: true, onProgress: true, signal: true, checkConvergence: true, worker: true,
  correlation: true, variance: true
});

/**
 * Refuses unknown names among the options of an asynchronous fit at the call, before a fit starts, as
 * `lmer` does (glmer's `family` by name); their values are checked by `lmer` where the fit runs.
 *
 * @example
 *   checkAsyncFitOptions({worker: false}, "lmerAsync"); // passes
 *   checkAsyncFitOptions({REMl: false}, "lmerAsync");   // throws 'unknown option "REMl" of lmerAsync; did you mean "REML"? …'
 */
export function checkAsyncFitOptions(options: AsyncFitOptions | undefined, where: string): void {
  readOptions(options, ASYNC_FIT_OPTIONS, where, LMER_HINTS);
}

/** Where a fit runs: a worker, the calling thread, or nowhere (the answer came from a cache). */
export type FitThread = "worker" | "main" | "cache";

/** A progress report of a fit: one after each criterion evaluation of the optimizer. */
export interface FitProgress {
  /** Criterion evaluations so far (0 before the first). */
  evaluations: number;
  /** The criterion (REML criterion or deviance) at the last evaluation; NaN before the first. */
  criterion: number;
  /** The θ of the last evaluation, or null before the first. */
  theta: Float64Array | null;
  /** Seconds since the fit started. */
  seconds: number;
  thread: FitThread;
}

/** What a running fit is told and can tell: its stop signal, its progress, where it runs. */
export interface FitControl {
  readonly signal: AbortSignal;
  report(progress: {evaluations: number; criterion: number; theta: Float64Array | null}): void;
  runsOn(thread: FitThread): void;
}

/**
 * A fit under way: its model (a promise), its latest progress, and its updates as an async generator for a
 * progress bar. Made by {@link startFit}; `abort()` (or the `signal` of its options) stops it, terminating
 * its worker, and the model rejects with an AbortError.
 *
 * @example
 *   const job = startFit("y ~ service + (1 | s) + (1 | d) + (1 | dept:service)", instEval);
 *   for await (const p of job.updates()) bar.value = p.evaluations;
 *   const model = await job.model;
 */
export class FitJob {
  /** The fitted model, once the fit ends. */
  readonly model: Promise<LinearMixedModel>;
  #controller = new AbortController();
  #latest: FitProgress;
  #version = 1;
  #settled = false;
  #failed = false;
  #error: unknown = undefined;
  #wake: (() => void)[] = [];
  #t0 = performance.now();

  constructor(run: (control: FitControl) => Promise<LinearMixedModel>, options: Pick<LmerOptions, "signal" | "onProgress"> = {}) {
    this.#latest = {evaluations: 0, criterion: NaN, theta: null, seconds: 0, thread: "main"};
    const {signal, onProgress} = options;
    if (signal?.aborted) this.#controller.abort(abortError("the fit was aborted", signal));
    else signal?.addEventListener("abort", () => this.abort(abortError("the fit was aborted", signal)), {once: true});
    const control: FitControl = {
      signal: this.#controller.signal,
      report: (p) => {
        if (this.#settled) return;
        this.#update({...p, seconds: (performance.now() - this.#t0) / 1000, thread: this.#latest.thread});
        if (p.theta) onProgress?.({evaluations: p.evaluations, criterion: p.criterion, theta: p.theta});
      },
      runsOn: (thread) => this.#update({...this.#latest, thread})
    };
    let started: Promise<LinearMixedModel>;
    try {
      started = run(control);
    } catch (error) {
      started = Promise.reject(error);
    }
    this.model = started.then(
      (model) => (this.#settle(false, undefined), model),
      (error) => {
        this.#settle(true, error);
        throw error;
      }
    );
    // the job holds the outcome; a caller that only reads updates() must not see an unhandled rejection
    this.model.catch(() => {});
  }

  /** The latest progress report. */
  get latest(): FitProgress {
    return this.#latest;
  }

  /** Whether the fit has ended (with a model, an error or an abort). */
  get settled(): boolean {
    return this.#settled;
  }

  /** Stops the fit (terminating its worker) unless it has ended: the model rejects with an AbortError. */
  abort(reason?: unknown): void {
    if (!this.#settled && !this.#controller.signal.aborted) this.#controller.abort(reason ?? abortError("the fit was aborted"));
  }

  /**
   * The progress reports as an async generator: the latest report each time it is pulled (reports that
   * arrive between pulls are skipped, as a progress bar wants), ending when the fit ends, or throwing its
   * error. Observable pulls a generator once per animation frame.
   */
  async *updates(): AsyncGenerator<FitProgress, void, unknown> {
    let seen = 0;
    for (;;) {
      if (this.#version > seen) {
        seen = this.#version;
        yield this.#latest;
        continue;
      }
      if (this.#settled) {
        if (this.#failed) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  #update(progress: FitProgress): void {
    this.#latest = progress;
    this.#version++;
    this.#notify();
  }

  #settle(failed: boolean, error: unknown): void {
    this.#settled = true;
    this.#failed = failed;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}

/**
 * Starts fitting a linear mixed-effects model off the calling thread, as {@link lmer} would fit it, and
 * returns the {@link FitJob} at once.
 *
 * How: the columns the formula uses are copied into a worker (numbers as Float64Arrays, transferred), the
 * worker runs `lmer` and posts progress after every criterion evaluation, then the model's structure (frame
 * and cross-products), θ̂, the optimizer record, the warnings and the model's computed results (the factor at
 * θ̂, β̂, ũ, the conditional modes, fitted values and residuals), typed arrays transferred; the calling
 * thread assembles the model from them, so the result equals `lmer`'s bit for bit (the same code on the same
 * columns). The calling thread's work is copying the used columns at the start and assembling the model at
 * the end (no factorization, solve or pass over the rows). Errors in the formula or data reject the model
 * with lmer's message.
 *
 * After a fit the worker is kept, idle (and, in Node, not keeping the process alive), for the next fit, so
 * only the first fit pays for starting a worker and loading the library into it; an aborted fit's worker is
 * terminated (a running fit cannot be interrupted otherwise). See {@link fitWorkers}.
 *
 * Where no worker can run (no Worker in the page, or the TypeScript sources under a test runner, where the
 * built `fit-worker.js` is not next to the code) or with `worker: false`, it fits on the calling thread after
 * one turn of the event loop: progress still arrives (through `onProgress`, and `updates()` yields the last
 * report), `latest.thread` says `"main"`.
 *
 * @example
 *   const job = startFit("Reaction ~ Days + (Days | Subject)", sleepstudy, {signal});
 *   job.latest.thread; // "worker" in the built library
 *   (await job.model).theta;
 */
export function startFit(formula: string | ModelSpec, data: unknown, options: AsyncFitOptions = {}): FitJob {
  checkAsyncFitOptions(options, "startFit");
  return new FitJob((control) => runFit(formula, data, options, control), options);
}

/**
 * Fits in a worker and resolves to the model (see {@link startFit}); `onProgress` is called after every
 * criterion evaluation; `signal` stops the fit: the worker is terminated, then the promise rejects with an
 * AbortError.
 *
 * @example
 *   const model = await lmerAsync(formula, data, {signal: invalidationSignal(invalidation), onProgress: (p) => (bar.value = p.evaluations)});
 */
export function lmerAsync(formula: string | ModelSpec, data: unknown, options: AsyncFitOptions = {}): Promise<LinearMixedModel> {
  checkAsyncFitOptions(options, "lmerAsync");
  return startFit(formula, data, options).model;
}

/**
 * Fits in a worker (see {@link startFit}) as an async generator for a notebook cell: yields progress
 * reports ({@link FitProgress}: evaluations, criterion, θ) while the fit runs, then the fitted model, which
 * is also its return value. When the cell is invalidated Observable calls the generator's `return()`, which
 * aborts the fit and terminates the worker; an aborted `signal` makes it throw an AbortError.
 *
 * @example
 *   // a cell: a progress bar until the model arrives
 *   for await (const step of lmerProgress(formula, data)) {
 *     if (step instanceof LinearMixedModel) display(summary(step));
 *     else bar.value = step.evaluations;
 *   }
 */
export function lmerProgress(formula: string | ModelSpec, data: unknown, options: AsyncFitOptions = {}): AsyncGenerator<FitProgress | LinearMixedModel, LinearMixedModel, unknown> {
  checkAsyncFitOptions(options, "lmerProgress");
  return jobProgress(startFit(formula, data, options));
}

/** A job's progress reports, then its model; aborts the job when the generator is closed early. */
export async function* jobProgress(job: FitJob): AsyncGenerator<FitProgress | LinearMixedModel, LinearMixedModel, unknown> {
  try {
    yield* job.updates();
    const model = await job.model;
    yield model;
    return model;
  } finally {
    job.abort();
  }
}

/**
 * The work of a {@link FitJob} made by {@link startFit}: in a worker when one starts, else here. For
 * callers that wrap the job's outcome (the memoizing cache).
 *
 * @example
 *   new FitJob((control) => runFit(formula, data, options, control), options);
 */
export async function runFit(formulaOrSpec: string | ModelSpec, data: unknown, options: AsyncFitOptions, control: FitControl): Promise<LinearMixedModel> {
  const {signal} = control;
  if (signal.aborted) throw abortError("the fit was aborted", signal);
  const spec = typeof formulaOrSpec === "string" ? formula(formulaOrSpec) : formulaOrSpec;
  const source = dataSource(data);
  const names = usedColumns(spec, options.weights);
  // a missing column: lmer's message names the table's columns, which the worker would not see
  if (names.some((name) => !source.has(name))) return fitHere(formulaOrSpec, data, options, control);
  // a residual structure reads columns of its own and its model is not rebuilt from a worker's results: fit here
  if (options.correlation !== undefined || options.variance !== undefined) return fitHere(formulaOrSpec, data, options, control);
  const worker = options.worker === false ? null : acquireFitWorker();
  if (!worker) {
    const copy = usedCopy(source, names);
    return withConverted(await fitHere(formulaOrSpec, copy, {...options, start: options.start && Array.from(options.start)}, control), source);
  }
  control.runsOn("worker");
  try {
    const {request, transfer} = fitRequest(spec.text, source, names, options);
    worker.post(request, transfer);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // the copies sent hold the numbers read from text already: the warning lmer gives is added here
  const converted = convertedWarning(source.converted());

  return new Promise<LinearMixedModel>((resolve, reject) => {
    let answered = false;
    let ended = false;
    // settle once the worker is idle again or stopped, so a settled fit never leaves a thread busy
    const end = (stop: "release" | "terminate", error: unknown, model?: LinearMixedModel) => {
      if (ended) return;
      ended = true;
      signal.removeEventListener("abort", onAbort);
      worker[stop]().catch(() => {}).then(() => (error === undefined ? resolve(model!) : reject(error)));
    };
    const onAbort = () => end("terminate", abortError("the fit was aborted", signal));
    signal.addEventListener("abort", onAbort, {once: true});

    worker.listen((message: FitMessage) => {
      if (ended) return;
      answered = true;
      if (message.type === "progress") control.report(message);
      else if (message.type === "error") end("release", workerError(message));
      else {
        // which kernels the worker used, for tests and diagnostics (see FitKernels)
        (globalThis as Record<symbol, unknown>)[Symbol.for("lmm-kit.fitKernels")] = message.kernels;
        let model: LinearMixedModel;
        try {
          model = modelAtTheta({...message, warnings: [...converted, ...message.warnings]});
        } catch (error) {
          return end("release", error);
        }
        end("release", undefined, model);
      }
    }, (error) => {
      if (ended) return;
      if (answered) return end("terminate", error);
      // the worker could not start (say its script is not served): fit here instead
      ended = true;
      signal.removeEventListener("abort", onAbort);
      fitHere(formulaOrSpec, data, options, control).then(resolve, reject);
    });
  });
}

/**
 * The model with the warning lmer gives when columns held numbers written as text, which a fit of the copies
 * (numbers already) cannot give; rebuilt at its θ̂ with everything it computed, so nothing is refitted.
 */
function withConverted(model: LinearMixedModel, source: ReturnType<typeof dataSource>): LinearMixedModel {
  const warnings = convertedWarning(source.converted());
  if (warnings.length === 0) return model;
  const {structure, theta, isSingular, optimizer, L, beta, u, fitted, residuals, timings} = model;
  return modelAtTheta({structure, theta, isSingular, optimizer, L, beta, u, fitted, residuals, timings, warnings: [...warnings, ...model.warnings]});
}

/**
 * Copies of the used columns, read now: a fit on this thread starts a turn later, and the memoizing cache
 * keys the model by the values at the call, so a table edited in place meanwhile must not be what it fits.
 */
function usedCopy(source: ReturnType<typeof dataSource>, names: readonly string[]): Record<string, unknown[]> {
  const copy: Record<string, unknown[]> = Object.create(null);
  for (const name of names) copy[name] = Array.from(source.values(name));
  return copy;
}

async function fitHere(formula: string | ModelSpec, data: unknown, options: AsyncFitOptions, control: FitControl): Promise<LinearMixedModel> {
  control.runsOn("main");
  // one turn of the event loop first, so a cell can show that the fit started
  await new Promise((resolve) => setTimeout(resolve, 0));
  const {signal} = control;
  if (signal.aborted) throw abortError("the fit was aborted", signal);
  // lmer's options only: it refuses any other key (worker is this module's)
  const {worker, ...fitOptions} = options;
  void worker;
  return lmer(formula, data as TableInput, {...fitOptions, signal, onProgress: (p) => control.report(p)});
}
