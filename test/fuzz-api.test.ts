/**
 * Fuzzing the API with hostile values (issue 9): wrong types, NaN/Infinity/1e300, BigInt, Symbols,
 * null-prototype objects, Dates, getters that throw, proxies, arrays with holes, table-likes with a bad
 * numRows, negative and huge n, in place of lmer's formula, data and options, setx's overrides and options,
 * sim's options, predict's newdata and options, bootstrap's options and readCSV's arguments. Every exception
 * must be an LmmError with a message under 500 characters; the model, the data and the value passed in must
 * come back unchanged. Seeded: the same cases on every run.
 */
import fc from "fast-check";
import {afterAll, describe, expect, it} from "vitest";
import {formula} from "../src/formula/index.js";
import {bootstrap} from "../src/inference/intervals/bootstrap.js";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import {predict} from "../src/predict/predict.js";
import {setx, sim} from "../src/qi/index.js";
import {outcome, reportElsewhere} from "./helpers/fuzz-outcome.js";
import {SEEDS, apiCall, materialize, show, type ApiCall} from "./helpers/fuzz-cases.mjs";
import {dataset, fitOf} from "./helpers/fits.js";

const data = dataset("sleepstudy");
const model = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");

/** Runs one call as bench/fuzz.mjs does. */
function call(c: ApiCall, value: unknown): unknown {
  const opts = (key?: string) => (key === "whole" ? value : {[key!]: value});
  switch (c.fn) {
    case "lmer formula": return lmer(value as string, data);
    case "lmer data": return lmer("Reaction ~ Days + (1 | Subject)", value as never);
    case "lmer options": return lmer("Reaction ~ Days + (1 | Subject)", data, opts(c.key) as never);
    case "setx overrides": return setx(model, opts(c.key) as never);
    case "setx options": return setx(model, {}, opts(c.key) as never);
    case "sim options": return sim(model, {x: setx(model), seed: 1, ...(c.key === "whole" ? {} : (opts(c.key) as object)), ...(c.key === "n" ? {} : {n: 100})});
    case "predict": return c.key === "newdata" ? predict(model, value as never) : predict(model, undefined, opts(c.key) as never);
    case "bootstrap": return bootstrap(model, (c.key === "whole" ? value : {nsim: 2, seed: 1, ...(opts(c.key) as object)}) as never);
    case "readCSV": return c.key === "text" ? readCSV(value as string) : readCSV("a,b\n1,2\n", value as never);
    case "formula": return formula(value as string);
  }
}

/** A description of a value that survives getters that throw, to see that a call left it as it was. */
function snapshot(value: unknown): string {
  try {
    return show(value, 100_000);
  } catch {
    return "(unprintable)";
  }
}

afterAll(() => reportElsewhere("fuzz-api"));

describe("fuzzed API calls", () => {
  it("2 000 hostile calls: only LmmErrors with short messages; nothing passed in is changed", () => {
    const fixef = JSON.stringify(model.fixef);
    const reaction = Array.from(data.array("Reaction") as ArrayLike<number>);
    const counts = {accepted: 0, refused: 0, elsewhere: 0};
    fc.assert(
      fc.property(apiCall, (c) => {
        const value = materialize(c.value);
        const before = snapshot(value);
        counts[outcome(`${c.fn} ${c.key ?? ""} ${show(c.value, 300)}`, () => call(c, value))]++;
        expect(snapshot(value)).toBe(before);
      }),
      {seed: SEEDS.api, numRuns: 2000},
    );
    expect(JSON.stringify(model.fixef)).toBe(fixef);
    expect(Array.from(data.array("Reaction") as ArrayLike<number>)).toEqual(reaction);
    expect(counts.refused).toBeGreaterThan(500);
  });
});
