import {Matrix, inverse} from "ml-matrix";
import type {KenwardRogerCovariance} from "./kenward-roger-covariance.js";

/** Kenward and Roger's moments of the Wald statistic of one hypothesis. */
export interface KenwardRogerMoments {
  /** The number of rows of L (of full row rank). */
  q: number;
  A1: number;
  A2: number;
  /** The denominator degrees of freedom m. */
  ddf: number;
  /** The factor λ that scales the F statistic: `m(1 − A₂/q)/(m − 2)`, 1 when m is within 0.01 of 2. */
  scaling: number;
}

/**
 * Kenward and Roger's moments for the hypothesis `Lβ = 0` (L of full row rank q): with `Θ = Lᵀ(LΦLᵀ)⁻¹L` and
 * `u_r = ΘΦP_rΦ`, `A₁ = Σ_rs W_rs tr(u_r) tr(u_s)`, `A₂ = Σ_rs W_rs tr(u_r u_s)`, `B = (A₁ + 6A₂)/(2q)`,
 * `g = ((q + 1)A₁ − (q + 4)A₂)/((q + 2)A₂)`, `c₁ = g/(3q + 2(1 − g))`, `c₂ = (q − g)/(3q + 2(1 − g))`,
 * `c₃ = (q + 2 − g)/(3q + 2(1 − g))`; `V₀ = 1 + c₁B` (0 below 1e-10), `V₁ = 1 − c₂B`, `V₂ = 1 − c₃B`,
 * `ρ = (1/q)((1 − A₂/q)/V₁)² V₀/V₂` (the ratio taken as 1 when both are below 1e-14), `m = 4 + (q + 2)/(qρ − 1)`
 * and the scaling `λ = m(1 − A₂/q)/(m − 2)` (1 when |m − 2| < 0.01), as pbkrtest's `.KR_adjust`.
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3), 983–997, §4 (A₁, A₂, E*, V*, ρ, m and λ); Halekoh &
 * Højsgaard (2014), JSS 59(9), §3.
 *
 * @example
 *   kenwardRogerMoments(kenwardRogerCovariance(model), [[0, 1]]).ddf; // 17 for Days in sleepstudy (Days | Subject)
 */
export function kenwardRogerMoments(kr: Pick<KenwardRogerCovariance, "vcov" | "P" | "W">, L: readonly (readonly number[])[]): KenwardRogerMoments {
  const phi = kr.vcov;
  const Lm = new Matrix(L.map((row) => Array.from(row)));
  const q = Lm.rows;
  const theta = Lm.transpose().mmul(inverse(Lm.mmul(phi).mmul(Lm.transpose()))).mmul(Lm);
  const u = kr.P.map((P) => theta.mmul(phi).mmul(P).mmul(phi));
  const traces = u.map((m) => m.trace());
  let A1 = 0, A2 = 0;
  for (let r = 0; r < u.length; r++) {
    for (let s = 0; s < u.length; s++) {
      const w = kr.W.get(r, s);
      A1 += w * traces[r] * traces[s];
      let t = 0;
      for (let i = 0; i < u[r].rows; i++) for (let j = 0; j < u[r].columns; j++) t += u[r].get(i, j) * u[s].get(j, i);
      A2 += w * t;
    }
  }
  const B = (A1 + 6 * A2) / (2 * q);
  const g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const d = 3 * q + 2 * (1 - g);
  const [c1, c2, c3] = [g / d, (q - g) / d, (q + 2 - g) / d];
  let V0 = 1 + c1 * B;
  if (Math.abs(V0) < 1e-10) V0 = 0;
  const V1 = 1 - c2 * B, V2 = 1 - c3 * B;
  const ratio = Math.abs(1 - A2 / q) < 1e-14 && Math.abs(V1) < 1e-14 ? 1 : (1 - A2 / q) / V1;
  const rho = (ratio * ratio * V0) / (q * V2);
  const ddf = 4 + (q + 2) / (q * rho - 1);
  const scaling = Math.abs(ddf - 2) < 0.01 ? 1 : (ddf * (1 - A2 / q)) / (ddf - 2);
  return {q, A1, A2, ddf, scaling};
}
