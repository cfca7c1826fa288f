import {logBeta} from "./log-gamma.js";
import {exp, log} from "../math/index.js";

const MAX_TERMS = 100000;
const EPS = 1e-16;
const TINY = 1e-300;

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
 *
 * Pass `y = 1 − x` when it is known more accurately than `1 − x` can be computed (a Student-t tail, where
 * x is near 1). The continued fraction
 * `I_x(a, b) = x^a y^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …)))`, with
 * `d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))` and `d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m))`,
 * converges quickly for x < (a + 1)/(a + b + 2); otherwise the symmetry `I_x(a, b) = 1 − I_y(b, a)` is used.
 * The fraction is evaluated by the modified Lentz method.
 *
 * Reference: DLMF 8.17.22 (the continued fraction) and 8.17.4 (symmetry); Press et al., Numerical Recipes
 * (3rd ed.), §6.4; Lentz (1976), Applied Optics 15, 668–671.
 *
 * @example
 *   incompleteBeta(0.5, 2, 2); // 0.5
 *   incompleteBeta(0.2, 1, 3); // 1 − 0.8³ = 0.488
 */
export function incompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(y >= 0)) return NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betaFraction(y, x, b, a);
  return betaFraction(x, y, a, b);
}

/**
 * The complement 1 − I_x(a, b) = I_y(b, a), accurate when it is small.
 *
 * @example
 *   incompleteBetaComplement(0.2, 1, 3); // 0.8³ = 0.512
 */
export function incompleteBetaComplement(x: number, a: number, b: number, y = 1 - x): number {
  return incompleteBeta(y, b, a, x);
}

/** x^a y^b / (a B(a, b)) times the continued fraction (valid for x below the switch point). */
function betaFraction(x: number, y: number, a: number, b: number): number {
  const front = exp(a * log(x) + b * log(y) - logBeta(a, b)) / a;
  if (front === 0) return 0;
  // modified Lentz: f = 1 + d₁/(1 + d₂/(1 + …)), written as b₀ = 1, aⱼ = dⱼ, bⱼ = 1
  let f = 1, C = 1, D = 0;
  for (let j = 1; j <= MAX_TERMS; j++) {
    const m = Math.floor(j / 2);
    const d = j % 2 === 1
      ? -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
      : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    D = 1 + d * D;
    if (Math.abs(D) < TINY) D = TINY;
    C = 1 + d / C;
    if (Math.abs(C) < TINY) C = TINY;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front / f;
}
