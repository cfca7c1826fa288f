/**
 * Fuzzing CSV reading (issue 9): sleepstudy's first 60 rows mutated (truncated, quotes, byte-order marks,
 * binary bytes, huge and tiny numbers, empty cells, duplicate or broken headers, very long lines, rows
 * dropped), read with readCSV and, when read, fitted. Every exception must be an LmmError with a message
 * under 500 characters. Seeded: the same cases on every run (bench/fuzz.mjs runs more with the same generators).
 */
import {readFileSync} from "node:fs";
import fc from "fast-check";
import {afterAll, describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import {outcome, reportElsewhere} from "./helpers/fuzz-outcome.js";
import {SEEDS, baseCSV, csvText} from "./helpers/fuzz-cases.mjs";

const base = baseCSV(readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8"), 60);

afterAll(() => reportElsewhere("fuzz-csv"));

describe("fuzzed csv", () => {
  it("1 500 mutated files: read and fitted, or refused with an LmmError", () => {
    const counts = {read: 0, fitted: 0, refused: 0};
    fc.assert(
      fc.property(csvText(base), (text) => {
        let table: ReturnType<typeof readCSV> | undefined;
        if (outcome(text, () => (table = readCSV(text))) !== "accepted") return void counts.refused++;
        counts.read++;
        if (outcome(text, () => lmer("Reaction ~ Days + (Days | Subject)", table!)) === "accepted") counts.fitted++;
      }),
      {seed: SEEDS.csv, numRuns: 1500},
    );
    expect(counts.refused).toBeGreaterThan(100);
    expect(counts.fitted).toBeGreaterThan(100);
  });

  it("the text is never changed and reading is deterministic", () => {
    fc.assert(
      fc.property(csvText(base), (text) => {
        const copy = String(text);
        const a = outcome(text, () => readCSV(text));
        expect(text).toBe(copy);
        if (a === "accepted") expect(readCSV(text).objects()).toEqual(readCSV(copy).objects());
      }),
      {seed: SEEDS.csv + 1, numRuns: 80},
    );
  });
});
