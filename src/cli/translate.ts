import {fail} from "../errors.js";
import {formula} from "../formula/formula.js";
import {readLevels, writeLevels} from "../notation/levels.js";
import {readStata, writeStata} from "../notation/stata.js";
import {readZelig, writeZelig} from "../notation/zelig.js";
import {parseArgs, singleValue, zeligArgument, type Output} from "./args.js";

export const TRANSLATE_USAGE = `usage: lmm translate "MODEL" --from lme4|zelig|stata|levels --to lme4|zelig|stata|levels [--ml] [--level2 W,W] [--level3 W,W] [--group G] [--json]`;

const FROM = ["lme4", "zelig", "stata", "levels"];
const TO = ["lme4", "zelig", "stata", "levels"];

/**
 * `lmm translate "MODEL" --from N --to M`: the model in another notation, printed. lme4 formulas and Zelig's
 * (a formula, or its `{"mu", "gamma"}` list as JSON) and level equations are REML models unless `--ml`, as
 * lmer fits them; a Stata command carries its own method (ML unless `reml`). `--to lme4` prints the formula;
 * `--to zelig` Zelig's single formula (`tag(z | g)`), or its `{"mu", "gamma"}` list as JSON (what `--from zelig`
 * reads) when level-2 covariates (from the model or `--level2`) enter as a gamma equation puts them;
 * `--to stata` the `mixed` command; `--to levels` the equations, with the level-2 covariates from the model
 * when it was written in Zelig's list or as equations, or from `--level2` (a three-level model's school-level
 * covariates from its equations or `--level3`; the grouping from `--group`
 * when no random term names it). `--json` prints `{"model", "lme4", "REML"}`: the translation, the lme4 formula
 * and the method.
 *
 * @example
 *   translateCommand(["mixed wage tenure || occupation: tenure", "--from", "stata", "--to", "lme4"], out);
 *   // wage ~ tenure + (tenure || occupation)
 */
export function translateCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["from", "to", "level2", "level3", "group"]});
  const from = singleValue(args, "from");
  const to = singleValue(args, "to");
  const level2Option = singleValue(args, "level2");
  const level3Option = singleValue(args, "level3");
  const groupOption = singleValue(args, "group");
  const [text, ...extra] = args.positional;
  if (text === undefined) fail(`translate needs a model; ${TRANSLATE_USAGE}`);
  if (extra.length) fail(`unexpected argument: ${extra[0].slice(0, 40)}; quote the model as one argument`);
  if (from === undefined || !FROM.includes(from)) fail(`--from ${from === undefined ? "is needed" : JSON.stringify(from.slice(0, 20)) + " is not a notation"}; use ${FROM.join(", ")}`);
  if (to === undefined || !TO.includes(to)) fail(`--to ${to === undefined ? "is needed" : JSON.stringify(to.slice(0, 20)) + " is not a notation"}; use ${TO.join(", ")}`);
  const ml = args.flags.has("ml");
  let read: {formula: string; spec: ReturnType<typeof formula>; REML: boolean; level2: string[]; level3?: string[]; group?: string};
  if (from === "stata") {
    const m = readStata(text);
    read = {...m, REML: m.REML && !ml, level2: []};
  } else if (from === "zelig") {
    const m = readZelig(zeligArgument(text));
    read = {...m, REML: !ml};
  } else if (from === "levels") {
    const m = readLevels(text);
    read = {...m, REML: !ml, group: m.group ?? undefined};
  } else read = {formula: text, spec: formula(text), REML: !ml, level2: []};
  const names = (option: string) => option.split(",").map((w) => w.trim()).filter(Boolean);
  const level2 = level2Option !== undefined ? names(level2Option) : read.level2;
  const level3 = level3Option !== undefined ? names(level3Option) : read.level3 ?? [];
  const group = groupOption ?? read.group;
  const written = to === "lme4" ? read.formula : to === "zelig" ? zeligText(writeZelig(read.spec, {level2})) : to === "stata" ? writeStata(read.spec, read.REML) : writeLevels(read.spec, {level2, level3, ...(group ? {group} : {})});
  out.stdout((args.flags.has("json") ? JSON.stringify({model: written, lme4: read.formula, REML: read.REML}) : written) + "\n");
  return 0;
}

/** Zelig's formula as the command line takes it: a formula as it is, the equation list as JSON. */
function zeligText(written: string | Record<string, string>): string {
  return typeof written === "string" ? written : JSON.stringify(written);
}
