/**
 * sin and cos on [−π/4, π/4] (a hair more), for an argument r = hi + lo given as a double-double, from
 * IEEE-754 operations only. The reductions of sin and cos bring every argument here.
 */

/** (−1)ʲ/(2j + 1)! for j = 1…9 (sin's Taylor coefficients after r). */
const SIN: number[] = [];
/** (−1)ʲ/(2j)! for j = 2…10 (cos's Taylor coefficients after 1 − r²/2). */
const COS: number[] = [];
{
  let f = 1;
  for (let n = 1; n <= 20; n++) {
    f *= n;
    if (n % 2 === 1 && n >= 3) SIN.push((n % 4 === 3 ? -1 : 1) / f);
    if (n % 2 === 0 && n >= 4) COS.push((n % 4 === 0 ? 1 : -1) / f);
  }
}

function horner(c: number[], z: number): number {
  let s = c[c.length - 1];
  for (let j = c.length - 2; j >= 0; j--) s = s * z + c[j];
  return s;
}

/**
 * sin(hi + lo) for |hi| ≤ π/4 + 2⁻⁵⁰, |lo| ≤ ulp(hi): hi + (hi·z·S(z) + lo·(1 − z/2)), z = hi², S the Taylor
 * series through r¹⁹/19! (remainder below 2⁻⁶⁰ relative). The correction is below 11% of hi, so the result is
 * within about 0.55 ulp.
 *
 * Reference: Abramowitz & Stegun (1964), 4.3.65 (the series); Muller (2016), Elementary Functions (3rd ed.),
 * §11.4 (a reduced argument carried as two doubles).
 *
 * @example
 *   sinKernel(0.5, 0); // 0.479425538604203
 */
export function sinKernel(hi: number, lo: number): number {
  const z = hi * hi;
  return hi + (hi * z * horner(SIN, z) + lo * (1 - 0.5 * z));
}

/**
 * cos(hi + lo) for |hi| ≤ π/4 + 2⁻⁵⁰: 1 − z/2 with z = hi² exact (a double-double) and the subtraction from 1
 * exact (two-sum), plus z²·C(z) − hi·lo, C the Taylor series through r²⁰/20!; within about 0.55 ulp.
 *
 * Reference: Abramowitz & Stegun (1964), 4.3.66.
 *
 * @example
 *   cosKernel(0.5, 0); // 0.8775825618903728
 */
export function cosKernel(hi: number, lo: number): number {
  // twoProduct(hi, hi) and quickTwoSum(1, −zh/2) written out (the same operations, no arrays)
  const zh = hi * hi;
  const t = SPLITTER * hi;
  const h = t - (t - hi);
  const l = hi - h;
  const zl = h * h - zh + h * l + l * h + l * l;
  const b = -0.5 * zh;
  const a = 1 + b;
  const e = b - (a - 1);
  return a + (e - 0.5 * zl + zh * zh * horner(COS, zh) - hi * lo);
}

/** Veltkamp's splitting constant (as in double-double.ts). */
const SPLITTER = 134217729;
