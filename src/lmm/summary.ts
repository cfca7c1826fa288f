/**
 * The parts of the printed summary that the fitted model alone gives, laid out as lme4 1.1 prints them in
 * `print(summary(m))`, so that a user comparing with R sees the same lines and the same digits. The one
 * summary, lmerTest's, is put together in inference/summary.ts, which adds the fixed effects' t tests.
 */
import {deparseLines} from "../formula/deparse.js";
import type {ModelSpec} from "../formula/ast.js";
import type {ModelFrame} from "../frame/frame.js";
import {abbreviate, formatR, matrixLines, namedVectorLines, roundR, zapsmall, LINE_WIDTH} from "../rformat/format-r.js";
import type {LinearMixedModel, OptimizerRecord} from "./model.js";
import {SCALE_WARNING} from "./scale-check.js";
import {isConvertedWarning} from "../frame/numeric-text.js";
import {residualScales, structureCoefficients} from "./residual.js";
import type {MixedModelStructure} from "./structure.js";

/** The parts of a fitted {@link LinearMixedModel} that its summary reads. */
export type SummarySource = Pick<
  LinearMixedModel,
  "formulaSpec" | "REML" | "nobs" | "ngrps" | "fixefNames" | "beta" | "se" | "vcov" | "sigma" | "varCorr" | "residuals" |
  "REMLcrit" | "deviance" | "logLik" | "df" | "AIC" | "BIC" | "warnings"
> & {
  optimizer: Pick<OptimizerRecord, "name" | "converged" | "message"> & {ending?: Pick<OptimizerRecord["ending"], "verdict">};
  structure: {frame: Pick<ModelFrame, "weights" | "aggregated">; residual?: MixedModelStructure["residual"]};
  /** The residuals of the rows used (aligned with the weights; `residuals` is NaN-padded with naAction "exclude"). */
  usedResiduals?: Float64Array;
};

/** Options of the printed summary (see inference/summary.ts's `summary`). */
export interface SummaryOptions {
  /** Significant digits, R's `max(3, getOption("digits") - 3)`: 4. */
  digits?: number;
  /** The data's name for the `Data:` line; the line is left out without it. */
  dataName?: string;
  /** Show the correlation of fixed effects; by default when there are 2 to 12 fixed effects, as lme4. */
  correlation?: boolean;
}

/** lme4's `lme4.summary.cor.max`: more fixed effects than this and their correlations are not shown. */
const COR_MAX = 12;

/**
 * The title line(s) as lme4's `.prt.methTit` prints them: `title ['class']` when it fits in 80 characters,
 * else the title wrapped at 78 (continuation lines indented by two, R's `strwrap`) and ` [class]` written
 * after it by `cat(fill = TRUE)`, which starts a new line before a piece that would pass column 80.
 *
 * @example
 *   titleLines("Linear mixed model fit by REML. t-tests use Satterthwaite's method", "lmerModLmerTest");
 *   // ["Linear mixed model fit by REML. t-tests use Satterthwaite's method [", "lmerModLmerTest]"]
 * @see lme4's `.prt.methTit`; R Core Team, `?strwrap` and `?cat` (`fill`).
 */
export function titleLines(title: string, objectClass: string): string[] {
  if (title.length + 5 + objectClass.length <= LINE_WIDTH) return [`${title} ['${objectClass}']`];
  const wrapped: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = wrapped.length - 1;
    if (last >= 0 && wrapped[last].length + 1 + word.length < LINE_WIDTH - 2) wrapped[last] += " " + word;
    else wrapped.push((last >= 0 ? "  " : "") + word);
  }
  const lines = [""];
  for (const piece of [...wrapped, " [", objectClass, "]"]) {
    if (lines[lines.length - 1].length > 0 && lines[lines.length - 1].length + piece.length > LINE_WIDTH) lines.push("");
    lines[lines.length - 1] += piece;
  }
  return lines;
}

