import {fail} from "../errors.js";

/** Parsed command line: positional arguments, boolean flags and repeated valued options. */
export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/**
 * Splits argv into positionals, `--flag`s and `--name value` (or `--name=value`) options, refusing options
 * not in `known`.
 *
 * @example
 *   parseArgs(["fit", "d.csv", "y ~ (1 | g)", "--ml"], {flags: ["ml", "json"], values: []});
 *   // {positional: ["fit", "d.csv", "y ~ (1 | g)"], flags: Set {"ml"}, values: Map {}}
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
