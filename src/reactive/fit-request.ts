import {LmmError} from "../errors.js";
import {kernelCounts} from "../linalg/cholesky-threads.js";
import type {DataSource} from "../frame/source.js";
import {lmer, type LmerOptions} from "../lmm/fit.js";
import type {OptimizerRecord, PrecomputedResults} from "../lmm/model.js";
import type {MixedModelStructure} from "../lmm/structure.js";

/** The options of a fit that travel to a worker: everything of {@link LmerOptions} but callbacks and signals. */
export type PortableFitOptions = Pick<LmerOptions, "REML" | "weights" | "naAction" | "checkConvergence"> & {start?: number[]};

/** What the main thread sends a fit worker: the formula text, the used columns, the options. */
export interface FitRequest {
  formula: string;
  /** `[name, values]` pairs: numbers as a Float64Array (transferred), anything else as an array. */
  columns: [string, Float64Array | unknown[]][];
  options: PortableFitOptions;
}

/**
 * Which kernels a fit in a worker used for its large dense blocks: a second thread (a helper sharing memory,
 * where the page is cross-origin isolated) and WebAssembly (where the page's policy allows it). A diagnostic:
 * the numbers are the same bits whichever ran.
 */
export interface FitKernels {
  threads: 1 | 2;
  webAssembly: boolean;
}

/**
 * What a fit worker sends back: progress after each criterion evaluation, then the result or an error. The
 * result carries the model's structure (frame and cross-products, typed arrays transferred), so the main
 * thread does not build them again.
 */
export type FitMessage =
  | {type: "progress"; evaluations: number; criterion: number; theta: Float64Array}
  | ({type: "done"; structure: MixedModelStructure; theta: Float64Array; isSingular: boolean; warnings: string[]; optimizer: OptimizerRecord; kernels: FitKernels} & Required<PrecomputedResults>)
  | {type: "error"; name: string; message: string};

/**
 * The request for a fit of `formula` on the columns `names` of a table, and the buffers to transfer. Columns
 * are copied (a Float64Array when every value is a number, so NaN stays NaN; an array otherwise, which keeps
 * null, undefined, strings and dates as they are): transferring never detaches the caller's table.
 *
 * @example
 *   const {request, transfer} = fitRequest("Reaction ~ Days + (Days | Subject)", dataSource(sleepstudy), ["Days", "Reaction", "Subject"], {});
 *   worker.postMessage(request, transfer);
 */
export function fitRequest(formula: string, source: DataSource, names: readonly string[], options: LmerOptions): {request: FitRequest; transfer: ArrayBuffer[]} {
  const columns: FitRequest["columns"] = [];
  const transfer: ArrayBuffer[] = [];
  for (const name of names) {
    if (!source.has(name)) continue;
    const values = source.values(name);
    let numeric = true;
    for (let i = 0; i < values.length && numeric; i++) numeric = typeof values[i] === "number";
    if (numeric) {
      const copy = Float64Array.from(values as ArrayLike<number>);
      transfer.push(copy.buffer);
      columns.push([name, copy]);
    } else {
      columns.push([name, Array.from(values)]);
    }
  }
  const portable: PortableFitOptions = {};
  if (options.REML !== undefined) portable.REML = options.REML;
  if (options.weights !== undefined) portable.weights = options.weights;
  if (options.naAction !== undefined) portable.naAction = options.naAction;
  if (options.checkConvergence !== undefined) portable.checkConvergence = options.checkConvergence;
  if (options.start !== undefined) portable.start = Array.from(options.start);
  return {request: {formula, columns, options: portable}, transfer};
}

/**
 * Runs a {@link FitRequest} (in the worker): rebuilds the table as an object of columns, fits with progress
 * after every evaluation, and posts what the main thread needs to make the model without optimizing or
 * solving (the structure, θ̂, warnings, optimizer record and the model's computed results; their buffers
 * transferred), or the error.
 *
 * @example
 *   serveFitRequest(request, (message, transfer) => parentPort.postMessage(message, transfer));
 */
export function serveFitRequest(request: FitRequest, post: (message: FitMessage, transfer?: ArrayBuffer[]) => void): void {
  try {
    const before = kernelCounts();
    const data = Object.fromEntries(request.columns);
    const model = lmer(request.formula, data, {
      ...request.options,
      onProgress: ({evaluations, criterion, theta}) => post({type: "progress", evaluations, criterion, theta})
    });
    const {structure, theta, isSingular, warnings, optimizer, L, ranef, beta, u, usedFitted: fitted, usedResiduals: residuals, timings} = model;
    // everything that costs a solve or a pass over the rows is computed here (the factor, β̂ and ũ, the
    // conditional modes with their conditional variances, the fitted values and residuals), so that the page
    // only assembles the model; the model here is dropped, so its arrays are transferred, not copied
    const results = {L, ranef, beta, u, fitted, residuals};
    const after = kernelCounts();
    const kernels: FitKernels = {threads: after.helperJobs > before.helperJobs ? 2 : 1, webAssembly: after.wasmUpdates > before.wasmUpdates};
    post({type: "done", structure, theta, isSingular, warnings, optimizer, timings, kernels, ...results}, buffersOf([structure, results]));
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({type: "error", name: e.name, message: e.message});
  }
}

/** The distinct ArrayBuffers under a value (typed arrays in objects and arrays), for a transfer list. */
function buffersOf(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) buffersOf(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) buffersOf(item, found);
  }
  return [...found];
}

/** The error a worker reported, as the main thread throws it: an {@link LmmError} stays one. */
export function workerError(message: {name: string; message: string}): Error {
  if (message.name === "LmmError") return new LmmError(message.message);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}
