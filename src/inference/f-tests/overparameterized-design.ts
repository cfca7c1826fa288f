import {designColumns, type DesignColumns} from "../../frame/design.js";
import type {ModelFrame} from "../../frame/frame.js";

/**
 * The over-parameterized design of a model's fixed-effect terms, as lmerTest's `get_rdX`: the intercept (when
 * the model has one), then for each term every product of one level indicator per factor (all levels, none
 * left out as a reference) and its numeric variables, named as R names model-matrix columns (`recipeA:temp`).
 * Each column of a treatment-coded X is one of these, by name.
 *
 * Reference: Searle (1971), Linear Models, §7.1 (the over-parameterized, "cell means" description of a
 * factorial model); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4 (type III hypotheses).
 *
 * @example
 *   overparameterizedDesign(frame).names;
 *   // ["(Intercept)", "recipeA", "recipeB", "recipeC", "temp", "recipeA:temp", "recipeB:temp", "recipeC:temp"]
 */
export function overparameterizedDesign(frame: Pick<ModelFrame, "spec" | "fixedVariables" | "n">): DesignColumns {
  const {spec, n} = frame;
  const out: DesignColumns = {names: [], columns: [], assign: []};
  if (spec.intercept) {
    out.names.push("(Intercept)");
    out.columns.push(new Float64Array(n).fill(1));
    out.assign.push(-1);
  }
  spec.terms.forEach((term, t) => {
    // alone and without an intercept, every factor of the term is coded by all its level indicators
    const d = designColumns(false, [term], frame.fixedVariables, n);
    out.names.push(...d.names);
    out.columns.push(...d.columns);
    out.assign.push(...d.assign.map(() => t));
  });
  return out;
}
