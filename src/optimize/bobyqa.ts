/**
 * BOBYQA: bound-constrained minimisation without derivatives by quadratic interpolation, written from
 * M. J. D. Powell (2009), "The BOBYQA algorithm for bound constrained optimization without derivatives",
 * Cambridge report DAMTP 2009/NA06.
 *
 * The method keeps m = 2n + 1 interpolation points and a quadratic model Q through them, updated by the
 * least Frobenius norm of the change of its Hessian (model.ts). Each iteration either minimises Q in the
 * trust region ‖d‖ ≤ Δ around the best point x_opt, within the box (trust-region.ts), or moves the
 * farthest point to improve the geometry of the set (geometry.ts). The lower bound ρ of Δ falls from
 * `rhobeg` to `rhoend`, by 10 at a time and more gently near `rhoend` (Powell 2009, section 7); the run
 * ends when ρ = rhoend and the model, accurate at that scale, asks for no step of length ρ/2 or more.
 * Points that land on a bound land on it exactly, so minima on a bound (singular fits) are found exactly.
 *
 * Choices of our own, tuned on lme4's profiled deviances (the evaluation counts are in the tests):
 * - a step shorter than ρ/2 that reaches a bound not active at x_opt is still taken when at least ρ/10
 *   long; a short step of length at least ρ/10 is evaluated anyway (it is the model's best guess and
 *   tests the model) before the usual decision between a geometry step and a reduction of ρ;
 * - the model counts as accurate at scale ρ when its error at the latest new point is at most ¼ρ² times
 *   the least curvature met by the trust-region solver (Powell uses ⅛ and the last three errors); at
 *   ρ = rhoend it must also have seen f_opt fall by no more than 100 times that bound (and 1e-12 |f_opt|)
 *   over the last three evaluations, since steady progress means that the curvature the model remembers
 *   from earlier points is not yet right (n = 1 is exempt: its three points determine the model);
 * - the inverse KKT matrix is recomputed from the points at every change instead of being updated,
 *   which makes Powell's RESCUE unnecessary; if the points ever become degenerate the set is rebuilt
 *   around x_opt at scale ρ;
 * - n = 1 runs the same machinery with m = 3 (the model is then the interpolating parabola).
 * NaN and ±Infinity values are treated as very bad values (evaluations.ts).
 *
 * @example
 *   const rosenbrock = (x: Float64Array) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
 *   const result = bobyqa(rosenbrock, [-1.2, 1]);
 *   // result.x ≈ [1, 1], result.f ≈ 0, result.converged === true
 */

import {Evaluations} from "./evaluations";
import {geometryStep} from "./geometry";
import {InterpolationModel} from "./model";
import {resolveOptions, type OptimizeOptions} from "./options";
import {shiftStart} from "./start";
import {trustRegionStep} from "./trust-region";
import {norm} from "../math/index.js";

export type {OptimizeOptions} from "./options";

/** The outcome of {@link bobyqa}: the best point found and a record of the run. */
export interface OptimizeResult {
  /** The best point evaluated. */
  x: Float64Array;
  /** The objective at `x`. */
  f: number;
  /** Number of evaluations of the objective. */
  evaluations: number;
  /** True when the trust-region radius reached `rhoend`; false when stopped early (see `message`). */
  converged: boolean;
  /** Why the run stopped. */
  message: string;
  /** The starting point as given. */
  initial: Float64Array;
}

/**
 * Minimises `f` over the box `lower ≤ x ≤ upper` from `x0`, which must lie in the box. Deterministic:
 * the same input gives the same evaluations and result. See options.ts for the defaults.
 */
