import {mkdtempSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {ColumnTable} from "arquero";
import fc from "fast-check";
import {describe, expect, test} from "vitest";
import {LmmError} from "../src/errors.js";
import {readCSV} from "../src/io/index.js";
import {MAX_CELLS} from "../src/io/csv.js";
import {loadCSV, loadCSVSync, memoryLimits} from "../src/io/load.js";
import {fitReferences} from "./helpers/reference.js";

const datasets = fileURLToPath(new URL("../datasets/", import.meta.url));

/** A column's values as a plain array (fails the test when there is no such column). */
function values(t: ColumnTable, name: string): unknown[] {
  const column = t.column(name);
  expect(column, `column ${name}`).toBeDefined();
  return Array.from(column!);
}

/** The table's columns as plain arrays, by name. */
function columns(text: string): Record<string, unknown[]> {
  const t = readCSV(text);
  return Object.fromEntries(t.columnNames().map((name) => [name, values(t, name)]));
}

describe("readCSV", () => {
  test("drops a UTF-8 byte-order mark", () => {
    const t = readCSV("\uFEFFReaction,Days\n249.56,0\n");
    expect(t.columnNames()).toEqual(["Reaction", "Days"]);
    expect(t.array("Reaction")).toEqual([249.56]);
  });

  test("reads CRLF, LF and CR line ends, and a last line without one", () => {
    expect(columns("a,b\r\n1,2\r\n3,4\r\n")).toEqual({a: [1, 3], b: [2, 4]});
    expect(columns("a,b\r1,2\r3,4")).toEqual({a: [1, 3], b: [2, 4]});
    expect(columns("a,b\n1,2\r\n3,4")).toEqual({a: [1, 3], b: [2, 4]});
  });

  test("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const c = columns('name,note,n\n"Smith, J.","he said ""hi""",1\r\n"two\r\nlines","""",2\n');
    expect(c.name).toEqual(["Smith, J.", "two\r\nlines"]);
    expect(c.note).toEqual(['he said "hi"', '"']);
    expect(c.n).toEqual([1, 2]);
  });

  test("quoted numbers are numbers, as in R's read.csv", () => {
    expect(columns('Subject,Days\n"308",0\n"309",1\n')).toEqual({Subject: [308, 309], Days: [0, 1]});
  });

  test("empty cells and NA, quoted or not, become null", () => {
    const c = columns('x,g\n1,a\n,NA\nNA,""\n"NA",b\n 2 ,\n');
    expect(c.x).toEqual([1, null, null, null, 2]);
    expect(c.g).toEqual(["a", null, null, "b", null]);
  });

  test("a trailing comma is an empty last field", () => {
    expect(columns("a,b\n1,\n")).toEqual({a: [1], b: [null]});
  });

  test("numbers in every spelling R writes, including Inf and NaN", () => {
    const x = readCSV("x\n-1\n2.5\n.5\n1e-8\n-3.2E+4\nInf\n-Inf\nNaN\n").array("x") as number[];
    expect(x.slice(0, 5)).toEqual([-1, 2.5, 0.5, 1e-8, -32000]);
    expect(x[5]).toBe(Infinity);
    expect(x[6]).toBe(-Infinity);
    expect(x[7]).toBeNaN();
  });

  test("a column mixing numbers and text stays text, however late the text comes", () => {
    expect(columns("g\n1\nb\n2\n")).toEqual({g: ["1", "b", "2"]});
    // arquero's fromCSV types a column by its first 1000 values and turns later text into NaN
    const late = Array.from({length: 1500}, (_, i) => (i < 1200 ? String(i) : "x")).join("\n");
    const g = readCSV(`g\n${late}\n`).array("g") as unknown[];
    expect(g[0]).toBe("0");
    expect(g[1199]).toBe("1199");
    expect(g[1300]).toBe("x");
  });

  test("a number read straight from its characters is Number() of its text, in every spelling (issue 15)", () => {
    const finite = {noNaN: true, noDefaultInfinity: true};
    const decimal = fc.oneof(
      fc.double(finite).map(String),
      fc.double(finite).map((x) => x.toExponential(8)),
      fc.double({min: -1e9, max: 1e9, ...finite}).map((x) => x.toFixed(6)),
      fc.double(finite).map((x) => x.toPrecision(17)),
      fc.stringMatching(/^[-+]?[0-9]{1,18}(\.[0-9]{0,18})?([eE][-+]?[0-9]{1,3})?$/),
      fc.stringMatching(/^[-+]?\.[0-9]{1,18}$/),
      fc.constantFrom("-0", "0.0", "00012", "1.", "1e400", "-1e400", "1e-400", "4.9e-324", "9007199254740993", "123456789012345", "1234567890123456")
    );
    fc.assert(
      fc.property(fc.array(decimal, {minLength: 1, maxLength: 20}), (cells) => {
        const x = readCSV(`x\n${cells.join("\n")}\n`).array("x") as number[];
        cells.forEach((cell, i) => expect([cell, x[i]]).toEqual([cell, Number(cell)]));
      }),
      {seed: 15, numRuns: 400}
    );
  });

  test("a column that turns to text late keeps every earlier value as written (issue 15: numbers are read before the column is known)", () => {
    expect(columns('g,x\n1.50,1\nNA,2\n"007",3\n 2 ,4\nb,5\n')).toEqual({g: ["1.50", null, "007", " 2 ", "b"], x: [1, 2, 3, 4, 5]});
    expect(columns("a,b,c\n1,x,1\n2,3,2\ny,4,z\n5,,6\n")).toEqual({a: ["1", "2", "y", "5"], b: ["x", "3", "4", null], c: ["1", "2", "z", "6"]});
    expect(() => readCSV("a,b\n1,2\nx,3\n\n4\n")).toThrow("csv line 5 has 1 field but the header names 2 columns (a, b)");
    expect(() => readCSV('a,b\n1,"2\n2"\nx,3,4\n')).toThrow("csv line 4 has 3 fields but the header names 2 columns (a, b)");
  });

  test("TRUE/FALSE, true/false and dates stay text", () => {
    expect(columns("a,b,c\nTRUE,true,2020-01-01\nFALSE,false,2020-01-02\n")).toEqual({
      a: ["TRUE", "FALSE"],
      b: ["true", "false"],
      c: ["2020-01-01", "2020-01-02"]
    });
  });

  test("columns named __proto__, constructor and toString are ordinary columns", () => {
    const t = readCSV("__proto__,constructor,toString,hasOwnProperty\n1,a,3,x\n2,b,4,y\n");
    expect(t.columnNames()).toEqual(["__proto__", "constructor", "toString", "hasOwnProperty"]);
    expect(t.numRows()).toBe(2);
    expect(values(t, "__proto__")).toEqual([1, 2]);
    expect(values(t, "constructor")).toEqual(["a", "b"]);
    expect(values(t, "toString")).toEqual([3, 4]);
    expect(t.get("__proto__", 1)).toBe(2);
    expect(t.array("hasOwnProperty")).toEqual(["x", "y"]);
  });

  test("skips empty lines", () => {
    expect(columns("a,b\n\n1,2\n\r\n3,4\n\n")).toEqual({a: [1, 3], b: [2, 4]});
  });

  test("a header alone is refused: there are no data rows (was: every column missing in every row)", () => {
    expect(() => readCSV("Reaction,Days,Subject\n")).toThrow(
      "the csv has no data rows, only the header (Reaction, Days, Subject); add the data below the header line",
    );
    expect(() => readCSV("a,b\n\n\r\n")).toThrow("no data rows");
  });

  test("binary text and more cells than the limit are refused, naming the limit", () => {
    expect(() => readCSV("a,b\n1,\u0000\n")).toThrow(
      "the csv text has a NUL character (at character 7): it looks like a binary file, not csv; export the data as a csv text file",
    );
    expect(() => readCSV("a,b\n1,2\n3,4\n5,6\n", {maxCells: 6})).toThrow(
      "the csv has more than 2 rows of 2 columns, over the limit of 6 cells (header included): use fewer rows or columns",
    );
    expect(readCSV("a,b\n1,2\n3,4\n", {maxCells: 6}).numRows()).toBe(2);
    expect(() => readCSV("a,b,c,d\n1,2,3,4\n", {maxCells: 3})).toThrow("csv line 1 has more than 3 fields; the limit is 3 cells");
    expect(() => readCSV("a\n1\n", {maxCells: 0})).toThrow("invalid maxCells: the number 0; give a positive whole number");
    expect(MAX_CELLS).toBe(20_000_000);
  });

  test("a 50 000-digit cell ending in a letter is text, read in linear time (was 3.4 s of regular-expression backtracking)", () => {
    const cell = "7".repeat(50_000) + "x";
    expect(readCSV(`a,b\n${cell},1\n2,3\n`).get("a", 0)).toBe(cell);
  });

  test("messages quote long names and values cut with an ellipsis", () => {
    const long = "x".repeat(5000);
    const m1 = (() => { try { readCSV(`${long},${long}\n1,2\n`); } catch (e) { return (e as Error).message; } })();
    expect(m1).toMatch(/^duplicate column name "x{39}…" in the csv header \(columns 1 and 2\)/);
    const m2 = (() => { try { readCSV(`${long},b\n1\n`); } catch (e) { return (e as Error).message; } })();
    expect(m2).toMatch(/^csv line 2 has 1 field but the header names 2 columns \(x{29}…, b\)/);
    expect(m2!.length).toBeLessThan(300);
  });

  test("text values keep their spaces; names are kept as written", () => {
    expect(columns('my var,g\n1, a \n')).toEqual({"my var": [1], g: [" a "]});
  });

  test("a duplicated column name is an error that names it", () => {
    expect(() => readCSV("a,b,a\n1,2,3\n")).toThrow(LmmError);
    expect(() => readCSV("a,b,a\n1,2,3\n")).toThrow('duplicate column name "a" in the csv header (columns 1 and 3)');
  });

  test("errors name the line and the fix", () => {
    expect(() => readCSV("")).toThrow("empty csv: there is no header line");
    expect(() => readCSV("\n\n")).toThrow("empty csv");
    expect(() => readCSV(",a\n1,2\n")).toThrow("empty column name in the csv header (column 1)");
    expect(() => readCSV("a,b\n1,2\n3,4,5\n")).toThrow("csv line 3 has 3 fields but the header names 2 columns (a, b)");
    expect(() => readCSV("a,b\n1,2\n3\n")).toThrow("csv line 3 has 1 field but");
    expect(() => readCSV('a,b\n1,"x\n2,3\n')).toThrow("unterminated quoted field starting on csv line 2");
    expect(() => readCSV('a,b\n"x\ny","1"z\n')).toThrow('unexpected "z" after a closing quote on csv line 3');
    expect(() => readCSV(42 as unknown as string)).toThrow("invalid csv text: number");
  });
});

