/**
 * The residual standard-deviation multiplier of each covariate profile for a model fitted with a variance
 * function (nlme's `weights`): the function evaluated at the profile's covariate and stratum, so that `sim`'s
 * predicted values draw ε ~ N(0, σ̂² g²).
 */
import {fail, quote} from "../errors.js";
import {levelLabel} from "../frame/factor.js";
import {dataSource} from "../frame/source.js";
import {evaluateVariable} from "../frame/variables.js";
import {deparse} from "../formula/deparse.js";
import {toVarRef} from "../formula/variable.js";
import {varianceScalesAt, type ResidualStructure} from "../lmm/residual.js";
import type {Profiles} from "./covariate-profiles.js";
import type {QiModel} from "./qi-model.js";
import {termFactors} from "./random-effects.js";

/**
 * Each profile's g (1 for every profile without a variance function; null then): the variance covariate read
 * from the profile's columns (its expression evaluated on them), or for `fitted(.)` the profile's fitted value
 * x β̂ + z b̂ (b̂ the known group's mode, 0 for a new group, as nlme's innermost fitted values), and the stratum
 * from the profile's columns or groups. A covariate or stratum column that is not one of the profile's fails
 * with its name.
 *
 * Reference: Pinheiro & Bates (2000), §5.2 (Var(ε_ij) = σ² g²(v_ij, δ)); nlme's `fitted.lme`.
 *
 * @example
 *   profileScales(m, setx(m, {age: [8, 14]})); // Float64Array [g(8), g(14)]
 */
export function profileScales(model: QiModel, x: Profiles): Float64Array | null {
  const residual = "structure" in model ? model.structure.residual : undefined;
  if (!residual?.structure.variance) return null;
  const r: ResidualStructure = residual.structure;
  const spec = r.variance!;
  const n = x.length;
  const column = (name: string): readonly unknown[] => {
    const v = x.values.get(name) ?? x.groups.get(name);
    if (!v) fail(`sim of a model with ${spec.text} needs each profile's ${quote(name)}, which is not a column of the model: add it to the model's formula, or fit without the variance function`);
    return v;
  };
  const strata = new Int32Array(n);
  if (spec.form.groups.length) {
    const columns = spec.form.groups.map(column);
    for (let j = 0; j < n; j++) {
      const label = columns.map((c) => levelLabel(c[j])).join("/");
      const k = r.strataNames.indexOf(label);
      if (k < 0) fail(`profile ${j + 1}'s stratum ${quote(label)} of ${spec.text} is not one the model was fitted with (${r.strataNames.join(", ")}); set ${spec.form.groups.join(", ")} to one of them in setx`);
      strata[j] = k;
    }
  }
  let covariate: Float64Array = new Float64Array(n);
  if (spec.form.fitted) covariate = fittedAt(model, x);
  else if (spec.form.covariate) {
    const expr = spec.form.covariate;
    const text = deparse(expr);
    const ref = toVarRef(expr, text);
    const rows = Array.from({length: n}, (_, j) => Object.fromEntries(ref.columns.map((c) => [c, column(c)[j]])));
    const v = evaluateVariable(ref, dataSource(rows));
    if (v.kind !== "numeric") fail(`the variance covariate ${quote(text)} of ${spec.text} is not numeric in the profiles`);
    covariate = Float64Array.from(v.values as ArrayLike<number>);
  }
  const g = varianceScalesAt(r, residual.parameters, strata, covariate);
  const bad = g.findIndex((v) => !(v > 0 && Number.isFinite(v)));
  if (bad >= 0) fail(`${spec.text} gives profile ${bad + 1} a residual standard deviation of ${g[bad]}: its covariate ${covariate[bad]} is outside what the variance function allows; set another value in setx`);
  return g;
}

/** Each profile's fitted value x β̂ + z b̂ (+ offset), b̂ the mode of a known group and 0 for a new one. */
function fittedAt(model: QiModel, x: Profiles): Float64Array {
  const p = model.beta.length;
  const factors = termFactors(model);
  return Float64Array.from({length: x.length}, (_, j) => {
    let s = x.offset ? x.offset[j] : 0;
    for (let a = 0; a < p; a++) s += x.X[j * p + a] * model.beta[a];
    factors.forEach((f, i) => {
      const h = x.levels[i][j];
      if (h < 0) return;
      for (let a = 0; a < f.p; a++) s += x.Z[i][j * f.p + a] * f.modes[h * f.p + a];
    });
    return s;
  });
}
