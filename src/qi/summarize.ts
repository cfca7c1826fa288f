import {quantileSorted} from "../stats/quantile.js";

/** The summary of one quantity's draws, as Zelig's `summary(s.out)` shows it. */
export interface DrawSummary {
  mean: number;
  /** Standard deviation with the n − 1 denominator (R's `sd`). */
  sd: number;
  /** 2.5%, 50% and 97.5% quantiles, R's type 7. */
  p2_5: number;
  p50: number;
  p97_5: number;
}

/**
 * Mean, standard deviation and the 2.5%, 50% and 97.5% quantiles of simulation draws. The sum is taken in
 * draw order and the variance in two passes, so the figures are the same on every engine.
 *
 * Reference: Hyndman & Fan (1996), The American Statistician 50(4), definition 7 (the quantiles); Chan,
 * Golub & LeVeque (1983), "Algorithms for computing the sample variance", The American Statistician 37(3)
 * (the two-pass variance).
 *
 * @example
 *   summarizeDraws(Float64Array.of(1, 2, 3, 4)); // {mean: 2.5, sd: 1.29…, p2_5: 1.075, p50: 2.5, p97_5: 3.925}
 */
export function summarizeDraws(draws: ArrayLike<number>): DrawSummary {
  const n = draws.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += draws[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = draws[i] - mean;
    ss += e * e;
  }
  const sorted = Float64Array.from(draws).sort();
  return {
    mean,
    sd: Math.sqrt(ss / (n - 1)),
    p2_5: quantileSorted(sorted, 0.025),
    p50: quantileSorted(sorted, 0.5),
    p97_5: quantileSorted(sorted, 0.975)
  };
}
