/**
 * The `lmm` command: reads the command's name and hands the rest of the command line to it. Each command
 * lives in its own file (fit.ts, sim.ts, anova.ts, confint.ts, predict.ts, translate.ts) and imports what the commands
 * share from args.ts; this file imports the commands, and nothing imports this file but the launcher
 * (bin/lmm.js, through the built dist/cli.js).
 */
import {LmmError, MAX_MESSAGE_LENGTH, clip, fail} from "../errors.js";
import {ANOVA_USAGE, anovaCommand} from "./anova.js";
import type {Output} from "./args.js";
import {CONFINT_USAGE, confintCommand} from "./confint.js";
import {FIT_USAGE, fitCommand, fitSqlCommand, isSqlData} from "./fit.js";
import {PREDICT_USAGE, predictCommand} from "./predict.js";
import {SIM_USAGE, simCommand} from "./sim.js";
import {TRANSLATE_USAGE, translateCommand} from "./translate.js";

/** A command: the arguments after its name, where to write; returns the exit code (or throws an LmmError). */
export type Command = (argv: string[], out: Output) => number;

/**
 * The commands by name, as `lmm NAME …` calls them.
 *
 * @example
 *   COMMANDS.get("fit")!(["datasets/sleepstudy.csv", "Reaction ~ Days + (1 | Subject)"], output);
 */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ["fit", fitCommand],
  ["sim", simCommand],
  ["anova", anovaCommand],
  ["confint", confintCommand],
  ["predict", predictCommand],
  ["translate", translateCommand]
]);

const USAGE = [FIT_USAGE, SIM_USAGE, ANOVA_USAGE, CONFINT_USAGE, PREDICT_USAGE, TRANSLATE_USAGE].map((u, i) => (i ? u.replace("usage:", "      ") : u)).join("\n");

/**
 * The `lmm` command. Returns the exit code: 0, or 2 after one line on stderr starting `lmm: `.
 *
 * @example
 *   main(["fit", "datasets/sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", "--json"], output);
 */
export function main(argv: string[], out: Output): number {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) fail(`a command is needed; ${FIT_USAGE} (lmm help lists sim, anova, confint, predict and translate too)`);
    if (name === "help" || name === "--help") {
      out.stdout(USAGE + "\n");
      return 0;
    }
    const command = COMMANDS.get(name);
    if (command) return command(rest, out);
    fail(`unknown command: ${name}; the commands are fit, sim, anova, confint, predict and translate (lmm help)`);
  } catch (error) {
    const message = error instanceof LmmError ? error.message : `internal error: ${internal(error)}`;
    out.stderr(`lmm: ${clip(message.replace(/\s*\n\s*/g, " "), MAX_MESSAGE_LENGTH)}\n`);
    return 2;
  }
}

/**
 * The `lmm` command as the launcher runs it: {@link main}, except that `lmm fit` on rows in a database (a
 * Parquet file, `duckdb:FILE.db:TABLE`, `postgres:TABLE`; fit-sql.ts) waits for the database.
 *
 * @example
 *   await mainAsync(["fit", "big.parquet", "y ~ x + (x | g)"], output);
 */
export async function mainAsync(argv: string[], out: Output): Promise<number> {
  const [name, data] = argv;
  if (name !== "fit" || data === undefined || !isSqlData(data)) return main(argv, out);
  try {
    return await fitSqlCommand(argv.slice(1), out);
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
