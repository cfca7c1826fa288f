import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {labelCodes} from "../src/io/label-codes.js";
import {makeFactor} from "../src/frame/factor.js";

describe("readCSV's label codes and the factors coded from them", () => {
  it("records each row's label index for a text column, freezes it, and gives makeFactor's factor", () => {
    const t = readCSV('g,x\nb,1\na,2\n,3\nc,4\nb,5\n10,6\n"9",7\n');
    const g = t.column("g") as unknown as (string | null)[];
    expect(labelCodes(g)).toEqual({ids: Int32Array.of(0, 1, -1, 2, 0, 3, 4), labels: ["b", "a", "c", "10", "9"]});
    expect(Object.isFrozen(g)).toBe(true);
    const rows = Int32Array.of(0, 1, 3, 4, 5, 6);
    // an unfrozen copy takes makeFactor's own pass (labels by code point: "10" < "9" < "a")
    expect(makeFactor(g, rows)).toEqual(makeFactor(Array.from(g), rows));
    expect(makeFactor(g, rows).levels).toEqual(["10", "9", "a", "b", "c"]);
    // rows that leave labels out: only the labels met are levels
    expect(makeFactor(g, Int32Array.of(4, 1))).toEqual({levels: ["a", "b"], codes: Int32Array.of(1, 0)});
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
