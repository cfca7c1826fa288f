import {incompleteBeta} from "./incomplete-beta.js";
import {upperIncompleteGamma} from "./incomplete-gamma.js";

/**
 * The two-sided p-value of a t statistic with ν degrees of freedom: `2 P(T_ν < −|t|)`, as R's
 * `2 * pt(-abs(t), df)`.
 *
 * With x = ν/(ν + t²): `P(|T_ν| > |t|) = I_x(ν/2, ½)`. The complement `1 − x = t²/(ν + t²)` is passed
 * separately so that small |t| keeps full precision. Infinite ν gives the normal tail.
 *
 * Reference: Abramowitz & Stegun 26.7.1 and 26.5.27 (Student's t through the incomplete beta function).
 *
 * @example
 *   tTestP(2.0, 10); // 0.07338803
 *   tTestP(1.959963984540054, Infinity); // 0.05
 */
export function tTestP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (df === Infinity) return normalTwoSided(t);
  const t2 = t * t;
  return incompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/**
 * The lower-tail distribution function of Student's t, R's `pt(t, df)`.
 *
 * Reference: Abramowitz & Stegun 26.7.1.
 *
 * @example
 *   studentTCdf(-2, 10); // 0.03669402
 */
export function studentTCdf(t: number, df: number): number {
  const tail = tTestP(t, df) / 2;
  return t <= 0 ? tail : 1 - tail;
}

/**
 * Two-sided normal tail `2 Φ(−|z|) = erfc(|z|/√2) = Q(½, z²/2)`, the ν → ∞ limit of {@link tTestP}.
 *
 * Reference: DLMF 7.11.2 (erfc through the incomplete gamma function).
 */
function normalTwoSided(z: number): number {
  return upperIncompleteGamma(0.5, (z * z) / 2);
}
