import type {TermSize} from "./blocks.js";

/**
 * The relative covariance factor Λ_θ: per random-effects term a `p × p` lower-triangular template T,
 * filled column-wise from θ (lme4's order); Λ repeats T once per level. Diagonal entries are bounded below
 * by 0, the others are free; the start is 1 on the diagonal and 0 elsewhere.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §2.2 and eq. 4.
 *
 * @example
 *   templates([{p: 2, l: 18, q: 36}], [0.97, 0.015, 0.23]); // [Float64Array [0.97, 0, 0.015, 0.23]]
 */
export function templates(sizes: TermSize[], theta: ArrayLike<number>): Float64Array[] {
  let k = 0;
  return sizes.map(({p}) => {
    const T = new Float64Array(p * p);
    for (let c = 0; c < p; c++) for (let r = c; r < p; r++) T[r * p + c] = theta[k++];
    return T;
  });
}

/** Number of θ parameters: `p(p + 1)/2` per term. */
export const thetaLength = (sizes: TermSize[]) => sizes.reduce((s, {p}) => s + (p * (p + 1)) / 2, 0);

/** Lower bounds of θ: 0 for diagonal entries, -Infinity for the others. */
export function thetaLower(sizes: TermSize[]): Float64Array {
  const out: number[] = [];
  for (const {p} of sizes) for (let c = 0; c < p; c++) for (let r = c; r < p; r++) out.push(r === c ? 0 : -Infinity);
  return Float64Array.from(out);
}

/** The start θ: 1 on the diagonal, 0 elsewhere. */
export function thetaStart(sizes: TermSize[]): Float64Array {
  return thetaLower(sizes).map((lo) => (lo === 0 ? 1 : 0));
}

/**
 * lme4's names of θ: `group.column` on the diagonal, `group.row.column` below it.
 *
 * @example
 *   thetaNames([{name: "Subject", names: ["(Intercept)", "Days"]}]);
 *   // ["Subject.(Intercept)", "Subject.Days.(Intercept)", "Subject.Days"]
 */
export function thetaNames(terms: {group: string; names: string[]}[]): string[] {
  const out: string[] = [];
  for (const {group, names} of terms) {
    for (let c = 0; c < names.length; c++) {
      for (let r = c; r < names.length; r++) out.push(r === c ? `${group}.${names[c]}` : `${group}.${names[r]}.${names[c]}`);
    }
  }
  return out;
}
