/**
 * Approximate minimiser of a quadratic model in the intersection of a ball and a box: BOBYQA's
 * trust-region subproblem (Powell 2009, section 3),
 *
 *     minimise q(d) = gᵀd + ½ dᵀBd   subject to ‖d‖ ≤ Δ,  lo ≤ d ≤ hi   (lo ≤ 0 ≤ hi).
 *
 * First a truncated conjugate-gradient method (Steihaug 1983) on the free variables; whenever a
 * variable reaches a bound it is fixed there (exactly) and the conjugate gradients restart. If the
 * trust-region boundary is reached, the step is then improved on the sphere: each iteration turns the
 * free part of d towards the steepest-descent direction orthogonal to it, `d(θ) = cos θ d + sin θ s`,
 * choosing θ to minimise q along the arc, and again fixes any variable that reaches a bound.
 * Variables that start on a bound with the gradient pointing out of the box are fixed at the start.
 * Unlike Powell's TRSBOX, a fixed variable whose gradient has come to point into the box is then freed
 * and the two phases are repeated (an active-set correction; Nocedal & Wright 2006, section 16.5),
 * which costs only arithmetic and saves evaluations of the objective.
 *
 * References: M. J. D. Powell (2009), "The BOBYQA algorithm for bound constrained optimization without
 * derivatives", DAMTP 2009/NA06, section 3; T. Steihaug (1983), "The conjugate gradient method and trust
 * regions in large scale optimization", SIAM J. Numer. Anal. 20, 626–637; J. Nocedal & S. J. Wright
 * (2006), "Numerical Optimization", 2nd ed., Springer.
 *
 * @example
 *   // q(d) = -d1 - d2 + ½‖d‖², ball of radius 1, box d1 ≤ 0.2
 *   const {d} = trustRegionStep(Float64Array.of(-1, -1), Float64Array.of(1, 0, 0, 1), 1,
 *     Float64Array.of(-9, -9), Float64Array.of(0.2, 9));
 *   // d = [0.2, 0.9797…]: d1 on its bound, d on the sphere
 */
import {acos, atan2, cos, hypot, sin} from "../math/index.js";
import type {ArcSearch} from "./options";

/** The step and what the model said about it. */
export interface TrustRegionStep {
  /** The step; components on a bound equal `lo[i]` or `hi[i]` exactly. */
  d: Float64Array;
  /** Predicted reduction q(0) − q(d) ≥ 0. */
  reduction: number;
  /**
   * Least curvature pᵀBp/‖p‖² met along the conjugate-gradient directions, when the step ended inside
   * the ball; 0 when the step reached the trust-region boundary.
   */
  curvature: number;
}

const FREE = 0;
const AT_LOWER = 1;
const AT_UPPER = 2;

/** Solves the subproblem for gradient `g`, Hessian `hessian` (n × n, row major), radius `delta`. */
export function trustRegionStep(
  g: Float64Array,
  hessian: Float64Array,
  delta: number,
  lo: Float64Array,
  hi: Float64Array,
  arc: ArcSearch = "angle"
): TrustRegionStep {
  const n = g.length;
  const work: Work = {n, g, hessian, delta, lo, hi, d: new Float64Array(n), gd: Float64Array.from(g), state: new Uint8Array(n), arc};
  for (let i = 0; i < n; i++) {
    if (lo[i] >= 0 && g[i] >= 0) work.state[i] = AT_LOWER;
    else if (hi[i] <= 0 && g[i] <= 0) work.state[i] = AT_UPPER;
  }
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(g[i]));
  let total = 0;
  let curvature = Infinity;
  let onSphere = false;
  for (let pass = 0; pass <= n; pass++) {
    let gain = 0;
    if (!onSphere) {
      const cg = conjugateGradients(work);
      gain += cg.gain;
      curvature = Math.min(curvature, cg.curvature);
      onSphere = cg.onSphere;
    }
    if (onSphere) gain += turnOnSphere(work, total + gain);
    total += gain;
    if (pass > 0 && !(gain > 1e-12 * total)) break;
    // On the sphere the multiplier λ of ‖d‖ ≤ Δ enters the gradient of the Lagrangian, gd + λd.
    // A negative multiplier means the free variables would rather move into the ball: resume the
    // conjugate gradients there.
    let lambda = 0;
    if (onSphere) {
      let dg = 0;
      let dd = 0;
      for (let i = 0; i < n; i++) {
        if (work.state[i] !== FREE) continue;
        dg += work.d[i] * work.gd[i];
        dd += work.d[i] * work.d[i];
      }
      if (dd > 0) lambda = -dg / dd;
      if (lambda < 0) {
        onSphere = false;
        continue;
      }
    }
    let release = -1;
    let strongest = 1e-10 * scale;
    for (let i = 0; i < n; i++) {
      const lagrangian = work.gd[i] + lambda * work.d[i];
      const inward = work.state[i] === AT_LOWER ? -lagrangian : work.state[i] === AT_UPPER ? lagrangian : 0;
      if (inward > strongest) {
        strongest = inward;
        release = i;
      }
    }
    if (release < 0) break;
    work.state[release] = FREE;
  }
  return {
    d: work.d,
    reduction: Math.max(total, 0),
    curvature: onSphere || !Number.isFinite(curvature) ? 0 : Math.max(curvature, 0)
  };
}

