import {EigenvalueDecomposition, Matrix} from "ml-matrix";

/**
 * Which eigenvalues of a symmetric matrix a pseudo-inverse keeps: given all of them, the test for one.
 * Two rules are in use: {@link aboveTolerance} (lmerTest's, for the Hessian of the variance parameters) and
 * {@link PBKRTEST_RULE} (pbkrtest's, for Kenward–Roger's information matrix).
 */
export type PseudoInverseRule = (eigenvalues: readonly number[]) => (lambda: number) => boolean;

/**
 * lmerTest's rule: keep the eigenvalues above `tol` (near-zero and negative directions are dropped).
 *
 * @example
 *   aboveTolerance(1e-8)([2, 1e-12])(1e-12); // false
 */
export function aboveTolerance(tol = 1e-8): PseudoInverseRule {
  return () => (lambda) => lambda > tol;
}

/**
 * pbkrtest's rule: the inverse itself (every eigenvalue kept, negative ones too) unless the smallest eigenvalue
 * in absolute value is at most 1e-10; then the Moore–Penrose inverse, keeping the eigenvalues above √ε times
 * the largest in absolute value.
 *
 * @example
 *   PBKRTEST_RULE([2, -1])(-1); // true: not singular, an ordinary inverse
 */
export const PBKRTEST_RULE: PseudoInverseRule = (values) => {
  const largest = Math.max(...values.map(Math.abs));
  const singular = Math.min(...values.map(Math.abs)) <= 1e-10;
  const tol = singular ? Math.sqrt(Number.EPSILON) * largest : 0;
  return (lambda) => !singular || Math.abs(lambda) > tol;
};

/**
 * The pseudo-inverse of a symmetric k × k matrix (row-major; symmetrized as `(H + Hᵀ)/2` first) from its
 * eigen-decomposition `H = Σ λᵢ vᵢvᵢᵀ`: `H⁺ = Σ vᵢvᵢᵀ/λᵢ` over the eigenvalues `rule` keeps (by default
 * lmerTest's, {@link aboveTolerance}). Also returns the eigenvalues, largest first, so that a caller can report
 * a matrix that is not positive definite.
 *
 * Reference: Golub & Van Loan (2013), Matrix Computations (4th ed.), §5.5.2 (the pseudo-inverse) and §8.1
 * (the symmetric eigenproblem); Kuznetsova et al. (2017), JSS 82(13), §3.1; Halekoh & Højsgaard (2014),
 * JSS 59(9), §3 (pbkrtest).
 *
 * @example
 *   pseudoInverse(Float64Array.of(2, 0, 0, 0), 2).inverse; // [0.5, 0, 0, 0]
 */
export function pseudoInverse(H: ArrayLike<number>, k = Math.round(Math.sqrt(H.length)), rule: PseudoInverseRule = aboveTolerance()): {inverse: Float64Array; eigenvalues: number[]} {
  const M = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) M.set(i, j, (H[i * k + j] + H[j * k + i]) / 2);
  const e = new EigenvalueDecomposition(M, {assumeSymmetric: true});
  const values = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const keep = rule(values);
  const inverse = new Float64Array(k * k);
  values.forEach((lambda, c) => {
    if (!keep(lambda)) return;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) inverse[i * k + j] += (V.get(i, c) * V.get(j, c)) / lambda;
  });
  return {inverse, eigenvalues: values.slice().sort((a, b) => b - a)};
}
