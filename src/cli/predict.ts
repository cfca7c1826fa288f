import {LmmError, fail} from "../errors.js";
import {loadCSVSync} from "../io/load.js";
import {glmer} from "../glmm/fit.js";
import {lmer} from "../lmm/fit.js";
import {formatR, matrixLines} from "../rformat/format-r.js";
import {predict} from "../predict/predict.js";
import {dataAndFormula, GLMM_OPTIONS, glmerArguments, parseArgs, singleValue, type Output} from "./args.js";

export const PREDICT_USAGE = `usage: lmm predict DATA.csv "FORMULA" --newdata NEW.csv [--re all|none] [--allow-new-levels] [--se] [--ml] [--family F [--link L] [--nagq N] [--type link|response]] [--weights COLUMN] [--json]`;

/**
 * `lmm predict DATA.csv "F" --newdata NEW.csv [--re all|none] [--allow-new-levels] [--se] [--ml] [--json]`:
 * fits the model to DATA (REML unless --ml) and predicts the rows of NEW (the data's own rows without
 * --newdata). `--json` prints `{fit: […], se: […]}` (se only with --se; a missing value is null); otherwise
 * a table with one row per prediction. With `--family` (`--link`, `--nagq`) the model is fitted by glmer and
 * predicted on the link scale, or the response scale with `--type response`; standard errors are on the link
 * scale. `--weights COLUMN` gives prior weights (or a binomial proportion's trials).
 *
 * @example
 *   predictCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--newdata", "new.csv", "--json"], out);
 */
export function predictCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json", "se", "allow-new-levels"], values: ["newdata", "re", "type", ...GLMM_OPTIONS]});
  const [path, formulaText] = dataAndFormula(args, "predict", PREDICT_USAGE);
  const re = singleValue(args, "re") ?? "all";
  if (re !== "all" && re !== "none") fail(`invalid --re ${re}; use --re all (conditional) or --re none (population level)`);
  const glmm = glmerArguments(args);
  const type = singleValue(args, "type") ?? "link";
  if (type !== "link" && type !== "response") fail(`invalid --type ${JSON.stringify(type.slice(0, 40))}; use --type link or --type response`);
  if (glmm === null && singleValue(args, "type") !== undefined) fail("--type is for a generalized model (a linear model's two scales are one): add --family, such as --family binomial");
  const weights = singleValue(args, "weights");
  const data = loadCSVSync(path);
  const newdataPath = singleValue(args, "newdata");
  const newdata = newdataPath === undefined ? undefined : loadCSVSync(newdataPath);
  const model = glmm ? glmer(formulaText, data, glmm) : lmer(formulaText, data, {REML: !args.flags.has("ml"), ...(weights !== undefined ? {weights} : {})});
  let result;
  try {
    result = predict(model, newdata, {data, re, allowNewLevels: args.flags.has("allow-new-levels"), seFit: args.flags.has("se"), ...(glmm ? {type} : {})});
  } catch (error) {
    // the library names its options; on the command line they are flags
    if (error instanceof LmmError) fail(error.message.replace(/allowNewLevels: true/g, "--allow-new-levels").replace(/re: "none"/g, "--re none"));
    throw error;
  }
  if (args.flags.has("json")) {
    out.stdout(JSON.stringify(result.se ? {fit: result.fit, se: result.se} : {fit: result.fit}) + "\n");
    return 0;
  }
  const columns = result.se ? [result.fit, result.se] : [result.fit];
  const text = columns.map((c) => formatR(c, {digits: 7}).map((t) => (t.trim() === "NaN" ? "NA" : t)));
  const names = result.fit.map((_, i) => String(i + 1));
  out.stdout(matrixLines(names, result.se ? ["fit", "se"] : ["fit"], names.map((_, i) => text.map((c) => c[i])), true).join("\n") + "\n");
  return 0;
}