/** The state of the subproblem shared by its two phases: the step d and the model gradient gd at d. */
interface Work {
  n: number;
  g: Float64Array;
  hessian: Float64Array;
  delta: number;
  lo: Float64Array;
  hi: Float64Array;
  d: Float64Array;
  gd: Float64Array;
  state: Uint8Array;
  arc: ArcSearch;
}

/** Truncated conjugate gradients from the current d on the free variables. */
function conjugateGradients(work: Work): {gain: number; curvature: number; onSphere: boolean} {
  const {n, hessian, delta, lo, hi, d, gd, state} = work;
  const p = new Float64Array(n);
  const bp = new Float64Array(n);
  let total = 0;
  let curvature = Infinity;
  let restart = true;
  let rr = 0;
  let rr0 = 0;
  for (let iteration = 0; iteration < 3 * n + 10; iteration++) {
    if (restart) {
      rr = 0;
      for (let i = 0; i < n; i++) {
        p[i] = state[i] === FREE ? -gd[i] : 0;
        rr += p[i] * p[i];
      }
      if (iteration === 0) rr0 = rr;
      restart = false;
    }
    if (!(rr > 0)) break;
    multiply(hessian, p, bp, n);
    let pbp = 0;
    let pp = 0;
    let dp = 0;
    let gp = 0;
    let dd = 0;
    for (let i = 0; i < n; i++) {
      pbp += p[i] * bp[i];
      pp += p[i] * p[i];
      dp += d[i] * p[i];
      gp += gd[i] * p[i];
      dd += d[i] * d[i];
    }
    if (gp >= 0) break;
    const room = delta * delta - dd;
    const root = Math.sqrt(Math.max(dp * dp + pp * room, 0));
    const toSphere = dp > 0 ? room / (root + dp) : (root - dp) / pp;
    if (!(toSphere > 0)) return {gain: total, curvature, onSphere: true};
    let toBound = Infinity;
    let hit = -1;
    for (let i = 0; i < n; i++) {
      if (state[i] !== FREE || p[i] === 0) continue;
      const limit = Math.max(p[i] > 0 ? (hi[i] - d[i]) / p[i] : (lo[i] - d[i]) / p[i], 0);
      if (limit < toBound) {
        toBound = limit;
        hit = i;
      }
    }
    curvature = Math.min(curvature, pbp / pp);
    const toMinimum = pbp > 0 ? -gp / pbp : Infinity;
    const alpha = Math.min(toSphere, toBound, toMinimum);
    const gain = -(alpha * gp + 0.5 * alpha * alpha * pbp);
    for (let i = 0; i < n; i++) {
      d[i] += alpha * p[i];
      gd[i] += alpha * bp[i];
    }
    total += gain;
    if (hit >= 0 && toBound <= alpha) {
      fix(work, hit, p[hit] > 0 ? AT_UPPER : AT_LOWER);
      restart = true;
      continue;
    }
    if (toSphere <= alpha) return {gain: total, curvature, onSphere: true};
    let rrNew = 0;
    for (let i = 0; i < n; i++) if (state[i] === FREE) rrNew += gd[i] * gd[i];
    if (gain <= 1e-10 * total || rrNew <= 1e-24 * rr0) break;
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) p[i] = state[i] === FREE ? -gd[i] + beta * p[i] : 0;
    rr = rrNew;
  }
  return {gain: total, curvature, onSphere: false};
}

