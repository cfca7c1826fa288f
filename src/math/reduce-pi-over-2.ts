/**
 * Reduction of a trigonometric argument modulo π/2, exact enough that sin and cos of the remainder are within
 * one ulp for every double: x = n·(π/2) + r with |r| ≤ π/4 (a hair more at the edge), r as a double-double.
 */
import {PIO2, PIO2_PARTS} from "./constants.js";
import {ddAdd, ddAddInto, ddMul, twoProduct, twoSum, type DD} from "./double-double.js";
import {exponentOf, powerOfTwo, scale} from "./bits.js";
import {piBits, PI_BITS} from "./pi-bits.js";

const PIO4 = 0.7853981633974483;
const TWO_OVER_PI = 0.6366197723675814;
/** Below this, n < 2²⁰ and Cody & Waite's reduction with PIO2_PARTS is exact enough. */
const MEDIUM = 1647099; // ≈ 2²⁰ · π/2
const TWO_M180 = powerOfTwo(-90) * powerOfTwo(-90);

/** The quadrant n mod 4 and the remainder r of a reduction. */
export interface Reduced {
  quadrant: number;
  r: DD;
}

/**
 * x = n·(π/2) + r for a finite x: n mod 4 and r (|r| ≤ π/4 + 2⁻⁵⁰) as a double-double within 2⁻¹⁰⁰ of the
 * exact remainder relative to |r| (the closest a double comes to a multiple of π/2 is about 2⁻⁶¹ away).
 *
 * |x| < 2²⁰·π/2: Cody & Waite's subtraction of n·(π/2) in four parts (152 bits of π/2; the first three
 * products are exact), accumulated in double-double. Larger |x|: Payne & Hanek's reduction, x·(2/π) with
 * x's 53-bit significand times 2/π's bits in BigInt fixed point, keeping the integer part mod 4 and 180 bits
 * of the fraction.
 *
 * References: Cody & Waite (1980), Software Manual for the Elementary Functions, ch. 8; Payne & Hanek (1983),
 * SIGNUM Newsletter 18(1); Muller (2016), Elementary Functions (3rd ed.), ch. 11 (worst cases of the
 * reduction for doubles).
 *
 * @example
 *   reducePiOver2(Math.PI); // {quadrant: 2, r: [1.2246467991473532e-16, …]}
 */
export function reducePiOver2(x: number): Reduced {
  const a = Math.abs(x);
  if (a <= PIO4) return {quadrant: 0, r: [x, 0]};
  if (a < MEDIUM) {
    const n = Math.round(a * TWO_OVER_PI);
    // a − n·P₁ is exact (n·P₁ is within a factor of two of a); n·P₂ and n·P₃ are exact products
    let r = twoSum(a - n * PIO2_PARTS[0], -n * PIO2_PARTS[1]);
    r = ddAdd(r, [-n * PIO2_PARTS[2], 0]);
    r = ddAdd(r, twoProduct(-n, PIO2_PARTS[3]));
    return signed(x, n, r);
  }
  return signed(x, ...payneHanek(a));
}

/**
 * {@link reducePiOver2} into `out` (r's two parts) without allocating, returning the quadrant: the same
 * operations in the same order below 2²⁰·π/2 (the two-sums and double-double additions written out), so the
 * same doubles; larger |x| through {@link reducePiOver2}. For the sine and cosine in loops (the trust region's
 * arc search calls them thousands of times a fit).
 *
 * @example
 *   const r = new Float64Array(2);
 *   reducePiOver2Into(Math.PI, r); // 2, and r holds [1.2246467991473532e-16, …]
 */
export function reducePiOver2Into(x: number, out: Float64Array): number {
  const a = Math.abs(x);
  if (a <= PIO4) {
    out[0] = x;
    out[1] = 0;
    return 0;
  }
  if (a >= MEDIUM) {
    const {quadrant, r} = reducePiOver2(x);
    out[0] = r[0];
    out[1] = r[1];
    return quadrant;
  }
  const n = Math.round(a * TWO_OVER_PI);
  // twoSum(a − n·P₁, −n·P₂)
  const x0 = a - n * PIO2_PARTS[0], y0 = -n * PIO2_PARTS[1];
  let hi = x0 + y0;
  let v = hi - x0;
  let lo = x0 - (hi - v) + (y0 - v);
  // ddAdd([hi, lo], [−n·P₃, 0])
  ddAddInto(hi, lo, -n * PIO2_PARTS[2], 0, PAIR);
  hi = PAIR[0];
  lo = PAIR[1];
  // ddAdd([hi, lo], twoProduct(−n, P₄))
  const m = -n;
  const p = m * PIO2_PARTS[3];
  let t = SPLITTER * m;
  const ah = t - (t - m);
  const al = m - ah;
  t = SPLITTER * PIO2_PARTS[3];
  const bh = t - (t - PIO2_PARTS[3]);
  const bl = PIO2_PARTS[3] - bh;
  ddAddInto(hi, lo, p, ah * bh - p + ah * bl + al * bh + al * bl, PAIR);
  hi = PAIR[0];
  lo = PAIR[1];
  const q = n % 4;
  if (x < 0) {
    out[0] = -hi;
    out[1] = -lo;
    return (4 - q) % 4;
  }
  out[0] = hi;
  out[1] = lo;
  return q;
}

/** Veltkamp's splitting constant (as in double-double.ts). */
const SPLITTER = 134217729;
/** The result of {@link ddAddInto} here. */
const PAIR = new Float64Array(2);

/** The reduction of |x| turned into that of x: −x = (−n)·(π/2) − r. */
function signed(x: number, n: number, r: DD): Reduced {
  const q = n % 4;
  return x < 0 ? {quadrant: (4 - q) % 4, r: [-r[0], -r[1]]} : {quadrant: q, r};
}

/** n mod 4 and r for a ≥ 2²⁰·π/2, from a = M·2^e (M a 53-bit integer) and floor(2/π · 2^1300). */
function payneHanek(a: number): [number, DD] {
  const e = exponentOf(a) - 52;
  const M = BigInt(scale(a, -e));
  const product = M * piBits().twoOverPi;
  // a·(2/π) = product · 2^(e − 1300): the integer part is product >> shift
  const shift = BigInt(PI_BITS - e);
  let n = Number((product >> shift) & 3n);
  const fraction = product & ((1n << shift) - 1n);
  // the top 180 bits of the fraction (shift ≥ 229), as a double-double in [0, 1)
  const top = fraction >> (shift - 180n);
  const hi = Number(top);
  const lo = Number(top - BigInt(hi));
  let f: DD = [hi * TWO_M180, lo * TWO_M180];
  if (f[0] > 0.5 || (f[0] === 0.5 && f[1] > 0)) (f = ddAdd(f, [-1, 0])), n++;
  return [n % 4, ddMul(f, PIO2)];
}
