/**
 * Fuzzing the formula language (issue 9): formulas from a random grammar (sleepstudy's columns and unknown
 * ones, every operator, parentheses, calls of supported and unsupported functions, huge and tiny numbers),
 * deep or long formulas near and over the limits, and random mutations of all of them. Each is parsed,
 * expanded and, when it expands, fitted to sleepstudy. Every exception must be an LmmError with a message
 * under 500 characters, and the data must come back unchanged. Seeded: the same cases on every run
 * (bench/fuzz.mjs runs 100 000 of them with the same generators).
 */
import fc from "fast-check";
import {afterAll, describe, expect, it} from "vitest";
import {formula, parseFormula, deparse, MAX_FORMULA_LENGTH} from "../src/formula/index.js";
import {modelFrame} from "../src/frame/frame.js";
import {lmer} from "../src/lmm/fit.js";
import {outcome, reportElsewhere} from "./helpers/fuzz-outcome.js";
import {SEEDS, formulaText} from "./helpers/fuzz-cases.mjs";
import {dataset} from "./helpers/fits.js";

afterAll(() => reportElsewhere("fuzz-formula"));

describe("fuzzed formulas", () => {
  it("parse and expand: 3 000 cases, only LmmErrors, short messages, deparse round trip", () => {
    const counts = {accepted: 0, refused: 0, elsewhere: 0};
    fc.assert(
      fc.property(formulaText, (text) => {
        counts[outcome(text, () => formula(text))]++;
        // what parses deparses to text that parses again
        let ast;
        try {
          ast = parseFormula(text);
        } catch {
          return;
        }
        const again = `${deparse(ast.response)} ~ ${deparse(ast.rhs)}`;
        if (again.length <= MAX_FORMULA_LENGTH) outcome(again, () => parseFormula(again));
      }),
      {seed: SEEDS.formula, numRuns: 3000},
    );
    // the generators reach both sides
    expect(counts.accepted).toBeGreaterThan(300);
    expect(counts.refused).toBeGreaterThan(1000);
  });

  it("fitted to sleepstudy: 600 cases, only LmmErrors, the data unchanged", () => {
    // models with more than 3 random-effects columns are only framed: their fits take the optimizer seconds
    // (bench/fuzz.mjs fits them all)
    const data = dataset("sleepstudy");
    const before = data.columnNames().map((c) => Array.from(data.array(c) as ArrayLike<unknown>));
    let fitted = 0;
    const columns = (text: string) => {
      try {
        return formula(text).random.reduce((q, r) => q + (r.intercept ? 1 : 0) + r.terms.length, 0);
      } catch {
        return 0;
      }
    };
    fc.assert(
      fc.property(formulaText, (text) => {
        const fit = columns(text) <= 3 ? () => lmer(text, data) : () => modelFrame(formula(text), data);
        if (outcome(text, fit) === "accepted") fitted++;
      }),
      {seed: SEEDS.formula + 1, numRuns: 600},
    );
    expect(data.columnNames().map((c) => Array.from(data.array(c) as ArrayLike<unknown>))).toEqual(before);
    expect(fitted).toBeGreaterThan(50);
  });
});
