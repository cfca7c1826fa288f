/**
 * BOBYQA: bound-constrained minimisation without derivatives by quadratic interpolation, written from
 * Powell (2009), "The BOBYQA algorithm for bound constrained optimization without derivatives"
 * (Cambridge report DAMTP 2009/NA06).
 *
 * The method keeps m = 2n + 1 interpolation points y_j and a quadratic model Q with Q(y_j) = F(y_j).
 * Each iteration either minimises Q within a trust region ‖d‖ ≤ Δ around the best point x_opt and the
 * box (trust-region.ts), or moves a far point to improve the geometry of the set (geometry.ts). When a
 * new point x replaces y_t, Q changes by the quadratic of least Frobenius norm of its Hessian that fixes
 * the interpolation condition at x, namely (F(x) − Q(x)) ℓ_t with ℓ_t the new t-th Lagrange function
 * (lagrange.ts; Powell 2004). The lower bound ρ of Δ falls from `rhobeg` to `rhoend`: ρ is reduced when
 * steps are short and the model is accurate at scale ρ, by 10 at a time (more gently near `rhoend`),
 * as in Powell 2009, section 7. Points that land on a bound land on it exactly.
 *
 * Departures from Powell's Fortran description: the inverse KKT matrix is recomputed from the points
 * at every change (with the best point as the origin), instead of being updated, which makes RESCUE
 * unnecessary; n = 1 uses the same machinery with m = 3 (the model is then the interpolating parabola).
 * An objective value that is NaN or ±Infinity is replaced by a value worse than every finite value seen
 * (the worst so far plus ten times the spread plus one), so the method steers away from it.
 *
 * @example
 *   const rosenbrock = (x: Float64Array) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
 *   const result = bobyqa(rosenbrock, [-1.2, 1]);
 *   // result.x ≈ [1, 1], result.f ≈ 0, result.converged === true
 */

import {geometryStep} from "./geometry";
import {addLagrangeGradient, addLagrangeHessian, denominators, lagrangeBasis, type LagrangeBasis} from "./lagrange";
import {resolveOptions, type OptimizeOptions} from "./options";
import {axisSteps, moveTo, shiftStart} from "./start";
import {trustRegionStep} from "./trust-region";

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
 * Minimises `f` over the box `lower ≤ x ≤ upper`, starting from `x0` (which must lie in the box).
 * See options.ts for the defaults.
 */
