import type {LinearMixedModel} from "../lmm/model.js";
import {richardsonDerivatives} from "../numeric/richardson.js";
import {fail} from "../errors.js";
import {aboveTolerance, pseudoInverse} from "../numeric/pseudo-inverse.js";
import {thetaPieces} from "./varpar-deviance.js";

/** What the Satterthwaite approximation needs from a fit, as lmerTest computes it once per model. */
export interface VarparCovariance {
  /** The variance parameters at the estimates: `(θ̂, σ̂)`. */
  varpar: Float64Array;
  /** The Hessian of the deviance −2 log L(θ, σ) at `varpar` (k × k row-major, k = length of θ + 1). */
  hessian: Float64Array;
  /** `A = 2 H⁺`: the asymptotic covariance of the variance parameters (k × k row-major). */
  covariance: Float64Array;
  /** Var(β̂) = σ̂² (R_XᵀR_X)⁻¹ (p × p row-major). */
  vcov: Float64Array;
  /** `jacobian[i]` = ∂Var(β̂)/∂varparᵢ (p × p row-major). */
  jacobian: Float64Array[];
  /** Eigenvalues of the Hessian, largest first. */
  eigenvalues: number[];
  /** lmerTest's warnings about a Hessian that is not positive definite. */
  warnings: string[];
}

/** The parts of a fitted model used here. */
export type VarparModel = Pick<LinearMixedModel, "structure" | "theta" | "sigma" | "REML">;

const EIGEN_TOL = 1e-8;
const cache = new WeakMap<object, VarparCovariance>();

/**
 * The asymptotic covariance of the variance parameters and the derivatives of Var(β̂) with respect to them,
 * the ingredients of Satterthwaite's degrees of freedom, as lmerTest defines them. With
 * `D(θ, σ) = a(θ) + ν log(2πσ²) + r²(θ)/σ²` the (REML or ML, as fitted) deviance before profiling σ
 * (`a = log|L_θ|² [+ log|R_X|²]`, ν = n − p or n; see {@link varparDeviance}) and `C = σ² (R_XᵀR_X)⁻¹`:
 *
 * - `∂²D/∂θ∂θ = ∇²a + ∇²r²/σ²`, `∂²D/∂θ∂σ = −2∇r²/σ³`, `∂²D/∂σ² = 6r²/σ⁴ − 2ν/σ²`, the θ derivatives by
 *   Richardson-extrapolated central differences (lmerTest differentiates all of D with numDeriv; the σ
 *   parts are exact here); `A = 2 H⁻¹` (Moore–Penrose over eigenvalues above 1e-8, as lmerTest);
 * - `∂C/∂θᵢ = σ² ∂(R_XᵀR_X)⁻¹/∂θᵢ` from the same differences, and `∂C/∂σ = 2σ (R_XᵀR_X)⁻¹` exactly.
 *
 * One factorization per stencil point serves all of them: `4 (m² + m) + 1` for m θ parameters. Computed
 * once per model and cached.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), "lmerTest package: tests in linear mixed effects
 * models", JSS 82(13), §3.1 (A as twice the inverse Hessian of the deviance in (θ, σ), the Jacobian of
 * Var(β̂)); Satterthwaite (1946), Biometrics Bulletin 2(6), 110–114; Bates et al. (2015), JSS 67(1), eq. 32.
 *
 * @example
 *   const {covariance, jacobian} = varparCovariance(model);
 */
export function varparCovariance(model: VarparModel): VarparCovariance {
  const hit = cache.get(model);
  if (hit) return hit;
  const {structure, sigma, REML} = model;
  const theta = Float64Array.from(model.theta);
  const m = theta.length, k = m + 1;
  const s2 = sigma * sigma;
  const nu = structure.frame.n - (REML ? structure.A.nFixed : 0);
  const pieces = thetaPieces(structure, REML);
  // component 0: D(θ, σ̂) up to a constant; 1: r²(θ); then (R_XᵀR_X)⁻¹
  const d = richardsonDerivatives((t) => {
    const v = pieces(t);
    v[0] += v[1] / s2;
    return v;
  }, theta);
  const r2 = d.value[1];

  const hessian = new Float64Array(k * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) hessian[i * k + j] = d.hessian[0][i * m + j];
    hessian[i * k + m] = hessian[m * k + i] = (-2 * d.gradient[1][i]) / (s2 * sigma);
  }
  hessian[m * k + m] = (6 * r2) / (s2 * s2) - (2 * nu) / s2;
  for (let i = 0; i < k * k; i++) {
    if (!Number.isFinite(hessian[i])) {
      fail(
        `the Hessian of the deviance in the variance parameters is not finite at the estimates (entry ${i + 1} is ${hessian[i]}), ` +
          "so the degrees of freedom cannot be computed; rescale the variables or simplify the random effects"
      );
    }
  }
  const {inverse, eigenvalues} = pseudoInverse(hessian, k, aboveTolerance(EIGEN_TOL));
  const covariance = inverse.map((v) => 2 * v);

  const V = d.value.slice(2);
  const vcov = V.map((v) => s2 * v);
  const jacobian = [
    ...Array.from({length: m}, (_, i) => Float64Array.from(d.gradient.slice(2), (g) => s2 * g[i])),
    V.map((v) => 2 * sigma * v)
  ];

  const warnings: string[] = [];
  const negative = eigenvalues.filter((e) => e < -EIGEN_TOL);
  const zero = eigenvalues.filter((e) => Math.abs(e) <= EIGEN_TOL);
  const list = (xs: number[]) => xs.map((e) => e.toExponential(1)).join(" ");
  if (negative.length) warnings.push(`Model failed to converge with ${negative.length} negative eigenvalue${negative.length > 1 ? "s" : ""}: ${list(negative)}`);
  if (zero.length) warnings.push(`Model may not have converged with ${zero.length} eigenvalue${zero.length > 1 ? "s" : ""} close to zero: ${list(zero)}`);
  const result = {varpar: Float64Array.of(...theta, sigma), hessian, covariance, vcov, jacobian, eigenvalues, warnings};
  cache.set(model, result);
  return result;
}
