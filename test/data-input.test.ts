/**
 * Data as new users pass it (issue 11, item 4): numbers written as text (Observable's FileAttachment().csv()
 * without `typed: true`, d3's csvParse) are read as R's read.csv reads them, with a warning; CSV text given
 * as the data, an empty array and a table without rows are refused with short messages that name the fix.
 */
import {table} from "arquero";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {summary} from "../src/inference/summary.js";
import {convertedWarning, isConvertedWarning, numberFromText, numericTextColumn} from "../src/frame/numeric-text.js";
import {lmer} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {predict} from "../src/predict/index.js";
import {lmerAsync} from "../src/reactive/fit-job.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {refusal} from "./helpers/refusal.js";

const SLOPE = "Reaction ~ Days + (Days | Subject)";
const sleep = () => dataset("sleepstudy");
const column = (name: string) => Array.from(sleep().array(name) as ArrayLike<number>);

/** sleepstudy's rows with every cell as `format` writes it. */
function textRows(format: (x: number, row: number, name: string) => string | null = (x) => String(x)): Record<string, string | null>[] {
  const [y, d, s] = ["Reaction", "Days", "Subject"].map(column);
  return y.map((_, i) => ({Reaction: format(y[i], i, "Reaction"), Days: format(d[i], i, "Days"), Subject: format(s[i], i, "Subject")}));
}

/** Every number of a fit that the optimizer's path decides, as bits. */
function fitBits(m: LinearMixedModel): number[] {
  return [...m.theta, ...m.beta, m.sigma, m.REMLcrit ?? m.deviance, ...m.fitted, m.optimizer.evaluations];
}

