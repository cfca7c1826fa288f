/**
 * A root of f in [a, b] where f(a) and f(b) have opposite signs, by the Illinois variant of regula falsi
 * (the retained end's value is halved when the same end is kept twice, which restores superlinear
 * convergence), with a bisection step whenever the interpolated point would fall within 1% of an end.
 * Stops when the bracket is narrower than `tol`.
 *
 * Reference: Dowell & Jarratt (1971), "A modified regula falsi method for computing the root of an
 * equation", BIT 11, 168–174; Press et al., Numerical Recipes (3rd ed.), §9.2.
 *
 * @example
 *   bracketedRoot((x) => x * x - 2, 0, 2, 1e-12); // 1.41421356237…
 */
export function bracketedRoot(f: (x: number) => number, a: number, b: number, tol: number, fa = f(a), fb = f(b)): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb)) return NaN;
  let side = 0;
  for (let k = 0; k < 200 && Math.abs(b - a) > tol; k++) {
    let x = (a * fb - b * fa) / (fb - fa);
    const w = b - a;
    if (!(Math.abs(x - a) > 0.01 * Math.abs(w) && Math.abs(b - x) > 0.01 * Math.abs(w))) x = (a + b) / 2;
    const fx = f(x);
    if (fx === 0) return x;
    if (Math.sign(fx) === Math.sign(fb)) {
      b = x;
      fb = fx;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}
