import type {ModelFrame} from "../../frame/frame.js";
import {crossProduct} from "../../numeric/cross-product.js";
import {doolittleRows} from "../../numeric/doolittle.js";
import {fixedTerms, type TermsFrame} from "./fixed-terms.js";

/** One term's hypothesis `Lβ = 0`: the rows of L over the fixed effects (X's columns). */
export interface TermHypothesis {
  term: string;
  L: number[][];
}

/** The parts of a model frame the hypotheses read. */
export type HypothesesFrame = TermsFrame & Pick<ModelFrame, "X" | "xNames" | "n">;

/**
 * Type I (sequential) hypotheses, as lmerTest's `get_contrasts_type1`: with `XᵀX = L U` Doolittle's
 * factorization, the rows of `Lᵀ` (each fixed effect made orthogonal to those before it, see
 * {@link doolittleRows}) at a term's columns; a term is tested given the terms before it in the formula, not
 * those after. A model with one fixed effect and no intercept tests it alone.
 *
 * Reference: Goodnight (1978), SAS Technical Report R-101; Searle (1971), Linear Models, §7 (sequential sums of
 * squares); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   typeOneHypotheses(model.structure.frame); // [{term: "Days", L: [[0, 1]]}] for Reaction ~ Days + …
 */
export function typeOneHypotheses(frame: HypothesesFrame): TermHypothesis[] {
  const terms = fixedTerms(frame);
  const p = frame.X.length;
  const rows = p === 1 ? [[1]] : doolittleRows(crossProduct(frame.X), p);
  return terms.labels.map((term, t) => ({term, L: terms.columns[t].map((j) => rows[j].slice())}));
}
