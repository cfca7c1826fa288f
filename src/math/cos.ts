/**
 * The cosine from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.cos` is "implementation-approximated" in ECMAScript).
 */
import {reducePiOver2Into} from "./reduce-pi-over-2.js";
import {cosKernel, sinKernel} from "./trig-kernels.js";

/**
 * cos(x), within one ulp of the exact value for every double: NaN for ±Infinity and NaN, cos(±0) = 1.
 * x = n·(π/2) + r exactly enough ({@link reducePiOver2}), then ±cos r or ∓sin r by the quadrant n mod 4.
 *
 * Reference: Muller (2016), Elementary Functions (3rd ed.), ch. 11 (range reduction) and the kernels'
 * series (Abramowitz & Stegun 4.3.65–66).
 *
 * @example
 *   cos(Math.PI / 3); // 0.5000000000000001
 *   cos(1e22);        // 0.5232147853951389
 */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const quadrant = reducePiOver2Into(x, R);
  const hi = R[0], lo = R[1];
  switch (quadrant) {
    case 0:
      return cosKernel(hi, lo);
    case 1:
      return -sinKernel(hi, lo);
    case 2:
      return -cosKernel(hi, lo);
    default:
      return sinKernel(hi, lo);
  }
}

/** The reduced argument's two parts (reused: the functions are synchronous). */
const R = new Float64Array(2);
