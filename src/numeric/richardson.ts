/** Steps of the Richardson-extrapolated differences (numDeriv's defaults for `hessian`). */
import {pow} from "../math/index.js";
export interface RichardsonOptions {
  /** Initial step relative to |xᵢ| (default 0.1). */
  d?: number;
  /** Initial step where |xᵢ| is below `zeroTol` (default 1e-4). */
  eps?: number;
  /** Below this |xᵢ| counts as zero (default √(2.2e-16 / 7e-7) ≈ 1.8e-5). */
  zeroTol?: number;
  /** Number of step halvings combined (default 4). */
  r?: number;
}

/** Gradients and Hessians of each component of a vector-valued function at one point. */
export interface Derivatives {
  /** The components at x. */
  value: Float64Array;
  /** `gradient[c]`: the m first derivatives of component c. */
  gradient: Float64Array[];
  /** `hessian[c]`: the m × m second derivatives of component c, row-major. */
  hessian: Float64Array[];
}

const defaultZeroTol = Math.sqrt(2.220446049250313e-16 / 7e-7);

/**
 * Richardson's extrapolation of estimates made with steps h, h/2, h/4, …, whose errors are series in even
 * powers of the step: combining levels k and k + 1 by `(4ᵐ A_{k+1} − A_k)/(4ᵐ − 1)` cancels the h^{2m} term.
 * `levels[k]` holds the estimates at step h/2ᵏ; the result has the same shape.
 *
 * Reference: Richardson (1911), Phil. Trans. R. Soc. A 210, 307–357; Burden & Faires, Numerical Analysis,
 * §4.2.
 *
 * @example
 *   extrapolate([Float64Array.of(1.1), Float64Array.of(1.025)]); // [1] for errors 0.4h² at h = ½, ¼
 */
export function extrapolate(levels: Float64Array[]): Float64Array {
  let current = levels;
  for (let m = 1; current.length > 1; m++) {
    const f = pow(4, m);
    const previous = current;
    current = previous.slice(1).map((fine, k) => fine.map((v, i) => (f * v - previous[k][i]) / (f - 1)));
  }
  return current[0];
}

/**
 * First and second derivatives of every component of f at x from one stencil of central differences at
 * steps h, h/2, …, h/2^{r−1} (hᵢ = d |xᵢ|, or eps at zero, as numDeriv), Richardson-extrapolated:
 *
 * - `∂ᵢf ≈ (f(x + hᵢeᵢ) − f(x − hᵢeᵢ)) / (2hᵢ)`;
 * - `∂ᵢ²f ≈ (f(x + hᵢeᵢ) − 2f(x) + f(x − hᵢeᵢ)) / hᵢ²`;
 * - `∂ᵢ∂ⱼf ≈ (f(x + hᵢeᵢ + hⱼeⱼ) + f(x − hᵢeᵢ − hⱼeⱼ) − f(x + hᵢeᵢ) − f(x − hᵢeᵢ) − f(x + hⱼeⱼ) − f(x − hⱼeⱼ) + 2f(x)) / (2hᵢhⱼ)`.
 *
 * Each is a sum of terms even in the step, so its error is a series in h², which the extrapolation removes
 * two orders at a time. Costs `r (m² + m) + 1` evaluations for m parameters, shared by all components.
 *
 * Reference: Richardson (1911); Abramowitz & Stegun 25.3.23 and 25.3.27 (the difference formulas);
 * Gilbert & Varadhan, numDeriv (R package), `genD` (the steps and the extrapolation lmerTest relies on).
 *
 * @example
 *   const {gradient, hessian} = richardsonDerivatives((x) => Float64Array.of(x[0] ** 2 * x[1]), [1, 2]);
 *   // gradient[0] ≈ [4, 1], hessian[0] ≈ [4, 2, 2, 0]
 */
export function richardsonDerivatives(f: (x: Float64Array) => Float64Array, x: ArrayLike<number>, options: RichardsonOptions = {}): Derivatives {
  const {d = 0.1, eps = 1e-4, zeroTol = defaultZeroTol, r = 4} = options;
  const m = x.length;
  const x0 = Float64Array.from(x);
  const f0 = f(x0);
  const c = f0.length;
  const h0 = Float64Array.from(x0, (v) => (Math.abs(v) < zeroTol ? eps : d * Math.abs(v)));
  const at = (i: number, hi: number, j = -1, hj = 0) => {
    const y = x0.slice();
    y[i] += hi;
    if (j >= 0) y[j] += hj;
    return f(y);
  };
  const gradLevels: Float64Array[] = [];
  const hessLevels: Float64Array[] = [];
  for (let level = 0; level < r; level++) {
    const h = h0.map((v) => v / pow(2, level));
    const plus = Array.from(h, (hi, i) => at(i, hi));
    const minus = Array.from(h, (hi, i) => at(i, -hi));
    // component-major: gradient[comp * m + i], hessian[comp * m * m + i * m + j]
    const G = new Float64Array(c * m);
    const H = new Float64Array(c * m * m);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < c; k++) {
        G[k * m + i] = (plus[i][k] - minus[i][k]) / (2 * h[i]);
        H[k * m * m + i * m + i] = (plus[i][k] - 2 * f0[k] + minus[i][k]) / (h[i] * h[i]);
      }
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < i; j++) {
        const pp = at(i, h[i], j, h[j]), mm = at(i, -h[i], j, -h[j]);
        for (let k = 0; k < c; k++) {
          const v = (pp[k] + mm[k] - plus[i][k] - minus[i][k] - plus[j][k] - minus[j][k] + 2 * f0[k]) / (2 * h[i] * h[j]);
          H[k * m * m + i * m + j] = H[k * m * m + j * m + i] = v;
        }
      }
    }
    gradLevels.push(G);
    hessLevels.push(H);
  }
  const G = extrapolate(gradLevels), H = extrapolate(hessLevels);
  return {
    value: f0,
    gradient: Array.from({length: c}, (_, k) => G.slice(k * m, (k + 1) * m)),
    hessian: Array.from({length: c}, (_, k) => H.slice(k * m * m, (k + 1) * m * m))
  };
}

/**
 * The Hessian of a scalar f at x ({@link richardsonDerivatives} of one component), m × m row-major.
 *
 * Reference: as {@link richardsonDerivatives}.
 *
 * @example
 *   richardsonHessian((x) => x[0] ** 2 * x[1], [1, 2]); // ≈ [4, 2, 2, 0]
 */
export function richardsonHessian(f: (x: Float64Array) => number, x: ArrayLike<number>, options: RichardsonOptions = {}): Float64Array {
  return richardsonDerivatives((y) => Float64Array.of(f(y)), x, options).hessian[0];
}
