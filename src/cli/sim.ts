import {fail} from "../errors.js";
import {loadCSVSync} from "../io/load.js";
import {glmer} from "../glmm/fit.js";
import {lmer} from "../lmm/fit.js";
import {quantile} from "../stats/quantile.js";
import {setx} from "../qi/setx.js";
import {sim} from "../qi/sim.js";
import {dataAndFormula, parseArgs, singleValue, type Output} from "./args.js";

export const SIM_USAGE =
  `usage: lmm sim DATA.csv "FORMULA" [--x NAME=VALUE]… [--x1 NAME=VALUE]… [--n 1000] [--seed 7] [--treatment COLUMN] [--ml] [--family F [--link L] [--trials K]] [--json]`;

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const PERCENTILE = /^p(\d+(?:\.\d*)?|\.\d+)$/;

/**
 * One `NAME=VALUE` setting of `--x`/`--x1` as a setx override: `pNN` is the NN-th percentile of the column
 * (`p80`, `p2.5`), a decimal number is a number, anything else a level (`SC`) or `new`.
 *
 * @example
 *   setting("education=p80"); // ["education", quantile(0.8)]
 *   setting("state=SC");      // ["state", "SC"]
 */
export function setting(text: string): [string, unknown] {
  const eq = text.indexOf("=");
  if (eq <= 0) fail(`invalid setting: ${JSON.stringify(text)}; write NAME=VALUE, such as education=p80 or age=30`);
  const name = text.slice(0, eq), value = text.slice(eq + 1);
  const percentile = PERCENTILE.exec(value);
  if (percentile) {
    const p = Number(percentile[1]);
    if (p > 100) fail(`invalid percentile: ${value} for ${name}; use p0 to p100`);
    return [name, quantile(p / 100)];
  }
  if (DECIMAL.test(value)) return [name, Number(value)];
  if (value === "") fail(`empty value in ${JSON.stringify(text)}; write NAME=VALUE`);
  return [name, value];
}

function overrides(texts: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const text of texts ?? []) {
    const [name, value] = setting(text);
    if (Object.prototype.hasOwnProperty.call(out, name)) fail(`${name} is set twice; give each variable once per profile`);
    Object.defineProperty(out, name, {value, enumerable: true, writable: true, configurable: true});
  }
  return out;
}

/**
 * `lmm sim`: fits the model, sets x (from `--x`; unset variables at their means and modes, a new group)
 * and x1 (when `--x1` is given), simulates, and prints Zelig's summary, or with `--json`
 * `{qi: {ev: {mean, sd, p2_5, p50, p97_5}, pr, ev1, pr1, fd, att.ev, att.pr}, n, seed}` (the quantities
 * computed, one profile each).
 *
 * With `--family` (and optionally `--link`) the model is fitted by {@link glmer} and the quantities are on the
 * response scale, `pr` drawn from the family (see {@link sim}); `--trials K` gives a binomial model's `pr` as
 * successes out of K. The JSON then also names the `family` and `link`.
 *
 * @example
 *   simCommand(["datasets/voteincome.csv", "income ~ education + age + female + (1 | state)",
 *     "--x", "education=p80", "--x1", "education=p20", "--seed", "7", "--json"], output);
 */
export function simCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, {flags: ["ml", "json"], values: ["x", "x1", "n", "seed", "treatment", "family", "link", "trials"]});
  const [path, formulaText] = dataAndFormula(args, "sim", SIM_USAGE);
  const number = (name: string) => {
    const text = singleValue(args, name);
    if (text === undefined) return undefined;
    if (!DECIMAL.test(text)) fail(`invalid --${name}: ${text}; give an integer, such as ${name === "n" ? 1000 : 7}`);
    return Number(text);
  };
  const n = number("n");
  const seed = number("seed");
  const trials = number("trials");
  const treatment = singleValue(args, "treatment");
  const family = singleValue(args, "family");
  const link = singleValue(args, "link");
  if (family === undefined && (link !== undefined || trials !== undefined)) {
    fail(`--${link !== undefined ? "link" : "trials"} is for a generalized model: add --family, such as --family binomial`);
  }
  if (family !== undefined && args.flags.has("ml")) fail("--ml makes no sense with --family: a generalized model is always fitted by maximum likelihood; leave out --ml");
  const data = loadCSVSync(path);
  const model = family !== undefined
    ? glmer(formulaText, data, {family, ...(link !== undefined ? {link} : {})})
    : lmer(formulaText, data, {REML: !args.flags.has("ml")});
  const x = setx(model, overrides(args.values.get("x")), {data});
  const x1 = args.values.has("x1") ? setx(model, overrides(args.values.get("x1")), {data}) : undefined;
  const s = sim(model, {x, x1, n, seed, treatment, data, ...(trials !== undefined ? {trials} : {})});
  if (args.flags.has("json")) {
    const qi = Object.fromEntries(s.names.map((q) => [q, s.summaryOf(q)]));
    const glm = "family" in model ? {family: model.family, link: model.link} : {};
    out.stdout(JSON.stringify({qi, n: s.n, seed: s.seed, ...glm}) + "\n");
  } else {
    out.stdout(s.toString().replace(/^\n/, "") + "\n");
  }
  return 0;
}
