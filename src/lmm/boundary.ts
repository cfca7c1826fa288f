import type {TermSize} from "./blocks.js";

/**
 * Inward probes from a fit that ends with diagonal entries of Λ's templates at (or near) their bound 0:
 * is the bound a minimum of the criterion, or only a point where a first-order test cannot see the descent?
 *
 * Why a first-order test is not enough: for a scalar term the criterion depends on θᵢ², so its derivative
 * at θᵢ = 0 is always 0, whether 0 is a minimum or a maximum along θᵢ. For a vector term, the column of the
 * template T below a zero diagonal entry can change sign without changing TTᵀ, so the criterion is the
 * same at that column's two mirror images, and the descent may start from the image the optimizer did not
 * visit. So each such θᵢ is moved inward to a few values h (the step {@link PROBE_STEPS}), with the rest of
 * its column as it is and, when non-zero, negated; the bound is a minimum when no probe is lower.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.4 (Λ's template, bounds on its diagonal); lme4's
 * `optimizeLmer` restarts from the edge after a one-sided gradient test (`restart_edge`), which the
 * curvature of an even criterion defeats; Nocedal & Wright (2006), Numerical Optimization, §12.3
 * (second-order conditions at a bound).
 *
 * @example
 *   const probes = probeBoundary((t) => (t[0] * t[0] - 0.01) ** 2, Float64Array.of(0), 1e-4, [{p: 1, l: 20, q: 20}]);
 *   probes.best?.theta; // Float64Array [0.1]: lower than at the bound, so restart from there
 */

/** Distances from the bound at which each bounded θᵢ is probed (θ is relative to σ, so these are scale-free). */
export const PROBE_STEPS = [1e-3, 0.1];

/** A bounded diagonal entry of θ counts as at its bound when within this distance of it. */
export const NEAR_BOUND = 1e-4;

/** One inward probe: θ with entry `index` set to `value` (and the rest of its column negated when `flipped`). */
export interface BoundaryProbe {
  index: number;
  value: number;
  flipped: boolean;
  criterion: number;
}

/** The probes from `theta` and the best of them when it is lower than the criterion there. */
export interface BoundaryProbes {
  /** Indices of the diagonal entries at (or within {@link NEAR_BOUND} of) their bound 0. */
  atBound: number[];
  /** The criterion at `theta`. */
  criterion: number;
  probes: BoundaryProbe[];
  /** The lowest probe, when it is below `criterion` by more than rounding: the point to restart from. */
  best?: {theta: Float64Array; criterion: number; step: number};
}

/**
 * The positions in θ of each template column: the diagonal entry first, then the entries below it.
 *
 * @example
 *   templateColumns([{p: 2, l: 18, q: 36}]); // [[0, 1], [2]]
 */
export function templateColumns(sizes: TermSize[]): number[][] {
  const columns: number[][] = [];
  let k = 0;
  for (const {p} of sizes) {
    for (let c = 0; c < p; c++) {
      columns.push(Array.from({length: p - c}, (_, r) => k + r));
      k += p - c;
    }
  }
  return columns;
}

/**
 * Probes the criterion `f` inward from every diagonal entry of `theta` within `near` of 0; `f0` is the
 * criterion at `theta` (evaluated here when not given). A probe counts as lower when it is below `f0` by
 * more than 1e-12 |f0| (the criterion's rounding).
 */
export function probeBoundary(
  f: (theta: Float64Array) => number,
  theta: Float64Array,
  near: number,
  sizes: TermSize[],
  f0 = f(theta)
): BoundaryProbes {
  const columns = templateColumns(sizes);
  const atBound = columns.map((c) => c[0]).filter((i) => theta[i] <= near);
  const probes: BoundaryProbe[] = [];
  const noise = 1e-12 * Math.max(1, Math.abs(f0));
  let best: BoundaryProbes["best"];
  for (const column of columns) {
    const i = column[0];
    if (!(theta[i] <= near)) continue;
    const below = column.slice(1);
    const signs = below.some((j) => theta[j] !== 0) ? [false, true] : [false];
    for (const step of PROBE_STEPS) {
      if (step <= theta[i]) continue;
      for (const flipped of signs) {
        const x = theta.slice();
        x[i] = step;
        if (flipped) for (const j of below) x[j] = -x[j];
        const value = f(x);
        probes.push({index: i, value: step, flipped, criterion: value});
        if (value < f0 - noise && (!best || value < best.criterion)) best = {theta: x, criterion: value, step};
      }
    }
  }
  return {atBound, criterion: f0, probes, best};
}
