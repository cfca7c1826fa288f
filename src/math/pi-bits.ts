/**
 * π and 2/π to 1,300 bits in BigInt fixed point, for reducing huge arguments of sin and cos exactly
 * (Payne & Hanek's reduction needs the bits of 2/π as far as 2⁻¹¹⁰⁰ for arguments up to 2¹⁰²⁴). Computed
 * once, on first use, with integer arithmetic only.
 *
 * References: Machin's formula π = 16 atan(1/5) − 4 atan(1/239), each arctangent by its alternating series
 * atan(1/q) = Σ (−1)ᵏ / ((2k + 1) q²ᵏ⁺¹); Payne & Hanek (1983), "Radian reduction for trigonometric
 * functions", SIGNUM Newsletter 18(1).
 */

/** Fraction bits of the fixed-point values. */
export const PI_BITS = 1300;
const GUARD = 32n;

let cache: {pi: bigint; twoOverPi: bigint} | undefined;

/** floor(2^B / q) · atan(1/q) in fixed point with B fraction bits (truncated at each term: error below one unit per term). */
function atanInverse(q: bigint, B: bigint): bigint {
  let term = (1n << B) / q;
  const q2 = q * q;
  let sum = 0n;
  for (let k = 0n; term !== 0n; k++) {
    sum += (k % 2n === 0n ? term : -term) / (2n * k + 1n);
    term /= q2;
  }
  return sum;
}

/**
 * floor(π · 2^1300) and floor((2/π) · 2^1300), as BigInts (each within a few units of the last place).
 *
 * @example
 *   Number(piBits().pi >> 1248n) / 2 ** 52; // 3.141592653589793
 */
export function piBits(): {pi: bigint; twoOverPi: bigint} {
  if (cache) return cache;
  const B = BigInt(PI_BITS) + GUARD;
  const piScaled = 16n * atanInverse(5n, B) - 4n * atanInverse(239n, B);
  const pi = piScaled >> GUARD;
  // 2/π = 2 · 2^(2B) / (π 2^B), carried with the guard bits
  const twoOverPi = ((2n << (2n * B)) / piScaled) >> GUARD;
  cache = {pi, twoOverPi};
  return cache;
}
