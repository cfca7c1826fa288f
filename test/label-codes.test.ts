import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {labelCodes} from "../src/io/label-codes.js";
import {makeFactor} from "../src/frame/factor.js";

describe("readCSV's label codes and the factors coded from them", () => {
  it("records each row's label index for a text column and gives makeFactor's factor", () => {
    const t = readCSV('g,x\nb,1\na,2\n,3\nc,4\nb,5\n10,6\n"9",7\n');
    const g = t.column("g") as unknown as (string | null)[];
    expect(labelCodes(g)).toEqual({ids: Int32Array.of(0, 1, -1, 2, 0, 3, 4), labels: ["b", "a", "c", "10", "9"]});
    expect(Object.isFrozen(g)).toBe(false);
    const rows = Int32Array.of(0, 1, 3, 4, 5, 6);
    // an unfrozen copy takes makeFactor's own pass (labels by code point: "10" < "9" < "a")
    expect(makeFactor(g, rows)).toEqual(makeFactor(Array.from(g), rows));
    expect(makeFactor(g, rows).levels).toEqual(["10", "9", "a", "b", "c"]);
    // rows that leave labels out: only the labels met are levels
    expect(makeFactor(g, Int32Array.of(4, 1))).toEqual({levels: ["a", "b"], codes: Int32Array.of(1, 0)});
  });

  it("sees a label edited in place after reading (a notebook edits t.column(name)[i]), and a row set to missing", () => {
    const t = readCSV("g,x\nb,1\na,2\nc,3\n");
    const g = t.column("g") as unknown as (string | null)[];
    g[0] = "z";
    expect(makeFactor(g)).toEqual({levels: ["a", "c", "z"], codes: Int32Array.of(2, 0, 1)});
    g[1] = "c";
    expect(makeFactor(g)).toEqual({levels: ["c", "z"], codes: Int32Array.of(1, 0, 0)});
    g[2] = null;
    expect(makeFactor(g, Int32Array.of(0, 1))).toEqual({levels: ["c", "z"], codes: Int32Array.of(1, 0)});
  });

  it("records no codes for a number column or one whose text starts after numbers", () => {
    const t = readCSV("g,x\n1,1\na,2\n");
    expect(labelCodes(t.column("g"))).toBeUndefined();
    expect(labelCodes(t.column("x"))).toBeUndefined();
    expect(labelCodes(["a", "b"])).toBeUndefined();
  });

  it("codes any text column as makeFactor's own pass does (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom("a", "b", "B", "é", "10", "9", "x y", ""), fc.string({maxLength: 3})), {minLength: 1, maxLength: 40}), (cells) => {
        const text = "g,i\nfirst," + "0\n" + cells.map((c, i) => `"${c.replaceAll('"', '""')}",${i + 1}`).join("\n") + "\n";
        const g = readCSV(text).column("g") as unknown as (string | null)[];
        const rows = Int32Array.from(g.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0));
        expect(makeFactor(g, rows)).toEqual(makeFactor(Array.from(g), rows));
      }),
      {seed: 20261203, numRuns: 200}
    );
  });
});

describe("makeFactor of numbers", () => {
  /** The factor by definition: distinct values in numeric order, labelled by String, each row coded by its value's rank. */
  const reference = (values: number[]) => {
    const levels = [...new Set(values.map((v) => (Object.is(v, -0) ? 0 : v)))].sort((a, b) => a - b);
    return {levels: levels.map(String), codes: Int32Array.from(values, (v) => levels.indexOf(Object.is(v, -0) ? 0 : v))};
  };

  it("codes integers of any range, negative ones, -0, and fractions as the definition does (property)", () => {
    const value = fc.oneof(fc.integer({min: -5, max: 40}), fc.integer({min: -1e9, max: 1e9}), fc.constantFrom(-0, 0.5, 2 ** 53, 1e21));
    fc.assert(
      fc.property(fc.array(value, {minLength: 1, maxLength: 60}), (values) => {
        expect(makeFactor(values)).toEqual(reference(values));
        const rows = Int32Array.from(values.keys()).filter((r) => r % 2 === 0);
        expect(makeFactor(values, rows)).toEqual(reference(Array.from(rows, (r) => values[r])));
      }),
      {seed: 20261203, numRuns: 300}
    );
  });
});
