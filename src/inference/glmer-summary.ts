/**
 * The printed summary of a generalized linear mixed model, as lme4 1.1 prints `print(summary(m))` for a
 * glmer fit. The parts it shares with the linear model's (formula, scaled residuals, random effects, groups,
 * correlation of the fixed effects, warnings) are lmm/summary.ts's, read through a {@link SummarySource}
 * view of the glmer model.
 */
import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {summaryHeadLines, summaryTailLines, titleLines, type SummaryOptions, type SummarySource} from "../lmm/summary.js";
import {coefficientTableLines} from "./t-tests/t-tests-text.js";

/**
 * lme4's title of a glmer fit (`methTitle`): the Laplace approximation for nAGQ = 1, else adaptive
 * Gauss–Hermite quadrature with its number of points (lme4 writes nAGQ = 0's fit so too).
 *
 * @example
 *   glmerTitle(25); // "Generalized linear mixed model fit by maximum likelihood (Adaptive Gauss-Hermite Quadrature, nAGQ = 25)"
 */
export function glmerTitle(nAGQ: number): string {
  const method = nAGQ === 1 ? "Laplace Approximation" : `Adaptive Gauss-Hermite Quadrature, nAGQ = ${nAGQ}`;
  return `Generalized linear mixed model fit by maximum likelihood (${method})`;
}

/**
 * The glmer model as the shared summary parts read a model: ML's AIC table with lme4's `deviance` column,
 * which for a GLMM is −2 log L (not the sum of squared deviance residuals, `m.deviance`), and the scaled
 * residuals of lme4's glmer summary, the Pearson residuals over σ (1 without a dispersion); the warnings as
 * lme4 prints them.
 */
function summarySource(m: GeneralizedLinearMixedModel): SummarySource {
  return {
    formulaSpec: m.formulaSpec, REML: false, nobs: m.nobs, ngrps: m.ngrps, fixefNames: m.fixefNames, beta: m.beta,
    se: m.se, vcov: m.vcov, sigma: m.sigma, varCorr: m.varCorr, residuals: m.residuals.pearson, REMLcrit: null,
    deviance: m.minus2logLik, logLik: m.logLik, df: m.df, AIC: m.AIC, BIC: m.BIC,
    // lme4 writes its eigenvalue messages on two lines
    warnings: m.warnings.map((w) => w.replace(/ - Rescale variables\?$/, "\n - Rescale variables?")),
    optimizer: m.optimizer, structure: {frame: {weights: null}}
  };
}

/**
 * lme4's `print(summary(m))` of a glmer fit: the title naming the approximation, ` Family: binomial  ( logit )`,
 * formula, `Data:`, `Weights:` and ` Offset:` lines (the latter two when `weights` named a column and `offset`
 * was an expression), the AIC table, the Pearson residuals' quantiles, the random effects (with a
 * `Residual` row for families with a dispersion), the numbers of observations and groups, the fixed effects'
 * Wald tests (`z value`, or `t value` for families with a dispersion, and `Pr(>|z|)` from the normal
 * distribution either way) with significance stars, the correlation of the fixed effects and the warnings.
 *
 * @example
 *   glmerSummary(glmer("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp, {family: "binomial"}), {dataName: "cbpp"});
 *   // Generalized linear mixed model fit by maximum likelihood (Laplace
 *   //   Approximation) [glmerMod]
 *   //  Family: binomial  ( logit )
 *   // …
 * @see lme4's `summary.merMod`, `print.summary.merMod`, `.prt.family`.
 */
export function glmerSummary(m: GeneralizedLinearMixedModel, options: SummaryOptions = {}): string {
  const digits = options.digits ?? 4;
  const source = summarySource(m);
  const {coefficients: c} = m;
  return [
    ...titleLines(glmerTitle(m.nAGQ), "glmerMod"),
    ` Family: ${m.family}  ( ${m.link} )`,
    ...withCallLines(summaryHeadLines(source, options), m.weightsName, m.offsetArgument),
    ...(c.names.length > 0
      ? ["", "Fixed effects:", ...coefficientTableLines(c.names, [["Estimate", c.estimate], ["Std. Error", c.se]], [c.statisticName, c.z], ["Pr(>|z|)", c.p], digits)]
      : []),
    ...summaryTailLines(source, options)
  ].join("\n");
}

/**
 * lme4's `Weights: size` and ` Offset: log(expected)` lines (`.prt.call`), after the formula and `Data:` lines
 * (before the first blank line). The offset line is for glmer's `offset` argument given as an expression (an
 * `offset()` in the formula is printed with the formula; one given as numbers has no expression to print).
 */
function withCallLines(lines: string[], weightsName: string | null, offset: string | null): string[] {
  const extra = [...(weightsName === null ? [] : [`Weights: ${weightsName}`]), ...(offset === null ? [] : [` Offset: ${offset}`])];
  if (extra.length === 0) return lines;
  const at = lines.indexOf("");
  return [...lines.slice(0, at), ...extra, ...lines.slice(at)];
}