describe("numbers written as text", () => {
  it("fits sleepstudy given as text exactly as given as numbers, with a warning naming the columns and typed: true", () => {
    const m = lmer(SLOPE, textRows());
    expect(fitBits(m)).toEqual(fitBits(fitOf("sleepstudy", SLOPE)));
    expect(m.warnings).toEqual([
      "columns Reaction, Days and Subject hold numbers written as text and were read as numbers, as R's read.csv reads them; pass numbers (in Observable: FileAttachment(…).csv({typed: true}))"
    ]);
    expect(m.warnings.every(isConvertedWarning)).toBe(true);
    // a data-reading note, like dropped rows: not one of lme4's printed warnings
    expect(summary(m)).not.toContain("read as numbers");
    expect(summary(m)).not.toContain("convergence code");
  });

  it("reads surrounding spaces, signs, exponents, Inf and NaN; NA and the empty string are missing, as R's type.convert", () => {
    expect(numberFromText(" 2.5e3 ")).toBe(2500);
    expect(numberFromText("+4")).toBe(4);
    expect(numberFromText("-.5")).toBe(-0.5);
    expect(numberFromText("3.")).toBe(3);
    expect(numberFromText("1E-8")).toBe(1e-8);
    expect(numberFromText("-Inf")).toBe(-Infinity);
    expect(numberFromText("NaN")).toBeNaN();
    expect(numberFromText("NA")).toBeNull();
    expect(numberFromText("  ")).toBeNull();
    for (const text of ["n/a", "0x1A", "1,5", "1_000", "Infinity", "e5", "1e", "--1", "TRUE"]) expect(numberFromText(text)).toBeUndefined();
    expect(numericTextColumn(["249.56", " 258.7 ", "NA", "", null, 3])).toEqual([249.56, 258.7, null, null, null, 3]);
    expect(numericTextColumn(["308", "A12"])).toBeNull();
    expect(numericTextColumn([1, 2])).toBeNull();
    expect(numericTextColumn(["", null])).toBeNull();
    expect(numericTextColumn(["1", true])).toBeNull();
    expect(numericTextColumn(Float64Array.of(1, 2))).toBeNull();
  });

  it("drops rows whose text is NA or empty as missing, and counts them, as with null in typed data", () => {
    const missing = new Set([3, 50, 51]);
    const m = lmer(SLOPE, textRows((x, i, name) => (name === "Reaction" && missing.has(i) ? (i === 3 ? "NA" : i === 50 ? "" : " NA ") : ` ${x} `)));
    const typed = lmer(SLOPE, textRows((x, i, name) => (name === "Reaction" && missing.has(i) ? null : String(x))).map((r) => ({...r, Reaction: r.Reaction === null ? null : Number(r.Reaction), Days: Number(r.Days), Subject: Number(r.Subject)})));
    expect(fitBits(m)).toEqual(fitBits(typed));
    expect(m.warnings).toContain("3 rows with missing values dropped");
    expect(typed.warnings).toEqual(["3 rows with missing values dropped"]);
  });

  it("names only the columns the model read, one column in the singular", () => {
    const rows = textRows().map((r, i) => ({...r, Days: Number(r.Days), Subject: Number(r.Subject), note: `n${i}`}));
    expect(lmer(SLOPE, rows).warnings).toEqual(convertedWarning(["Reaction"]));
    expect(convertedWarning(["Reaction"])[0]).toMatch(/^column Reaction holds numbers written as text and was read as numbers, as R's read\.csv reads it; pass numbers/);
    expect(convertedWarning([])).toEqual([]);
  });

  it("leaves a column with text that is no number as text (a factor, as read.csv would), and names that cell", () => {
    const rows = textRows((x, i, name) => (name === "Reaction" && i === 6 ? "n/a" : String(x)));
    expect(refusal(() => lmer(SLOPE, rows))).toBe('column Reaction holds text ("n/a" in row 7) but the response needs numbers; fix the value or choose a numeric response');
    const hex = textRows((x, i, name) => (name === "Reaction" && i === 2 ? "0x1A" : String(x)));
    expect(refusal(() => lmer(SLOPE, hex))).toBe('column Reaction holds text ("0x1A" in row 3) but the response needs numbers; fix the value or choose a numeric response');
    const flags = textRows().map((r, i) => ({...r, Reaction: i === 0 ? (true as unknown as string) : r.Reaction}));
    expect(refusal(() => lmer(SLOPE, flags))).toBe("column Reaction holds a value that is not a number (true in row 1) but the response needs numbers; fix the value or choose a numeric response");
  });

  it("gives the same warning from a fit off the main path (lmerAsync fits copies of the columns)", async () => {
    const m = await lmerAsync(SLOPE, textRows(), {worker: false});
    const direct = lmer(SLOPE, textRows());
    expect(m.warnings).toEqual(direct.warnings);
    expect(fitBits(m)).toEqual(fitBits(direct));
    expect((await lmerAsync(SLOPE, sleep(), {worker: false})).warnings).toEqual([]);
    // in a worker thread (the built library, as notebooks run it)
    const kit = (await import(new URL("../dist/index.js", import.meta.url).href)) as typeof import("../src/index.js");
    const job = kit.startFit(SLOPE, textRows());
    const w = await job.model;
    expect(job.latest.thread).toBe("worker");
    expect(w.warnings).toEqual(direct.warnings);
    expect(fitBits(w)).toEqual(fitBits(direct));
  }, 120_000);

  it("reads numbers written as text in newdata too", () => {
    const m = fitOf("sleepstudy", SLOPE);
    expect(predict(m, [{Days: "3", Subject: "308"}]).fit).toEqual(predict(m, [{Days: 3, Subject: 308}]).fit);
  });

  it("gives the same fit, bit for bit, however the numbers are written (seeded property)", () => {
    const writings: ((x: number) => string)[] = [
      (x) => String(x),
      (x) => x.toExponential(),
      (x) => x.toPrecision(17),
      (x) => `  ${x}\t`,
      (x) => (x >= 0 ? `+${x}` : String(x)),
      (x) => x.toExponential().toUpperCase()
    ];
    const typed = fitBits(fitOf("sleepstudy", SLOPE));
    fc.assert(
      fc.property(fc.array(fc.integer({min: 0, max: writings.length - 1}), {minLength: 540, maxLength: 540}), (choice) => {
        const names = ["Reaction", "Days", "Subject"];
        const rows = textRows((x, i, name) => writings[choice[i * 3 + names.indexOf(name)]](x));
        expect(fitBits(lmer(SLOPE, rows))).toEqual(typed);
      }),
      {seed: 11, numRuns: 8}
    );
  });
});

describe("data that is not a table", () => {
  it("refuses CSV text by its length, never echoing it, and says to parse it with readCSV first", () => {
    const text = "Reaction,Days,Subject\n" + textRows().map((r) => `${r.Reaction},${r.Days},${r.Subject}`).join("\n");
    const message = refusal(() => lmer(SLOPE, text as never));
    expect(message).toBe(`invalid data: a string of ${text.length} characters, not a table; if it is CSV text, parse it with readCSV(text) first, or give an Arquero table, an array of row objects or an object of column arrays`);
    expect(message).not.toContain("Reaction");
    expect(message.length).toBeLessThan(200);
    expect(refusal(() => lmer(SLOPE, "" as never))).toMatch(/^invalid data: a string of 0 characters/);
  });

  it("refuses an empty array, a table without rows and empty columns: the data has no rows", () => {
    const expected = "invalid data: the data has no rows; give a table with the model's columns and at least one row";
    expect(refusal(() => lmer(SLOPE, []))).toBe(expected);
    expect(refusal(() => lmer(SLOPE, sleep().slice(0, 0)))).toBe(expected);
    expect(refusal(() => lmer(SLOPE, table({Reaction: [], Days: [], Subject: []})))).toBe(expected);
    expect(refusal(() => lmer(SLOPE, {Reaction: [], Days: [], Subject: []}))).toBe(expected);
    expect(refusal(() => lmer(SLOPE, {}))).toBe(expected);
  });
});
