/** The likelihood profile of one parameter: ζ as a function of its value. */
export interface ParameterProfile {
  name: string;
  /** The ML estimate (a glmer fit's: at the minimum of its Laplace or quadrature deviance). */
  estimate: number;
  /** `ζ(v) = sign(v − v̂) √(d(v) − d̂)`, d(v) the ML (or glmer's) deviance minimised with the parameter fixed at v. */
  zeta: (value: number) => number;
  /** The parameter's bounds (sd ≥ 0, −1 ≤ cor ≤ 1, σ > 0, β free). */
  lower: number;
  upper: number;
}
