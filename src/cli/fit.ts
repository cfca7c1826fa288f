import {basename} from "node:path";
import {fail} from "../errors.js";
import {checkDdf} from "../inference/ddf.js";
import {kenwardRogerJSON} from "../inference/t-tests/kenward-roger-t.js";
import {satterthwaiteJSON} from "../inference/t-tests/satterthwaite.js";
import {summary} from "../inference/summary.js";
import {loadCSVSync} from "../io/load.js";
import {lmer} from "../lmm/fit.js";
import {readStata} from "../notation/stata.js";
import {readLevels} from "../notation/levels.js";
import {readZelig} from "../notation/zelig.js";
import {dataAndFormula, parseArgs, singleValue, type Output} from "./args.js";

export const FIT_USAGE = `usage: lmm fit DATA.csv "FORMULA" [--syntax lme4|stata|zelig|levels] [--ml] [--ddf Satterthwaite|Kenward-Roger] [--json]`;

/** The notations `--syntax` reads. */
const SYNTAXES = ["lme4", "stata", "zelig", "levels"];

/**
 * `lmm fit DATA.csv "F" [--syntax lme4|stata|zelig|levels] [--ml] [--ddf Satterthwaite|Kenward-Roger] [--json]`: fits the
 * model (REML unless --ml; with `--syntax stata`, F is a Stata `mixed` command line, read by
 * {@link readStata}, and the fit is ML unless the command says `reml`; with `--syntax zelig`, F is a Zelig
 * formula or its two-equation list as JSON, `{"mu": "…", "gamma": "~ tag(w | g)"}`, read by {@link readZelig},
 * and a missing value is an error, as Zelig's na.fail; with `--syntax levels`, F is level-1/level-2 equations,
 * read by {@link readLevels}) and prints the one summary, lmerTest's `print(summary(m))` with the data's file name (without
 * `.csv`) on its `Data:` line; `--json` prints the model's JSON contract (`m.toJSON()`) with Satterthwaite's
 * t tests (`satterthwaite`) and, with `--ddf Kenward-Roger`, Kenward and Roger's (`kenwardRoger`).
 *
 * @example
 *   fitCommand(["datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--ddf", "Kenward-Roger"], out);
 */
export function fitCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["ddf", "syntax"]});
  const [path, formulaText] = dataAndFormula(args, "fit", FIT_USAGE);
  const ddf = checkDdf(singleValue(args, "ddf") ?? "Satterthwaite");
  const syntax = singleValue(args, "syntax") ?? "lme4";
  if (!SYNTAXES.includes(syntax)) fail(`unknown --syntax ${JSON.stringify(syntax.slice(0, 40))}; use ${SYNTAXES.slice(0, -1).join(", ")} or ${SYNTAXES[SYNTAXES.length - 1]}`);
  if (syntax === "lme4" && /^\s*(xt)?mixed\s/.test(formulaText) && !formulaText.includes("~")) {
    fail(`"${formulaText.trim().slice(0, 40)}" is a Stata command, not an lme4 formula: add --syntax stata`);
  }
  const stata = syntax === "stata" ? readStata(formulaText) : null;
  const zelig = syntax === "zelig" ? readZelig(zeligArgument(formulaText)) : null;
  const levels = syntax === "levels" ? readLevels(formulaText) : null;
  const REML = stata ? stata.REML && !args.flags.has("ml") : !args.flags.has("ml");
  if (ddf === "Kenward-Roger" && !REML) fail(`--ddf Kenward-Roger needs a REML fit; ${stata ? "add reml to the Stata command" : "leave out --ml"}`);
  const data = loadCSVSync(path);
  const model = lmer(stata?.spec ?? zelig?.spec ?? levels?.spec ?? formulaText, data, {REML, ...(zelig ? {naAction: zelig.naAction} : {})});
  if (args.flags.has("json")) {
    const kr = ddf === "Kenward-Roger" ? {kenwardRoger: kenwardRogerJSON(model)} : {};
    out.stdout(JSON.stringify({...model.toJSON(), satterthwaite: satterthwaiteJSON(model), ...kr}) + "\n");
  } else out.stdout(summary(model, {dataName: basename(path).replace(/\.csv$/i, ""), ddf}) + "\n");
  return 0;
}

/** A Zelig formula as given on the command line: text, or the two-equation list as a JSON object. */
function zeligArgument(text: string): string | Record<string, string> {
  if (!text.trim().startsWith("{")) return text;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return fail(`the Zelig formula list ${JSON.stringify(text.slice(0, 60))} is not JSON: write it as '{"mu": "y ~ x + tag(1, gamma | g)", "gamma": "~ tag(w | g)"}'`);
  }
}
