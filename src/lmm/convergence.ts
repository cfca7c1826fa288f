import {EigenvalueDecomposition, Matrix} from "ml-matrix";

/**
 * Finite-difference gradient and Hessian of f at x by central differences with step `delta` (lme4's
 * `deriv12`, delta 1e-4). Parameters on their lower bound are held fixed (their rows are left out).
 * f is called at x first, then at x ± δeᵢ, then at the pairs. With `forwardPairs`, each off-diagonal entry
 * takes one evaluation instead of two: Hᵢⱼ = (f(x + δeᵢ + δeⱼ) − f₊ᵢ − f₊ⱼ + f(x))/δ², whose error is
 * δ(fᵢᵢⱼ + fᵢⱼⱼ)/2 — negligible where a unit is about one standard error and δ = 1e-3 (glmer's second
 * stage), where the central form's m(m − 1)/2 extra evaluations buy nothing.
 *
 * Reference: Nocedal & Wright, Numerical Optimization (2nd ed.), §8.1 (finite-difference derivatives);
 * Abramowitz & Stegun (1964), 25.3.26 (the forward mixed difference).
 *
 * @example
 *   const {gradient, hessian, value} = derivatives((x) => x[0] ** 2, Float64Array.of(1), [0]); // [2], [[2]], f(x) = 1
 */
export function derivatives(f: (x: Float64Array) => number, x: Float64Array, free: number[], delta = 1e-4, forwardPairs = false) {
  const m = free.length;
  const f0 = f(x);
  const at = (changes: [number, number][]) => {
    const y = x.slice();
    for (const [i, d] of changes) y[free[i]] += d;
    return f(y);
  };
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(m * m);
  const plus = new Float64Array(m), minus = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    plus[i] = at([[i, delta]]);
    minus[i] = at([[i, -delta]]);
    gradient[i] = (plus[i] - minus[i]) / (2 * delta);
    hessian[i * m + i] = (plus[i] - 2 * f0 + minus[i]) / (delta * delta);
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      const fpp = at([[i, delta], [j, delta]]);
      const h = forwardPairs
        ? (fpp - plus[i] - plus[j] + f0) / (delta * delta)
        : (fpp - plus[i] - plus[j] + 2 * f0 - minus[i] - minus[j] + at([[i, -delta], [j, -delta]])) / (2 * delta * delta);
      hessian[i * m + j] = hessian[j * m + i] = h;
    }
  }
  return {gradient, hessian, value: f0};
}

/**
 * lme4's convergence checks on the finite-difference derivatives: the gradient scaled by the Hessian's
 * Cholesky factor (tolerance 2e-3), a Hessian that is not positive definite, and a very large ratio of
 * its eigenvalues. Returns warnings, worded as lme4's, for the result.
 *
 * Derivatives that are not finite (the criterion overflows or is NaN next to θ̂) give lme4's two warnings
 * for that case instead ("unable to evaluate scaled gradient", "Problem with Hessian check"). Every
 * warning that starts "Model failed to converge" means the point is not shown to be a minimum
 * ({@link failedToConverge}).
 *
 * Reference: lme4's `checkConv` (lmerControl: check.conv.grad tol 2e-3, check.conv.hess tol 1e-6).
 *
 * @example
 *   convergenceWarnings(Float64Array.of(1e-7), Float64Array.of(2)); // []
 *   convergenceWarnings(Float64Array.of(NaN), Float64Array.of(2)); // ["Model failed to converge: unable to evaluate scaled gradient …", …]
 */
export function convergenceWarnings(gradient: Float64Array, hessian: Float64Array): string[] {
  const m = gradient.length;
  if (m === 0) return [];
  const warnings: string[] = [];
  if (!gradient.every(Number.isFinite) || !hessian.every(Number.isFinite)) {
    return [
      "Model failed to converge: unable to evaluate scaled gradient (the criterion is not finite near θ̂: rescale the variables or simplify the random effects)",
      "Problem with Hessian check (infinite or missing values?)"
    ];
  }
  const H = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H.set(i, j, hessian[i * m + j]);
  const eig = new EigenvalueDecomposition(H, {assumeSymmetric: true}).realEigenvalues;
  const negative = eig.filter((e) => e < 0).length;
  if (negative > 0) {
    warnings.push(`Model failed to converge: degenerate Hessian with ${negative} negative eigenvalue${negative > 1 ? "s" : ""}`);
    return warnings;
  }
  // scaled gradient: solve(chol(H), g), chol upper
  const Lh = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = hessian[i * m + j];
      for (let k = 0; k < j; k++) s -= Lh[i * m + k] * Lh[j * m + k];
      Lh[i * m + j] = i === j ? Math.sqrt(Math.max(s, 0)) : s / Lh[j * m + j];
    }
  }
  const scaled = gradient.slice();
  for (let i = m - 1; i >= 0; i--) {
    let s = scaled[i];
    for (let k = i + 1; k < m; k++) s -= Lh[k * m + i] * scaled[k];
    scaled[i] = s / Lh[i * m + i];
  }
  let worst = 0, at = 0;
  scaled.forEach((v, i) => {
    if (!(Math.abs(v) <= worst)) (worst = Math.abs(v)), (at = i);
  });
  if (!(worst < 2e-3)) {
    warnings.push(`Model failed to converge with max|grad| = ${worst.toPrecision(6)} (tol = 0.002, component ${at + 1})`);
  }
  const max = Math.max(...eig), min = Math.min(...eig);
  if (min / max < 1e-6) warnings.push("Model is nearly unidentifiable: very large eigenvalue ratio - Rescale variables?");
  return warnings;
}

/** Whether a warning from {@link convergenceWarnings} says the fit failed to converge. */
export const failedToConverge = (warning: string): boolean => warning.startsWith("Model failed to converge");
