import {table, type ColumnTable} from "arquero";
import {fail} from "../errors.js";
import {templates} from "../lmm/lambda.js";
import type {LinearMixedModel} from "../lmm/model.js";

/** Nakagawa's variance decomposition of a linear mixed model. */
export interface VarianceExplained {
  /** Variance of the fixed-effect predictions `Xβ̂` (sample variance, n − 1). */
  fixed: number;
  /** Mean variance of each grouping factor's random effects over the rows, by group name. */
  random: Record<string, number>;
  /** σ̂², the residual variance. */
  residual: number;
  /** Marginal R²: fixed / (fixed + Σ random + residual). */
  marginal: number;
  /** Conditional R²: (fixed + Σ random) / (fixed + Σ random + residual). */
  conditional: number;
  /** Intra-class correlation per grouping factor: its variance over (Σ random + residual). */
  icc: Record<string, number>;
  /** The adjusted ICC of all random effects together: Σ random / (Σ random + residual). */
  iccAdjusted: number;
}

/**
 * Nakagawa & Schielzeth's R² for a linear mixed model, with Johnson's extension to random slopes, and
 * intra-class correlations per grouping factor.
 *
 * The variance of a random-effects term l is its mean contribution over the rows, `σ²_l = Σᵢ zᵢᵀ Σ_l zᵢ / n`
 * (zᵢ the term's model-matrix row, Σ_l = σ̂² T Tᵀ); for a random intercept it is the intercept variance.
 * Terms on the same grouping factor (`(1 | g) + (0 + x | g)`) add up. The fixed-effect variance is the
 * sample variance of `Xβ̂`. Then `R²_m = σ²_f / (σ²_f + Σσ²_l + σ²)`, `R²_c = (σ²_f + Σσ²_l) / (σ²_f + Σσ²_l + σ²)`,
 * and the ICC of group g is `σ²_g / (Σσ²_l + σ²)`.
 *
 * Reference: Nakagawa & Schielzeth (2013), "A general and simple method for obtaining R² from generalized
 * linear mixed-effects models", Methods Ecol. Evol. 4, 133–142, eqs. 26–27; Johnson (2014), "Extension of
 * Nakagawa & Schielzeth's R²GLMM to random slopes models", Methods Ecol. Evol. 5, 944–946, eq. 10;
 * Nakagawa, Johnson & Schielzeth (2017), J. R. Soc. Interface 14, 20170213 (the adjusted ICC).
 *
 * @example
 *   varianceExplained(lmer("Reaction ~ Days + (1 | Subject)", sleepstudy)).icc; // {Subject: 0.5893}
 */
export function varianceExplained(model: LinearMixedModel): VarianceExplained {
  const variance = model.structure.residual?.structure.variance;
  if (variance) fail(`variance explained of a model with a variance function (${variance.text}) is not available yet: σ² is then one stratum's or one covariate value's residual variance, not the residuals'`);
  const frame = model.structure.frame;
  const n = frame.n;
  const eta = new Float64Array(n);
  frame.X.forEach((col, a) => {
    for (let i = 0; i < n; i++) eta[i] += col[i] * model.beta[a];
  });
  let mean = 0;
  for (let i = 0; i < n; i++) mean += eta[i];
  mean /= n;
  let fixed = 0;
  for (let i = 0; i < n; i++) fixed += (eta[i] - mean) * (eta[i] - mean);
  fixed = n > 1 ? fixed / (n - 1) : 0;

  const T = templates(model.structure.A.sizes, model.theta);
  const s2 = model.sigma * model.sigma;
  const random: Record<string, number> = Object.create(null);
  frame.terms.forEach((t, k) => {
    const p = t.p, Tk = T[k];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      // zᵢᵀ Σ zᵢ = σ² ‖Tᵀ zᵢ‖²
      let ss = 0;
      for (let c = 0; c < p; c++) {
        let v = 0;
        for (let r = c; r < p; r++) v += Tk[r * p + c] * t.Z[i * p + r];
        ss += v * v;
      }
      sum += ss;
    }
    random[t.group] = (random[t.group] ?? 0) + (s2 * sum) / n;
  });
  const totalRandom = Object.values(random).reduce((a, b) => a + b, 0);
  const total = fixed + totalRandom + s2;
  const icc: Record<string, number> = Object.create(null);
  for (const [g, v] of Object.entries(random)) icc[g] = v / (totalRandom + s2);
  return {
    fixed,
    random,
    residual: s2,
    marginal: fixed / total,
    conditional: (fixed + totalRandom) / total,
    icc,
    iccAdjusted: totalRandom / (totalRandom + s2)
  };
}

/**
 * The intra-class correlations as an Arquero table: `group`, `variance`, `icc`.
 *
 * Reference: Nakagawa, Johnson & Schielzeth (2017), J. R. Soc. Interface 14, 20170213.
 *
 * @example
 *   iccTable(model).objects(); // [{group: "Subject", variance: 1378.2, icc: 0.589}]
 */
export function iccTable(model: LinearMixedModel): ColumnTable {
  const v = varianceExplained(model);
  const group = Object.keys(v.random);
  return table({group, variance: group.map((g) => v.random[g]), icc: group.map((g) => v.icc[g])});
}
