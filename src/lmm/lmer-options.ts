import {clip, describeValue, fail} from "../errors.js";
import {optionNames, readOptions, readSignal, type OptionHints} from "../options.js";
import type {FrameOptions} from "../frame/frame.js";

/** Options of {@link lmer}. */
export interface LmerOptions extends FrameOptions {
  /** Fit by REML (default) or, with false, by maximum likelihood. */
  REML?: boolean;
  /**
   * Start values of θ. By default each template is the identity in the optimizer's scaled coordinates
   * (theta-scale.ts): 1/s_r on the diagonal, 0 elsewhere, which is lme4's start (1 and 0) for intercepts and
   * indicator columns; pass `thetaStart`'s 1 and 0 for lme4's start everywhere.
   */
  start?: ArrayLike<number>;
  /** Called after every criterion evaluation of the optimizer. */
  onProgress?: (progress: {evaluations: number; criterion: number; theta: Float64Array}) => void;
  /** Stops the fit (it throws an AbortError) when aborted. */
  signal?: AbortSignal;
  /** Finite-difference convergence checks: default for models under 10 000 rows and 10 parameters. */
  checkConvergence?: boolean;
  /**
   * A correlation structure of the residuals within groups, in nlme's spelling: `"corAR1(form = ~ Days | Subject)"`,
   * `"corCAR1(form = ~ Time | Rat)"`, `"corCompSymm()"`, `"corARMA(p = 1, q = 1)"`, `"corSymm()"` (read as text,
   * never evaluated; see lmm/residual-spec.ts).
   */
  correlation?: string;
  /** A variance function of the residuals in nlme's spelling: `"varIdent(form = ~ 1 | Sex)"`, `"varPower(form = ~ x)"`, `"varExp(form = ~ x)"`, `"varConstPower(form = ~ x)"`, `"varFixed(~ x)"`. */
  variance?: string;
}

/** The options of `lmer` (and of its memoized and asynchronous forms, with their own additions). */
export const LMER_OPTIONS = optionNames<LmerOptions>({
  REML: true, weights: true, naAction: true, start: true, onProgress: true, signal: true, checkConvergence: true,
  correlation: true, variance: true
});

const GENERALIZED = "lmm-kit fits linear mixed models only so far; generalized (glmer) models are not yet available. " +
  "Do not fit a Gaussian model to 0/1 or count data: fit it with lme4's glmer in R for now, or leave the option out " +
  "for a linear model of a continuous response";

/**
 * What `lmer` says about names that are not its options: glmer's `family`, `link`, `nAGQ`, `mustart` and
 * `etastart` are refused by name (a Gaussian fit of 0/1 data would be silently wrong); R's spellings of
 * renamed options point to ours.
 */
export const LMER_HINTS: OptionHints = {
  refused: Object.fromEntries(["family", "link", "nAGQ", "mustart", "etastart"].map((name) => [
    name, `option ${JSON.stringify(name)} is glmer's: ${GENERALIZED}`
  ])),
  renamed: {"na.action": "naAction", verbose: "onProgress"}
};

/**
 * The options of `lmer`, read once each (a getter is not called twice) and checked: an object or nothing;
 * no unknown names (the nearest valid name is suggested, glmer's `family` is refused by name); `REML` and
 * `checkConvergence` booleans; `start` an array of finite numbers; `onProgress` a function; `signal` an
 * AbortSignal (anything with `aborted` and `throwIfAborted`); `weights` and `naAction` are checked by the
 * model frame. Every refusal is an LmmError naming the option and the fix.
 *
 * Reference: lme4's `lmer` arguments (REML, weights, na.action, start).
 *
 * @example
 *   readLmerOptions({REML: false});    // {REML: false}
 *   readLmerOptions({reml: false});    // throws 'unknown option "reml" of lmer; did you mean "REML"? The options are …'
 *   readLmerOptions({family: "binomial"}); // throws 'option "family" is glmer's: lmm-kit fits linear mixed models only so far; …'
 */
export function readLmerOptions(options: unknown): LmerOptions {
  const read = readOptions(options as Record<string, unknown> | undefined, LMER_OPTIONS, "lmer", LMER_HINTS);
  const out: LmerOptions = {};
  if (read.REML !== undefined) {
    if (typeof read.REML !== "boolean") fail(`invalid REML: ${describeValue(read.REML)}; use true or false`);
    out.REML = read.REML;
  }
  if (read.checkConvergence !== undefined) {
    if (typeof read.checkConvergence !== "boolean") fail(`invalid checkConvergence: ${describeValue(read.checkConvergence)}; use true or false`);
    out.checkConvergence = read.checkConvergence;
  }
  if (read.start !== undefined) out.start = startValues(read.start);
  if (read.onProgress !== undefined) {
    if (typeof read.onProgress !== "function") fail(`invalid onProgress: ${describeValue(read.onProgress)}; pass a function of {evaluations, criterion, theta}`);
    out.onProgress = read.onProgress as LmerOptions["onProgress"];
  }
  if (read.signal !== undefined) out.signal = readSignal(read.signal);
  if (read.weights !== undefined) out.weights = read.weights as string;
  for (const name of ["correlation", "variance"] as const) {
    const value = read[name];
    if (value === undefined) continue;
    if (typeof value !== "string") {
      fail(`invalid ${name}: ${describeValue(value)}; give nlme's spelling as text, such as ${name === "correlation" ? '"corAR1(form = ~ Days | Subject)"' : '"varIdent(form = ~ 1 | Sex)"'}`);
    }
    out[name] = value;
  }
  if (read.naAction !== undefined) out.naAction = read.naAction as LmerOptions["naAction"];
  return out;
}

function startValues(start: unknown): Float64Array {
  const isArrayLike = Array.isArray(start) || ArrayBuffer.isView(start);
  if (!isArrayLike || start instanceof DataView) fail(`invalid start: ${describeValue(start)}; pass an array of θ values`);
  const values = start as ArrayLike<unknown>;
  let length = 0;
  try {
    length = values.length;
  } catch (e) {
    fail(`reading the option start failed (${errorText(e)}); pass a plain array of θ values`);
  }
  if (length > 100_000) fail(`invalid start: ${length} values; a model has at most 100 000 θ parameters`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let v: unknown;
    try {
      v = values[i];
    } catch (e) {
      fail(`reading start[${i}] failed (${errorText(e)}); pass a plain array of θ values`);
    }
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`invalid start[${i}]: ${describeValue(v)}; θ values are finite numbers`);
    out[i] = v;
  }
  return out;
}

function errorText(e: unknown): string {
  try {
    return clip(e instanceof Error ? String(e.message) : String(e));
  } catch {
    return "an error that cannot be shown";
  }
}
