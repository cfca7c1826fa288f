import {fail} from "../errors.js";
import {anovaValues} from "../inference/compare/anova.js";
import {anovaLines} from "../inference/compare/anova-text.js";
import {checkDdf} from "../inference/ddf.js";
import {fTestsLines} from "../inference/f-tests/f-tests-text.js";
import {checkAnovaType, fTestsValues} from "../inference/f-tests/f-tests.js";
import {loadCSVSync} from "../io/load.js";
import {glmer} from "../glmm/fit.js";
import {lmer} from "../lmm/fit.js";
import {GLMM_OPTIONS, glmerArguments, parseArgs, singleValue, type Output} from "./args.js";

export const ANOVA_USAGE = `usage: lmm anova DATA.csv "FORMULA" [--type 1|2|3] [--ddf Satterthwaite|Kenward-Roger] [--ml] [--json]
       lmm anova DATA.csv "FORMULA0" "FORMULA1" [...] [--ml] [--family F [--link L] [--nagq N]] [--weights COLUMN] [--json]`;

/**
 * `lmm anova DATA.csv "F" [--type 1|2|3] [--ddf …] [--ml] [--json]`: with one formula, fits it (REML unless
 * --ml) and prints lmerTest's ANOVA table of its fixed-effect terms (F tests of type III by default, with
 * Satterthwaite's df by default); `--json` prints the table by column (`{heading, type, ddf, terms, sumSq,
 * meanSq, numDF, denDF, F, p, hypotheses, columns, warnings}`).
 *
 * `lmm anova DATA.csv "F0" "F1" … [--ml] [--json]`: fits each formula and prints the likelihood-ratio tests of
 * lme4's `anova`, REML fits refitted by ML first; `--json` prints the table by column
 * (`{models, npar, AIC, BIC, logLik, deviance, Chisq, Df, p}`). With `--family` (`--link`, `--nagq`) every
 * formula is fitted by glmer and compared as lme4 compares glmer fits (the F tests of one model are for lmer
 * fits only); `--weights COLUMN` gives every model the same prior weights.
 *
 * @example
 *   anovaCommand(["datasets/cake.csv", "angle ~ recipe * temp + (1 | recipe:replicate)", "--type", "2"], out);
 *   anovaCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (1 | Subject)", "Reaction ~ Days + (Days | Subject)"], out);
 */
export function anovaCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["type", "ddf", ...GLMM_OPTIONS]});
  const [path, ...formulas] = args.positional;
  if (path === undefined || formulas.length === 0) fail(`anova needs a CSV file and one formula (F tests of its terms) or several (likelihood-ratio tests); ${ANOVA_USAGE}`);
  const glmm = glmerArguments(args);
  const weights = singleValue(args, "weights");
  if (glmm !== null && formulas.length === 1) fail("the F tests of one model's terms are for linear models; with --family give two or more formulas to compare them by likelihood-ratio tests");
  const once = (name: string) => {
    const value = singleValue(args, name);
    if (value !== undefined && formulas.length > 1) fail(`--${name} applies to the F tests of one model; give one formula, or leave out --${name} to compare models`);
    return value;
  };
  const typeText = once("type");
  const ddfText = once("ddf");
  const REML = !args.flags.has("ml");
  if (formulas.length === 1) {
    const type = checkAnovaType(typeText ?? 3);
    const ddf = checkDdf(ddfText ?? "Satterthwaite");
    if (ddf === "Kenward-Roger" && !REML) fail("--ddf Kenward-Roger needs a REML fit; leave out --ml");
    const data = loadCSVSync(path);
    const v = fTestsValues(lmer(formulas[0], data, {REML, ...(weights !== undefined ? {weights} : {})}), {type, ddf});
    out.stdout((args.flags.has("json") ? JSON.stringify(v) : fTestsLines(v).join("\n")) + "\n");
    return 0;
  }
  const data = loadCSVSync(path);
  const models = formulas.map((f) => (glmm ? glmer(f, data, glmm) : lmer(f, data, {REML, ...(weights !== undefined ? {weights} : {})})));
  const a = anovaValues(...models);
  if (args.flags.has("json")) {
    const {models: names, npar, AIC, BIC, logLik, deviance, Chisq, Df, p, refitted} = a;
    out.stdout(JSON.stringify({models: names, npar, AIC, BIC, logLik, deviance, Chisq, Df, p, refitted: refitted.length > 0}) + "\n");
  } else out.stdout(anovaLines(a).join("\n") + "\n");
  return 0;
}
