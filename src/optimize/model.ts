/**
 * BOBYQA's interpolation model: m = 2n + 1 points y_j with their values F(y_j), and the quadratic
 * `Q(x_opt + d) = F(x_opt) + gᵀd + ½ dᵀBd` that interpolates them, kept around the best point x_opt.
 *
 * The first model is the quadratic of least Frobenius norm of its Hessian through the first points
 * (Powell 2009, section 2: central differences for g and a diagonal B). Whenever a point y_t is replaced
 * by x, Q changes by the quadratic of least Frobenius norm of its Hessian change that restores the
 * interpolation conditions, which is `(F(x) − Q(x)) ℓ_t` with ℓ_t the t-th Lagrange function of the new
 * points (Powell 2004, section 3). The inverse KKT matrix behind the Lagrange functions is recomputed
 * from the points after every change, with x_opt as origin (lagrange.ts).
 *
 * References: M. J. D. Powell (2004), "Least Frobenius norm updating of quadratic models that satisfy
 * interpolation conditions", Math. Program. 100, 183–215; M. J. D. Powell (2009), "The BOBYQA algorithm
 * for bound constrained optimization without derivatives", DAMTP 2009/NA06.
 *
 * @example
 *   const model = new InterpolationModel(1, Float64Array.of(-Infinity), Float64Array.of(Infinity));
 *   model.initialize(Float64Array.of(0), 0.5, (x) => (x[0] - 1) ** 2);
 *   model.xopt; // [0.5], the best of 0, 0.5 and -0.5
 *   model.change(Float64Array.of(0.5)); // Q(1) − Q(0.5) = −0.25: three points fix a parabola exactly
 */

import {addLagrangeGradient, addLagrangeHessian, denominators, lagrangeBasis, type LagrangeBasis} from "./lagrange";
import {axisSteps, moveTo} from "./start";
import {pow} from "../math/index.js";

/** Evaluates the objective at x; `undefined` means the run must stop (budget spent or aborted). */
export type Evaluate = (x: Float64Array) => number | undefined;

/** The interpolation points, their values and the quadratic model through them. */
export class InterpolationModel {
  /** Number of variables. */
  readonly n: number;
  /** Number of interpolation points, 2n + 1. */
  readonly m: number;
  /** Points, row j holds y_j (m × n). */
  readonly points: Float64Array;
  /** F(y_j). */
  readonly values: Float64Array;
  /** ∇Q(x_opt). */
  readonly gradient: Float64Array;
  /** ∇²Q (n × n, row major). */
  readonly hessian: Float64Array;
  /** Index of the best point. */
  kopt = 0;
  /** The best point x_opt (a copy of its row of `points`). */
  xopt: Float64Array;
  /** F(x_opt). */
  fopt = Infinity;
  /** Lagrange functions of the current points, with x_opt as origin. */
  basis: LagrangeBasis | undefined;

  constructor(
    n: number,
    readonly lower: Float64Array,
    readonly upper: Float64Array
  ) {
    this.n = n;
    this.m = 2 * n + 1;
    this.points = new Float64Array(this.m * n);
    this.values = new Float64Array(this.m);
    this.gradient = new Float64Array(n);
    this.hessian = new Float64Array(n * n);
    this.xopt = new Float64Array(n);
  }

  /**
   * Places the points at `center` and two steps of about `rho` along each coordinate (start.ts),
   * evaluates them (all but the centre when `centerValue` is given) and builds the least-norm model.
   * Returns false when the run must stop or the points are degenerate.
   */
  initialize(center: Float64Array, rho: number, evaluate: Evaluate, centerValue?: number): boolean {
    const {n, m, points, values, lower, upper} = this;
    points.set(center, 0);
    const first = centerValue ?? evaluate(center);
    if (first === undefined) return false;
    values[0] = first;
    for (let i = 0; i < n; i++) {
      const steps = axisSteps(center[i], lower[i], upper[i], rho);
      for (let side = 0; side < 2; side++) {
        const j = 1 + i + side * n;
        const x = Float64Array.from(center);
        x[i] = moveTo(center[i], steps[side], lower[i], upper[i]);
        points.set(x, j * n);
        const value = evaluate(x);
        if (value === undefined) return false;
        values[j] = value;
      }
    }
    this.kopt = 0;
    for (let j = 1; j < m; j++) if (values[j] < values[this.kopt]) this.kopt = j;
    this.xopt = points.slice(this.kopt * n, this.kopt * n + n);
    this.fopt = values[this.kopt];
    this.basis = lagrangeBasis(this.offsets(), m, n);
    if (!this.basis) return false;
    this.gradient.fill(0);
    this.hessian.fill(0);
    for (let t = 0; t < m; t++) {
      addLagrangeGradient(this.basis, t, values[t] - this.fopt, this.gradient);
      addLagrangeHessian(this.basis, t, values[t] - this.fopt, this.hessian);
    }
    return true;
  }

