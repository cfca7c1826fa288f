import {log} from "../math/index.js";

/** lme4's message when the fixed-effect columns' scales differ by more than a factor of 1000. */
export const SCALE_WARNING = "Some predictor variables are on very different scales: consider rescaling";

/** lme4's `check.scaleX` tolerance. */
const TOLERANCE = 1000;

/**
 * lme4's check of the fixed-effect model matrix's scales (`checkScaleX` with its default "warning"): among
 * the columns that are not all 0 or 1, a standard deviation above 1000 or below 1/1000, or two standard
 * deviations more than a factor of 1000 apart, gives {@link SCALE_WARNING}. lme4 then fits as usual, and so
 * do we (our optimizer scales θ's coordinates itself); the warning says the estimates may be less precise.
 *
 * @example
 *   scaleWarnings([Float64Array.of(1, 1, 1), Float64Array.of(1e4, 3e4, 2e4)]); // [SCALE_WARNING]
 *   scaleWarnings([Float64Array.of(1, 1, 1), Float64Array.of(1, 3, 2)]);       // []
 * @see lme4's `checkScaleX` and `lmerControl(check.scaleX = "warning")`.
 */
export function scaleWarnings(X: readonly ArrayLike<number>[]): string[] {
  const logSd: number[] = [];
  for (const column of X) {
    let binary = true, mean = 0;
    for (let i = 0; i < column.length; i++) {
      if (column[i] !== 0 && column[i] !== 1) binary = false;
      mean += column[i];
    }
    if (binary) continue;
    mean /= column.length;
    let ss = 0;
    for (let i = 0; i < column.length; i++) ss += (column[i] - mean) * (column[i] - mean);
    logSd.push(log(Math.sqrt(ss / (column.length - 1))));
  }
  return spreadWarnings(logSd);
}

/**
 * {@link scaleWarnings} from each column's sums over n rows (a frame computed by a database): the standard
 * deviation is √((Σx² − (Σx)²/n)/(n − 1)), which loses digits to cancellation when the mean is far larger than
 * the spread; the check compares logarithms against log 1000, so those digits do not matter to it.
 *
 * @example
 *   scaleWarningsFromMoments([{sum: 6e4, sumSquares: 1.4e9, binary: false}], 3); // [SCALE_WARNING]
 */
export function scaleWarningsFromMoments(moments: readonly {sum: number; sumSquares: number; binary: boolean}[], n: number): string[] {
  const logSd = moments.filter((m) => !m.binary).map((m) => log(Math.sqrt(Math.max(0, m.sumSquares - (m.sum * m.sum) / n) / (n - 1))));
  return spreadWarnings(logSd);
}

function spreadWarnings(logSd: number[]): string[] {
  if (logSd.length === 0) return [];
  const limit = log(TOLERANCE);
  const spread = Math.max(...logSd) - Math.min(...logSd);
  return spread > limit || logSd.some((l) => Math.abs(l) > limit) ? [SCALE_WARNING] : [];
}
