import {EigenvalueDecomposition, Matrix} from "ml-matrix";
import {fail} from "../errors.js";

/**
 * The Moore–Penrose inverse of a symmetric matrix from its eigen-decomposition `H = Σ λᵢ vᵢvᵢᵀ`:
 * `H⁺ = Σ_{λᵢ > tol} vᵢvᵢᵀ/λᵢ`, keeping only eigenvalues above `tol` (lmerTest's treatment of the
 * Hessian of the variance parameters: near-zero and negative directions are dropped). Also returns the
 * eigenvalues, so that a caller can report a Hessian that is not positive definite. A Hessian with a
 * value that is not finite is refused (an LmmError saying why), not decomposed.
 *
 * Reference: Golub & Van Loan (2013), Matrix Computations (4th ed.), §5.5.2 (the pseudo-inverse) and §8.1
 * (the symmetric eigenproblem); Kuznetsova et al. (2017), JSS 82(13), §3.1.
 *
 * @example
 *   pseudoInverse(Float64Array.of(2, 0, 0, 0), 2).inverse; // [0.5, 0, 0, 0]
 */
export function pseudoInverse(H: ArrayLike<number>, k: number, tol = 1e-8): {inverse: Float64Array; eigenvalues: number[]} {
  for (let i = 0; i < k * k; i++) {
    if (!Number.isFinite(H[i])) {
      fail(
        `the Hessian of the deviance in the variance parameters is not finite at the estimates (entry ${i + 1} is ${H[i]}), ` +
          "so the degrees of freedom cannot be computed; rescale the variables or simplify the random effects"
      );
    }
  }
  const M = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) M.set(i, j, (H[i * k + j] + H[j * k + i]) / 2);
  const e = new EigenvalueDecomposition(M, {assumeSymmetric: true});
  const values = e.realEigenvalues;
  const V = e.eigenvectorMatrix;
  const inverse = new Float64Array(k * k);
  values.forEach((lambda, c) => {
    if (!(lambda > tol)) return;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) inverse[i * k + j] += (V.get(i, c) * V.get(j, c)) / lambda;
  });
  return {inverse, eigenvalues: values.slice().sort((a, b) => b - a)};
}
