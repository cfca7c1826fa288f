/**
 * CSV text to an Arquero table, with R's `read.csv` conventions where they matter for model fitting.
 *
 * Arquero's own `fromCSV` is not used: checked against arquero 8.0.3, it keeps a UTF-8 byte-order mark in
 * the first column name, reads `NA` as text, infers a column's type from its first 1000 values only (a
 * later text value becomes `NaN`), turns `true`/`false` into booleans and ISO dates into `Date`s, silently
 * drops one of two columns with the same name, and breaks on a column named `__proto__` (the table loses
 * its row count). Its `table()` breaks on `__proto__` too, because it assigns names into a plain object.
 *
 * Rules (RFC 4180 with R's missing values):
 * - the first record is the header; every name must be non-empty and distinct;
 * - a leading UTF-8 byte-order mark is dropped; records end with LF, CRLF or CR;
 * - a field that starts with `"` is quoted: it may hold commas, line breaks and `""` (one quote);
 * - lines that are completely empty are skipped (as `read.csv` does);
 * - an empty field, quoted or not, and `NA` (quoted or not, as in R) become `null`;
 * - a column whose non-missing values are all numbers becomes numbers (`Inf`, `-Inf` and `NaN` as R
 *   writes them are numbers); any other column stays text, values exactly as written. Nothing else is
 *   converted: `TRUE`, `FALSE` and dates stay text.
 * - refused: a header without data rows, text with a NUL character (a binary file), and more than
 *   `maxCells` cells (header included; default {@link MAX_CELLS}), checked as the records are read so
 *   that no more than the limit is ever held.
 *
 * The module imports nothing from Node, so it works in browsers; `loadCSV` (load.ts) reads files in Node.
 */
import {ColumnTable} from "arquero";
import {clip, describeValue, fail, quote} from "../errors.js";
import {registerLabelCodes, type LabelCodes} from "./label-codes.js";
import {optionNames, readOptions} from "../options.js";

/**
 * The most cells (rows × columns, header included) {@link readCSV} reads by default: 20 million, such as
 * 2 million rows of 10 columns. Reading keeps a number as a double in its column and a text cell as a
 * reference to a shared label: about 10 bytes a cell once read, 30 at the peak before garbage collection
 * (measured: a million rows of `y, x, g`), so the limit keeps the peak well under 1 GB.
 */
export const MAX_CELLS = 20_000_000;

/** Options of {@link readCSV}. */
export interface ReadCSVOptions {
  /** The most cells (rows × columns, header included) to read; default {@link MAX_CELLS}. */
  maxCells?: number;
}

/** The options {@link readCSV} knows. */
export const CSV_OPTIONS = optionNames<ReadCSVOptions>({maxCells: true});

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/**
 * A decimal number as R's `write.csv` and JavaScript write it: `-1`, `2.5`, `.5`, `1e-8`, `3.`. Written so
 * that a failed match backtracks in linear time (`\d+\.?\d*` took 3.4 s on a 50 000-digit cell ending in a letter).
 */
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const SPECIAL: ReadonlyMap<string, number> = new Map([
  ["Inf", Infinity],
  ["+Inf", Infinity],
  ["-Inf", -Infinity],
  ["NaN", NaN]
]);

/** A parsed CSV column: numbers, or text, with `null` for missing values. */
export type CSVColumn = (number | null)[] | (string | null)[];

/**
 * Reads CSV text into an Arquero table (see the module comment for the rules).
 *
 * @example
 *   const t = readCSV('Reaction,Days,Subject\r\n249.56,0,308\r\n258.7047,1,"308"\r\n');
 *   t.numRows();          // 2
 *   t.array("Reaction");  // [249.56, 258.7047]
 *   t.column("Subject");  // [308, 308]
 */
export function readCSV(text: string, options: ReadCSVOptions = {}): ColumnTable {
  if (typeof text !== "string") {
    fail(`invalid csv text: ${describe(text)}; pass the file's contents as a string (loadCSV reads a file in node)`);
  }
  const maxCells = cellLimit(options);
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    fail(`the csv text has a NUL character (at character ${nul + 1}): it looks like a binary file, not csv; ` +
      "export the data as a csv text file");
  }
  const body = text.charCodeAt(0) === BOM ? text.slice(1) : text;
  const reader = recordReader(body, maxCells);
  const header = reader.next();
  if (header === null) fail("empty csv: there is no header line; the first line must name the columns");
  const names = checkHeader(header);
  const maxRows = Math.floor(maxCells / names.length) - 1;
  const {columns, rows, textFrom, codes} = readColumns(body, reader.offset(), reader.line(), names, maxRows, maxCells);
  if (rows === 0) {
    fail(`the csv has no data rows, only the header (${preview(names)}); add the data below the header line`);
  }
  // a text column from its first row keeps its array: register its codes (textColumnHeads rebuilds only later ones)
  codes.forEach((c, f) => c && registerLabelCodes(columns[f] as (string | null)[], c));
  return columnTable(names, textColumnHeads(body, reader.offset(), names.length, columns, textFrom));
}