export function bobyqa(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: OptimizeOptions = {}
): OptimizeResult {
  const o = resolveOptions(x0, options);
  const {n, lower, upper, rhoend} = o;
  const m = 2 * n + 1;
  const initial = Float64Array.from(o.x0);

  let count = 0;
  let stop = "";
  let worst = -Infinity;
  let best = Infinity;
  let firstValue = NaN;
  const evaluate = (x: Float64Array): number | undefined => {
    if (o.signal?.aborted) {
      stop = `aborted after ${count} evaluations`;
      return undefined;
    }
    if (count >= o.maxEvaluations) {
      stop = `stopped after maxEvaluations = ${o.maxEvaluations} evaluations before converging (raise maxEvaluations)`;
      return undefined;
    }
    const value = f(Float64Array.from(x));
    count++;
    if (count === 1) firstValue = value;
    o.onEvaluation?.(Float64Array.from(x), value, count);
    if (Number.isFinite(value)) {
      worst = Math.max(worst, value);
      best = Math.min(best, value);
      return value;
    }
    return Number.isFinite(worst) ? worst + 10 * (worst - best) + 1 : 1e100;
  };

  const points = new Float64Array(m * n);
  const values = new Float64Array(m);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  let kopt = 0;
  let xopt: Float64Array = new Float64Array(n);
  let fopt = Infinity;
  let basis: LagrangeBasis | undefined;

  const offsets = (): Float64Array => {
    const s = new Float64Array(m * n);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) s[j * n + i] = points[j * n + i] - xopt[i];
    return s;
  };
  const modelChange = (d: Float64Array): number => {
    let value = 0;
    for (let a = 0; a < n; a++) {
      let bd = 0;
      for (let b = 0; b < n; b++) bd += hessian[a * n + b] * d[b];
      value += d[a] * (gradient[a] + 0.5 * bd);
    }
    return value;
  };
  const distance = (j: number): number => {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (points[j * n + i] - xopt[i]) ** 2;
    return Math.sqrt(ss);
  };

  // Builds the interpolation set around `center` at scale `rho` and the model of least Frobenius norm.
  const initialize = (center: Float64Array, centerValue: number | undefined, rho: number): boolean => {
    points.set(center, 0);
    if (centerValue === undefined) {
      const v = evaluate(center);
      if (v === undefined) return false;
      values[0] = v;
    } else {
      values[0] = centerValue;
    }
    for (let i = 0; i < n; i++) {
      const steps = axisSteps(center[i], lower[i], upper[i], rho);
      for (let side = 0; side < 2; side++) {
        const j = 1 + i + side * n;
        const x = Float64Array.from(center);
        x[i] = moveTo(center[i], steps[side], lower[i], upper[i]);
        points.set(x, j * n);
        const v = evaluate(x);
        if (v === undefined) return false;
        values[j] = v;
      }
    }
    kopt = 0;
    for (let j = 1; j < m; j++) if (values[j] < values[kopt]) kopt = j;
    xopt = points.slice(kopt * n, kopt * n + n);
    fopt = values[kopt];
    basis = lagrangeBasis(offsets(), m, n);
    if (!basis) return false;
    gradient.fill(0);
    hessian.fill(0);
    for (let t = 0; t < m; t++) {
      addLagrangeGradient(basis, t, values[t] - fopt, gradient);
      addLagrangeHessian(basis, t, values[t] - fopt, hessian);
    }
    return true;
  };

  // Replaces point t by x (value fx) and updates the model by (F(x) − Q(x)) ℓ_t.
  const replace = (t: number, x: Float64Array, fx: number): boolean => {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = x[i] - xopt[i];
    const diff = fx - fopt - modelChange(d);
    points.set(x, t * n);
    values[t] = fx;
    if (fx < fopt) {
      for (let a = 0; a < n; a++) {
        let bd = 0;
        for (let b = 0; b < n; b++) bd += hessian[a * n + b] * d[b];
        gradient[a] += bd;
      }
      xopt = Float64Array.from(x);
      fopt = fx;
      kopt = t;
    }
    basis = lagrangeBasis(offsets(), m, n);
    if (!basis) return false;
    addLagrangeGradient(basis, t, diff, gradient);
    addLagrangeHessian(basis, t, diff, hessian);
    if ((globalThis as any).__dbg) {
      let worstErr = 0;
      for (let j = 0; j < m; j++) { const dj = new Float64Array(n); for (let i = 0; i < n; i++) dj[i] = points[j*n+i]-xopt[i]; worstErr = Math.max(worstErr, Math.abs(fopt + modelChange(dj) - values[j])); }
      console.log(`    interp-err=${worstErr.toExponential(2)} diff=${diff.toExponential(2)}`);
    }
    return true;
  };

  const relativeBounds = () => {
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lo[i] = lower[i] - xopt[i];
      hi[i] = upper[i] - xopt[i];
    }
    return {lo, hi};
  };
  const pointAt = (d: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = d[i] <= lo[i] ? lower[i] : d[i] >= hi[i] ? upper[i] : xopt[i] + d[i];
      x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    }
    return x;
  };

  const finish = (converged: boolean, message: string): OptimizeResult => {
    const found = Number.isFinite(best);
    return {
      x: found ? Float64Array.from(xopt) : Float64Array.from(initial),
      f: found ? fopt : firstValue,
      evaluations: count,
      converged: converged && found,
      message: found ? message : `the objective returned no finite value in ${count} evaluations (check it at x0)`,
      initial
    };
  };

  let rho = o.rhobeg;
  if (!initialize(shiftStart(o.x0, lower, upper, rho), undefined, rho)) {
    return finish(false, stop || "the initial points are degenerate");
  }
  let delta = rho;
  const errors: number[] = [];
  let pending: Float64Array | undefined;

  // Replaces the farthest point by a geometry-improving step; false when the run must stop.
  const improveGeometry = (k: number): boolean => {
    const {lo, hi} = relativeBounds();
    const radius = Math.max(Math.min(0.1 * distance(k), delta), rho);
    if ((globalThis as any).__dbg) console.log(`    geometry k=${k} dist=${distance(k).toExponential(2)} radius=${radius.toExponential(2)}`);
    const d = geometryStep(basis!, k, radius, lo, hi);
    const x = pointAt(d, lo, hi);
    const fx = evaluate(x);
    if (fx === undefined) return false;
    for (let i = 0; i < n; i++) d[i] = x[i] - xopt[i];
    errors.push(Math.abs(fx - fopt - modelChange(d)));
    return replace(k, x, fx) || rebuild();
  };
  const rebuild = (): boolean => initialize(Float64Array.from(xopt), fopt, rho);
  const farthest = (): {k: number; dist: number} => {
    let k = -1;
    let dist = 0;
    for (let j = 0; j < m; j++) {
      const dj = distance(j);
      if (dj > dist) {
        dist = dj;
        k = j;
      }
    }
    return {k, dist};
  };
  // Lowers ρ (Powell 2009, section 7); false when ρ has reached rhoend.
  const reduceRho = (): boolean => {
    if (rho <= rhoend) return false;
    if ((globalThis as any).__dbg) console.log(`    REDUCE rho at count=${count} errors=${errors.map(e=>e.toExponential(1))}`);
    const ratio = rho / rhoend;
    const T = (globalThis as any).__tune ?? {}; const next = ratio <= 16 ? rhoend : ratio <= 250 ? Math.sqrt(ratio) * rhoend : (T.rf ?? 0.1) * rho;
    delta = Math.max(0.5 * rho, next);
    rho = next;
    errors.length = 0;
    return true;
  };

  for (;;) {
    const {lo, hi} = relativeBounds();
    const step = trustRegionStep(gradient, hessian, delta, lo, hi);
    const d = step.d;
    const dnorm = Math.hypot(...d);
    if ((globalThis as any).__dbg) console.log(`  it count=${count} rho=${rho.toExponential(2)} delta=${delta.toExponential(2)} dnorm=${dnorm.toExponential(2)} pred=${step.reduction.toExponential(2)} crv=${step.curvature.toExponential(2)} g=${Array.from(gradient).map(v=>v.toExponential(2))} B=${Array.from(hessian).map(v=>v.toExponential(2))}`);

    if (dnorm < 0.5 * rho) {
      if ((globalThis as any).__dbg) console.log(`    SHORT`);
      pending = dnorm > 0 ? d : undefined;
      delta = Math.max(((globalThis as any).__tune?.sd ?? 0.1) * delta, rho);
      const bound = 0.125 * step.curvature * rho * rho;
      const need = (globalThis as any).__tune?.need ?? 3; const accurate = errors.length >= need && errors.slice(-need).every((e) => e <= bound);
      if (!accurate) {
        const far = farthest();
        if (far.dist > ((globalThis as any).__tune?.far ?? 2) * delta) {
          if (!improveGeometry(far.k)) break;
          continue;
        }
      }
      if (!reduceRho()) break;
      continue;
    }
    pending = undefined;

    const x = pointAt(d, lo, hi);
    const fx = evaluate(x);
    if (fx === undefined) break;
    for (let i = 0; i < n; i++) d[i] = x[i] - xopt[i];
    const predicted = -modelChange(d);
    errors.push(Math.abs(fx - fopt + predicted));
    const ratio = predicted > 0 ? (fopt - fx) / predicted : -1;
    if ((globalThis as any).__dbg) console.log(`    ratio=${ratio.toFixed(3)} err=${errors[errors.length-1].toExponential(2)}`);
    if (ratio <= 0.1) delta = Math.min(0.5 * delta, dnorm);
    else if (ratio <= 0.7) delta = Math.max(0.5 * delta, dnorm);
    else delta = Math.max(0.5 * delta, ((globalThis as any).__tune?.ex ?? 2) * dnorm);
    if (delta <= 1.5 * rho) delta = rho;

    const improved = fx < fopt;
    const {sigma} = denominators(basis!, d);
    let t = -1;
    let score = -1;
    for (let j = 0; j < m; j++) {
      if (j === kopt && !improved) continue;
      const dist = distance(j);
      const T2 = (globalThis as any).__tune ?? {}; const ref = T2.wd === 1 ? Math.max(0.1 * delta, rho) : T2.wd === 2 ? rho : delta; const weight = Math.max(1, (dist / ref) ** 2) ** (T2.wp ?? 2);
      const s = weight * Math.abs(sigma[j]);
      if (s > score) {
        score = s;
        t = j;
      }
    }
    if (!replace(t, x, fx) && !rebuild()) break;
    if (ratio >= 0.1) continue;
    if ((globalThis as any).__tune?.f1 && delta > rho && ratio > 0) continue;
    if ((globalThis as any).__tune?.f2 && delta > rho) continue;

    const far = farthest();
    if (far.dist > ((globalThis as any).__tune?.far ?? 2) * delta) {
      if (!improveGeometry(far.k)) break;
      continue;
    }
    if (ratio > 0 || Math.max(delta, dnorm) > rho) continue;
    if (!reduceRho()) break;
  }

  if (stop) return finish(false, stop);
  if (pending) {
    const {lo, hi} = relativeBounds();
    const x = pointAt(pending, lo, hi);
    const fx = evaluate(x);
    if (fx !== undefined && fx < fopt) {
      xopt = x;
      fopt = fx;
    }
  }
  return finish(true, `converged: the trust-region radius reached rhoend = ${rhoend}`);
}
