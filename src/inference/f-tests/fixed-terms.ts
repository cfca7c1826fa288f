import type {ModelFrame} from "../../frame/frame.js";
import {termCodes} from "../../frame/term-codes.js";

/** The fixed-effect terms of a model and how they map to the columns of X. */
export interface FixedTerms {
  /** Term labels in the formula's order (R's `term.labels`): `recipe`, `temp`, `recipe:temp`. */
  labels: string[];
  /** For each term, its columns of X (aliased columns dropped), by index. */
  columns: number[][];
  /** Number of variables in each term (R's `order` attribute of terms). */
  degree: number[];
  /** For each term, the terms that contain it in lmerTest's sense (see {@link fixedTerms}), by index. */
  containers: number[][];
}

/** The parts of a model frame read here. */
export type TermsFrame = Pick<ModelFrame, "spec" | "assign" | "fixedVariables">;

/**
 * The fixed-effect terms of a model frame, their columns of X and their containment, as lmerTest's
 * `term2colX` and `containment` define them. A term's variables are those R's terms object codes by 1
 * ({@link termCodes}: the term without the variable is empty or contained in an earlier term), not those coded
 * 2. Term F1 is contained in F2 when F1's variables are a proper subset of F2's and both have the same numeric
 * variables: so `temp` is contained in `recipe:temp`, but `recipe` is not (the numeric `temp` differs); in
 * `standLRT + sex:type + sex:vr`, vr (coded 1, as sex is in the earlier sex:type) is sex:vr's only variable.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1 (the `factors` attribute of terms);
 * Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4 (lmerTest's type II and III hypotheses);
 * Nelder (1977), "A reformulation of linear models", JRSS A 140(1) (marginality: a term's containing terms).
 *
 * @example
 *   fixedTerms(lmer("angle ~ recipe * temp + (1 | recipe:replicate)", cake).structure.frame).containers;
 *   // [[], [2], []]: temp is contained in recipe:temp
 */
export function fixedTerms(frame: TermsFrame): FixedTerms {
  const terms = frame.spec.terms;
  const labels = terms.map((t) => t.label);
  const columns = terms.map((_, t) => frame.assign.flatMap((a, j) => (a === t ? [j] : [])));
  const codes = termCodes(terms);
  const vars = terms.map((t, i) => t.vars.filter((_, k) => codes[i][k] === 1).map((v) => v.label));
  const numerics = vars.map((vs) => vs.filter((v) => frame.fixedVariables.get(v)?.kind === "numeric"));
  const contains = (inner: number, outer: number) =>
    vars[inner].every((v) => vars[outer].includes(v)) &&
    vars[outer].some((v) => !vars[inner].includes(v)) &&
    setKey(numerics[inner]) === setKey(numerics[outer]);
  const containers = terms.map((_, t) => terms.flatMap((_, u) => (contains(t, u) ? [u] : [])));
  return {labels, columns, degree: terms.map((t) => t.vars.length), containers};
}

/** A key for a set of labels, independent of their order. */
function setKey(labels: string[]): string {
  return [...new Set(labels)].sort().join("\u0000");
}