function cellLimit(options: ReadCSVOptions): number {
  const {maxCells = MAX_CELLS} = readOptions(options, CSV_OPTIONS, "readCSV");
  if (typeof maxCells !== "number" || !Number.isInteger(maxCells) || maxCells < 1) {
    fail(`invalid maxCells: ${describeValue(maxCells)}; give a positive whole number such as ${MAX_CELLS}`);
  }
  return maxCells;
}

/**
 * Builds a table from names and columns without ever assigning a name into a plain object, so `__proto__`,
 * `constructor` and `toString` are ordinary column names (`Object.fromEntries` defines own properties).
 */
function columnTable(names: string[], columns: CSVColumn[]): ColumnTable {
  const data = Object.fromEntries(names.map((name, k) => [name, columns[k]]));
  return new ColumnTable(data, names);
}

function checkHeader(header: string[]): string[] {
  const seen = new Map<string, number>();
  header.forEach((name, k) => {
    if (name === "") {
      fail(
        `empty column name in the csv header (column ${k + 1}); name every column ` +
          `(a file from R's write.csv needs row.names = FALSE)`
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      fail(`duplicate column name ${quote(name, 40)} in the csv header (columns ${first + 1} and ${k + 1}); give every column a distinct name`);
    }
    seen.set(name, k);
  });
  return header;
}

function isMissing(value: string): boolean {
  const t = value.trim();
  return t === "" || t === "NA";
}

function parseNumber(value: string): number | undefined {
  const t = value.trim();
  if (DECIMAL.test(t)) return Number(t);
  return SPECIAL.get(t);
}

/** 10⁰ … 10²², the powers of ten that are exact doubles. */
const EXACT_POWERS = Float64Array.from({length: 23}, (_, k) => Number(`1e${k}`));

/**
 * The number an unquoted field `text[from, to)` writes, read from the character codes without making a
 * string, when it is a plain decimal ({@link DECIMAL} with no spaces around it) of at most 15 significant
 * digits and a power of ten within ±22: then the digits are an exact integer m below 2⁵³ and m × 10ᵉ (or
 * m / 10⁻ᵉ) is one correctly rounded operation on exact doubles, which is what `Number()` gives (Clinger's
 * fast path), written to `out[0]` (not returned: a double returned from a call that is not inlined is
 * boxed, one allocation per cell) with the answer true. Anything else (spaces, `NA`, `Inf`, text, long
 * mantissas, large exponents) answers false, and the caller reads the field as a string.
 *
 * Reference: W. D. Clinger (1990), "How to read floating point numbers accurately", PLDI '90, §3 (the
 * fast path); ECMA-262 §7.1.4.1.1 (StringToNumber rounds correctly).
 */
function decimalAt(text: string, from: number, to: number, out: Float64Array): boolean {
  let j = from;
  let c = text.charCodeAt(j);
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = text.charCodeAt(++j);
  }
  let mantissa = 0, significant = 0, scale = 0, digits = 0;
  while (c >= 48 && c <= 57 && j < to) {
    if (mantissa !== 0 || c !== 48) (mantissa = mantissa * 10 + (c - 48)), significant++;
    digits++;
    c = text.charCodeAt(++j);
  }
  if (c === 46 && j < to) {
    c = text.charCodeAt(++j);
    while (c >= 48 && c <= 57 && j < to) {
      if (mantissa !== 0 || c !== 48) (mantissa = mantissa * 10 + (c - 48)), significant++;
      scale--;
      digits++;
      c = text.charCodeAt(++j);
    }
  }
  if (digits === 0) return false;
  if ((c === 101 || c === 69) && j < to) {
    c = text.charCodeAt(++j);
    let minus = false;
    if (c === 45 || c === 43) {
      minus = c === 45;
      c = text.charCodeAt(++j);
    }
    let exponent = 0, exponentDigits = 0;
    while (c >= 48 && c <= 57 && j < to) {
      if (exponent < 1000) exponent = exponent * 10 + (c - 48);
      exponentDigits++;
      c = text.charCodeAt(++j);
    }
    if (exponentDigits === 0) return false;
    scale += minus ? -exponent : exponent;
  }
  if (j !== to || significant > 15) return false;
  let x: number;
  if (mantissa === 0) x = 0;
  else if (scale >= 0 && scale <= 22) x = mantissa * EXACT_POWERS[scale];
  else if (scale < 0 && scale >= -22) x = mantissa / EXACT_POWERS[-scale];
  else return false;
  out[0] = negative ? -x : x;
  return true;
}