/** Rows of every data set in datasets/, from datasets/README.md. */
const rows: Record<string, number> = {
  sleepstudy: 180,
  Dyestuff: 30,
  Dyestuff2: 30,
  Penicillin: 144,
  Pastes: 60,
  InstEval: 73421,
  cake: 270,
  voteincome: 1500,
  Exam: 4059,
  Produc: 816,
  Grunfeld: 200,
  cbpp: 56,
  VerbAgg: 7584,
  grouseticks: 403,
  bacteria: 220,
  Contraception: 1934,
  epil: 236,
  Mmmec: 354,
  CPS1985: 534,
  Orthodont: 108,
  BodyWeight: 176
};

describe("datasets", () => {
  test("datasets/ holds exactly the documented data sets", () => {
    const files = readdirSync(datasets).filter((f) => f.endsWith(".csv")).map((f) => f.slice(0, -4));
    expect(files.sort()).toEqual(Object.keys(rows).sort());
  });

  test.each(Object.entries(rows))("%s loads with %i rows and no missing values", async (name, n) => {
    const t = await loadCSV(`${datasets}${name}.csv`);
    expect(t.numRows()).toBe(n);
    for (const column of t.columnNames()) {
      const values = t.array(column) as unknown[];
      expect(values.length).toBe(n);
      expect(values.every((v) => v !== null && (typeof v === "string" || Number.isFinite(v)))).toBe(true);
    }
  });

  test("column types follow R: numeric codes are numbers, factor labels text", () => {
    const sleep = loadCSVSync(`${datasets}sleepstudy.csv`);
    expect(sleep.columnNames()).toEqual(["Reaction", "Days", "Subject"]);
    expect(sleep.get("Reaction", 0)).toBe(249.56);
    expect(sleep.get("Subject", 0)).toBe(308);
    const exam = loadCSVSync(`${datasets}Exam.csv`);
    expect(exam.get("vr", 0)).toBe("mid 50%");
    expect(exam.get("normexam", 0)).toBe(0.2613242);
    const pastes = loadCSVSync(`${datasets}Pastes.csv`);
    expect(pastes.get("sample", 0)).toBe("A:a");
  });

  test("each lme4 reference fit used every row of its data set", () => {
    for (const ref of fitReferences()) expect([ref.id, ref.nobs]).toEqual([ref.id, rows[ref.dataset]]);
  });

  test("a missing file is an error that names the path", async () => {
    await expect(loadCSV("datasets/no-such.csv")).rejects.toThrow("cannot read csv file datasets/no-such.csv: no such file");
    expect(() => loadCSVSync("datasets")).toThrow("it is a directory");
  });

  test("devices, binary files, other encodings and files over the limits are refused before they are read whole", async () => {
    // was: lmm fit /dev/urandom read forever
    for (const device of ["/dev/urandom", "/dev/zero", "/dev/null"]) {
      expect(() => loadCSVSync(device)).toThrow(`cannot read csv file ${device}: it is not a regular file (a device, pipe or socket)`);
      await expect(loadCSV(device)).rejects.toThrow("it is not a regular file");
    }
    const dir = mkdtempSync(join(tmpdir(), "lmm-csv-test-"));
    try {
      const file = (name: string, bytes: Uint8Array | string) => {
        writeFileSync(join(dir, name), bytes);
        return join(dir, name);
      };
      const binary = file("binary.csv", Uint8Array.of(0x61, 0x2c, 0x62, 0x0a, 0x31, 0x00, 0xff));
      expect(() => loadCSVSync(binary)).toThrow(`cannot read csv file ${binary}: it has a NUL byte at byte 6, so it is a binary file`);
      const latin1 = file("latin1.csv", Uint8Array.of(0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a));
      expect(() => loadCSVSync(latin1)).toThrow(/it is not UTF-8 text \(an invalid byte near byte \d+\); save it as UTF-8 csv/);
      await expect(loadCSV(latin1)).rejects.toThrow("it is not UTF-8 text");
      const rows = file("rows.csv", "a,b\n" + "1,2\n".repeat(100));
      expect(() => loadCSVSync(rows, {maxBytes: 100})).toThrow(`cannot read csv file ${rows}: it has 404 bytes; the limit is 100 bytes: use a smaller file`);
      // counted on the bytes before the text is split
      expect(() => loadCSVSync(rows, {maxCells: 100})).toThrow(`${rows}: the csv has 202 cells (header included), over the limit of 100 cells: use fewer rows or columns`);
      expect(loadCSVSync(rows, {maxCells: 202}).numRows()).toBe(100);
      expect(loadCSVSync(rows).numRows()).toBe(100);
      expect((await loadCSV(rows)).numRows()).toBe(100);
      const header = file("header.csv", "Reaction,Days,Subject\n");
      expect(() => loadCSVSync(header)).toThrow(`${header}: the csv has no data rows, only the header (Reaction, Days, Subject)`);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  test("the limits follow the JavaScript heap", () => {
    const {maxBytes, maxCells, heapBytes} = memoryLimits(0);
    expect(maxBytes).toBeLessThanOrEqual(500 * 2 ** 20);
    expect(maxBytes).toBeLessThanOrEqual(heapBytes / 4);
    expect(maxCells).toBeLessThanOrEqual(MAX_CELLS);
    expect(memoryLimits(heapBytes).maxCells).toBe(1);
  });
});
