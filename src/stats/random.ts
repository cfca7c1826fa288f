import {describeValue, fail} from "../errors.js";
import {log as portableLog} from "../math/log.js";
import {seedState, xoshiro128ss} from "./xoshiro.js";

/**
 * A source of random numbers for simulation. `sim` takes one (`random`) or makes one from a `seed`; there is
 * no global random state.
 */
export interface RandomSource {
  /** The seed the source was made from, or null for a source of another kind. */
  readonly seed: number | null;
  /** A uniform double in [0, 1): a multiple of 2⁻⁵³. */
  uniform(): number;
  /** A standard normal deviate. */
  normal(): number;
}

const TWO26 = 67108864;
const TWO53 = 9007199254740992;

/**
 * A seeded random source whose draws are the same in Node and in every browser.
 *
 * - Integers: xoshiro128** (Blackman & Vigna 2021) seeded through MurmurHash3's finalizer (see
 *   {@link seedState}).
 * - Uniforms: `(a >>> 5) · 2²⁶ + (b >>> 6)` over 2⁵³ from two consecutive outputs a, b (53 random bits, as
 *   in the authors' recommended conversion to double).
 * - Normals: Marsaglia's polar method. Draw uniforms u₁, u₂, set vᵢ = 2uᵢ − 1 and s = v₁² + v₂², reject
 *   unless 0 < s < 1; then v₁ f and v₂ f with f = √(−2 ln s / s) are two independent N(0, 1) deviates; the
 *   second is kept for the next call.
 *
 * Every step is 32-bit integer arithmetic or a correctly rounded IEEE operation (+, −, ×, ÷, √); the
 * logarithm is {@link portableLog}, not `Math.log`, so the draws do not depend on the engine's libm.
 *
 * Reference: Marsaglia & Bray (1964), "A convenient method for generating normal variables", SIAM Review
 * 6(3), 260–264; Knuth, TAOCP vol. 2 (3rd ed.), §3.4.1, Algorithm P.
 *
 * @example
 *   const r = randomSource(7);
 *   r.uniform(); // 0.3287…, the same on every engine
 *   r.normal();
 */
export function randomSource(seed: number): RandomSource {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    fail(`invalid seed: ${describeValue(seed)}; use an integer from 0 to 4294967295`);
  }
  const state = seedState(seed);
  let spare = 0;
  let hasSpare = false;
  const uniform = () => {
    const a = xoshiro128ss(state) >>> 5;
    const b = xoshiro128ss(state) >>> 6;
    return (a * TWO26 + b) / TWO53;
  };
  return {
    seed,
    uniform,
    normal() {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      for (;;) {
        const v1 = 2 * uniform() - 1;
        const v2 = 2 * uniform() - 1;
        const s = v1 * v1 + v2 * v2;
        if (s >= 1 || s === 0) continue;
        const f = Math.sqrt((-2 * portableLog(s)) / s);
        spare = v2 * f;
        hasSpare = true;
        return v1 * f;
      }
    }
  };
}

/**
 * A fresh seed for a simulation given none, so that its result can report the seed that reproduces it.
 * It comes from `Math.random`, the only unseeded randomness in lmm-kit.
 *
 * @example
 *   const seed = freshSeed(); // an integer in [0, 2³²)
 *   randomSource(seed);
 */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}
