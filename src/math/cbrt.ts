/**
 * The cube root from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.cbrt` is "implementation-approximated" in ECMAScript).
 */
import {ddMul, ddSub, type DD} from "./double-double.js";
import {expDD} from "./exp.js";
import {logDD} from "./log.js";
import {scale, significand} from "./bits.js";

const exponent = [0];

/**
 * ∛x for every double (negative x included: ∛(−x) = −∛x), within one ulp of the exact value; ±0, ±Infinity
 * and NaN are returned as they are.
 *
 * |x| = m·2^(3j) exactly with m in [1, 8), y₀ = e^(ln m / 3) (within an ulp), one Newton step
 * y = y₀ − (y₀³ − m)/(3y₀²) with the residual y₀³ − m exact in double-double, then ·2^j exactly.
 *
 * Reference: Muller (2016), Elementary Functions (3rd ed.), §5.3 (Newton's iteration for roots).
 *
 * @example
 *   cbrt(27);   // 3
 *   cbrt(-8);   // -2
 *   cbrt(1000); // 10
 */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const m0 = significand(Math.abs(x), exponent);
  const e = exponent[0];
  const r = ((e % 3) + 3) % 3;
  const j = (e - r) / 3;
  const m = m0 * (1 << r);
  const l = logDD(m);
  const y0 = expDD([l[0] / 3, l[1] / 3]);
  const y0dd: DD = [y0, 0];
  const residual = ddSub(ddMul(ddMul(y0dd, y0dd), y0dd), [m, 0]);
  const y = y0 - residual[0] / (3 * y0 * y0);
  return (x < 0 ? -1 : 1) * scale(y, j);
}
