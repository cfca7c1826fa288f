import {fail} from "../errors.js";
import {levelLabel} from "../frame/factor.js";
import {covariateDesign, type CovariateDesign} from "./profile-design.js";
import type {ModelColumns} from "./model-columns.js";

/** The treated rows of a model's data and their design with the treatment set to control. */
export interface CounterfactualRows {
  /** Model rows (0-based) whose treatment column is 1, in row order. */
  treated: number[];
  /** The design of the treated rows with the treatment set to 0: X, each term's Z columns, the offset. */
  design: CovariateDesign;
}

/**
 * The rows with t = 1 of a 0/1 covariate column `treatment`, and their counterfactual design with t set to 0
 * (every other covariate as observed; transforms and interactions of t recomputed), for Zelig's average
 * treatment effect on the treated. Fails, naming the column and the fix, when the column is not a covariate of
 * the model, not 0/1, or has no treated or no control rows.
 *
 * Reference: Rubin (1974), "Estimating causal effects of treatments in randomized and nonrandomized
 * studies", JEP 66(5) (potential outcomes); Imai, King & Lau, Zelig: Everyone's Statistical Software (ATT).
 *
 * @example
 *   counterfactualRows(modelColumns(m), "female").treated.length; // rows with female = 1
 */
export function counterfactualRows(columns: ModelColumns, treatment: string): CounterfactualRows {
  const {layout} = columns;
  const frame = layout.frame;
  if (typeof treatment !== "string" || !layout.columns.includes(treatment)) {
    fail(`treatment column ${String(treatment)} is not a covariate of the model; the model's covariates are ${layout.columns.join(", ")}`);
  }
  const t = columns.values.get(treatment)!;
  const treated: number[] = [];
  for (let r = 0; r < frame.n; r++) {
    const label = levelLabel(t[r]);
    if (label === "1") treated.push(r);
    else if (label !== "0") {
      fail(`treatment column ${treatment} is not 0/1: row ${frame.rows[r] + 1} holds ${JSON.stringify(t[r])}; code it 0 for control and 1 for treated`);
    }
  }
  const nT = treated.length;
  if (nT === 0) fail(`no treated rows: treatment column ${treatment} is 0 in every row the model used`);
  const levels = columns.levels.get(treatment);
  if (levels && !levels.raw.has("0")) fail(`no control rows: treatment column ${treatment} is 1 in every row, so t = 0 is not a level of the data`);
  const control = levels ? levels.raw.get("0") : 0;
  const values = new Map<string, ArrayLike<unknown>>();
  for (const [c, v] of columns.values) values.set(c, c === treatment ? new Array(nT).fill(control) : treated.map((r) => v[r]));
  return {treated, design: covariateDesign(layout, values, nT)};
}
