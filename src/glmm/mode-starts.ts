/**
 * Starting modes for PIRLS at the points of a finite-difference stencil around a centre x₀ (the Hessian of the
 * deviance in (θ, β)): ũ at x₀ + d predicted to first order from the modes already found at the centre and at
 * the points displaced along one coordinate, so that each point's PIRLS starts O(h²) from its solution instead
 * of O(h) from the last point's.
 */

/**
 * The predictor: after {@link ModeStarts.centre} (x₀ and its modes ũ₀) and a {@link ModeStarts.record} of the
 * modes at points displaced along one coordinate, {@link ModeStarts.predict} gives ũ(x₀ + d) ≈ ũ₀ + Σₖ dₖ Sₖ,
 * where Sₖ is the slope of ũ along coordinate k: central ((ũ₊ − ũ₋)/(d₊ − d₋)) once both sides are recorded,
 * forward ((ũ₊ − ũ₀)/d₊) after one. A coordinate with no recorded point adds nothing. The prediction is only a
 * start: PIRLS runs to its tolerance from it, so the deviance does not depend on it beyond PIRLS's noise.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §8.1 (finite differences) and §11.1
 * (predictors for Newton's method on a path of problems: the secant/Euler step).
 *
 * @example
 *   const starts = new ModeStarts();
 *   starts.centre(x0, pirls.u);
 *   starts.record(xPlus, uPlus);           // x0 + h e₃
 *   starts.predict(xMinus);                // 2ũ₀ − ũ₊, the modes at x0 − h e₃ to O(h²)
 */
export class ModeStarts {
  #x0: Float64Array | null = null;
  #u0: Float64Array[] = [];
  /** Per coordinate, the displacements and modes recorded along it (at most two). */
  readonly #along = new Map<number, {d: number; u: Float64Array[]}[]>();

  /** Sets the centre and its modes, forgetting every recorded point. */
  centre(x: ArrayLike<number>, u: Float64Array[]): void {
    this.#x0 = Float64Array.from(x);
    this.#u0 = u.map((ui) => Float64Array.from(ui));
    this.#along.clear();
  }

  /** Keeps the modes at x when x differs from the centre in exactly one coordinate. */
  record(x: ArrayLike<number>, u: Float64Array[]): void {
    const moved = this.#displacement(x);
    if (moved?.length !== 1) return;
    const [k, d] = moved[0];
    const list = this.#along.get(k) ?? [];
    if (list.length < 2) list.push({d, u: u.map((ui) => Float64Array.from(ui))});
    this.#along.set(k, list);
  }

  /** The predicted modes at x, or null before a centre is set. */
  predict(x: ArrayLike<number>): Float64Array[] | null {
    const moved = this.#displacement(x);
    if (!moved) return null;
    const out = this.#u0.map((ui) => Float64Array.from(ui));
    for (const [k, d] of moved) {
      const list = this.#along.get(k);
      if (!list) continue;
      const [a, b] = list;
      const [from, to, span] = b ? [b.u, a.u, a.d - b.d] : [this.#u0, a.u, a.d];
      for (let t = 0; t < out.length; t++) {
        const o = out[t], hi = to[t], lo = from[t];
        for (let j = 0; j < o.length; j++) o[j] += (d * (hi[j] - lo[j])) / span;
      }
    }
    return out;
  }

  /** The coordinates where x differs from the centre, with the differences; null without a centre. */
  #displacement(x: ArrayLike<number>): [number, number][] | null {
    const x0 = this.#x0;
    if (!x0 || x.length !== x0.length) return null;
    const moved: [number, number][] = [];
    for (let k = 0; k < x0.length; k++) if (x[k] !== x0[k]) moved.push([k, x[k] - x0[k]]);
    return moved;
  }
}
