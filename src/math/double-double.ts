/**
 * Double-double arithmetic: a value carried as an unevaluated sum hi + lo of two doubles with
 * |lo| ≤ ulp(hi)/2, about 106 significant bits, from IEEE-754 additions and multiplications only (no fused
 * multiply-add), so every engine computes the same pair. The portable functions use it where one double's
 * precision is not enough: pow's logarithm, exp's argument, the trigonometric range reduction.
 *
 * Operands must stay well inside the double range (|x| < 2⁹⁹⁶, where Veltkamp's split does not overflow);
 * the callers scale their arguments by powers of two first.
 *
 * References: Dekker (1971), "A floating-point technique for extending the available precision",
 * Numerische Mathematik 18, 224–242 (exact product by splitting, Veltkamp's split); Knuth, TAOCP vol. 2,
 * §4.2.2 (two-sum); Hida, Li & Bailey (2001), "Algorithms for quad-double precision floating point
 * arithmetic", ARITH-15 (the accurate double-double sum, product, quotient and square root).
 */

/** A double-double number: [hi, lo] with hi = fl(hi + lo). */
export type DD = [number, number];

/** 2²⁷ + 1: Veltkamp's splitting constant for 53-bit significands. */
const SPLITTER = 134217729;

/**
 * a + b exactly, as the rounded sum and its error (Knuth's two-sum; no condition on the operands).
 *
 * @example
 *   twoSum(1, 1e-17); // [1, 1e-17]
 */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, a - (s - v) + (b - v)];
}

/** a + b exactly when |a| ≥ |b| (or a = 0): Dekker's fast two-sum. */
export function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

/**
 * a · b exactly, as the rounded product and its error (Dekker's product with Veltkamp's split).
 *
 * @example
 *   twoProduct(0.1, 0.1); // [0.010000000000000002, -1.5612511283791264e-19]
 */
export function twoProduct(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** a + b (double-double), with an error bound relative to the result. */
export function ddAdd(a: DD, b: DD): DD {
  let [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  e += t;
  [s, e] = quickTwoSum(s, e);
  e += f;
  return quickTwoSum(s, e);
}

/** a − b (double-double). */
export function ddSub(a: DD, b: DD): DD {
  return ddAdd(a, [-b[0], -b[1]]);
}

/** a + b for a double-double a and a double b. */
export function ddAddNumber(a: DD, b: number): DD {
  let [s, e] = twoSum(a[0], b);
  e += a[1];
  return quickTwoSum(s, e);
}

/** a · b (double-double). */
export function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProduct(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** a · b for a double-double a and a double b. */
export function ddMulNumber(a: DD, b: number): DD {
  const [p, e] = twoProduct(a[0], b);
  return quickTwoSum(p, e + a[1] * b);
}

/** a / b (double-double): a quotient digit, the exact remainder, and a correction. */
export function ddDiv(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = ddSub(a, ddMulNumber(b, q1));
  const q2 = r[0] / b[0];
  r = ddSub(r, ddMulNumber(b, q2));
  const q3 = r[0] / b[0];
  return ddAddNumber(quickTwoSum(q1, q2), q3);
}

/** √a (double-double) for a ≥ 0: the double square root and one Newton correction from the exact residual. */
export function ddSqrt(a: DD): DD {
  if (!(a[0] > 0)) return [a[0] === 0 ? 0 : NaN, 0];
  const s = Math.sqrt(a[0]);
  const [p, e] = twoProduct(s, s);
  return quickTwoSum(s, (a[0] - p - e + a[1]) / (2 * s));
}

/**
 * Σ c[j] zʲ by Horner's rule in double-double, highest degree last in `c`.
 *
 * @example
 *   ddPolynomial([[1, 0], [2, 0]], [3, 0]); // [7, 0]
 */
export function ddPolynomial(c: readonly DD[], z: DD): DD {
  let s = c[c.length - 1];
  for (let j = c.length - 2; j >= 0; j--) s = ddAdd(ddMul(s, z), c[j]);
  return s;
}

/** 1/n as a double-double (exact to about 2⁻¹⁰⁶ relative), for series coefficients. */
export function ddReciprocal(n: number): DD {
  return ddDiv([1, 0], [n, 0]);
}

/**
 * {@link ddAdd}([a0, a1], [b0, b1]) written out with the same operations (so the same bits), into `out[0]`,
 * `out[1]`: for loops that must not allocate a pair per step (hypot's sum of squares, π/2 reduction).
 *
 * @example
 *   const out = new Float64Array(2);
 *   ddAddInto(1, 1e-20, 2, 0, out); // out = [3, 1e-20]
 */
export function ddAddInto(a0: number, a1: number, b0: number, b1: number, out: Float64Array): void {
  let s = a0 + b0;
  let v = s - a0;
  let e = a0 - (s - v) + (b0 - v);
  const t = a1 + b1;
  v = t - a1;
  const f = a1 - (t - v) + (b1 - v);
  e += t;
  let s2 = s + e;
  e = e - (s2 - s);
  s = s2;
  e += f;
  s2 = s + e;
  out[0] = s2;
  out[1] = e - (s2 - s);
}
