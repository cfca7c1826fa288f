import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {lmer, readCSV, setx} from "../src/index.js";
import {LmmError} from "../src/errors.js";

// Issue 9's stale cache, in setx: the columns read from `data` were cached by the table's identity, so a
// table edited in place (Arquero's column() hands out the live array) was still read as it was.
describe("setx with the model's data", () => {
  it("sees a table edited in place: its columns no longer rebuild the model's matrices", () => {
    const sleepstudy = readCSV(readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8"));
    const m = lmer("Reaction ~ log(Days + 1) + (1 | Subject)", sleepstudy);
    expect(setx(m, {}, {data: sleepstudy}).length).toBe(1);
    const days = sleepstudy.column("Days") as unknown as number[];
    const before = days[0];
    days[0] = before + 5;
    try {
      expect(() => setx(m, {}, {data: sleepstudy})).toThrow(LmmError);
    } finally {
      days[0] = before;
    }
    expect(setx(m, {}, {data: sleepstudy}).length).toBe(1);
  });
});
