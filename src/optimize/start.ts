/**
 * The first interpolation points of BOBYQA (Powell 2009, section 2): x0 and, along each coordinate
 * direction, two more points at distances about ρ, so the first quadratic model has central differences
 * for its gradient and a diagonal Hessian.
 *
 * Before that, each coordinate of x0 that lies strictly between a bound and ρ from it is moved onto the
 * bound (when within ½ρ of it) or to ρ from it, as Powell does, so that every coordinate is either on a
 * bound or at least ρ inside both. A coordinate on its lower bound gets the points x0 + ρe_i and
 * x0 + 2ρe_i, one on its upper bound x0 − ρe_i and x0 − 2ρe_i, any other x0 ± ρe_i.
 *
 * Reference: M. J. D. Powell (2009), "The BOBYQA algorithm for bound constrained optimization without
 * derivatives", DAMTP 2009/NA06, section 2.
 *
 * @example
 *   shiftStart(Float64Array.of(0.05, 1), Float64Array.of(0, 0), Float64Array.of(9, 9), 0.2); // [0, 1]
 *   axisSteps(0, 0, Infinity, 0.2); // [0.2, 0.4]
 */

/** x0 moved so that each coordinate is on a bound or at least `rho` from both (needs upper − lower ≥ 2 rho). */
export function shiftStart(x0: Float64Array, lower: Float64Array, upper: Float64Array, rho: number): Float64Array {
  const x = Float64Array.from(x0);
  for (let i = 0; i < x.length; i++) {
    if (x[i] - lower[i] < rho) x[i] = x[i] - lower[i] <= 0.5 * rho ? lower[i] : lower[i] + rho;
    else if (upper[i] - x[i] < rho) x[i] = upper[i] - x[i] <= 0.5 * rho ? upper[i] : upper[i] - rho;
  }
  return x;
}

/**
 * The two displacements along coordinate i from `x` (value `xi`, bounds `a` and `b`) for points of the
 * initial set at scale `rho`: (ρ, −ρ) with room on both sides, else both towards the roomier side
 * (ρ, 2ρ) or (−ρ, −2ρ), else as far as the bounds allow, up to ρ, on either side.
 */
export function axisSteps(xi: number, a: number, b: number, rho: number): [number, number] {
  const up = b - xi;
  const down = xi - a;
  if (up >= rho && down >= rho) return [rho, -rho];
  if (up >= 2 * rho) return [rho, 2 * rho];
  if (down >= 2 * rho) return [-rho, -2 * rho];
  return [Math.min(up, rho), -Math.min(down, rho)];
}

/** Places xi + step in the box, landing exactly on a bound when the step reaches it. */
export function moveTo(xi: number, step: number, a: number, b: number): number {
  if (step >= b - xi) return b;
  if (step <= a - xi) return a;
  return xi + step;
}
