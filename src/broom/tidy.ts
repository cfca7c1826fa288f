import {table, type ColumnTable} from "arquero";
import {describeValue, fail} from "../errors.js";
import {checkDdf, type Ddf} from "../inference/ddf.js";
import {fixedEffectTests} from "../inference/t-tests/fixed-effect-tests.js";
import {normalQuantile} from "../stats/normal-quantile.js";
import {studentTQuantile} from "../stats/student-t-quantile.js";
import {LinearMixedModel} from "../lmm/model.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {optionNames, readOptions} from "../options.js";

/** The parts of a model {@link tidy} can list: broom.mixed's `effects`. */
export type TidyEffect = "fixed" | "ran_pars" | "ran_vals";

const EFFECTS: readonly TidyEffect[] = ["fixed", "ran_pars", "ran_vals"];

/**
 * Options of {@link tidy}, with broom.mixed's names. The dotted names are broom's (paste them from R);
 * JavaScript needs them quoted (`{"conf.int": true}`), so the camelCase spellings `confInt`, `confLevel`
 * are accepted too, and `ddf` (lmerTest's and this library's name) or broom's `ddf.method` for the
 * degrees-of-freedom method. Two spellings of one option together are refused, as are unknown names.
 */
export interface TidyOptions {
  /** Which rows: `"fixed"`, `"ran_pars"`, `"ran_vals"`, or an array of them; default `["fixed", "ran_pars"]`. */
  effects?: TidyEffect | readonly TidyEffect[];
  /** Add `conf.low` and `conf.high` (default false). */
  "conf.int"?: boolean;
  /** Same as `conf.int`. */
  confInt?: boolean;
  /** Confidence level of the intervals (default 0.95). */
  "conf.level"?: number;
  /** Same as `conf.level`. */
  confLevel?: number;
  /** Degrees of freedom of the fixed-effect t tests and intervals: `"Satterthwaite"` (default) or `"Kenward-Roger"`. */
  ddf?: Ddf;
  /** Same as `ddf` (broom.mixed's name). */
  "ddf.method"?: Ddf;
}

const TIDY_OPTIONS = optionNames<TidyOptions>({effects: true, "conf.int": true, confInt: true, "conf.level": true, confLevel: true, ddf: true, "ddf.method": true});

/** The one value given under either spelling of an option; both together are refused. */
function either<T>(o: Partial<TidyOptions>, a: keyof TidyOptions, b: keyof TidyOptions): T | undefined {
  if (o[a] !== undefined && o[b] !== undefined) fail(`options ${a} and ${b} of tidy are the same option; give one of them`);
  return (o[a] ?? o[b]) as T | undefined;
}

