/**
 * A fitted model's estimates as Arquero tables, one row per estimate, for filtering, joining and plotting.
 */
import {table, type ColumnTable} from "arquero";
import type {LinearMixedModel} from "./model.js";

/**
 * The fixed effects: `term`, `estimate` (β̂), `se` (its standard error) and `t` (estimate / se), one row per
 * coefficient in the model's order; the table of lme4's `coef(summary(m))`.
 *
 * @example
 *   fixedEffectsTable(m).objects();
 *   // [{term: "(Intercept)", estimate: 251.405, se: 6.825, t: 36.838}, {term: "Days", …}]
 * @see Bates et al. (2015), JSS 67(1), section 5.2 (standard errors of β̂ from σ̂²(R_XᵀR_X)⁻¹).
 */
export function fixedEffectsTable(m: Pick<LinearMixedModel, "fixefNames" | "beta" | "se">): ColumnTable {
  const term = m.fixefNames.slice();
  const estimate = Array.from(m.beta);
  const se = term.map((name) => m.se[name]);
  const t = estimate.map((b, i) => b / se[i]);
  return table({term, estimate, se, t});
}

/**
 * The variance components as lme4's `as.data.frame(VarCorr(m))`: `grp`, `var1`, `var2` (null unless the row
 * is a covariance), `vcov` (variance or covariance) and `sdcor` (standard deviation or correlation); the
 * residual row last.
 *
 * @example
 *   varianceTable(m).objects()[0]; // {grp: "Subject", var1: "(Intercept)", var2: null, vcov: 612.1, sdcor: 24.74}
 * @see lme4's `as.data.frame.VarCorr.merMod` (the columns and row order).
 */
export function varianceTable(m: Pick<LinearMixedModel, "varCorr">): ColumnTable {
  const rows = m.varCorr;
  return table({
    grp: rows.map((r) => r.grp),
    var1: rows.map((r) => r.var1),
    var2: rows.map((r) => r.var2),
    vcov: rows.map((r) => r.vcov),
    sdcor: rows.map((r) => r.sdcor)
  });
}

/**
 * The conditional modes of the random effects with their conditional standard deviations, as lme4's
 * `as.data.frame(ranef(m, condVar = TRUE))`: `grpvar`, `term`, `grp` (the level), `condval`, `condsd`.
 *
 * @example
 *   ranefTable(m).filter((d) => d.term === "Days").objects()[0];
 *   // {grpvar: "Subject", term: "Days", grp: "308", condval: 9.199, condsd: 2.43}
 * @see Bates et al. (2015), JSS 67(1), section 5.3 (conditional modes and variances).
 */
export function ranefTable(m: Pick<LinearMixedModel, "ranef">): ColumnTable {
  const r = m.ranef;
  return table({grpvar: r.grpvar.slice(), term: r.term.slice(), grp: r.grp.slice(), condval: r.condval.slice(), condsd: r.condsd.slice()});
}