export function bobyqa(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: OptimizeOptions = {}
): OptimizeResult {
  const o = resolveOptions(x0, options);
  const {n, lower, upper, rhoend} = o;
  const initial = Float64Array.from(o.x0);
  const record = new Evaluations(f, o);
  const evaluate = record.evaluate;
  const model = new InterpolationModel(n, lower, upper);

  const finish = (converged: boolean, message: string): OptimizeResult => {
    const found = record.foundFinite;
    return {
      x: found ? Float64Array.from(model.xopt) : initial,
      f: found ? model.fopt : record.firstValue,
      evaluations: record.count,
      converged: converged && found,
      message: found ? message : `the objective returned no finite value in ${record.count} evaluations (check it at x0)`,
      initial: Float64Array.from(initial)
    };
  };
  const degenerate = "stopped: the interpolation points became degenerate (try another rhobeg)";

  let rho = o.rhobeg;
  if (!model.initialize(shiftStart(o.x0, lower, upper, rho), rho, evaluate)) {
    return finish(false, record.stopped || degenerate);
  }
  let delta = rho;
  let lastError = Infinity;
  const bestAfter: number[] = [];
  let pending: Float64Array | undefined;

  // Evaluates x_opt + d (d is overwritten by the step actually taken) and records the model's error.
  const measure = (d: Float64Array, lo: Float64Array, hi: Float64Array) => {
    const x = model.pointAt(d, lo, hi);
    const fx = evaluate(x);
    if (fx === undefined) return undefined;
    for (let i = 0; i < n; i++) d[i] = x[i] - model.xopt[i];
    const predicted = -model.change(d);
    lastError = Math.abs(fx - model.fopt + predicted);
    bestAfter.push(Math.min(model.fopt, fx));
    return {x, fx, predicted};
  };
  const accept = (t: number, x: Float64Array, fx: number): boolean =>
    model.replace(t, x, fx) || model.initialize(Float64Array.from(model.xopt), rho, evaluate, model.fopt);
  // Moves point k to where it best improves the geometry, within max(min(0.1‖y_k − x_opt‖, Δ), ρ).
  const improveGeometry = (k: number): boolean => {
    const {lo, hi} = model.relativeBounds();
    const radius = Math.max(Math.min(0.1 * model.distance(k), delta), rho);
    const trial = measure(geometryStep(model.basis!, k, radius, lo, hi), lo, hi);
    return trial !== undefined && accept(k, trial.x, trial.fx);
  };
  // Lowers ρ (Powell 2009, section 7); false when ρ has already reached rhoend.
  const reduceRho = (): boolean => {
    if (rho <= rhoend) return false;
    const ratio = rho / rhoend;
    const next = ratio <= 16 ? rhoend : ratio <= 250 ? Math.sqrt(ratio) * rhoend : 0.1 * rho;
    delta = Math.max(0.5 * rho, next);
    rho = next;
    lastError = Infinity;
    return true;
  };

  let converged = false;
  for (;;) {
    const {lo, hi} = model.relativeBounds();
    const step = trustRegionStep(model.gradient, model.hessian, delta, lo, hi, o.arc);
    const d = step.d;
    const dnorm = norm(d);
    let reachesBound = false;
    for (let i = 0; i < n; i++) {
      if ((d[i] === lo[i] && lo[i] !== 0) || (d[i] === hi[i] && hi[i] !== 0)) reachesBound = true;
    }

    if (dnorm < 0.5 * rho && !(reachesBound && dnorm >= 0.1 * rho)) {
      // A short step: the model's minimiser is within ρ/2 of x_opt.
      pending = dnorm > 0 ? d : undefined;
      delta = Math.max(0.5 * delta, rho);
      if (dnorm >= 0.1 * rho && step.reduction > 0) {
        const trial = measure(d, lo, hi);
        if (!trial) break;
        if (!accept(model.choosePoint(d, delta, trial.fx < model.fopt), trial.x, trial.fx)) break;
        pending = undefined;
      }
      const tolerance = 0.25 * step.curvature * rho * rho;
      let accurate = lastError <= tolerance;
      if (accurate && rho <= rhoend && n > 1 && bestAfter.length > 3) {
        const recent = bestAfter[bestAfter.length - 4] - model.fopt;
        accurate = recent <= Math.max(100 * tolerance, 1e-12 * Math.max(1, Math.abs(model.fopt)));
      }
      if (!accurate) {
        const far = model.farthest();
        if (far.dist > 2 * delta) {
          if (!improveGeometry(far.k)) break;
          continue;
        }
      }
      if (!reduceRho()) {
        converged = true;
        break;
      }
      continue;
    }

    pending = undefined;
    const trial = measure(d, lo, hi);
    if (!trial) break;
    const ratio = trial.predicted > 0 ? (model.fopt - trial.fx) / trial.predicted : -1;
    if (ratio <= 0.1) delta = Math.min(0.5 * delta, dnorm);
    else if (ratio <= 0.7) delta = Math.max(0.5 * delta, dnorm);
    else delta = Math.max(0.5 * delta, 2 * dnorm);
    if (delta <= 1.5 * rho) delta = rho;
    if (!accept(model.choosePoint(d, delta, trial.fx < model.fopt), trial.x, trial.fx)) break;
    if (ratio >= 0.1) continue;

    const far = model.farthest();
    if (far.dist > 2 * delta) {
      if (!improveGeometry(far.k)) break;
      continue;
    }
    if (ratio > 0 || Math.max(delta, dnorm) > rho) continue;
    if (!reduceRho()) {
      converged = true;
      break;
    }
  }

  if (!converged) return finish(false, record.stopped || degenerate);
  if (pending) {
    // Powell's last step: the model's final short step, evaluated if the budget allows.
    const {lo, hi} = model.relativeBounds();
    const x = model.pointAt(pending, lo, hi);
    const fx = evaluate(x);
    if (fx !== undefined && fx < model.fopt) {
      model.xopt = x;
      model.fopt = fx;
    }
  }
  return finish(true, `converged: the trust-region radius reached rhoend = ${rhoend}`);
}
