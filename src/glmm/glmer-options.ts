/**
 * The options of `glmer`, read and checked once (src/options.ts: unknown names refused with the nearest one).
 */
import {describeValue, fail} from "../errors.js";
import type {FrameOptions} from "../frame/frame.js";
import {optionNames, readOptions, readSignal} from "../options.js";

/** Options of {@link glmer}. */
export interface GlmerOptions extends FrameOptions {
  /** The response distribution: "binomial" (default), "poisson", "Gamma", "gaussian" or "inverse.gaussian". */
  family?: string;
  /** The link; by default the family's canonical one (logit, log, inverse, identity, 1/mu^2). */
  link?: string;
  /**
   * Points of the adaptive Gauss–Hermite rule: 1 (default) is the Laplace approximation; 0 optimizes θ only,
   * β coming from PIRLS (glmer's nAGQ = 0).
   */
  nAGQ?: number;
  /**
   * An offset added to the linear predictor: an expression of numeric columns (a column's name, or a transform
   * as in a formula, `"log(expected)"`; predictions on new data evaluate it there and the summary prints it),
   * or one number a row of the data.
   */
  offset?: string | ArrayLike<number>;
  /** Start values: θ, or θ followed by β (as glmer's `start = list(theta, fixef)`). */
  start?: ArrayLike<number>;
  /** Called after every deviance evaluation of the optimizer. */
  onProgress?: (progress: {evaluations: number; criterion: number; theta: Float64Array; stage: 1 | 2}) => void;
  /** Stops the fit (it throws an AbortError) when aborted. */
  signal?: AbortSignal;
}

/** The options of `glmer`. */
export const GLMER_OPTIONS = optionNames<GlmerOptions>({
  family: true, link: true, nAGQ: true, weights: true, naAction: true, offset: true, start: true, onProgress: true, signal: true
});

/** The most rows of an offset array, and of start values. */
const MAX_VALUES = 100_000_000;

/**
 * Reads glmer's options: `family` and `link` strings (checked by {@link family}), `nAGQ` a whole number from
 * 0 to 25 (lme4's limit), `offset` a column name or an array of finite numbers, `start` finite numbers,
 * `onProgress` a function, `signal` an AbortSignal. R's spellings (`na.action`, `verbose`, `mustart`,
 * `etastart`) are pointed to or refused by name.
 *
 * Reference: lme4's `glmer` arguments.
 *
 * @example
 *   readGlmerOptions({family: "poisson"}); // {family: "poisson"}
 *   readGlmerOptions({nagq: 9});           // throws 'unknown option "nagq" of glmer; did you mean "nAGQ"? …'
 */
export function readGlmerOptions(options: unknown): GlmerOptions {
  const read = readOptions(options as Record<string, unknown> | undefined, GLMER_OPTIONS, "glmer", {
    renamed: {"na.action": "naAction", verbose: "onProgress"},
    refused: {
      mustart: `option "mustart" of glmer is not supported; leave it out (the start is R's family default), or give start = [θ…, β…]`,
      etastart: `option "etastart" of glmer is not supported; leave it out, or give start = [θ…, β…]`,
      REML: `option "REML" does not apply to glmer: generalized models are fitted by maximum likelihood (Laplace or adaptive quadrature); leave it out`
    }
  });
  const out: GlmerOptions = {};
  if (read.family !== undefined) {
    if (typeof read.family !== "string") fail(`invalid family: ${describeValue(read.family)}; give a family name such as "binomial" or "poisson"`);
    out.family = read.family;
  }
  if (read.link !== undefined) {
    if (typeof read.link !== "string") fail(`invalid link: ${describeValue(read.link)}; give a link name such as "logit" or "probit"`);
    out.link = read.link;
  }
  if (read.nAGQ !== undefined) {
    const v = read.nAGQ;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 25) fail(`invalid nAGQ: ${describeValue(v)}; use a whole number from 0 to 25 (1, the default, is the Laplace approximation)`);
    out.nAGQ = v;
  }
  if (read.offset !== undefined) {
    const v = read.offset as unknown;
    if (typeof v === "string") out.offset = v;
    else out.offset = numbers(v, "offset", "a column name or an array of numbers, one a row of the data");
  }
  if (read.start !== undefined) out.start = numbers(read.start, "start", "an array of θ values, optionally followed by β");
  if (read.onProgress !== undefined) {
    if (typeof read.onProgress !== "function") fail(`invalid onProgress: ${describeValue(read.onProgress)}; pass a function of {evaluations, criterion, theta, stage}`);
    out.onProgress = read.onProgress as GlmerOptions["onProgress"];
  }
  if (read.signal !== undefined) out.signal = readSignal(read.signal);
  if (read.weights !== undefined) out.weights = read.weights as string;
  if (read.naAction !== undefined) out.naAction = read.naAction as GlmerOptions["naAction"];
  return out;
}

/** An array of finite numbers, read once each. */
function numbers(value: unknown, name: string, what: string): Float64Array {
  const isArrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) fail(`invalid ${name}: ${describeValue(value)}; give ${what}`);
  const values = value as ArrayLike<unknown>;
  const length = values.length;
  if (length > MAX_VALUES) fail(`invalid ${name}: ${length} values; at most ${MAX_VALUES}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`invalid ${name}[${i}]: ${describeValue(v)}; give finite numbers`);
    out[i] = v;
  }
  return out;
}