/**
 * One column as it is read: numbers (and null) while every value read is a number or missing; from the
 * first other value on (`textFrom`), the text as written, the rows before it to be read again as text
 * ({@link textColumnHeads}).
 */
class ColumnBuilder {
  /** The numbers read so far (null cells as 0, listed in `nulls`), in a buffer that doubles as it fills. */
  numbers = new Float64Array(1024);
  count = 0;
  nulls: number[] = [];
  /** The text values from `textFrom` on. */
  texts: (string | null)[] = [];
  /** The row from which the column holds text (-1: still numbers). */
  textFrom = -1;
  /** Each text value's label index ({@link LabelTable.lastId}; -1 when missing), while every one is known. */
  ids: Int32Array | null = new Int32Array(1024);

  /** Records the label index of the text value just pushed; forgets the codes once one is unknown. */
  id(value: number): void {
    const ids = this.ids;
    if (ids === null) return;
    if (value === -2) return void (this.ids = null);
    const r = this.texts.length - 1;
    if (r === ids.length) {
      const grown = new Int32Array(2 * r);
      grown.set(ids);
      this.ids = grown;
    }
    this.ids![r] = value;
  }

  /** The codes of a column that holds text from its first row with every label index known, else null. */
  codes(labels: LabelTable): LabelCodes | null {
    if (this.textFrom !== 0 || this.ids === null) return null;
    return {ids: this.ids.slice(0, this.texts.length), labels: labels.labels.slice()};
  }

  number(x: number): void {
    if (this.count === this.numbers.length) {
      const grown = new Float64Array(2 * this.count);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.count++] = x;
  }

  missingNumber(): void {
    this.nulls.push(this.count);
    this.number(0);
  }

  /** The column as read: a plain array of numbers (with null) or of text. */
  values(): CSVColumn {
    if (this.textFrom >= 0) return this.texts;
    const out: (number | null)[] = new Array(this.count);
    const numbers = this.numbers;
    for (let r = 0; r < this.count; r++) out[r] = numbers[r];
    for (const r of this.nulls) out[r] = null;
    return out;
  }
}

/**
 * Equal strings of a text column as one string, so that a factor of a million rows holds a million
 * references to its few labels rather than a million copies; a column of many distinct values stops
 * sharing after {@link SHARED_LABELS} of them.
 */
const SHARED_LABELS = 1 << 16;

/**
 * The labels of a text column, found by their characters (FNV-1a hash, open addressing) so that a label met
 * before costs no new string; at most {@link SHARED_LABELS} of them are kept.
 *
 * Reference: G. Fowler, L. C. Noll, K.-P. Vo, the FNV-1a hash; Knuth, TAOCP vol. 3, §6.4 (open addressing
 * with linear probing).
 */
class LabelTable {
  #slots = new Int32Array(64).fill(-1);
  #labels: string[] = [];
  #hashes: number[] = [];
  /** The index of the label {@link of} last returned among the kept labels, or -2 when it was not kept. */
  lastId = -2;

  /** The kept labels, in order of first appearance. */
  get labels(): readonly string[] {
    return this.#labels;
  }

  /** The shared label equal to `text[from, to)` (a new string only the first time). */
  of(text: string, from: number, to: number): string {
    let h = 0x811c9dc5;
    for (let j = from; j < to; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    const mask = this.#slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const k = this.#slots[s];
      if (k < 0) {
        const label = text.slice(from, to);
        this.lastId = this.#labels.length < SHARED_LABELS ? this.#labels.length : -2;
        if (this.lastId >= 0) this.#insert(s, label, h);
        return label;
      }
      if (this.#hashes[k] === h && equalAt(this.#labels[k], text, from, to)) {
        this.lastId = k;
        return this.#labels[k];
      }
    }
  }

