import type {Ddf} from "../ddf.js";

/** The types of hypotheses of lmerTest's ANOVA table. */
export type AnovaType = 1 | 2 | 3;

/**
 * lmerTest's ANOVA table of the fixed-effect terms, column by column, one entry per term. Terms with no
 * testable hypothesis come last with null in every column, as lmerTest appends them.
 */
export interface FTestsValues {
  /** lmerTest's heading: `Type III Analysis of Variance Table with Satterthwaite's method`. */
  heading: string;
  type: AnovaType;
  ddf: Ddf;
  /** Term labels (R's `term.labels`), in the table's order. */
  terms: string[];
  /** Sum of squares `NumDF · meanSq` (R's `Sum Sq`). */
  sumSq: (number | null)[];
  /** Mean square `F₀σ̂²`, F₀ the unscaled F statistic (R's `Mean Sq`). */
  meanSq: (number | null)[];
  /** Numerator degrees of freedom (R's `NumDF`). */
  numDF: (number | null)[];
  /** Denominator degrees of freedom (R's `DenDF`). */
  denDF: (number | null)[];
  /** The F value (R's `F value`; Kenward–Roger's scaled by λ). */
  F: (number | null)[];
  /** `P(F_{NumDF, DenDF} > F)` (R's `Pr(>F)`). */
  p: (number | null)[];
  /** The hypothesis of each term: the rows of L over the fixed effects (`columns`), lmerTest's `hypotheses`. */
  hypotheses: number[][][];
  /** The fixed effects the hypotheses' columns stand for. */
  columns: string[];
  /** Warnings: missing cells for type III; the Hessian's (Satterthwaite's variance parameters). */
  warnings: string[];
}

/**
 * One row of lmerTest's ANOVA table: the F test of a hypothesis `Lβ = 0` with q = NumDF independent rows.
 * `meanSq = F₀σ̂²` and `sumSq = q·meanSq`, where F₀ is the F statistic before any scaling (Kenward–Roger scales
 * the reported F value, not the sums of squares).
 */
export interface FTest {
  /** Sum of squares `q·meanSq`. */
  sumSq: number;
  /** Mean square `F₀σ̂²`. */
  meanSq: number;
  /** Numerator degrees of freedom q. */
  numDF: number;
  /** Denominator degrees of freedom (Satterthwaite's or Kenward–Roger's). */
  denDF: number;
  /** The F value. */
  F: number;
  /** `P(F_{numDF, denDF} > F)`. */
  p: number;
}

/**
 * The degrees of freedom of an F statistic that is the mean of q squared t statistics on ν₁ … ν_q df, as
 * lmerTest's `get_Fstat_ddf`: ν₁ itself for one; their mean when they all agree to 1e-8; 2 when any is at most
 * 2; otherwise, matching the mean of F, `E = Σ νₘ/(νₘ − 2)` and `2E/(E − q)`.
 *
 * Reference: Fai & Cornelius (1996), "Approximate F-tests of multiple degree of freedom hypotheses in
 * generalized least squares analyses of unbalanced split-plot experiments", J. Statist. Comput. Simul. 54,
 * 363–378 (the method of moments); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.1 eq. 6.
 *
 * @example
 *   fStatisticDdf([10, 20]); // 2E/(E − 2) with E = 10/8 + 20/18: 13.66
 */
export function fStatisticDdf(nu: readonly number[]): number {
  if (nu.length === 1) return nu[0];
  if (nu.every((v, i) => i === 0 || Math.abs(v - nu[i - 1]) < 1e-8)) return nu.reduce((s, v) => s + v, 0) / nu.length;
  if (nu.some((v) => v <= 2)) return 2;
  const E = nu.reduce((s, v) => s + v / (v - 2), 0);
  return (2 * E) / (E - nu.length);
}
