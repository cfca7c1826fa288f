import {table, type ColumnTable} from "arquero";
import {describeValue, fail} from "../errors.js";
import {dataSource} from "../frame/source.js";
import {LinearMixedModel, padExcluded} from "../lmm/model.js";
import type {TableInput} from "../frame/table-input.js";
import {cooksDistance, hatValues} from "./hat-values.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {augmentGlmerColumns} from "./augment-glmer.js";

/**
 * The data with the model's per-row values, as broom.mixed's `augment()` gives them for an lmer fit: the
 * columns of `data`, then
 * - `.fitted`: the fitted value `Xβ̂ + Zb̃ + offset` (lme4's `fitted`);
 * - `.resid`: the residual y − `.fitted`;
 * - `.hat`: the leverage, the diagonal of the hat matrix (lme4's `hatvalues`, see {@link hatValues});
 * - `.cooksd`: Cook's distance (lme4's `cooks.distance`, see {@link cooksDistance});
 * - `.fixed`: the population-level prediction `Xβ̂ + offset` (`predict(m, re.form = NA)`);
 * - `.mu`: the fitted value again (the response module's `mu`);
 * - `.offset`: the offset (0 without one);
 * - `.sqrtXwt`, `.sqrtrwt`: √w, w the prior weight (1 without weights);
 * - `.weights`: w;
 * - `.wtres`: the Pearson residual √w (y − `.fitted`).
 *
 * `data` is the table the model was fitted to (the same rows, in the same order); its rows with a missing
 * value that the fit dropped are left out (`naAction: "omit"`, the default) or kept with NaN in the added
 * columns (`naAction: "exclude"`), so that the result joins back to the input. Without `data` the table holds
 * the added columns only, in the rows of `model.fitted` (broom.mixed would take lme4's model frame).
 *
 * A glmer fit gets broom.mixed's columns for a `glmerMod` ({@link augmentGlmerColumns}: `.fitted` on the
 * link scale, deviance residuals, working-weight columns and `.eta`).
 *
 * Reference: broom.mixed 0.2.9's `augment.merMod` and broom's `augment_columns`; lme4's `hatvalues.merMod`,
 * `cooks.distance.merMod`; R's `naresid.exclude`.
 *
 * @example
 *   augment(m, sleepstudy).objects()[0];
 *   // {Reaction: 249.56, Days: 0, Subject: 308, .fitted: 253.66, .resid: -4.10, .hat: 0.229, .cooksd: 0.00496,
 *   //  .fixed: 251.41, .mu: 253.66, .offset: 0, .sqrtXwt: 1, .sqrtrwt: 1, .weights: 1, .wtres: -4.10}
 */
export function augment(model: LinearMixedModel | GeneralizedLinearMixedModel, data?: TableInput): ColumnTable {
  if (model instanceof GeneralizedLinearMixedModel) return withData(model.frame, augmentGlmerColumns(model), data);
  if (!(model instanceof LinearMixedModel)) fail(`invalid model of augment: ${describeValue(model)}; pass a model from lmer() or glmer()`);
  const frame = model.structure.frame;
  const {n, X, offset, weights} = frame;
  // hat values and Cook's distances of a model with a residual structure would need its whitened rows: NaN
  const structured = model.structure.residual !== undefined;
  const hat = structured ? new Float64Array(frame.n).fill(NaN) : hatValues(model);
  const cooks = structured ? new Float64Array(frame.n).fill(NaN) : cooksDistance(model, hat);
  const fixed = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = offset ? offset[r] : 0;
    for (let a = 0; a < X.length; a++) s += X[a][r] * model.beta[a];
    fixed[r] = s;
  }
  const w = weights ?? new Float64Array(n).fill(1);
  const sqrtW = w.map(Math.sqrt);
  const added: Record<string, Float64Array> = {
    ".fitted": model.usedFitted,
    ".resid": model.usedResiduals,
    ".hat": hat,
    ".cooksd": cooks,
    ".fixed": fixed,
    ".mu": model.usedFitted,
    ".offset": offset ?? new Float64Array(n),
    ".sqrtXwt": sqrtW,
    ".sqrtrwt": sqrtW,
    ".weights": w,
    ".wtres": model.usedResiduals.map((e, r) => e * sqrtW[r])
  };
  return withData(frame, added, data);
}

/** The data's columns (at the rows used, or all of them with naAction "exclude") beside the added ones. */
function withData(frame: LinearMixedModel["structure"]["frame"], added: Record<string, Float64Array>, data: TableInput | undefined): ColumnTable {
  const columns: Record<string, ArrayLike<unknown>> = {};
  if (data !== undefined) {
    const source = dataSource(data);
    if (source.rows !== frame.sourceRows) {
      fail(`the data of augment has ${source.rows} rows but the model was fitted to a table of ${frame.sourceRows}; pass the table the model was fitted to`);
    }
    const exclude = frame.naAction === "exclude";
    for (const name of source.names) {
      if (Object.prototype.hasOwnProperty.call(added, name)) fail(`the data of augment has a column ${name}, which augment adds; rename it`);
      const values = source.values(name);
      columns[name] = exclude ? Array.from(values) : Array.from(frame.rows, (row) => values[row]);
    }
  }
  for (const [name, values] of Object.entries(added)) columns[name] = padExcluded(frame, values);
  return table(columns);
}