/** Improves a step on the sphere ‖d‖ = Δ by turning its free part; returns the reduction gained. */
function turnOnSphere(work: Work, before: number): number {
  const {n, hessian, lo, hi, d, gd, state} = work;
  const s = new Float64Array(n);
  const dFree = new Float64Array(n);
  const bd = new Float64Array(n);
  const bs = new Float64Array(n);
  let total = 0;
  for (let sweep = 0; sweep < 3 * n + 10; sweep++) {
    let dd = 0;
    let gg = 0;
    let dg = 0;
    for (let i = 0; i < n; i++) {
      dFree[i] = state[i] === FREE ? d[i] : 0;
      if (state[i] !== FREE) continue;
      dd += d[i] * d[i];
      gg += gd[i] * gd[i];
      dg += d[i] * gd[i];
    }
    const sin2 = dd * gg - dg * dg;
    if (!(dd > 0) || sin2 <= 1e-8 * dd * gg) break;
    const norm = dd / Math.sqrt(sin2);
    for (let i = 0; i < n; i++) s[i] = state[i] === FREE ? ((dg / dd) * d[i] - gd[i]) * norm : 0;
    multiply(hessian, dFree, bd, n);
    multiply(hessian, s, bs, n);
    let a1 = 0;
    let a2 = 0;
    let b11 = 0;
    let b12 = 0;
    let b22 = 0;
    for (let i = 0; i < n; i++) {
      a1 += gd[i] * dFree[i];
      a2 += gd[i] * s[i];
      b11 += dFree[i] * bd[i];
      b12 += dFree[i] * bs[i];
      b22 += s[i] * bs[i];
    }
    const change = (theta: number): number => {
      const c = cos(theta) - 1;
      const sn = sin(theta);
      return c * a1 + sn * a2 + 0.5 * (c * c * b11 + 2 * c * sn * b12 + sn * sn * b22);
    };
    // the same change at t = tan(θ/2): cos θ − 1 = −2t²/(1 + t²), sin θ = 2t/(1 + t²)
    const changeAt = (t: number): number => {
      const w = 1 / (1 + t * t);
      const c = -2 * t * t * w;
      const sn = 2 * t * w;
      return c * a1 + sn * a2 + 0.5 * (c * c * b11 + 2 * c * sn * b12 + sn * sn * b22);
    };
    // the arc's end: θ = π/2, or t = tan(π/4) = 1 for the tangent search, or the first bound it crosses
    const tangent = work.arc === "tangent";
    const crossing = tangent ? firstCrossingTangent : firstCrossing;
    let thetaMax = tangent ? 1 : Math.PI / 2;
    let hit = -1;
    let hitState = FREE;
    for (let i = 0; i < n; i++) {
      if (state[i] !== FREE) continue;
      const up = crossing(d[i], s[i], hi[i]);
      if (up < thetaMax) {
        thetaMax = up;
        hit = i;
        hitState = AT_UPPER;
      }
      const down = crossing(-d[i], -s[i], -lo[i]);
      if (down < thetaMax) {
        thetaMax = down;
        hit = i;
        hitState = AT_LOWER;
      }
    }
    if (thetaMax <= 0) {
      fix(work, hit, hitState);
      continue;
    }
    let c: number, sn: number, gain: number, reached: boolean;
    if (tangent) {
      const t = minimiseOnArc(changeAt, thetaMax, 1e-10);
      gain = -changeAt(t);
      const w = 1 / (1 + t * t);
      (c = -2 * t * t * w), (sn = 2 * t * w), (reached = t >= thetaMax);
    } else {
      const theta = minimiseOnArc(change, thetaMax, 1e-15);
      gain = -change(theta);
      (c = cos(theta) - 1), (sn = sin(theta)), (reached = theta >= thetaMax);
    }
    if (!(gain > 0)) break;
    for (let i = 0; i < n; i++) {
      d[i] += c * dFree[i] + sn * s[i];
      gd[i] += c * bd[i] + sn * bs[i];
    }
    total += gain;
    if (hit >= 0 && reached) {
      fix(work, hit, hitState);
      continue;
    }
    if (gain <= 1e-6 * (before + total)) break;
  }
  return total;
}

