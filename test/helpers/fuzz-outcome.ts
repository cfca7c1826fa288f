/**
 * The check every fuzz case makes: the call is accepted, or refused with an LmmError whose message is under
 * 500 characters. A non-library exception raised in the files of the limits work (formula, io, cli, errors,
 * setx/profiles/sim, bootstrap) fails the test with its input. One raised in another engineer's file
 * (src/frame, src/predict, src/lmm, …) is collected in `elsewhere` with its input and site, printed at the
 * end of the test and left to them: the tests then still fail on any regression in the files they cover.
 */
import {expect} from "vitest";
import {LmmError} from "../../src/errors.js";

const covered = /\/src\/(formula\/|io\/|cli\/|errors\.ts|qi\/(setx|profiles|sim)\.ts|inference\/bootstrap\.ts)/;

export interface Elsewhere {
  input: string;
  error: string;
  site: string;
}

/** Non-library exceptions from other engineers' files, by error and site, with one input each. */
export const elsewhere = new Map<string, Elsewhere & {count: number}>();

/** The first frame of the stack inside src/, as "file:line". */
function site(error: unknown): string {
  const stack = String((error as Error)?.stack ?? "");
  const line = stack.split("\n").find((l) => l.includes("/src/"));
  return line ? line.trim().replace(/^at /, "").replace(/.*\/src\//, "src/").replace(/\)$/, "") : "(no frame in src/)";
}

/** Runs `f`: "accepted", or "refused" after checking the LmmError; see the module comment for other errors. */
export function outcome(input: string, f: () => unknown): "accepted" | "refused" | "elsewhere" {
  try {
    f();
    return "accepted";
  } catch (error) {
    if (error instanceof LmmError) {
      expect(error.message.length, error.message.slice(0, 200)).toBeLessThan(500);
      return "refused";
    }
    const where = site(error);
    const text = `${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error).slice(0, 160)}`;
    if (covered.test("/" + where) || where === "(no frame in src/)") {
      throw new Error(`non-library exception for ${input.slice(0, 300)}: ${String((error as Error)?.stack ?? error).slice(0, 800)}`);
    }
    const key = `${text} @ ${where}`;
    const seen = elsewhere.get(key);
    if (seen) seen.count++;
    else elsewhere.set(key, {input: input.slice(0, 300), error: text, site: where, count: 1});
    return "elsewhere";
  }
}

/** Prints what was left to other engineers (the report lists them too). */
export function reportElsewhere(label: string): void {
  if (elsewhere.size === 0) return;
  const lines = [...elsewhere.values()].map((e) => `  x${e.count} ${e.error} @ ${e.site}\n    e.g. ${e.input}`);
  console.info(`${label}: non-library exceptions outside the files these tests cover:\n${lines.join("\n")}`);
}
