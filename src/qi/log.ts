/**
 * The natural logarithm from IEEE-754 additions, multiplications and divisions only, so that it gives the
 * same double in every JavaScript engine. (`Math.log` is "implementation-approximated" in ECMAScript: V8,
 * SpiderMonkey and JavaScriptCore may differ in the last bit, which would make seeded normal draws differ
 * between Node and a browser.)
 */

const SQRT2 = 1.4142135623730951;
const SQRT1_2 = 0.7071067811865476;
/** ln 2 split so that `k · LN2_HI` is exact for |k| < 2¹¹ (the high part has 32 significant bits). */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** 1 / (2j + 1) for j = 1…11, the coefficients of the atanh series. */
const ODD = Array.from({length: 11}, (_, j) => 1 / (2 * j + 3));

/**
 * ln(x) for a finite x > 0 (NaN for x ≤ 0 or NaN; Infinity for Infinity), within about one ulp.
 *
 * The argument is reduced exactly by powers of two to x = m · 2^k with m in [1/√2, √2); then
 * ln m = 2 atanh(f) = 2 (f + f³/3 + f⁵/5 + …) with f = (m − 1)/(m + 1), |f| ≤ 0.1716, so the series is
 * below half an ulp after twelve terms; ln x = k ln 2 + ln m with ln 2 split in two for accuracy.
 * Every step is a correctly rounded IEEE operation, hence identical on every engine.
 *
 * Reference: Abramowitz & Stegun (1964), Handbook of Mathematical Functions, 4.1.27 (the series of
 * ln((1 + f)/(1 − f))); Muller (2016), Elementary Functions (3rd ed.), §11.2 (exact range reduction).
 *
 * @example
 *   portableLog(Math.E); // 1
 *   portableLog(0.5);    // -0.6931471805599453
 */
export function portableLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let m = x;
  let k = 0;
  // exact scaling: by 2³² while far below 1 (subnormals included), then by single powers of two
  while (m < 2.3283064365386963e-10) (m *= 4294967296), (k -= 32);
  while (m > 4294967296) (m /= 4294967296), (k += 32);
  while (m < SQRT1_2) (m *= 2), k--;
  while (m >= SQRT2) (m /= 2), k++;
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  let s = ODD[ODD.length - 1];
  for (let j = ODD.length - 2; j >= 0; j--) s = s * f2 + ODD[j];
  const lnm = 2 * f + 2 * f * f2 * s;
  return k * LN2_HI + (k * LN2_LO + lnm);
}
