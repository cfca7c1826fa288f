/**
 * The evaluations of the objective during one run: their count against the budget, the abort signal,
 * the observer callback and the treatment of values that are not finite.
 *
 * A NaN or ±Infinity value is replaced, for the optimizer only, by `worst + 10 (worst − best) + 1`, where
 * worst and best are the largest and least finite values seen so far (1e100 before any), so that the
 * quadratic model sees a very bad but finite value and steers away (an "extreme barrier" in the spirit of
 * Audet & Dennis 2006, "Mesh adaptive direct search algorithms for constrained optimization", SIAM J.
 * Optim. 17, 188–217, softened to keep interpolation finite). `onEvaluation` still receives the true value.
 *
 * @example
 *   const record = new Evaluations((x) => (x[0] > 1 ? NaN : x[0] ** 2), {maxEvaluations: 10});
 *   record.evaluate(Float64Array.of(1)); // 1
 *   record.evaluate(Float64Array.of(2)); // 2: NaN becomes 1 + 10·0 + 1
 *   record.count; // 2
 */

import type {Evaluate} from "./model";

/** What {@link Evaluations} needs from the options. */
export interface EvaluationOptions {
  maxEvaluations: number;
  onEvaluation?: (x: Float64Array, f: number, count: number) => void;
  signal?: AbortSignal;
}

/** Counts and screens the evaluations of `f`. */
export class Evaluations {
  /** Evaluations so far. */
  count = 0;
  /** Why evaluation was refused (budget spent or aborted); empty while the run may go on. */
  stopped = "";
  /** The first value returned by the objective, as returned. */
  firstValue = NaN;
  private worst = -Infinity;
  private best = Infinity;

  constructor(
    private readonly f: (x: Float64Array) => number,
    private readonly options: EvaluationOptions
  ) {}

  /** True once a finite value has been seen. */
  get foundFinite(): boolean {
    return Number.isFinite(this.best);
  }

  /** F(x) for the optimizer, or `undefined` when the budget is spent or the run was aborted. */
  readonly evaluate: Evaluate = (x) => {
    const {maxEvaluations, onEvaluation, signal} = this.options;
    if (signal?.aborted) {
      this.stopped = `aborted after ${this.count} evaluations`;
      return undefined;
    }
    if (this.count >= maxEvaluations) {
      this.stopped = `stopped after maxEvaluations = ${maxEvaluations} evaluations before converging (raise maxEvaluations)`;
      return undefined;
    }
    const value = this.f(Float64Array.from(x));
    this.count++;
    if (this.count === 1) this.firstValue = value;
    onEvaluation?.(Float64Array.from(x), value, this.count);
    if (Number.isFinite(value)) {
      this.worst = Math.max(this.worst, value);
      this.best = Math.min(this.best, value);
      return value;
    }
    return Number.isFinite(this.worst) ? this.worst + 10 * (this.worst - this.best) + 1 : 1e100;
  };
}
