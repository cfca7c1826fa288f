import {table} from "arquero";
import {readFileSync} from "node:fs";
import {expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {tableRows} from "../src/io/table-rows.js";
import {lmer} from "../src/lmm/fit.js";

it("tableRows gives what Arquero's objects() gives, for the kit's tables", () => {
  const m = lmer("Reaction ~ Days + (Days | Subject)", readCSV(readFileSync("datasets/sleepstudy.csv", "utf8")));
  for (const t of [m.varianceTable(), m.fixedEffectsTable(), m.ranefTable()]) expect(tableRows(t)).toEqual(t.objects());
});

it("tableRows keeps a column named __proto__ as an ordinary key", () => {
  const rows = tableRows(readCSV("__proto__,b\n1,x\n2,y\n"));
  expect(Object.keys(rows[1])).toEqual(["__proto__", "b"]);
  expect(rows[1]["__proto__"]).toBe(2);
  expect(Object.getPrototypeOf(rows[1])).toBe(Object.prototype);
  expect(tableRows(table({a: []}))).toEqual([]);
});

it("tableRows refuses what is not a table, naming the fix", () => {
  expect(() => tableRows([{a: 1}] as never)).toThrow("invalid table: an array of 1; pass an Arquero table (for example m.varianceTable())");
  expect(() => tableRows("a,b\n1,2" as never)).toThrow('invalid table: the string "a,b\\n1,2"; pass an Arquero table');
});
