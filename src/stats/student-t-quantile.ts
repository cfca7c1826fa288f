import {fail} from "../errors.js";
import {normalQuantile} from "./normal-quantile.js";
import {bracketedRoot} from "../numeric/root.js";
import {tTestP} from "./student-t.js";

/**
 * The quantile of Student's t with ν degrees of freedom, R's `qt(p, df)`: the t with `P(T_ν ≤ t) = p`.
 *
 * Solved from the two-sided tail `tTestP` (the incomplete beta function) by a bracketed root search on
 * (0, ∞) for |t|, the bracket starting at the normal quantile (|t_ν(p)| ≥ |z(p)| for every ν) and doubling,
 * to a bracket of 4e-16 of its upper end: it agrees with R's `qt` to a few ulps for small ν and to 1e-12
 * (the accuracy of the tail) for ν near 1000. Infinite ν gives the normal quantile; p = ½ gives 0.
 *
 * Reference: Abramowitz & Stegun 26.7.1 (Student's t through the incomplete beta function); R's `qt`.
 *
 * @example
 *   studentTQuantile(0.975, 17); // 2.109815577833317
 *   studentTQuantile(0.025, Infinity); // -1.959963984540054
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) fail(`invalid probability ${p}; a probability is between 0 and 1`);
  if (Number.isNaN(df) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p === 0 || p === 1) return p === 0 ? -Infinity : Infinity;
  const z = normalQuantile(p);
  if (df === Infinity) return z;
  // the two-sided tail of |t|: 2 min(p, 1 − p)
  const tail = 2 * Math.min(p, 1 - p);
  const f = (t: number) => tTestP(t, df) - tail;
  const a = Math.abs(z);
  let b = Math.max(2 * a, 1);
  for (let k = 0; k < 2000 && f(b) > 0; k++) b *= 2;
  const t = bracketedRoot(f, a, b, 4e-16 * b);
  return p < 0.5 ? -t : t;
}
