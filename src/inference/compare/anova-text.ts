import {formatR, matrixLines, roundR, zapsmall} from "../../rformat/format-r.js";
import type {AnovaValues} from "./anova.js";

/**
 * The likelihood-ratio table as lme4 prints `anova(m0, m1)`: a note when models were refitted by ML, the
 * models by name, then npar, AIC, BIC, logLik, deviance, Chisq, Df and Pr(>Chisq) (each column zapped and
 * formatted to 5 significant digits as `printCoefmat`, p-values with 4, R's `format.pval`) and significance stars. Models are named m1, m2, … in the order given.
 * Chisq is `printCoefmat`'s test-statistic column: not zapped, but rounded to `digits − 1` decimals before it
 * is formatted (so 10.1124961 prints as R prints it, 10.113).
 *
 * Reference: lme4's `anova.merMod` and R's `print.anova` / `printCoefmat` (digits = 5).
 *
 * @example
 *   anovaLines(anovaValues(m0, m1)).join("\n");
 *   // refitting model(s) with ML (instead of REML)
 *   // Models:
 *   // m1: Reaction ~ Days + (1 | Subject)
 *   // …
 */
export function anovaLines(a: AnovaValues, digits = 5): string[] {
  const names = a.order.map((i) => `m${i + 1}`);
  const blank = (xs: (number | null)[], text: string[]) => xs.map((x, i) => (x === null ? "" : text[i]));
  const fmt = (xs: (number | null)[], d = digits) => {
    const present = xs.map((x) => x ?? NaN);
    const shown = formatR(zapsmall(present.filter((x) => !Number.isNaN(x)), d), {digits: d});
    let k = 0;
    return blank(xs, present.map((x) => (Number.isNaN(x) ? "" : shown[k++])));
  };
  const pText = a.p.map((p) => (p === null ? "" : p < 2.220446049250313e-16 ? "< 2.2e-16" : formatR([p], {digits: digits - 1})[0].trim()));
  const stars = a.p.map((p) => (p === null ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "").padEnd(3));
  const chisq = (xs: (number | null)[]) => {
    const present = xs.filter((x): x is number => x !== null).map((x) => roundR(x, Math.max(1, Math.min(5, digits - 1))));
    const shown = formatR(present, {digits});
    let k = 0;
    return xs.map((x) => (x === null ? "" : shown[k++]));
  };
  const columns = [fmt(a.npar), fmt(a.AIC), fmt(a.BIC), fmt(a.logLik), fmt(a.deviance), chisq(a.Chisq), fmt(a.Df), pText, stars];
  const cells = names.map((_, r) => columns.map((c) => c[r]));
  return [
    ...(a.refitted.length ? ["refitting model(s) with ML (instead of REML)"] : []),
    "Models:",
    ...names.map((name, r) => `${name}: ${a.models[r]}`),
    ...matrixLines(names, ["npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)", "   "], cells, true),
    "---",
    "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1"
  ];
}
