import {cholesky} from "../linalg/cholesky.js";
import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";

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

/**
 * Starting modes for PIRLS at the points an optimizer asks for: ũ at x predicted by a least-squares linear fit of
 * the modes found at the last `capacity` points (at least dim + 2 of them) — the intercept of the fit of ũₖ on
 * xₖ − x — so that PIRLS starts O(r²) from its solution, r the spread of the recent points, rather than O(r)
 * from the last point's. The fit's weights wₖ (ũ = Σ wₖ ũₖ) come from the (dim + 1)-square normal equations with
 * columns scaled to unit size; a fit that is (nearly) singular, or whose weights exceed {@link MAX_WEIGHT} in
 * total, predicts nothing (PIRLS then starts from its last state).
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §11.1 (predictors for Newton's method
 * on a family of problems); Cleveland (1979), JASA 74(368) (local linear fits).
 *
 * @example
 *   const history = new ModeHistory(2 * m + 1);
 *   history.record(y, pirls.u);      // after each converged run
 *   history.predict(yNext);          // the start of the next, or null
 */
export class ModeHistory {
  readonly #points: {x: Float64Array; u: Float64Array[]}[] = [];
  #next = 0;

  constructor(readonly capacity: number) {}

  /** Keeps the modes at x, forgetting the oldest point once `capacity` are kept. */
  record(x: ArrayLike<number>, u: Float64Array[]): void {
    const point = {x: Float64Array.from(x), u: u.map((ui) => Float64Array.from(ui))};
    if (this.#points.length < this.capacity) this.#points.push(point);
    else this.#points[this.#next] = point;
    this.#next = (this.#next + 1) % this.capacity;
  }

  /** The predicted modes at x, or null when too few points are kept or their fit is unreliable. */
  predict(x: ArrayLike<number>): Float64Array[] | null {
    const pts = this.#points, K = pts.length, d = x.length, m = d + 1;
    if (K < d + 2) return null;
    // G (K × m): [1, (xₖ − x)/scaleⱼ]
    const scale = new Float64Array(d);
    for (const p of pts) for (let j = 0; j < d; j++) scale[j] = Math.max(scale[j], Math.abs(p.x[j] - x[j]));
    const G = new Float64Array(K * m);
    for (let k = 0; k < K; k++) {
      G[k * m] = 1;
      for (let j = 0; j < d; j++) G[k * m + 1 + j] = scale[j] > 0 ? (pts[k].x[j] - x[j]) / scale[j] : 0;
    }
    const N = new Float64Array(m * m);
    for (let k = 0; k < K; k++) for (let a = 0; a < m; a++) for (let b = 0; b <= a; b++) N[a * m + b] += G[k * m + a] * G[k * m + b];
    const diagonal = Float64Array.from({length: m}, (_, a) => N[a * m + a]);
    // c = N⁻¹ e₁ by Cholesky; a pivot that loses all but 1e-8 of its column's size means the points do not
    // span the space around x (a coordinate never moved, or moved in step with another)
    if (!cholesky(N, m)) return null;
    for (let j = 0; j < m; j++) if (!(N[j * m + j] * N[j * m + j] > PIVOT * diagonal[j])) return null;
    const c = new Float64Array(m);
    c[0] = 1;
    solveLower(N, m, c);
    solveLowerTranspose(N, m, c);
    const w = new Float64Array(K);
    let total = 0;
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < m; a++) w[k] += G[k * m + a] * c[a];
      total += Math.abs(w[k]);
    }
    if (!(total <= MAX_WEIGHT)) return null;
    const out = pts[0].u.map((ui) => new Float64Array(ui.length));
    for (let k = 0; k < K; k++) {
      const wk = w[k], uk = pts[k].u;
      for (let t = 0; t < out.length; t++) {
        const o = out[t], s = uk[t];
        for (let j = 0; j < o.length; j++) o[j] += wk * s[j];
      }
    }
    return out;
  }
}

/** The smallest Cholesky pivot of {@link ModeHistory}'s normal equations, relative to its diagonal entry. */
const PIVOT = 1e-8;
/** The largest Σ|wₖ| of a prediction {@link ModeHistory} trusts: beyond it the fit extrapolates. */
const MAX_WEIGHT = 8;
