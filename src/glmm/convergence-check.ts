/**
 * lme4's convergence checks of a glmer fit, on the finite-difference gradient and Hessian of the deviance in
 * (θ, β) at the estimates (the ones Var(β̂) comes from): warnings on the result, worded as lme4's.
 */
import {EigenvalueDecomposition, Matrix} from "ml-matrix";

/** lme4's tolerance check.conv.hess (eigenvalues). */
const HESSIAN_TOL = 1e-6;

/**
 * The warnings of lme4's `checkConv` for a GLMM: a Hessian with negative eigenvalues ("degenerate Hessian"); else
 * the largest eigenvalue above 1/tol ("very large eigenvalue") or the ratio of the smallest to the largest below
 * tol ("large eigenvalue ratio"), each "nearly unidentifiable — rescale variables". H and g are over the free
 * parameters (m × m row-major, m); g only says whether the derivatives are finite. lme4's scaled-gradient check
 * (solve(chol(H), g) against 2e-3) is left out: the optimum is BOBYQA's to 1e-6 in coordinates where the
 * deviance is ‖y‖² (coordinates.ts), a far finer test, while the finite-difference gradient along the weak
 * directions of a nearly unidentifiable model is noise that the scaling amplifies (voteincome's age in years:
 * 0.014 at the optimum, where lme4 reports no gradient warning).
 *
 * Reference: lme4's `checkConv` and `glmerControl` (check.conv.grad, check.conv.hess); Bates et al. (2015), JSS
 * 67(1), §5.
 *
 * @example
 *   glmerConvergenceWarnings(Float64Array.of(1e-7), Float64Array.of(2)); // []
 *   glmerConvergenceWarnings(Float64Array.of(0), Float64Array.of(4e6)); // ["Model is nearly unidentifiable: very large eigenvalue - Rescale variables?"]
 */
export function glmerConvergenceWarnings(gradient: Float64Array, hessian: Float64Array): string[] {
  const m = gradient.length;
  if (m === 0) return [];
  if (!gradient.every(Number.isFinite) || !hessian.every(Number.isFinite)) {
    return ["Model failed to converge: unable to evaluate scaled gradient (the deviance is not finite next to the estimates)", "Problem with Hessian check (infinite or missing values?)"];
  }
  const H = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H.set(i, j, (hessian[i * m + j] + hessian[j * m + i]) / 2);
  const eig = new EigenvalueDecomposition(H, {assumeSymmetric: true}).realEigenvalues;
  const negative = eig.filter((e) => e < -HESSIAN_TOL).length;
  if (negative > 0) return [`Model failed to converge: degenerate Hessian with ${negative} negative eigenvalue${negative > 1 ? "s" : ""}`];
  const warnings: string[] = [];
  const max = Math.max(...eig), min = Math.min(...eig);
  if (max * HESSIAN_TOL > 1) warnings.push("Model is nearly unidentifiable: very large eigenvalue - Rescale variables?");
  if (min / max < HESSIAN_TOL) warnings.push("Model is nearly unidentifiable: large eigenvalue ratio - Rescale variables?");
  return warnings;
}