  #insert(slot: number, label: string, h: number): void {
    this.#slots[slot] = this.#labels.length;
    this.#labels.push(label);
    this.#hashes.push(h);
    if (2 * this.#labels.length > this.#slots.length) {
      const slots = new Int32Array(2 * this.#slots.length).fill(-1);
      const mask = slots.length - 1;
      this.#hashes.forEach((hk, k) => {
        let s = hk & mask;
        while (slots[s] >= 0) s = (s + 1) & mask;
        slots[s] = k;
      });
      this.#slots = slots;
    }
  }
}

function equalAt(label: string, text: string, from: number, to: number): boolean {
  if (label.length !== to - from) return false;
  for (let j = 0; j < label.length; j++) if (label.charCodeAt(j) !== text.charCodeAt(from + j)) return false;
  return true;
}

/**
 * Whether an unquoted field `text[from, to)` is text exactly as written for a text column, with no string
 * made to find out: not empty, not `NA`, and no white space at either end (its first and last characters
 * printable ASCII), so that `trim()` would not change it. Other fields go the way of strings.
 */
function plainLabel(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  const first = text.charCodeAt(from), last = text.charCodeAt(to - 1);
  if (first <= 32 || first >= 127 || last <= 32 || last >= 127) return false;
  return !(to - from === 2 && first === 78 && last === 65);
}

/**
 * The data records of `text` from `offset` (the line after the header, numbered `line`), read column by
 * column in one pass: a number is read straight from the characters ({@link decimalAt}) into its column,
 * and no record array or string is made for it; other fields are strings. A record whose number of fields
 * differs from the header's is read again by {@link recordReader} for the message (and for any error
 * earlier in the record, as a record-by-record reading would have met it first).
 */
function readColumns(text: string, offset: number, line: number, names: string[], maxRows: number, maxCells: number) {
  const k = names.length;
  const n = text.length;
  const columns = names.map(() => new ColumnBuilder());
  const shared = names.map(() => new LabelTable());
  // i, line and rows are plain locals that no closure captures, so that the scan keeps them in registers
  const number = new Float64Array(1);
  let i = offset;
  let rows = 0;

  /** A field that is not a plain number: missing, a number in another spelling, or text. */
  const add = (column: ColumnBuilder, labels: LabelTable, value: string, row: number) => {
    if (column.textFrom < 0) {
      if (isMissing(value)) return void column.missingNumber();
      const x = parseNumber(value);
      if (x !== undefined) return void column.number(x);
      column.textFrom = row;
      (column.numbers = new Float64Array(0)), (column.nulls = []);
    }
    if (isMissing(value)) {
      column.texts.push(null);
      column.id(-1);
    } else {
      column.texts.push(labels.of(value, 0, value.length));
      column.id(labels.lastId);
    }
  };

  const wrongLength = (start: number, startLine: number): never => {
    const again = recordReader(text, maxCells, start, startLine);
    const record = again.next()!;
    return fail(
      `csv line ${startLine} has ${record.length} field${record.length === 1 ? "" : "s"} but the header ` +
        `names ${k} column${k === 1 ? "" : "s"} (${preview(names)}); ` +
        `quote fields that contain commas and give every row one value per column`
    );
  };

  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF) {
      i++, line++;
      continue;
    }
    if (first === CR) {
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = i, startLine = line;
    for (let f = 0; ; f++) {
      if (f === k) wrongLength(start, startLine);
      const column = columns[f];
      if (text.charCodeAt(i) === QUOTE) {
        const field = quotedField(text, i, line);
        add(column, shared[f], field.value, rows);
        (i = field.end), (line = field.line);
      }
      else {
        const from = i;
        let c = 0;
        while (i < n && (c = text.charCodeAt(i)) !== COMMA && c !== LF && c !== CR) i++;
        if (column.textFrom >= 0 && plainLabel(text, from, i)) {
          column.texts.push(shared[f].of(text, from, i));
          column.id(shared[f].lastId);
        }
        else {
          if (column.textFrom < 0 && i > from && decimalAt(text, from, i, number)) column.number(number[0]);
          else add(column, shared[f], text.slice(from, i), rows);
        }
      }
      if (i >= n) {
        if (f !== k - 1) wrongLength(start, startLine);
        break;
      }
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        if (f !== k - 1) wrongLength(start, startLine);
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        break;
      }
      if (c === COMMA) {
        i++;
        continue;
      }
      // only a quoted field can stop anywhere else
      fail(
        `unexpected ${JSON.stringify(text[i])} after a closing quote on csv line ${line}; ` +
          `a field that starts with a quote must end with one, and a quote inside it is written as ""`
      );
    }
    if (++rows > maxRows) {
      fail(`the csv has more than ${maxRows} rows of ${k} column${k === 1 ? "" : "s"}, over the limit ` +
        `of ${maxCells} cells (header included): use fewer rows or columns`);
    }
  }
  return {columns: columns.map((c) => c.values()), rows, textFrom: columns.map((c) => c.textFrom), codes: columns.map((c, f) => c.codes(shared[f]))};
}

