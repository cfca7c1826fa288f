import type {ColumnTable} from "arquero";
import {fail} from "../../errors.js";
import {kenwardRogerCovariance, type KenwardRogerCovariance, type KenwardRogerModel} from "../../varpar/kenward-roger-covariance.js";
import {kenwardRogerMoments} from "../../varpar/kenward-roger-moments.js";
import {tTestP} from "../../stats/student-t.js";
import {coefficientTests, testsTable, type CoefficientTests, type ContrastTest} from "./tests-table.js";

/**
 * Kenward and Roger's denominator degrees of freedom for the hypothesis `Lβ = 0` (L with q rows):
 * with `Θ = Lᵀ(LΦLᵀ)⁻¹L` and `u_r = ΘΦP_rΦ`, `A₁ = Σ_rs W_rs tr(u_r) tr(u_s)`, `A₂ = Σ_rs W_rs tr(u_r u_s)`,
 * `B = (A₁ + 6A₂)/(2q)`, `g = ((q + 1)A₁ − (q + 4)A₂)/((q + 2)A₂)`, `c₁ = g/(3q + 2(1 − g))`,
 * `c₂ = (q − g)/(3q + 2(1 − g))`, `c₃ = (q + 2 − g)/(3q + 2(1 − g))`, `E* = 1/(1 − A₂/q)`,
 * `V* = (2/q)(1 + c₁B)/((1 − c₂B)²(1 − c₃B))`, `ρ = V* / (2E*²)` and `m = 4 + (q + 2)/(qρ − 1)`. For one row
 * (q = 1) A₁ = A₂ and m reduces to 2/A₂. Computed by {@link kenwardRogerMoments}, with pbkrtest's guards.
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3), 983–997, §4 (eqs. for A₁, A₂, E*, V*, ρ, m);
 * Halekoh & Højsgaard (2014), JSS 59(9), §3 (pbkrtest's `Lb_ddf`).
 *
 * @example
 *   kenwardRogerDf(kenwardRogerCovariance(model), [[0, 1]]); // 17 for Days in sleepstudy (Days | Subject)
 */
export function kenwardRogerDf(kr: Pick<KenwardRogerCovariance, "vcov" | "P" | "W">, L: number[][]): number {
  return kenwardRogerMoments(kr, L).ddf;
}

/**
 * The Kenward–Roger t test of a contrast `Lβ = 0` (one row): the standard error from the adjusted covariance,
 * `se = √(L Φ_A Lᵀ)`, `t = Lβ̂/se`, Kenward–Roger's df and `p = 2 P(T_df > |t|)`, as lmerTest's
 * `contest1D(m, L, ddf = "Kenward-Roger")`. REML fits only.
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13),
 * §3.2; Halekoh & Højsgaard (2014), JSS 59(9).
 *
 * @example
 *   kenwardRogerContrast(model, [1, 2]); // {estimate: 272.34, se: 7.094, df: 17, t: 38.39, p: 5.86e-18}
 */
export function kenwardRogerContrast(model: KenwardRogerModel, L: ArrayLike<number>): ContrastTest {
  const p = model.beta.length;
  if (L.length !== p) fail(`invalid contrast: ${L.length} coefficients for ${p} fixed effects (${model.fixefNames.join(", ")}); give one per fixed effect`);
  for (let a = 0; a < p; a++) if (!Number.isFinite(L[a])) fail(`invalid contrast: coefficient ${a + 1} is ${L[a]}; give finite numbers`);
  const kr = kenwardRogerCovariance(model);
  const row = Array.from(L);
  let estimate = 0, variance = 0;
  for (let a = 0; a < p; a++) {
    estimate += row[a] * model.beta[a];
    for (let b = 0; b < p; b++) variance += row[a] * kr.adjusted.get(a, b) * row[b];
  }
  const df = kenwardRogerDf(kr, [row]);
  const se = Math.sqrt(variance);
  const t = estimate / se;
  return {estimate, se, df, t, p: tTestP(t, df)};
}

/**
 * Kenward–Roger t tests of every fixed effect, by name, as lmerTest's `summary(m, ddf = "Kenward-Roger")`:
 * the same fields as {@link satterthwaiteValues}, with the adjusted standard errors.
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13).
 *
 * @example
 *   kenwardRogerValues(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy)).df; // {"(Intercept)": 17, Days: 17}
 */
export function kenwardRogerValues(model: KenwardRogerModel): CoefficientTests {
  return coefficientTests(model.fixefNames, (L) => kenwardRogerContrast(model, L), []);
}

/**
 * The `kenwardRoger` field of `lmm fit --ddf Kenward-Roger --json`: `{df: {name: …}, p: {name: …}, se: {name: …}}`
 * (the standard errors too, since Kenward–Roger adjusts them).
 *
 * @example
 *   kenwardRogerJSON(model); // {df: {"(Intercept)": 17, Days: 17}, p: {…}, se: {"(Intercept)": 6.825, Days: 1.546}}
 */
export function kenwardRogerJSON(model: KenwardRogerModel): {df: Record<string, number>; p: Record<string, number>; se: Record<string, number>} {
  const {df, p, se} = kenwardRogerValues(model);
  return {df, p, se};
}

/**
 * The fixed effects with Kenward–Roger's tests as an Arquero table: `term`, `estimate`, `se` (adjusted), `df`,
 * `t`, `p`, one row per coefficient (lmerTest's `coef(summary(m, ddf = "Kenward-Roger"))`).
 *
 * Reference: Kenward & Roger (1997), Biometrics 53(3); Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13).
 *
 * @example
 *   kenwardRoger(model).objects()[1]; // {term: "Days", estimate: 10.467, se: 1.546, df: 17, t: 6.771, p: 3.26e-6}
 */
export function kenwardRoger(model: KenwardRogerModel): ColumnTable {
  return testsTable(model.fixefNames, kenwardRogerValues(model));
}