/**
 * The model's estimates as one Arquero table, as broom.mixed's `tidy()` gives them for an lmerTest fit
 * (`lmerModLmerTest`), with its column names and row order: the fixed effects first, then the variance
 * parameters, then the conditional modes, as chosen by `effects`.
 *
 * - `effect`: `"fixed"`, `"ran_pars"` or `"ran_vals"`;
 * - `group` (with ran_pars or ran_vals): the term's group as `VarCorr` names it (`"Subject"`, `"Subject.1"`),
 *   `"Residual"` for σ̂, null for fixed effects;
 * - `level` (with ran_vals): the level of the grouping factor;
 * - `term`: the coefficient; for ran_pars `sd__(Intercept)`, `cor__(Intercept).Days`, and `sd__Observation` for
 *   the residual, listed per group as the lower triangle column by column (broom.mixed's `order = "lower.tri"`);
 * - `estimate`: β̂; the standard deviation or correlation; the conditional mode;
 * - `std.error` (with fixed or ran_vals): the standard error of β̂ (Kenward–Roger's adjusted one with
 *   `ddf: "Kenward-Roger"`), the conditional standard deviation of a mode;
 * - `statistic`, `df`, `p.value` (with fixed): the t statistic, its Satterthwaite or Kenward–Roger degrees of
 *   freedom and the two-sided p-value (lmerTest's `summary(m, ddf = …)`);
 * - `conf.low`, `conf.high` (with `conf.int`): Wald intervals, `estimate ± q std.error` with q the t quantile
 *   at those df for fixed effects and the normal quantile for modes; NaN for ran_pars (broom.mixed's Wald
 *   intervals have none; use `confint` for profile intervals).
 *
 * A glmer fit's fixed effects are lme4's Wald tests (`statistic` the z value, `p.value` from the normal
 * distribution, no `df` column, `conf.low`/`conf.high` with the normal quantile), as broom.mixed gives them for
 * a `glmerMod`; `ddf` does not apply to it. Its ran_pars have an `sd__Observation` row for σ only with a
 * dispersion (Gamma, gaussian, inverse Gaussian).
 *
 * A number broom.mixed gives as NA is NaN, a text NA is null. The model's own fields keep their shapes (fixef
 * a by-name object, varCorr rows, ranef columns, predict `{fit, se}`); tidy, glance and augment are the
 * uniform tables of the same numbers.
 *
 * Reference: broom.mixed 0.2.9's `tidy.merMod` (Bolker & Robinson); Kuznetsova, Brockhoff & Christensen
 * (2017), JSS 82(13), §3 (the t tests).
 *
 * @example
 *   tidy(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy), {confInt: true}).objects()[1];
 *   // {effect: "fixed", group: null, term: "Days", estimate: 10.467, std.error: 1.546, statistic: 6.771,
 *   //  df: 17.0, p.value: 3.26e-6, conf.low: 7.206, conf.high: 13.729}
 */
export function tidy(model: LinearMixedModel | GeneralizedLinearMixedModel, options?: TidyOptions): ColumnTable {
  const generalized = model instanceof GeneralizedLinearMixedModel;
  if (!(model instanceof LinearMixedModel) && !generalized) fail(`invalid model of tidy: ${describeValue(model)}; pass a model from lmer() or glmer()`);
  const o = readOptions(options, TIDY_OPTIONS, "tidy");
  const effects = effectList(o.effects);
  const confInt = either<unknown>(o, "conf.int", "confInt") ?? false;
  if (typeof confInt !== "boolean") fail(`invalid conf.int of tidy: ${describeValue(confInt)}; use true or false`);
  const level = either<unknown>(o, "conf.level", "confLevel") ?? 0.95;
  if (typeof level !== "number" || !(level > 0 && level < 1)) fail(`invalid conf.level of tidy: ${describeValue(level)}; use a number between 0 and 1, such as 0.95`);
  const ddfGiven = either<unknown>(o, "ddf", "ddf.method");
  if (generalized && ddfGiven !== undefined) fail(`ddf does not apply to a glmer fit (its fixed effects have Wald z tests); leave it out`);
  const ddf = ddfGiven === undefined ? "Satterthwaite" : checkDdf(ddfGiven);

  const rows: Row[] = [];
  if (effects.has("fixed")) rows.push(...(generalized ? waldRows(model, confInt, level) : fixedRows(model, ddf, confInt, level)));
  if (effects.has("ran_pars")) rows.push(...ranParsRows(model));
  if (effects.has("ran_vals")) rows.push(...ranValsRows(model, confInt, level));

  const columns: [keyof Row, boolean][] = [
    ["effect", true],
    ["group", effects.has("ran_pars") || effects.has("ran_vals")],
    ["level", effects.has("ran_vals")],
    ["term", true],
    ["estimate", true],
    ["std.error", effects.has("fixed") || effects.has("ran_vals")],
    ["statistic", effects.has("fixed")],
    ["df", effects.has("fixed") && !generalized],
    ["p.value", effects.has("fixed")],
    ["conf.low", confInt],
    ["conf.high", confInt]
  ];
  const out: Record<string, unknown[]> = {};
  for (const [name, present] of columns) {
    if (!present) continue;
    const text = name === "effect" || name === "group" || name === "level" || name === "term";
    out[name] = rows.map((r) => r[name] ?? (text ? null : NaN));
  }
  return table(out);
}

