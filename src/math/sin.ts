/**
 * The sine from IEEE-754 operations only, so that it gives the same double in every JavaScript engine
 * (`Math.sin` is "implementation-approximated" in ECMAScript).
 */
import {reducePiOver2Into} from "./reduce-pi-over-2.js";
import {cosKernel, sinKernel} from "./trig-kernels.js";

/**
 * sin(x), within one ulp of the exact value for every double: NaN for ±Infinity and NaN, sin(±0) = ±0.
 * x = n·(π/2) + r exactly enough ({@link reducePiOver2}), then ±sin r or ±cos r by the quadrant n mod 4.
 *
 * Reference: Muller (2016), Elementary Functions (3rd ed.), ch. 11 (range reduction) and the kernels'
 * series (Abramowitz & Stegun 4.3.65–66).
 *
 * @example
 *   sin(Math.PI / 6); // 0.49999999999999994
 *   sin(1e22);        // -0.8522008497671888
 */
export function sin(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? x : NaN;
  const quadrant = reducePiOver2Into(x, R);
  const hi = R[0], lo = R[1];
  switch (quadrant) {
    case 0:
      return sinKernel(hi, lo);
    case 1:
      return cosKernel(hi, lo);
    case 2:
      return -sinKernel(hi, lo);
    default:
      return -cosKernel(hi, lo);
  }
}

/** The reduced argument's two parts (reused: the functions are synchronous). */
const R = new Float64Array(2);
