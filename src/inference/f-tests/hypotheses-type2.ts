import {crossProduct} from "../../numeric/cross-product.js";
import {doolittleRows} from "../../numeric/doolittle.js";
import {fixedTerms} from "./fixed-terms.js";
import {typeOneHypotheses, type HypothesesFrame, type TermHypothesis} from "./hypotheses-type1.js";

/**
 * Type II hypotheses, as lmerTest's default `type = 2` (`get_contrasts_type2_unfolded`): a term contained in no
 * other (see {@link fixedTerms}) is tested marginally, its coefficients equal to zero; any other term is tested
 * adjusted for every term that does not contain it: X's columns are reordered to put the term and the terms
 * containing it last (the term first among them), and the term's rows of Doolittle's `Lᵀ` of the reordered
 * `XᵀX` are taken, in X's column order. With one term (or one column) these are the type I hypotheses.
 *
 * Reference: Langsrud (2003), "ANOVA for unbalanced data: use type II instead of type III sums of squares",
 * Statistics and Computing 13, 163–167; Goodnight (1978), SAS Technical Report R-101; Kuznetsova, Brockhoff &
 * Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   typeTwoHypotheses(frame).map((h) => h.term); // ["recipe", "temp", "recipe:temp"]
 */
export function typeTwoHypotheses(frame: HypothesesFrame): TermHypothesis[] {
  const terms = fixedTerms(frame);
  const p = frame.X.length;
  if (p <= 1 || terms.labels.length <= 1) return typeOneHypotheses(frame);
  const G = crossProduct(frame.X);
  return terms.labels.map((term, t) => {
    const own = terms.columns[t];
    if (terms.containers[t].length === 0) return {term, L: own.map((j) => unitRow(j, p))};
    const last = [...own, ...terms.containers[t].flatMap((u) => terms.columns[u])];
    const order = [...Array.from({length: p}, (_, j) => j).filter((j) => !last.includes(j)), ...last];
    const reordered = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) reordered[a * p + b] = G[order[a] * p + order[b]];
    const rows = doolittleRows(reordered, p);
    return {
      term,
      L: own.map((j) => {
        const row = rows[order.indexOf(j)];
        const out = new Array<number>(p).fill(0);
        order.forEach((col, k) => (out[col] = row[k]));
        return out;
      })
    };
  });
}

/** Row j of the p × p identity. */
function unitRow(j: number, p: number): number[] {
  const row = new Array<number>(p).fill(0);
  row[j] = 1;
  return row;
}
