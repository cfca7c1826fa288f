import type {ColumnTable} from "arquero";
import {fail} from "../../errors.js";
import type {LinearMixedModel} from "../../lmm/model.js";
import {tTestP} from "../../stats/student-t.js";
import {coefficientTests, testsTable, type CoefficientTests, type ContrastTest} from "./tests-table.js";
import {varparCovariance} from "../../varpar/varpar-covariance.js";

/** The parts of a fitted model a Satterthwaite test reads. */
export type SatterthwaiteModel = Pick<LinearMixedModel, "structure" | "theta" | "sigma" | "REML" | "beta" | "fixefNames">;

/**
 * Satterthwaite's t test of a contrast `Lβ = 0`: with `C = Var(β̂)` as a function of the variance
 * parameters, `A` their asymptotic covariance and `gᵢ = L (∂C/∂varparᵢ) Lᵀ`,
 * `df = 2 (L C Lᵀ)² / (g A gᵀ)`, `t = Lβ̂ / √(L C Lᵀ)` and `p = 2 P(T_df < −|t|)`.
 *
 * Reference: Satterthwaite (1946), "An approximate distribution of estimates of variance components",
 * Biometrics Bulletin 2(6), 110–114; Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), eq. 4 and §3.1.
 *
 * @example
 *   satterthwaiteContrast(model, [0, 1]); // {estimate: 10.467, se: 1.546, df: 17.0, t: 6.771, p: 3.26e-6}
 */
export function satterthwaiteContrast(model: SatterthwaiteModel, L: ArrayLike<number>): ContrastTest {
  const p = model.beta.length;
  if (L.length !== p) fail(`invalid contrast: ${L.length} coefficients for ${p} fixed effects (${model.fixefNames.join(", ")}); give one per fixed effect`);
  for (let a = 0; a < p; a++) if (!Number.isFinite(L[a])) fail(`invalid contrast: coefficient ${a + 1} is ${L[a]}; give finite numbers`);
  const {vcov, jacobian, covariance} = varparCovariance(model);
  const quad = (M: Float64Array) => {
    let s = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) s += L[a] * M[a * p + b] * L[b];
    return s;
  };
  const variance = quad(vcov);
  const g = jacobian.map(quad);
  const k = g.length;
  let gAg = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) gAg += g[i] * covariance[i * k + j] * g[j];
  const df = (2 * variance * variance) / gAg;
  let estimate = 0;
  for (let a = 0; a < p; a++) estimate += L[a] * model.beta[a];
  const se = Math.sqrt(variance);
  const t = estimate / se;
  return {estimate, se, df, t, p: tTestP(t, df)};
}

/**
 * Satterthwaite degrees of freedom, t statistics and p-values for each fixed effect (L a unit vector), as
 * lmerTest's `summary()`.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.1.
 *
 * @example
 *   satterthwaiteValues(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy)).df;
 *   // {"(Intercept)": 16.9997, Days: 16.99998}
 */
export function satterthwaiteValues(model: SatterthwaiteModel): CoefficientTests {
  return coefficientTests(model.fixefNames, (L) => satterthwaiteContrast(model, L), varparCovariance(model).warnings.slice());
}

/**
 * The `satterthwaite` field of `lmm fit --json`: `{df: {name: …}, p: {name: …}}`.
 *
 * @example
 *   satterthwaiteJSON(model); // {df: {"(Intercept)": 16.9997, Days: 16.99998}, p: {…}}
 */
export function satterthwaiteJSON(model: SatterthwaiteModel): {df: Record<string, number>; p: Record<string, number>} {
  const {df, p} = satterthwaiteValues(model);
  return {df, p};
}

/**
 * The fixed effects with Satterthwaite's tests as an Arquero table: `term`, `estimate`, `se`, `df`, `t`,
 * `p`, one row per coefficient (lmerTest's `coef(summary(m))`).
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.1.
 *
 * @example
 *   satterthwaite(model).objects()[1]; // {term: "Days", estimate: 10.467, se: 1.546, df: 17.0, t: 6.771, p: 3.26e-6}
 */
export function satterthwaite(model: SatterthwaiteModel): ColumnTable {
  return testsTable(model.fixefNames, satterthwaiteValues(model));
}
