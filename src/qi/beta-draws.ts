import {fail} from "../errors.js";
import {cholesky} from "../linalg/cholesky.js";
import type {QiModel} from "./qi-model.js";
import type {RandomSource} from "../stats/random.js";

const factors = new WeakMap<QiModel, Float64Array>();

/**
 * The lower Cholesky factor C of Var(β̂) (C Cᵀ = `model.vcov`), p × p row-major, cached per model.
 *
 * Reference: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.5.
 *
 * @example
 *   vcovFactor(m)[0]; // √Var(β̂₀)
 */
export function vcovFactor(model: QiModel): Float64Array {
  let C = factors.get(model);
  if (C) return C;
  const p = model.beta.length;
  C = new Float64Array(p * p);
  model.vcov.forEach((row, a) => row.forEach((v, b) => (C![a * p + b] = v)));
  if (!cholesky(C, p)) fail("Var(β̂) is not positive definite, so β cannot be simulated; check the fit's warnings (aliased or badly scaled columns)");
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) C[a * p + b] = 0;
  factors.set(model, C);
  return C;
}

/**
 * `n` draws of β ~ N(β̂, Var(β̂)), draw-major (`n × p`): β = β̂ + C z with z ~ N(0, I_p) and C the Cholesky
 * factor of Var(β̂); the normals are taken draw by draw, coefficient by coefficient.
 *
 * Reference: King, Tomz & Wittenberg (2000), AJPS 44(2), 347–361 (simulating the parameters from their
 * asymptotic sampling distribution); Gentle (2003), Random Number Generation and Monte Carlo Methods (2nd
 * ed.), §5.3.1 (multivariate normal through the Cholesky factor).
 *
 * @example
 *   const B = drawBeta(m, 1000, randomSource(7)); // Float64Array(1000 × 4)
 */
export function drawBeta(model: QiModel, n: number, random: RandomSource): Float64Array {
  const p = model.beta.length;
  const C = vcovFactor(model);
  const beta = model.beta;
  const out = new Float64Array(n * p);
  const z = new Float64Array(p);
  for (let d = 0; d < n; d++) {
    for (let a = 0; a < p; a++) z[a] = random.normal();
    for (let a = 0; a < p; a++) {
      let s = beta[a];
      for (let c = 0; c <= a; c++) s += C[a * p + c] * z[c];
      out[d * p + a] = s;
    }
  }
  return out;
}
