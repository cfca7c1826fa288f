import {fail} from "../errors.js";
import {anovaValues} from "../inference/anova.js";
import {anovaLines} from "../inference/anova-text.js";
import {loadCSVSync} from "../io/load.js";
import {lmer} from "../lmm/fit.js";
import {parseArgs} from "./args.js";
import type {Output} from "./main.js";

export const ANOVA_USAGE = `usage: lmm anova DATA.csv "FORMULA0" "FORMULA1" [...] [--ml] [--json]`;

/**
 * `lmm anova DATA.csv "F0" "F1" … [--ml] [--json]`: fits each formula (REML unless --ml) and prints the
 * likelihood-ratio tests of lme4's `anova`, REML fits refitted by ML first; `--json` prints the table by
 * column (`{models, npar, AIC, BIC, logLik, deviance, Chisq, Df, p}`).
 *
 * @example
 *   anovaCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (1 | Subject)", "Reaction ~ Days + (Days | Subject)"], out);
 */
export function anovaCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: []});
  const [path, ...formulas] = args.positional;
  if (path === undefined || formulas.length < 2) fail(`anova needs a CSV file and at least two formulas; ${ANOVA_USAGE}`);
  const data = loadCSVSync(path);
  const models = formulas.map((f) => lmer(f, data, {REML: !args.flags.has("ml")}));
  const a = anovaValues(...models);
  if (args.flags.has("json")) {
    const {models: names, npar, AIC, BIC, logLik, deviance, Chisq, Df, p, refitted} = a;
    out.stdout(JSON.stringify({models: names, npar, AIC, BIC, logLik, deviance, Chisq, Df, p, refitted: refitted.length > 0}) + "\n");
  } else out.stdout(anovaLines(a).join("\n") + "\n");
  return 0;
}
