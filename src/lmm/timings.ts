/**
 * Where a fit's time goes, stage by stage, so that a whole `lmer()` or `glmer()` call can be set against
 * lme4's whole call (the optimizer's record counts the optimizer alone).
 */

/**
 * Milliseconds (`performance.now()`) a fit spent in each stage:
 * - `formula`: parsing and expanding the formula (0 when it was given parsed, or for a refit);
 * - `frame`: the model frame from the table (columns, missing values, factors, X, the random-effects terms;
 *   for glmer, also glmer's offset argument and the response checked against its family);
 * - `crossProducts`: the cross-product blocks of `[Z X y]` and their checks (for glmer, with PIRLS's workspace);
 * - `optimization`: the optimizer's runs, restarts from a bound included (glmer: both stages);
 * - `checks`: what follows the optimizer: boundary probes, snapping, finite-difference gradient and Hessian,
 *   and the results the model computes when it is built (β̂, σ̂, Var(β̂), modes, fitted values, criteria);
 * - `total`: the whole call. It is at least the sum of the stages; the rest (reading options, checking
 *   start values) is not attributed to any.
 *
 * A model rebuilt from a worker's results carries the worker's timings.
 *
 * @example
 *   const m = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   m.timings; // {formula: 0.2, frame: 1.1, crossProducts: 0.3, optimization: 2.4, checks: 1.6, total: 5.7}
 */
export interface FitTimings {
  formula: number;
  frame: number;
  crossProducts: number;
  optimization: number;
  checks: number;
  total: number;
}

/** The stages of {@link FitTimings}, in the order a fit passes them. */
export const FIT_STAGES = ["formula", "frame", "crossProducts", "optimization", "checks"] as const;

/** A stage of {@link FitTimings}. */
export type FitStage = (typeof FIT_STAGES)[number];

/**
 * A stopwatch for one fit: `lap(stage)` charges the time since the last lap (or the start) to a stage;
 * `stop()` charges the rest to `checks` and returns the frozen {@link FitTimings}. `skip()` moves the mark
 * without charging a stage (time left unattributed).
 *
 * @example
 *   const clock = new FitClock();
 *   const spec = formula(text);
 *   clock.lap("formula");
 *   // … frame, cross-products, optimizer, each followed by its lap …
 *   const timings = clock.stop();
 */
export class FitClock {
  readonly #start: number;
  #mark: number;
  readonly #spent: Record<FitStage, number> = {formula: 0, frame: 0, crossProducts: 0, optimization: 0, checks: 0};
  #stopped: FitTimings | null = null;

  constructor(start = performance.now()) {
    this.#start = start;
    this.#mark = start;
  }

  /** Charges the time since the last mark to `stage`. */
  lap(stage: FitStage): this {
    const now = performance.now();
    this.#spent[stage] += now - this.#mark;
    this.#mark = now;
    return this;
  }

  /** Moves the mark to now without charging a stage. */
  skip(): this {
    this.#mark = performance.now();
    return this;
  }

  /** Charges the time since the last mark to `checks` and returns the timings (the same object on later calls). */
  stop(): FitTimings {
    if (!this.#stopped) {
      this.lap("checks");
      this.#stopped = Object.freeze({...this.#spent, total: Math.max(this.#mark - this.#start, sumOfStages(this.#spent))});
    }
    return this.#stopped;
  }
}

/** The sum of the stages (everything but `total`). */
export function sumOfStages(t: Pick<FitTimings, FitStage>): number {
  return FIT_STAGES.reduce((s, k) => s + t[k], 0);
}