/**
 * The part of lme4's `print(summary(m))` between the title and the fixed effects, which the model alone
 * gives: formula, `Data:` line, REML criterion (or the AIC table of an ML fit), scaled residuals, random
 * effects and the numbers of observations and groups. Numbers follow R's `format()` rules (see format.ts).
 *
 * One detail differs from R: warnings about rows dropped for missing values are left out (lme4 drops such
 * rows silently).
 *
 * @example
 *   summaryHeadLines(lmer("Reaction ~ Days + (Days | Subject)", sleepstudy), {dataName: "sleepstudy"});
 *   // ["Formula: Reaction ~ Days + (Days | Subject)", "   Data: sleepstudy", "", "REML criterion at convergence: 1743.6", …]
 * @see Bates, Mächler, Bolker and Walker (2015), "Fitting linear mixed-effects models using lme4", JSS
 *   67(1), section 5 (the summary's parts); lme4's `print.summary.merMod` (the printed layout).
 */
export function summaryHeadLines(m: SummarySource, options: SummaryOptions = {}): string[] {
  const digits = options.digits ?? 4;
  return [
    ...formulaLines(m.formulaSpec),
    ...(options.dataName == null ? [] : [`   Data: ${options.dataName}`]),
    "",
    ...criterionLines(m),
    "",
    "Scaled residuals: ",
    // a model fitted from a database's sums (src/sql) has no residuals here: its rows stay in the database
    ...(m.structure.frame.aggregated
      ? ["(not computed: the rows stay in the database, which gave only sums)"]
      : namedVectorLines(["Min", "1Q", "Median", "3Q", "Max"], formatR(zapsmall(scaledResidualQuantiles(m), digits + 1), {digits}))),
    "",
    "Random effects:",
    ...randomEffectLines(m, digits),
    ...groupLines(m),
    ...residualStructureLines(m, digits)
  ];
}

/**
 * A residual structure's lines, as nlme's `print(summary(lme))` shows them: the structure as written and its
 * natural-scale parameter estimates (none without a structure).
 *
 * @example
 *   residualStructureLines(m, 4); // ["", "Correlation structure: corAR1(form = ~ Days | Subject)", " Parameter estimate(s):", "   Phi ", "0.4921 "]
 * @see nlme's `print.summary.lme` (`print(summary(x$modelStruct))`).
 */
function residualStructureLines(m: SummarySource, digits: number): string[] {
  const r = m.structure.residual;
  if (!r) return [];
  const {corStruct, varStruct} = structureCoefficients(r.structure, r.parameters);
  const block = (title: string, text: string, values: Record<string, number> | null): string[] => {
    const names = Object.keys(values ?? {});
    return ["", `${title}: ${text}`, ...(names.length ? [" Parameter estimate(s):", ...namedVectorLines(names, formatR(names.map((k) => values![k]), {digits}))] : [])];
  };
  return [
    ...(r.structure.correlation ? block("Correlation structure", r.structure.correlation.text, corStruct) : []),
    ...(r.structure.variance ? block("Variance function", r.structure.variance.text, varStruct) : [])
  ];
}

/**
 * What lme4 prints after the fixed-effects table: a blank line and the correlation of the fixed effects
 * (2 to 12 of them by default, `correlation` to choose), or the note that they are not shown, and then
 * the fit's warnings ({@link warningLines}).
 *
 * @example
 *   summaryTailLines(m); // ["", "Correlation of Fixed Effects:", "     (Intr)", "Days -0.138"]
 * @see lme4's `print.summary.merMod`.
 */
export function summaryTailLines(m: SummarySource, options: SummaryOptions = {}): string[] {
  const p = m.fixefNames.length;
  const lines: string[] = [];
  if (p > 0) {
    const correlation = options.correlation ?? p <= COR_MAX;
    if (correlation && p > 1) lines.push("", "Correlation of Fixed Effects:", ...correlationLines(m));
    else if (!correlation && p > COR_MAX) lines.push("", `Correlation matrix not shown by default, as p = ${p} > ${COR_MAX}.`);
  }
  return [...lines, ...warningLines(m)];
}

