/**
 * Constants of the portable functions, as double-doubles [hi, lo] (hi the double nearest the constant, lo the
 * double nearest the remainder) or as splits whose products with small integers are exact. Computed with
 * 400-bit arithmetic (mpmath) and checked in test/math.test.ts against the same constants computed in
 * BigInt fixed point (π by Machin's formula, ln 2 by its atanh series).
 */
import type {DD} from "./double-double.js";

/** ln 2. */
export const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
/** ln 2 with a high part of 32 significant bits, so that k · LN2_HI is exact for |k| < 2²¹. */
export const LN2_HI = 0.6931471803691238;
/** ln 2 − LN2_HI (to 2⁻⁸⁶ relative). */
export const LN2_LO = 1.9082149292705877e-10;
/** 1 / ln 2. */
export const INV_LN2: DD = [1.4426950408889634, 2.0355273740931033e-17];
/** 1 / ln 10. */
export const INV_LN10: DD = [0.4342944819032518, 1.098319650216765e-17];
/** π / 2. */
export const PIO2: DD = [1.5707963267948966, 6.123233995736766e-17];
/** π. */
export const PI: DD = [3.141592653589793, 1.2246467991473532e-16];
/**
 * π/2 in four parts: three of 33 significant bits (n · part is exact for |n| < 2²⁰) and a fourth of 53, 152
 * bits in all (Cody & Waite's reduction carried to the precision needed near multiples of π/2).
 */
export const PIO2_PARTS = [1.5707963267341256, 6.077100506303966e-11, 2.0222662487111665e-21, 8.4784276603689e-32] as const;