  /** Q(x_opt + d) − Q(x_opt) = gᵀd + ½ dᵀBd. */
  change(d: ArrayLike<number>): number {
    const {n, gradient, hessian} = this;
    let value = 0;
    for (let a = 0; a < n; a++) {
      let bd = 0;
      for (let b = 0; b < n; b++) bd += hessian[a * n + b] * d[b];
      value += d[a] * (gradient[a] + 0.5 * bd);
    }
    return value;
  }

  /** ‖y_j − x_opt‖. */
  distance(j: number): number {
    const {n, points, xopt} = this;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const t = points[j * n + i] - xopt[i];
      ss += t * t;
    }
    return Math.sqrt(ss);
  }

  /** The point farthest from x_opt and its distance. */
  farthest(): {k: number; dist: number} {
    let k = 0;
    let dist = -1;
    for (let j = 0; j < this.m; j++) {
      const dj = this.distance(j);
      if (dj > dist) {
        dist = dj;
        k = j;
      }
    }
    return {k, dist};
  }

  /**
   * The point to drop for a new point x_opt + d (Powell 2009, section 5): the largest denominator
   * |σ_t| weighted by max(1, ‖y_t − x_opt‖²/Δ²)⁶, so that far points go first unless dropping them would
   * make the interpolation problem nearly singular. The best point stays unless x improves on it.
   */
  choosePoint(d: ArrayLike<number>, delta: number, improves: boolean): number {
    const {sigma} = denominators(this.basis!, d);
    let t = -1;
    let score = -1;
    for (let j = 0; j < this.m; j++) {
      if (j === this.kopt && !improves) continue;
      const weight = pow(Math.max(1, (this.distance(j) / delta) * (this.distance(j) / delta)), 6);
      const s = weight * Math.abs(sigma[j]);
      if (s > score) {
        score = s;
        t = j;
      }
    }
    return t;
  }

  /**
   * Replaces point t by x with value fx, moves x_opt there if fx is better, and updates the model by
   * (F(x) − Q(x)) ℓ_t. Returns false when the new points are degenerate.
   */
  replace(t: number, x: Float64Array, fx: number): boolean {
    const {n, m, points, values, gradient, hessian} = this;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = x[i] - this.xopt[i];
    const diff = fx - this.fopt - this.change(d);
    points.set(x, t * n);
    values[t] = fx;
    if (fx < this.fopt) {
      for (let a = 0; a < n; a++) {
        let bd = 0;
        for (let b = 0; b < n; b++) bd += hessian[a * n + b] * d[b];
        gradient[a] += bd;
      }
      this.xopt = Float64Array.from(x);
      this.fopt = fx;
      this.kopt = t;
    }
    this.basis = lagrangeBasis(this.offsets(), m, n);
    if (!this.basis) return false;
    addLagrangeGradient(this.basis, t, diff, gradient);
    addLagrangeHessian(this.basis, t, diff, hessian);
    return true;
  }

  /** The bounds relative to x_opt: lo = lower − x_opt ≤ 0 ≤ hi = upper − x_opt. */
  relativeBounds(): {lo: Float64Array; hi: Float64Array} {
    const {n, lower, upper, xopt} = this;
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lo[i] = lower[i] - xopt[i];
      hi[i] = upper[i] - xopt[i];
    }
    return {lo, hi};
  }

  /** The point x_opt + d, exactly on a bound wherever d reaches it, and never outside the box. */
  pointAt(d: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
    const {n, lower, upper, xopt} = this;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const xi = d[i] <= lo[i] ? lower[i] : d[i] >= hi[i] ? upper[i] : xopt[i] + d[i];
      x[i] = Math.min(upper[i], Math.max(lower[i], xi));
    }
    return x;
  }

  private offsets(): Float64Array {
    const {n, m, points, xopt} = this;
    const s = new Float64Array(m * n);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) s[j * n + i] = points[j * n + i] - xopt[i];
    return s;
  }
}