/**
 * The `Formula:` line(s) as lme4's `.prt.call` prints them, `cat("Formula:", deparse(formula), fill = TRUE)`:
 * the formula as R deparses it (`Reaction~Days+(Days|Subject)` as `Reaction ~ Days + (Days | Subject)`; a
 * long one broken after the operator that passes 60 bytes, {@link deparseLines}), its pieces joined by a
 * space and a new line started before a piece that would pass column 80 (the space before it stays at the
 * end of the line). A spec built by hand without its parse tree prints as written.
 */
function formulaLines(spec: Pick<ModelSpec, "text" | "tree">): string[] {
  const {tree} = spec;
  const pieces = tree ? deparseLines(tree) : [spec.text];
  const lines = ["Formula:"];
  for (const piece of pieces) {
    lines[lines.length - 1] += " ";
    if (lines[lines.length - 1].length + piece.length + 1 > LINE_WIDTH) lines.push(piece);
    else lines[lines.length - 1] += piece;
  }
  return lines;
}

/** REML: the criterion to one decimal; ML: lme4's AIC table, with `df.resid` = n − number of parameters. */
function criterionLines(m: SummarySource): string[] {
  if (m.REML) return [`REML criterion at convergence: ${formatR([roundR(m.REMLcrit ?? NaN, 1)])[0]}`];
  const dfResid = m.nobs - m.df;
  const values = formatR([m.AIC, m.BIC, m.logLik, m.deviance, dfResid].map((x) => roundR(x, 1)));
  values[4] = formatR([dfResid])[0];
  return namedVectorLines(["AIC", "BIC", "logLik", "deviance", "df.resid"], values);
}

/** Quantiles (R's type 7) of the Pearson residuals divided by σ̂. */
function scaledResidualQuantiles(m: SummarySource): number[] {
  const w = m.structure.frame.weights;
  // with a residual structure, Pearson residuals (nlme's standardized within-group residuals): over σ times
  // the row's variance function (prior weights included)
  const residual = m.structure.residual;
  const g = residual && m.usedResiduals ? residualScales(residual.structure, residual.parameters) : null;
  const r = Array.from(m.usedResiduals ?? m.residuals, (e, i) => (g ? e / (g[i] * m.sigma) : (e * (w ? Math.sqrt(w[i]) : 1)) / m.sigma))
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  return [0, 0.25, 0.5, 0.75, 1].map((prob) => {
    if (r.length === 0) return NaN;
    const index = (r.length - 1) * prob;
    const lo = Math.floor(index), hi = Math.ceil(index), h = index - lo;
    return h === 0 || r[hi] === r[lo] ? r[lo] : (1 - h) * r[lo] + h * r[hi];
  });
}

interface ComponentGroup {
  name: string;
  terms: string[];
  sd: number[];
  corr: Map<string, number>;
}

/** The variance components by group, in `varCorr`'s order, and the residual standard deviation. */
function componentGroups(m: SummarySource): {groups: ComponentGroup[]; residual: number | null} {
  const groups: ComponentGroup[] = [];
  let residual: number | null = null;
  for (const row of m.varCorr) {
    if (row.var1 === null) {
      residual = row.sdcor;
      continue;
    }
    let g = groups.find((x) => x.name === row.grp);
    if (!g) groups.push((g = {name: row.grp, terms: [], sd: [], corr: new Map()}));
    if (row.var2 === null) {
      g.terms.push(row.var1);
      g.sd.push(row.sdcor);
    } else g.corr.set(`${row.var2}\u0000${row.var1}`, row.sdcor);
  }
  return {groups, residual};
}

/**
 * lme4's random-effects table: Groups, Name, Variance and Std.Dev. (each column one `format()` vector), and
 * for groups with several terms the lower triangle of their correlations to `max(2, digits − 2)` decimals
 * (two by default); left-justified.
 */
