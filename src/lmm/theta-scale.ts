import type {ModelFrame} from "../frame/frame.js";

/**
 * The scale of each θ entry's row: the optimizer works on θ' = D θ, where D scales row r of each
 * template T by s_r, the root mean square of the random-effects column r (1 for the intercept, for
 * indicator columns that hold only 0 and 1, and for a column of zeros). So T = D⁻¹ T', and a random
 * slope on a covariate measured in days (values to 270) is optimized on the scale of the intercept,
 * where its θ would otherwise be about 1e-3 and BOBYQA's spherical trust region would crawl along it.
 * The criterion is the same function of T; only the optimizer's coordinates change. Row scaling keeps T'
 * lower triangular with the same signs on its diagonal, so the bounds θ' ≥ 0 are those of θ.
 *
 * Reference: Nocedal & Wright (2006), Numerical Optimization (2nd ed.), §2.2 (scaling); Powell (2009),
 * BOBYQA, §1 (the variables should be scaled so that a step of ρ means the same in every coordinate);
 * Bates et al. (2015), JSS 67(1), §2.2 (the template T, filled column-wise).
 *
 * @example
 *   thetaScales(frame); // sleepstudy (Days | Subject): [1, 5.34, 5.34] (√ of the mean of Days²)
 */
export function thetaScales(frame: ModelFrame): Float64Array {
  const out: number[] = [];
  for (const [i, t] of frame.terms.entries()) {
    const moments = frame.aggregated?.randomMoments[i];
    const s = moments ? moments.map((m) => columnScale(m.sumSquares, frame.n, m.binary)) : columnScales(t.Z, t.p, frame.n);
    for (let c = 0; c < t.p; c++) for (let r = c; r < t.p; r++) out.push(s[r]);
  }
  return Float64Array.from(out);
}

function columnScales(Z: Float64Array, p: number, n: number): number[] {
  const scales: number[] = [];
  for (let c = 0; c < p; c++) {
    let ss = 0;
    let indicator = true;
    for (let i = 0; i < n; i++) {
      const v = Z[i * p + c];
      ss += v * v;
      if (v !== 0 && v !== 1) indicator = false;
    }
    scales.push(columnScale(ss, n, indicator));
  }
  return scales;
}

/** The scale of one column from its sum of squares over n rows: its root mean square, 1 for a 0/1 column or a column of zeros. */
function columnScale(ss: number, n: number, indicator: boolean): number {
  const rms = Math.sqrt(ss / n);
  return indicator || !(rms > 0 && Number.isFinite(rms)) ? 1 : rms;
}
