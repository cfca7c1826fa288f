import {basename} from "node:path";
import {LmmError, MAX_MESSAGE_LENGTH, clip, fail} from "../errors.js";
import {loadCSVSync} from "../io/load.js";
import {satterthwaiteJSON} from "../inference/satterthwaite.js";
import {checkDdf} from "../inference/ddf.js";
import {kenwardRogerJSON} from "../inference/kenward-roger.js";
import {summary} from "../inference/summary.js";
import {lmer} from "../lmm/fit.js";
import {ANOVA_USAGE, anovaCommand} from "./anova.js";
import {parseArgs} from "./args.js";
import {CONFINT_USAGE, confintCommand} from "./confint.js";
import {PREDICT_USAGE, predictCommand} from "./predict.js";
import {SIM_USAGE, simCommand} from "./sim.js";

/** Where the command writes. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const FIT_USAGE = `usage: lmm fit DATA.csv "FORMULA" [--ml] [--ddf Satterthwaite|Kenward-Roger] [--json]`;
const USAGE = [FIT_USAGE, SIM_USAGE, ANOVA_USAGE, CONFINT_USAGE, PREDICT_USAGE].map((u, i) => (i ? u.replace("usage:", "      ") : u)).join("\n");

/**
 * The `lmm` command. Returns the exit code: 0, or 2 after one line on stderr starting `lmm: `.
 *
 * @example
 *   main(["fit", "datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--json"], output);
 */
export function main(argv: string[], out: Output): number {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) fail(`a command is needed; ${FIT_USAGE} (lmm help lists sim, anova, confint and predict too)`);
    if (command === "help" || command === "--help") {
      out.stdout(USAGE + "\n");
      return 0;
    }
    if (command === "fit") return fitCommand(rest, out);
    if (command === "anova") return anovaCommand(rest, out);
    if (command === "predict") return predictCommand(rest, out);
    if (command === "confint") return confintCommand(rest, out);
    if (command === "sim") return simCommand(rest, out);
    fail(`unknown command: ${command}; the commands are fit, sim, anova, confint and predict (lmm help)`);
  } catch (error) {
    const message = error instanceof LmmError ? error.message : `internal error: ${internal(error)}`;
    out.stderr(`lmm: ${clip(message.replace(/\s*\n\s*/g, " "), MAX_MESSAGE_LENGTH)}\n`);
    return 2;
  }
}

/** What a non-library error says, for the one line on stderr: a stack overflow or out-of-memory is named. */
function internal(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return "stack overflow (please report the command that caused it)";
  try {
    return (error as Error)?.message ?? String(error);
  } catch {
    return "an error that cannot be printed";
  }
}

function fitCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["ddf"]});
  const [path, formulaText, ...extra] = args.positional;
  if (path === undefined || formulaText === undefined) fail(`fit needs a CSV file and a formula; ${FIT_USAGE}`);
  if (extra.length) fail(`unexpected argument: ${extra[0]}; quote the formula as one argument`);
  const ddfValues = args.values.get("ddf") ?? [];
  if (ddfValues.length > 1) fail(`--ddf given ${ddfValues.length} times; give it once`);
  const ddf = checkDdf(ddfValues[0] ?? "Satterthwaite");
  const REML = !args.flags.has("ml");
  if (ddf === "Kenward-Roger" && !REML) fail("--ddf Kenward-Roger needs a REML fit; leave out --ml");
  const data = loadCSVSync(path);
  const model = lmer(formulaText, data, {REML});
  if (args.flags.has("json")) {
    const kr = ddf === "Kenward-Roger" ? {kenwardRoger: kenwardRogerJSON(model)} : {};
    out.stdout(JSON.stringify({...model.toJSON(), satterthwaite: satterthwaiteJSON(model), ...kr}) + "\n");
  } else out.stdout(summary(model, {dataName: basename(path).replace(/\.csv$/i, ""), ddf}) + "\n");
  return 0;
}