interface Row {
  effect: TidyEffect;
  group?: string;
  level?: string;
  term: string;
  estimate: number;
  "std.error"?: number;
  statistic?: number;
  df?: number;
  "p.value"?: number;
  "conf.low"?: number;
  "conf.high"?: number;
}

function effectList(value: unknown): Set<TidyEffect> {
  if (value === undefined) return new Set<TidyEffect>(["fixed", "ran_pars"]);
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
  if (!list || list.length === 0) fail(`invalid effects of tidy: ${describeValue(value)}; use "fixed", "ran_pars", "ran_vals" or an array of them`);
  for (const e of list) {
    if (!EFFECTS.includes(e as TidyEffect)) fail(`invalid effects of tidy: ${describeValue(e)}; use "fixed", "ran_pars" or "ran_vals"`);
  }
  return new Set(list as TidyEffect[]);
}

function fixedRows(model: LinearMixedModel, ddf: Ddf, confInt: boolean, level: number): Row[] {
  const tests = fixedEffectTests(model, ddf);
  return model.fixefNames.map((term) => {
    const estimate = tests.estimate[term], se = tests.se[term], df = tests.df[term];
    const row: Row = {effect: "fixed", term, estimate, "std.error": se, statistic: tests.t[term], df, "p.value": tests.p[term]};
    if (confInt) {
      const q = studentTQuantile((1 + level) / 2, df);
      row["conf.low"] = estimate - q * se;
      row["conf.high"] = estimate + q * se;
    }
    return row;
  });
}

/** A glmer fit's fixed effects: lme4's Wald z tests, intervals with the normal quantile. */
function waldRows(model: GeneralizedLinearMixedModel, confInt: boolean, level: number): Row[] {
  const c = model.coefficients;
  const q = normalQuantile((1 + level) / 2);
  return c.names.map((term, j) => {
    const row: Row = {effect: "fixed", term, estimate: c.estimate[j], "std.error": c.se[j], statistic: c.z[j], "p.value": c.p[j]};
    if (confInt) {
      row["conf.low"] = c.estimate[j] - q * c.se[j];
      row["conf.high"] = c.estimate[j] + q * c.se[j];
    }
    return row;
  });
}

/** The standard deviations and correlations per group in lower-triangle order, then the residual's. */
function ranParsRows(model: Pick<LinearMixedModel, "varCorr">): Row[] {
  const rows: Row[] = [];
  const groups: string[] = [];
  for (const r of model.varCorr) if (!groups.includes(r.grp)) groups.push(r.grp);
  for (const grp of groups) {
    const vc = model.varCorr.filter((r) => r.grp === grp);
    if (grp === "Residual" && vc.length === 1 && vc[0].var1 === null) {
      rows.push({effect: "ran_pars", group: grp, term: "sd__Observation", estimate: vc[0].sdcor});
      continue;
    }
    for (const sd of vc.filter((r) => r.var2 === null)) {
      rows.push({effect: "ran_pars", group: grp, term: `sd__${sd.var1}`, estimate: sd.sdcor});
      for (const cor of vc.filter((r) => r.var2 !== null && r.var1 === sd.var1)) {
        rows.push({effect: "ran_pars", group: grp, term: `cor__${cor.var1}.${cor.var2}`, estimate: cor.sdcor});
      }
    }
  }
  return rows;
}

function ranValsRows(model: Pick<LinearMixedModel, "ranef">, confInt: boolean, level: number): Row[] {
  const r = model.ranef;
  const z = confInt ? normalQuantile((1 + level) / 2) : 0;
  return r.condval.map((estimate, i) => {
    const row: Row = {effect: "ran_vals", group: r.grpvar[i], level: r.grp[i], term: r.term[i], estimate, "std.error": r.condsd[i]};
    if (confInt) {
      row["conf.low"] = estimate - z * r.condsd[i];
      row["conf.high"] = estimate + z * r.condsd[i];
    }
    return row;
  });
}
