/**
 * BOBYQA's geometry-improving step (Powell 2009, section 4): a new position for the interpolation point
 * y_k that keeps the interpolation problem well posed, chosen within `radius` of the best point x_opt
 * and inside the box.
 *
 * Replacing y_k by x_opt + d multiplies the KKT determinant by σ_k(d) = α_k β(d) + ℓ_k(x_opt + d)², so a
 * large |σ_k| (equivalently a large |ℓ_k|) is wanted. As Powell suggests, two kinds of candidates are
 * tried, and the one with the largest |σ_k| wins:
 * - along each line through x_opt and another interpolation point, where ℓ_k is a quadratic in one
 *   variable, the point of largest |ℓ_k| allowed by the radius and the bounds;
 * - the projected-gradient paths d(t) = clamp(±t ∇ℓ_k(x_opt), lo, hi) taken to length `radius`
 *   (a "Cauchy step" for ±ℓ_k).
 *
 * Reference: M. J. D. Powell (2009), "The BOBYQA algorithm for bound constrained optimization without
 * derivatives", DAMTP 2009/NA06, section 4.
 *
 * @example
 *   const basis = lagrangeBasis(Float64Array.of(0, 0, 1, 0, 0, 1, -1, 0, 0, 5), 5, 2)!;
 *   // move the far point 4 (at (0, 5)) to within 1 of the base point 0, inside the box [-1, 1]²
 *   geometryStep(basis, 4, 1, Float64Array.of(-1, -1), Float64Array.of(1, 1)); // d = [0, -1]
 */

import {addLagrangeGradient, addLagrangeHessian, denominators, type LagrangeBasis} from "./lagrange";

/** A step d from the base of `basis` (the best point) to a new position for point `k`. */
export function geometryStep(
  basis: LagrangeBasis,
  k: number,
  radius: number,
  lo: Float64Array,
  hi: Float64Array
): Float64Array {
  const {m, n, scale, u} = basis;
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  addLagrangeGradient(basis, k, 1, gradient);
  addLagrangeHessian(basis, k, 1, hessian);
  const candidates: Float64Array[] = [];

  const v = new Float64Array(n);
  const hv = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += u[j * n + i] * u[j * n + i];
    norm = Math.sqrt(norm);
    if (norm <= 1e-12) continue;
    for (let i = 0; i < n; i++) v[i] = u[j * n + i] / norm;
    let forward = radius;
    let backward = radius;
    for (let i = 0; i < n; i++) {
      if (v[i] > 0) {
        forward = Math.min(forward, hi[i] / v[i]);
        backward = Math.min(backward, -lo[i] / v[i]);
      } else if (v[i] < 0) {
        forward = Math.min(forward, lo[i] / v[i]);
        backward = Math.min(backward, -hi[i] / v[i]);
      }
    }
    let slope = 0;
    let curvature = 0;
    multiply(hessian, v, hv, n);
    for (let i = 0; i < n; i++) {
      slope += gradient[i] * v[i];
      curvature += v[i] * hv[i];
    }
    const along = (alpha: number) => Math.abs(alpha * slope + 0.5 * alpha * alpha * curvature);
    let best = 0;
    for (const alpha of [forward, -backward, curvature !== 0 ? -slope / curvature : 0]) {
      if (alpha > forward || alpha < -backward) continue;
      if (along(alpha) > along(best)) best = alpha;
    }
    if (best !== 0) candidates.push(snap(v.map((x) => best * x), lo, hi, radius));
  }

  for (const sign of [1, -1]) {
    const d = projectedPath(gradient.map((x) => sign * x), lo, hi, radius);
    if (d) candidates.push(snap(d, lo, hi, radius));
  }

  let chosen: Float64Array = new Float64Array(n);
  let bestSigma = -1;
  for (const d of candidates) {
    const sigma = Math.abs(denominators(basis, d).sigma[k]);
    if (sigma > bestSigma) {
      bestSigma = sigma;
      chosen = d;
    }
  }
  if (bestSigma < 0) {
    for (let i = 0; i < n; i++) chosen[i] = Math.max(lo[i], Math.min(hi[i], (u[k * n + i] * scale) / 2));
  }
  return chosen;
}

/** The point of length `radius` (or the end) of the path clamp(t q, lo, hi), t ≥ 0; undefined if it is 0. */
function projectedPath(q: Float64Array, lo: Float64Array, hi: Float64Array, radius: number): Float64Array | undefined {
  const n = q.length;
  const breaks: {t: number; i: number}[] = [];
  let movingSq = 0;
  for (let i = 0; i < n; i++) {
    if (q[i] === 0) continue;
    breaks.push({t: (q[i] > 0 ? hi[i] : lo[i]) / q[i], i});
    movingSq += q[i] * q[i];
  }
  breaks.sort((a, b) => a.t - b.t);
  const at = (t: number) => q.map((x, i) => Math.max(lo[i], Math.min(hi[i], t * x)));
  let fixedSq = 0;
  let last = 0;
  for (const {t, i} of breaks) {
    if (movingSq > 0 && fixedSq + t * t * movingSq >= radius * radius) {
      return at(Math.sqrt(Math.max(radius * radius - fixedSq, 0) / movingSq));
    }
    const bound = q[i] > 0 ? hi[i] : lo[i];
    fixedSq += bound * bound;
    movingSq -= q[i] * q[i];
    last = t;
  }
  return last > 0 ? at(last) : undefined;
}

/** Clamps d into the box and puts components within rounding of a bound exactly on it. */
function snap(d: Float64Array, lo: Float64Array, hi: Float64Array, radius: number): Float64Array {
  const tolerance = 1e-12 * radius;
  for (let i = 0; i < d.length; i++) {
    if (d[i] <= lo[i] + tolerance) d[i] = lo[i];
    else if (d[i] >= hi[i] - tolerance) d[i] = hi[i];
  }
  return d;
}

/** out = B v for the n × n row-major matrix B. */
function multiply(b: Float64Array, v: Float64Array, out: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += b[r * n + c] * v[c];
    out[r] = sum;
  }
}