/** Fixes variable i on a bound, setting d_i to the bound exactly and correcting the gradient. */
function fix(work: Work, i: number, side: number): void {
  const {n, hessian, d, gd} = work;
  const target = side === AT_UPPER ? work.hi[i] : work.lo[i];
  const shift = target - d[i];
  d[i] = target;
  if (shift !== 0) for (let k = 0; k < n; k++) gd[k] += shift * hessian[k * n + i];
  work.state[i] = side;
}

/** out = B v for the n × n row-major matrix B. */
function multiply(b: Float64Array, v: Float64Array, out: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += b[r * n + c] * v[c];
    out[r] = sum;
  }
}

/**
 * The least θ ≥ 0 at which `a cos θ + b sin θ` exceeds `limit` (given `a ≤ limit`), or Infinity:
 * 0 when it starts on the limit and moves out. Writes the curve as R cos(θ − φ), R = √(a² + b²).
 */
function firstCrossing(a: number, b: number, limit: number): number {
  if (a >= limit) return b > 0 ? 0 : Infinity;
  const r = hypot(a, b);
  if (!(r > limit)) return Infinity;
  const phi = atan2(b, a);
  const half = acos(Math.max(-1, Math.min(1, limit / r)));
  let theta = phi - half;
  while (theta < 0) theta += 2 * Math.PI;
  return theta;
}

/**
 * {@link firstCrossing} in t = tan(θ/2) (θ in [0, π)): the least t ≥ 0 at which `a cos θ + b sin θ` exceeds
 * `limit` (given `a ≤ limit`), or Infinity. With cos θ = (1 − t²)/(1 + t²) and sin θ = 2t/(1 + t²) the
 * condition is the quadratic −(a + limit) t² + 2b t + (a − limit) > 0, negative at t = 0: its least positive
 * root, by the cancellation-free formula q = −(B + sign(B)√D)/2, roots q/A and C/q (a, b and limit first
 * divided by the largest of their sizes).
 *
 * Reference: Press et al. (2007), Numerical Recipes (3rd ed.), §5.6 (quadratic roots); Powell (2009), §3 (the
 * arc parametrized by the tangent of the half angle).
 */
function firstCrossingTangent(a: number, b: number, limit: number): number {
  if (a >= limit) return b > 0 ? 0 : Infinity;
  // the roots do not change when a, b and limit are scaled together: scale them to at most 1 (no underflow)
  const m = Math.max(Math.abs(a), Math.abs(b), Math.abs(limit));
  const A = -(a + limit) / m, B = (2 * b) / m, C = (a - limit) / m;
  if (A === 0) return B > 0 ? -C / B : Infinity;
  const D = B * B - 4 * A * C;
  if (!(D >= 0)) return Infinity;
  const q = -0.5 * (B + (B >= 0 ? Math.sqrt(D) : -Math.sqrt(D)));
  if (q === 0) return Infinity;
  const r1 = q / A, r2 = C / q;
  let t = r1 > 0 ? r1 : Infinity;
  if (r2 > 0 && r2 < t) t = r2;
  return t;
}

/**
 * The θ in [0, thetaMax] minimising `change` (with change(0) = 0), by a grid search refined with golden
 * sections around the best grid point, or between 0 and the first grid point when none is below 0, until the
 * bracket is under `tolerance` · thetaMax (at most 60 sections).
 */
function minimiseOnArc(change: (theta: number) => number, thetaMax: number, tolerance: number): number {
  const steps = 24;
  let best = 0;
  let bestValue = 0;
  for (let k = 1; k <= steps; k++) {
    const value = change((thetaMax * k) / steps);
    if (value < bestValue) {
      bestValue = value;
      best = k;
    }
  }
  let left = (thetaMax * Math.max(best - 1, 0)) / steps;
  let right = Math.min(thetaMax, (thetaMax * Math.max(best + 1, 1)) / steps);
  const golden = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 60 && right - left > tolerance * thetaMax; k++) {
    const x1 = right - golden * (right - left);
    const x2 = left + golden * (right - left);
    if (change(x1) <= change(x2)) right = x2;
    else left = x1;
  }
  let theta = (thetaMax * best) / steps;
  for (const candidate of [0.5 * (left + right), thetaMax]) {
    if (change(candidate) < change(theta)) theta = candidate;
  }
  return theta;
}
