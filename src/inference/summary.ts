import {describeValue, fail} from "../errors.js";
import {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {LinearMixedModel} from "../lmm/model.js";
import {optionNames, readOptions} from "../options.js";
import {summaryHeadLines, summaryTailLines, titleLines, type SummaryOptions as ModelSummaryOptions} from "../lmm/summary.js";
import {checkDdf, type Ddf} from "./ddf.js";
import {glmerSummary} from "./glmer-summary.js";
import {satterthwaiteLines} from "./t-tests/fixed-effect-tests.js";

/** Options of {@link summary}. */
export interface SummaryOptions extends ModelSummaryOptions {
  /** The t tests' degrees of freedom: `"Satterthwaite"` (the default) or `"Kenward-Roger"` (REML fits), as lmerTest's `ddf`. */
  ddf?: Ddf;
}

/** The options {@link summary} knows, checked by the compiler against {@link SummaryOptions}. */
const SUMMARY_OPTIONS = optionNames<SummaryOptions>({ddf: true, digits: true, dataName: true, correlation: true});

/**
 * The summary of a fitted model as lmerTest prints `print(summary(m))`: the title naming the fit (REML or
 * maximum likelihood) and the t tests' method, formula, `Data:` line (with `dataName`), REML criterion or
 * the AIC table, scaled residuals, random effects, numbers of observations and groups, the fixed effects
 * with Estimate, Std. Error, df, t value, Pr(>|t|) and significance stars, the correlation of the fixed
 * effects, and the fit's warnings as lme4 prints them. With `ddf: "Kenward-Roger"` the df are Kenward and
 * Roger's and the standard errors their adjusted ones, as `summary(m, ddf = "Kenward-Roger")`.
 *
 * A glmer model's summary is lme4's for a glmer fit (see glmer-summary.ts): the family and link, the AIC
 * table, Pearson residuals, and Wald z tests instead of t tests; `ddf` does not apply to it.
 *
 * This is the one summary: `lmm fit` prints it too. It lives here, above the fitting code, because the t
 * tests need Satterthwaite's or Kenward–Roger's df, which are computed in this layer from the fitted model;
 * the parts the model alone gives are lmm/summary.ts's.
 *
 * @example
 *   const m = lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   console.log(summary(m, {dataName: "sleepstudy"}));
 *   // Linear mixed model fit by REML. t-tests use Satterthwaite's method [
 *   // lmerModLmerTest]
 *   // Formula: Reaction ~ Days + (Days | Subject)
 *   //    Data: sleepstudy
 *   // …
 *   // Fixed effects:
 *   //             Estimate Std. Error      df t value Pr(>|t|)
 *   // (Intercept)  251.405      6.825  17.000  36.838  < 2e-16 ***
 *   // Days          10.467      1.546  17.000   6.771 3.26e-06 ***
 * @see Kuznetsova, Brockhoff and Christensen (2017), "lmerTest package: tests in linear mixed effects
 *   models", JSS 82(13), §4 (the summary); lmerTest's `summary.lmerModLmerTest` and lme4's
 *   `print.summary.merMod` (the printed layout).
 */
export function summary(model: LinearMixedModel | GeneralizedLinearMixedModel, given?: SummaryOptions): string {
  const glmm = model instanceof GeneralizedLinearMixedModel;
  if (!(model instanceof LinearMixedModel) && !glmm) fail(`invalid model in summary: ${model === null || typeof model !== "object" ? String(model) : "not a fitted model"}; pass a model from lmer() or glmer()`);
  const options = readOptions(given, SUMMARY_OPTIONS, "summary");
  const digits = options.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) fail(`invalid digits: ${describeValue(digits)}; use a whole number from 1 to 15 (R's default for summaries is 4)`);
  if (options.dataName != null && typeof options.dataName !== "string") fail(`invalid dataName: ${describeValue(options.dataName)}; give the data's name as text, such as "sleepstudy"`);
  if (glmm) {
    if (options.ddf !== undefined) fail(`invalid ddf for a glmer model: its fixed effects have Wald z tests, with no denominator degrees of freedom; leave out ddf`);
    return glmerSummary(model, options);
  }
  const ddf = checkDdf(options.ddf ?? "Satterthwaite");
  const fit = model.REML ? "REML" : "maximum likelihood ";
  const p = model.fixefNames.length;
  return [
    ...titleLines(`Linear mixed model fit by ${fit}. t-tests use ${ddf}'s method`, "lmerModLmerTest"),
    ...summaryHeadLines(model, options),
    ...(p > 0 ? ["", "Fixed effects:", ...satterthwaiteLines(model, digits, ddf)] : []),
    ...summaryTailLines(model, options)
  ].join("\n");
}
