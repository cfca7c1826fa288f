import {fail} from "../errors.js";
import {confintValues} from "../inference/intervals/confint.js";
import {loadCSVSync} from "../io/load.js";
import {glmer} from "../glmm/fit.js";
import {lmer} from "../lmm/fit.js";
import {formatR, matrixLines} from "../rformat/format-r.js";
import {dataAndFormula, GLMM_OPTIONS, glmerArguments, parseArgs, singleValue, type Output} from "./args.js";

export const CONFINT_USAGE = `usage: lmm confint DATA.csv "FORMULA" [--method profile|Wald|boot] [--level 0.95] [--nsim 500 --seed N] [--ml] [--family F [--link L] [--nagq N]] [--weights COLUMN] [--json]`;

/**
 * `lmm confint DATA.csv "F" [--method profile|Wald|boot] [--level 0.95] [--nsim 500 --seed N] [--ml] [--json]`:
 * fits the model (REML unless --ml) and prints lme4's `confint` table (profile intervals by default; boot
 * needs --seed); `--json` prints `{method, level, parameters, lower, upper}`. With `--family` (`--link`,
 * `--nagq`) the model is fitted by glmer; `--weights COLUMN` gives prior weights (or a binomial proportion's trials).
 *
 * @example
 *   confintCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--method", "Wald"], out);
 */
export function confintCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["method", "level", "nsim", "seed", ...GLMM_OPTIONS]});
  const [path, formulaText] = dataAndFormula(args, "confint", CONFINT_USAGE);
  const glmm = glmerArguments(args);
  const weights = singleValue(args, "weights");
  const method = singleValue(args, "method") ?? "profile";
  if (method !== "profile" && method !== "Wald" && method !== "boot") fail(`invalid --method ${method}; use --method profile, Wald or boot`);
  const integer = (name: string, fallback?: number) => {
    const text = singleValue(args, name);
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0) fail(`invalid --${name} ${text}; give a whole number`);
    return v;
  };
  const nsim = integer("nsim", 500), seed = integer("seed");
  if (method === "boot" && seed === undefined) fail("--method boot needs --seed N so that the bootstrap can be reproduced");
  const levelText = singleValue(args, "level");
  const level = levelText === undefined ? 0.95 : Number(levelText);
  if (!(level > 0 && level < 1)) fail(`invalid --level ${levelText}; give a number between 0 and 1, such as 0.95`);
  const data = loadCSVSync(path);
  const model = glmm ? glmer(formulaText, data, glmm) : lmer(formulaText, data, {REML: !args.flags.has("ml"), ...(weights !== undefined ? {weights} : {})});
  const c = confintValues(model, {method, level, nsim, seed});
  if (args.flags.has("json")) {
    out.stdout(JSON.stringify(c) + "\n");
    return 0;
  }
  const percent = (x: number) => `${formatR([100 * x], {digits: 3})[0].trim()} %`;
  const lower = formatR(c.lower, {digits: 7}), upper = formatR(c.upper, {digits: 7});
  const cells = c.parameters.map((_, i) => [lower[i], upper[i]]);
  out.stdout(matrixLines(c.parameters, [percent((1 - level) / 2), percent((1 + level) / 2)], cells, true).join("\n") + "\n");
  return 0;
}
