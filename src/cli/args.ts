/**
 * What every `lmm` command shares: where it writes ({@link Output}), the parsed command line
 * ({@link parseArgs}) and the checks of it that read the same for every command ({@link singleValue},
 * {@link dataAndFormula}). The commands import this file; it imports none of them.
 */
import {fail} from "../errors.js";
import type {GlmerOptions} from "../glmm/glmer-options.js";

/** Where a command writes: its standard output and standard error, a piece of text at a time. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Parsed command line: positional arguments, boolean flags and repeated valued options. */
export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/**
 * Splits argv into positionals, `--flag`s and `--name value` (or `--name=value`) options, refusing options
 * not in `known`. A valued option may be given several times (`--x a=1 --x b=2`); a command reads one that
 * must be given once with {@link singleValue}.
 *
 * @example
 *   parseArgs(["fit", "d.csv", "y ~ (1 | g)", "--ml"], {flags: ["ml", "json"], values: []});
 *   // {positional: ["fit", "d.csv", "y ~ (1 | g)"], flags: Set {"ml"}, values: Map {}}
 *   parseArgs(["--reml"], {flags: ["ml"], values: []}); // LmmError: unknown option --reml; the options are --ml
 */
export function parseArgs(argv: string[], known: {flags: string[]; values: string[]}): ParsedArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (known.flags.includes(name)) {
      if (eq >= 0) fail(`option --${name} takes no value`);
      flags.add(name);
    } else if (known.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(`option --${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else {
      const all = [...known.flags, ...known.values].map((k) => "--" + k).join(", ");
      fail(`unknown option ${arg}; the options are ${all}`);
    }
  }
  return {positional, flags, values};
}

/**
 * The value of an option that is given at most once, or undefined when it is not given. An option given
 * more than once is refused, in the same words by every command: `--NAME given N times; give it once`.
 *
 * @example
 *   const args = parseArgs(["--type", "1", "--type", "2"], {flags: [], values: ["type", "ddf"]});
 *   singleValue(args, "ddf");  // undefined
 *   singleValue(args, "type"); // LmmError: --type given 2 times; give it once
 */
export function singleValue(args: ParsedArgs, name: string): string | undefined {
  const values = args.values.get(name) ?? [];
  if (values.length > 1) fail(`--${name} given ${values.length} times; give it once`);
  return values[0];
}

/**
 * The data file and the formula of a command that fits one model (`lmm COMMAND DATA.csv "FORMULA" …`):
 * both are needed, and nothing may follow them (an unquoted formula splits into several arguments).
 *
 * @example
 *   dataAndFormula(parseArgs(["d.csv", "y ~ (1 | g)"], {flags: [], values: []}), "fit", FIT_USAGE); // ["d.csv", "y ~ (1 | g)"]
 *   dataAndFormula(parseArgs(["d.csv", "y", "~", "(1 | g)"], {flags: [], values: []}), "fit", FIT_USAGE);
 *   // LmmError: unexpected argument: ~; quote the formula as one argument
 */
export function dataAndFormula(args: ParsedArgs, command: string, usage: string): [path: string, formulaText: string] {
  const [path, formulaText, ...extra] = args.positional;
  if (path === undefined || formulaText === undefined) fail(`${command} needs a CSV file and a formula; ${usage}`);
  if (extra.length) fail(`unexpected argument: ${extra[0]}; quote the formula as one argument`);
  return [path, formulaText];
}

/**
 * A Zelig formula as given on the command line: the text itself, or Zelig's two-equation list written as a
 * JSON object (`{"mu": "…", "gamma": "…"}`).
 *
 * @example
 *   zeligArgument('{"mu": "y ~ tag(1, gamma | g)", "gamma": "~ tag(w | g)"}'); // {mu: …, gamma: …}
 */
export function zeligArgument(text: string): string | Record<string, string> {
  if (!text.trim().startsWith("{")) return text;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return fail(`the Zelig formula list ${JSON.stringify(text.slice(0, 60))} is not JSON: write it as '{"mu": "y ~ x + tag(1, gamma | g)", "gamma": "~ tag(w | g)"}'`);
  }
}

/** The options of a generalized model, which fit, predict, anova and confint read alike. */
export const GLMM_OPTIONS = ["family", "link", "nagq", "weights"];

/**
 * glmer's options from the command line: `--family` (which makes the model a generalized one), `--link`,
 * `--nagq` (glmer's nAGQ, a whole number from 0 to 25) and `--weights COLUMN` (prior weights, or a binomial
 * proportion's trials); null without `--family`. `--link` and `--nagq` without `--family`, and `--ml` with it,
 * are refused. `--weights` without `--family` is for the caller (lmer's prior weights).
 *
 * @example
 *   glmerArguments(parseArgs(["--family", "binomial", "--weights", "size"], {flags: ["ml"], values: GLMM_OPTIONS}));
 *   // {family: "binomial", weights: "size"}
 */
export function glmerArguments(args: ParsedArgs): GlmerOptions | null {
  const family = singleValue(args, "family");
  const link = singleValue(args, "link");
  const nagq = singleValue(args, "nagq");
  const weights = singleValue(args, "weights");
  if (family === undefined) {
    if (link !== undefined || nagq !== undefined) fail(`--${link !== undefined ? "link" : "nagq"} is for a generalized model: add --family, such as --family binomial`);
    return null;
  }
  if (args.flags.has("ml")) fail("--ml makes no sense with --family: a generalized model is always fitted by maximum likelihood; leave out --ml");
  const options: GlmerOptions = {family};
  if (link !== undefined) options.link = link;
  if (nagq !== undefined) {
    const n = Number(nagq);
    if (nagq.trim() === "" || !Number.isInteger(n) || n < 0 || n > 25) fail(`invalid --nagq ${JSON.stringify(nagq.slice(0, 40))}; use a whole number from 0 to 25 (1, the default, is the Laplace approximation)`);
    options.nAGQ = n;
  }
  if (weights !== undefined) options.weights = weights;
  return options;
}
