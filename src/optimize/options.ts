/**
 * Options of {@link bobyqa}, their defaults and their validation.
 *
 * Defaults:
 * - `rhobeg`, the initial trust-region radius, is ¾ of the smallest coordinate scale, where the scale of
 *   coordinate i is the least of max(1, |x0_i|) and its distances to finite bounds it does not sit on,
 *   but at least 1% of max(1, |x0_i|) (a start a hair above a bound is then moved onto it, start.ts);
 *   for lme4's start θ = 1 (bound 0) or 0 (no bound) that is 0.75, the first step NLopt's BOBYQA takes in
 *   lme4, whose evaluation counts we match or beat. It is capped at half the smallest gap upper − lower,
 *   which BOBYQA needs (Powell 2009, section 2).
 * - `rhoend = 5e-6 rhobeg`, the final radius (3.75e-6 for lme4), about the accuracy of the parameters.
 * - `maxEvaluations = 100 (n + 1)²`.
 *
 * @example
 *   resolveOptions([1, 0, 1], {lower: [0, -Infinity, 0]}).rhobeg; // 0.75
 */

import {fail} from "../errors";

/** Options of {@link bobyqa}. */
export interface OptimizeOptions {
  /** Lower bounds, one per parameter (default −Infinity). */
  lower?: ArrayLike<number>;
  /** Upper bounds, one per parameter (default +Infinity). */
  upper?: ArrayLike<number>;
  /** Initial trust-region radius: the first steps change each parameter by this much. */
  rhobeg?: number;
  /** Final trust-region radius: about the accuracy wanted in the parameters. */
  rhoend?: number;
  /** Most evaluations of the objective allowed. */
  maxEvaluations?: number;
  /** Called after every evaluation with (a copy of) the point, the value and the evaluation count. */
  onEvaluation?: (x: Float64Array, f: number, count: number) => void;
  /** Stops the optimizer (between evaluations) when aborted; the result then says so. */
  signal?: AbortSignal;
  /**
   * How the trust-region step searches along an arc of the sphere (trust-region.ts): `"angle"` (default) in
   * the angle θ to 1e-15 with the portable cos and sin; `"tangent"` in t = tan(θ/2) to 1e-10, where cos θ and
   * sin θ are rational in t (Powell's TRSBOX), with no trigonometric call per trial: the same search, about
   * five times cheaper, though not the same bits as the default.
   */
  arc?: ArcSearch;
}

/** The arc search of the trust-region step (see {@link OptimizeOptions}). */
export type ArcSearch = "angle" | "tangent";

/** Validated options with every default filled in. */
export interface ResolvedOptions {
  n: number;
  x0: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  rhobeg: number;
  rhoend: number;
  maxEvaluations: number;
  onEvaluation?: (x: Float64Array, f: number, count: number) => void;
  signal?: AbortSignal;
  arc: ArcSearch;
}

/** Checks `x0` and `options` and fills in the defaults; throws an LmmError naming any bad value. */
export function resolveOptions(x0: ArrayLike<number>, options: OptimizeOptions = {}): ResolvedOptions {
  const n = x0.length;
  if (n === 0) fail("x0 is empty (give at least one parameter to optimize)");
  const start = Float64Array.from(x0);
  const lower = bounds(options.lower, n, -Infinity, "lower");
  const upper = bounds(options.upper, n, Infinity, "upper");
  let gap = Infinity;
  let scale = Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(start[i])) fail(`x0[${i}] is ${start[i]} (start from finite values)`);
    if (!(lower[i] < upper[i])) {
      fail(`lower[${i}] = ${lower[i]} is not below upper[${i}] = ${upper[i]} (give lower < upper; leave fixed parameters out)`);
    }
    if (start[i] < lower[i]) fail(`x0[${i}] = ${start[i]} is below lower[${i}] = ${lower[i]} (start inside the bounds)`);
    if (start[i] > upper[i]) fail(`x0[${i}] = ${start[i]} is above upper[${i}] = ${upper[i]} (start inside the bounds)`);
    gap = Math.min(gap, upper[i] - lower[i]);
    const size = Math.max(1, Math.abs(start[i]));
    let si = size;
    if (start[i] > lower[i]) si = Math.min(si, start[i] - lower[i]);
    if (start[i] < upper[i]) si = Math.min(si, upper[i] - start[i]);
    scale = Math.min(scale, Math.max(si, 0.01 * size));
  }
  const given = options.rhobeg;
  if (given !== undefined && !(given > 0 && Number.isFinite(given))) {
    fail(`rhobeg = ${given} is not a positive finite number (give the initial step size, such as 0.5)`);
  }
  const rhobeg = Math.min(given ?? 0.75 * scale, 0.5 * gap);
  const rhoend = options.rhoend ?? 5e-6 * rhobeg;
  if (!(rhoend > 0 && Number.isFinite(rhoend))) {
    fail(`rhoend = ${rhoend} is not a positive finite number (give the final step size, such as 1e-6)`);
  }
  if (rhoend > rhobeg) fail(`rhoend = ${rhoend} exceeds rhobeg = ${rhobeg} (give rhoend ≤ rhobeg)`);
  const m = 2 * n + 1;
  const maxEvaluations = options.maxEvaluations ?? 100 * (n + 1) * (n + 1);
  if (!(Number.isInteger(maxEvaluations) && maxEvaluations > m)) {
    fail(`maxEvaluations = ${maxEvaluations} is too small (the first model alone needs 2n + 1 = ${m}; allow at least ${m + 1})`);
  }
  const arc = options.arc ?? "angle";
  if (arc !== "angle" && arc !== "tangent") fail(`arc = ${JSON.stringify(arc)} is not an arc search (give "angle" or "tangent")`);
  return {n, x0: start, lower, upper, rhobeg, rhoend, maxEvaluations, onEvaluation: options.onEvaluation, signal: options.signal, arc};
}

function bounds(given: ArrayLike<number> | undefined, n: number, fill: number, name: string): Float64Array {
  if (given === undefined) return new Float64Array(n).fill(fill);
  if (given.length !== n) fail(`${name} has length ${given.length} but x0 has length ${n} (give one bound per parameter)`);
  const out = Float64Array.from(given);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(out[i])) fail(`${name}[${i}] is NaN (use ${fill} for no bound)`);
  }
  return out;
}