/**
 * The quoted field that starts at `text[start]` (a quote) on line `line`: its value (`""` read as one
 * quote), the index after its closing quote, and the line there.
 */
function quotedField(text: string, start: number, line: number): {value: string; end: number; line: number} {
  const opened = line;
  let value = "";
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) {
      fail(`unterminated quoted field starting on csv line ${opened}; end it with a double quote and write a quote inside it as ""`);
    }
    line += countLineBreaks(text, from, q);
    if (text.charCodeAt(q + 1) === QUOTE) {
      value += text.slice(from, q + 1);
      from = q + 2;
    } else {
      value += text.slice(from, q);
      return {value, end: q + 1, line};
    }
  }
}

/**
 * The columns that turned to text after their first row, completed: the rows before the first value that
 * is not a number are read again, in one more pass that stops at the last such row, as the text written.
 */
function textColumnHeads(text: string, offset: number, k: number, columns: CSVColumn[], textFrom: number[]): CSVColumn[] {
  const late = textFrom.map((from, f) => (from > 0 ? f : -1)).filter((f) => f >= 0);
  if (late.length === 0) return columns;
  const until = Math.max(...late.map((f) => textFrom[f]));
  const heads: (string | null)[][] = late.map(() => []);
  const reader = recordReader(text, k, offset, 0);
  for (let row = 0; row < until; row++) {
    const record = reader.next()!;
    late.forEach((f, h) => {
      if (row < textFrom[f]) heads[h].push(isMissing(record[f]) ? null : record[f]);
    });
  }
  const out = columns.slice();
  late.forEach((f, h) => (out[f] = heads[h].concat(columns[f] as (string | null)[])));
  return out;
}

interface RecordReader {
  /** The next record's fields, or null at the end of the text. Completely empty lines are skipped. */
  next(): string[] | null;
  /** The line (1-based) on which the record last returned by `next` starts. */
  recordLine(): number;
  /** Where the reader is: the index of the next character to read, and its line. */
  offset(): number;
  line(): number;
}

/**
 * An RFC 4180 record reader over `text` from index `from` (on line `firstLine`), one pass, by character
 * codes. A record of more than `maxFields` fields is refused as it is read. It reads the header, and a
 * data record again when {@link readColumns} needs its fields.
 */
function recordReader(text: string, maxFields: number, from = 0, firstLine = 1): RecordReader {
  const n = text.length;
  let i = from;
  let line = firstLine;
  let start = firstLine;

  /** Consumes a line end at i (CRLF, LF or CR), if there is one. */
  const lineEnd = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === LF) i += 1;
    else if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    else return false;
    line++;
    return true;
  };

  const quoted = (): string => {
    const field = quotedField(text, i, line);
    i = field.end;
    line = field.line;
    return field.value;
  };

  const unquoted = (): string => {
    const from = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === LF || c === CR) break;
      i++;
    }
    return text.slice(from, i);
  };

  return {
    next() {
      let blank = true;
      while (blank && i < n) blank = lineEnd();
      if (i >= n) return null;
      start = line;
      const fields: string[] = [];
      for (;;) {
        const wasQuoted = text.charCodeAt(i) === QUOTE;
        fields.push(wasQuoted ? quoted() : unquoted());
        if (fields.length > maxFields) {
          fail(`csv line ${start} has more than ${maxFields} fields; the limit is ${maxFields} cells: use fewer columns`);
        }
        if (i >= n || lineEnd()) return fields;
        if (text.charCodeAt(i) === COMMA) {
          i++;
          continue;
        }
        // only a quoted field can stop anywhere else
        fail(
          `unexpected ${JSON.stringify(text[i])} after a closing quote on csv line ${line}; ` +
            `a field that starts with a quote must end with one, and a quote inside it is written as ""`
        );
      }
    },
    recordLine: () => start,
    offset: () => i,
    line: () => line
  };
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) count++;
  }
  return count;
}

function preview(names: string[]): string {
  const shown = names.slice(0, 6).map((name) => clip(name, 30)).join(", ");
  return names.length <= 6 ? shown : `${shown}, … (${names.length} columns)`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return "bytes (a Uint8Array)";
  return typeof value;
}
