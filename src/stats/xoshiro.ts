/**
 * xoshiro128**: a 32-bit pseudo-random generator of period 2¹²⁸ − 1 with 128 bits of state, written with
 * 32-bit integer operations only (`Math.imul`, shifts, xor), so it yields the same sequence in every
 * JavaScript engine.
 *
 * Reference: Blackman & Vigna (2021), "Scrambled linear pseudorandom number generators", ACM Transactions
 * on Mathematical Software 47(4), article 36 (xoshiro128**: the `**` scrambler `rotl(s₁ · 5, 7) · 9`, the
 * shifts a = 9, b = 11); https://prng.di.unimi.it/.
 */

/** The 128-bit state, four unsigned 32-bit words (never all zero). */
export type XoshiroState = Uint32Array;

/**
 * MurmurHash3's 32-bit finalizer: a bijection of the 32-bit integers with full avalanche.
 *
 * Reference: Appleby (2011), MurmurHash3, `fmix32`.
 *
 * @example
 *   mix32(0); // 0
 *   mix32(1); // 1364076727
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The state for a 32-bit seed: word k is `mix32(seed + (k + 1) · 0x9e3779b9)` (the golden-ratio increments
 * of SplitMix). The four inputs differ and `mix32` is a bijection, so the words differ and the state is
 * never all zero.
 *
 * Reference: Steele, Lea & Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA (the
 * golden-gamma increment and finalizer seeding, here in its 32-bit form).
 *
 * @example
 *   seedState(7); // Uint32Array(4) of the four mixed words
 */
export function seedState(seed: number): XoshiroState {
  const s = new Uint32Array(4);
  for (let k = 0; k < 4; k++) s[k] = mix32((seed + Math.imul(k + 1, 0x9e3779b9)) | 0);
  return s;
}

/**
 * Advances `s` in place and returns the next output, an unsigned 32-bit integer.
 *
 * @example
 *   const s = seedState(7);
 *   xoshiro128ss(s); // an integer in [0, 2³²)
 */
export function xoshiro128ss(s: XoshiroState): number {
  const s1 = s[1];
  const x = Math.imul(s1, 5);
  const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
  const t = s1 << 9;
  s[2] ^= s[0];
  s[3] ^= s1;
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 11) | (s[3] >>> 21);
  return result;
}