function randomEffectLines(m: SummarySource, digits: number): string[] {
  const {groups, residual} = componentGroups(m);
  const rows: {group: string; name: string; sd: number; corr: string[]}[] = [];
  const width = Math.max(1, ...groups.map((g) => g.terms.length));
  for (const g of groups) {
    const k = g.terms.length;
    const full = g.terms.flatMap((a, i) => g.terms.map((b, j) => (i === j ? 1 : g.corr.get(`${i > j ? a : b}\u0000${i > j ? b : a}`) ?? NaN)));
    const dig = Math.max(2, digits - 2);
    const text = formatR(full.map((x) => roundR(x, dig)), {nsmall: dig});
    g.terms.forEach((term, i) => {
      const corr = Array.from({length: width - 1}, (_, j) => (j < i ? text[i * k + j] : ""));
      rows.push({group: i === 0 ? g.name : "", name: term, sd: g.sd[i], corr});
    });
  }
  if (residual !== null) rows.push({group: "Residual", name: "", sd: residual, corr: Array(width - 1).fill("")});
  const variance = formatR(rows.map((r) => r.sd * r.sd), {digits});
  const sd = formatR(rows.map((r) => r.sd), {digits});
  const columns = ["Groups", "Name", "Variance", "Std.Dev.", ...(width > 1 ? ["Corr", ...Array(width - 2).fill("")] : [])];
  const cells = rows.map((r, i) => [r.group, r.name, variance[i], sd[i], ...(width > 1 ? r.corr : [])]);
  return matrixLines(rows.map(() => ""), columns, cells, false);
}

/** `Number of obs: 180, groups:  Subject, 18`, the list moved to the next line when it does not fit. */
function groupLines(m: SummarySource): string[] {
  const head = `Number of obs: ${m.nobs}, groups: `;
  const list = Object.entries(m.ngrps).map(([g, n]) => `${g}, ${n}`).join("; ");
  return head.length + 1 + list.length > LINE_WIDTH ? [head, list] : [`${head} ${list}`];
}

/** lme4's lower triangle of the correlation of β̂, to three decimals, names abbreviated as `abbreviate()`. */
function correlationLines(m: SummarySource): string[] {
  const p = m.fixefNames.length;
  const V = m.vcov;
  const corr = V.flatMap((row, i) => row.map((v, j) => (i === j ? 1 : v / Math.sqrt(V[i][i] * V[j][j]))));
  const text = formatR(corr.map((x) => roundR(x, 3)), {nsmall: 3});
  const rowNames = abbreviate(m.fixefNames, 11).slice(1);
  const columns = abbreviate(m.fixefNames, 6).slice(0, p - 1);
  const cells = rowNames.map((_, r) => columns.map((_, j) => (j <= r ? text[(r + 1) * p + j] : "")));
  return matrixLines(rowNames, columns, cells, false);
}

/**
 * lme4's closing lines: the model matrix's scale message under `fit warnings:`, then, when the fit has other
 * warnings, the optimizer's convergence code (0 when it stopped normally, as lme4's, even when the gradient
 * and Hessian checks after it failed; 1 with its message when it ran out of evaluations) and each warning, except those about
 * reading the data (rows dropped for missing values, which lme4 drops silently, and numbers written as
 * text, which R's read.csv converts silently).
 *
 * @example
 *   warningLines(lmer("Yield ~ 1 + (1 | Batch)", Dyestuff2));
 *   // ["optimizer (bobyqa) convergence code: 0 (OK)", "boundary (singular) fit: see help('isSingular')"]
 * @see lme4's `print.summary.merMod` and `.prt.warn`.
 */
export function warningLines(m: SummarySource): string[] {
  const fit = m.warnings.filter((w) => w === SCALE_WARNING);
  const warnings = m.warnings.filter((w) => w !== SCALE_WARNING && !/missing values dropped/.test(w) && !isConvertedWarning(w));
  // lme4's code is the optimizer's own: 0 when it stopped normally, even when the checks after it failed
  const stopped = m.optimizer.converged || m.optimizer.ending?.verdict === "failed-checks";
  const code = stopped ? "0 (OK)" : `1 (${m.optimizer.message})`;
  return [
    ...(fit.length ? ["fit warnings:", ...fit] : []),
    ...(warnings.length ? [`optimizer (${m.optimizer.name}) convergence code: ${code}`, ...warnings] : [])
  ];
}
