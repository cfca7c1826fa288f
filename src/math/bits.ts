/**
 * Exact binary exponents of doubles: reading a double's exponent field and building powers of two. These
 * touch only the bits of IEEE-754 binary64 values (a Float64Array over the same buffer as a Uint32Array),
 * which every engine stores alike, so they are exact and identical everywhere.
 *
 * Reference: IEEE Std 754-2019, §3.4 (binary interchange format: sign, 11-bit biased exponent, 52-bit
 * trailing significand).
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high 32-bit word (sign, exponent, top of the significand): 1 on little-endian hosts. */
const HI = ((F64[0] = 1), U32[1] === 0x3ff00000 ? 1 : 0);
const LO = 1 - HI;

/** 2⁵⁴, to lift a subnormal into the normal range exactly. */
const TWO54 = 18014398509481984;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * The unbiased binary exponent of a finite nonzero x: the k with 2^k ≤ |x| < 2^(k+1) (subnormals included,
 * down to −1074). What C calls ilogb.
 *
 * @example
 *   exponentOf(1);      // 0
 *   exponentOf(0.75);   // -1
 *   exponentOf(5e-324); // -1074
 */
export function exponentOf(x: number): number {
  let bias = 1023;
  if (Math.abs(x) < MIN_NORMAL) (x *= TWO54), (bias += 54);
  F64[0] = x;
  return ((U32[HI] >>> 20) & 0x7ff) - bias;
}

/**
 * x = m · 2^k with m in [1, 2), for a finite x > 0: returns m and stores k in `out[0]`. Exact.
 *
 * @example
 *   const k = [0];
 *   significand(12, k); // 1.5, and k[0] is 3
 */
export function significand(x: number, out: number[]): number {
  let k = -1023;
  if (x < MIN_NORMAL) (x *= TWO54), (k -= 54);
  F64[0] = x;
  const hi = U32[HI];
  k += hi >>> 20;
  U32[HI] = (hi & 0x000fffff) | 0x3ff00000;
  out[0] = k;
  return F64[0];
}

/**
 * 2^k for an integer k in [−1022, 1023], built from its bits (exact).
 *
 * @example
 *   powerOfTwo(-3); // 0.125
 */
export function powerOfTwo(k: number): number {
  U32[HI] = (k + 1023) << 20;
  U32[LO] = 0;
  return F64[0];
}

/**
 * v · 2^k rounded once, for finite v and any integer k: exact while the result is a normal double; a single
 * IEEE rounding when it is subnormal; ±Infinity or ±0 beyond the range. What C calls ldexp / scalbn.
 *
 * @example
 *   scale(1.5, 4);      // 24
 *   scale(1, -1074);    // 5e-324
 *   scale(1.5, -1075);  // 5e-324 (rounded once)
 */
export function scale(v: number, k: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const e = [0];
  const m = significand(Math.abs(v), e);
  const sign = v < 0 ? -1 : 1;
  const E = e[0] + k;
  if (E > 1023) return sign * Infinity;
  if (E < -1076) return sign * 0;
  // m·2^(E+120) is a normal double, so exact; the last multiplication rounds once
  if (E < -1022) return sign * (m * powerOfTwo(E + 120)) * powerOfTwo(-120);
  return sign * m * powerOfTwo(E);
}
