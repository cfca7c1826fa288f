/**
 * The finite-difference gradient and Hessian of glmer's deviance in the second stage's coordinates, with one
 * evaluation per pair of coordinates instead of two.
 */

/**
 * The gradient (central differences) and Hessian of f at x over the coordinates `free`, step h, from
 * 1 + 2m + m(m − 1)/2 evaluations (m = free.length): f(x), f(x ± h eᵢ), and f(x + h eᵢ + h eⱼ) for i > j.
 * gᵢ = (f₊ᵢ − f₋ᵢ)/2h and Hᵢᵢ = (f₊ᵢ − 2f₀ + f₋ᵢ)/h² (errors O(h²)); Hᵢⱼ = (f₊ᵢ₊ⱼ − f₊ᵢ − f₊ⱼ + f₀)/h², whose
 * error is h(fᵢᵢⱼ + fᵢⱼⱼ)/2. In coordinates where a unit is about one standard error (coordinates.ts) the
 * third derivatives are small and h = 1e-3, so that error is far below the 1e-3 of a standard error that
 * matters, while lme4's central form (deriv12) would spend m(m − 1)/2 more evaluations to remove it.
 * `f` is called in the order above (centre first), which the stencil's mode predictions rely on.
 *
 * Reference: Abramowitz & Stegun (1964), Handbook of Mathematical Functions, 25.3.26 (the forward mixed
 * difference); Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §8.1; lme4's `deriv12`.
 *
 * @example
 *   const {gradient, hessian, value} = stencilDerivatives(f, y, [0, 1, 2], 1e-3);
 */
export function stencilDerivatives(f: (x: Float64Array) => number, x: Float64Array, free: number[], h: number): {gradient: Float64Array; hessian: Float64Array; value: number} {
  const m = free.length;
  const value = f(x);
  const at = (steps: [number, number][]) => {
    const y = x.slice();
    for (const [i, d] of steps) y[free[i]] += d;
    return f(y);
  };
  const plus = new Float64Array(m), minus = new Float64Array(m);
  const gradient = new Float64Array(m), hessian = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    plus[i] = at([[i, h]]);
    minus[i] = at([[i, -h]]);
    gradient[i] = (plus[i] - minus[i]) / (2 * h);
    hessian[i * m + i] = (plus[i] - 2 * value + minus[i]) / (h * h);
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      hessian[i * m + j] = hessian[j * m + i] = (at([[i, h], [j, h]]) - plus[i] - plus[j] + value) / (h * h);
    }
  }
  return {gradient, hessian, value};
}
