/**
 * Reading CSV files in Node. Kept apart from csv.ts (and out of index.ts) because it imports `node:fs`;
 * the browser build of the core never loads it.
 *
 * Before reading, a file must be a regular file (not a device such as /dev/urandom, a pipe or a directory)
 * of at most {@link maxFileBytes} bytes; its bytes must be UTF-8 text without NUL bytes. The cell limit
 * of {@link readCSV} is lowered to what the JavaScript heap can hold (see {@link memoryLimits}), so a file
 * too big for the heap is refused with a message instead of crashing the process.
 */
import {closeSync, fstatSync, openSync, readSync, statSync, type Stats} from "node:fs";
import {open, stat} from "node:fs/promises";
import {getHeapStatistics} from "node:v8";
import type {ColumnTable} from "arquero";
import {LmmError, clip, fail} from "../errors.js";
import {MAX_CELLS, readCSV} from "./csv.js";

/** The largest file read: 500 MiB (V8's longest string is 2²⁹ − 24 characters, about 512 MiB). */
export const MAX_FILE_BYTES = 500 * 2 ** 20;

/** Heap bytes a cell may take at the peak of reading, with room to fit the model afterwards. */
const BYTES_PER_CELL = 100;

/** Limits of {@link loadCSV} and {@link loadCSVSync}; by default from {@link memoryLimits}. */
export interface LoadOptions {
  /** The largest file to read, in bytes. */
  maxBytes?: number;
  /** The most cells (rows × columns, header included) to read. */
  maxCells?: number;
}

/**
 * The limits that keep reading a file inside the JavaScript heap: a file of at most a quarter of the free
 * heap (and {@link MAX_FILE_BYTES}), and at most {@link MAX_CELLS} cells, fewer when the heap left after the
 * text cannot hold them at about 100 bytes a cell. With Node's default heap (about 4 GB on 64-bit
 * machines) the limits are 500 MiB and 20 million cells; `node --max-old-space-size=600` lowers them.
 *
 * @example
 *   memoryLimits(16e6); // {maxBytes: 524288000, maxCells: 20000000, heapBytes: 4345298944}
 */
export function memoryLimits(fileBytes = 0): {maxBytes: number; maxCells: number; heapBytes: number} {
  const heap = getHeapStatistics();
  const free = Math.max(0, heap.heap_size_limit - heap.used_heap_size);
  const maxBytes = Math.min(MAX_FILE_BYTES, Math.floor(free / 4));
  const maxCells = Math.max(1, Math.min(MAX_CELLS, Math.floor((free - 2 * fileBytes) / BYTES_PER_CELL)));
  return {maxBytes, maxCells, heapBytes: heap.heap_size_limit};
}

/**
 * Reads a UTF-8 CSV file into an Arquero table with {@link readCSV}'s rules.
 *
 * @example
 *   const sleepstudy = await loadCSV("datasets/sleepstudy.csv");
 *   sleepstudy.numRows(); // 180
 */
export async function loadCSV(path: string, options: LoadOptions = {}): Promise<ColumnTable> {
  checkPath(path);
  let bytes: Uint8Array;
  try {
    const limits = checkFile(path, await stat(path), options);
    const file = await open(path, "r");
    try {
      checkFile(path, await file.stat(), options);
      bytes = new Uint8Array(limits.size + 1);
      let got = 0, k: number;
      while (got < bytes.length && (k = (await file.read(bytes, got, bytes.length - got, null)).bytesRead) > 0) got += k;
      bytes = checkLength(path, bytes, got, limits.size);
    } finally {
      await file.close();
    }
  } catch (error) {
    return unreadable(path, error);
  }
  return parse(path, bytes, options);
}

/**
 * {@link loadCSV} without the promise, for command-line tools and scripts.
 *
 * @example
 *   loadCSVSync("datasets/Dyestuff.csv").columnNames(); // ["Batch", "Yield"]
 */
export function loadCSVSync(path: string, options: LoadOptions = {}): ColumnTable {
  checkPath(path);
  let bytes: Uint8Array;
  try {
    // stat before opening: opening a pipe would wait for a writer
    const limits = checkFile(path, statSync(path), options);
    const fd = openSync(path, "r");
    try {
      checkFile(path, fstatSync(fd), options);
      bytes = new Uint8Array(limits.size + 1);
      let got = 0, k: number;
      while (got < bytes.length && (k = readSync(fd, bytes, got, bytes.length - got, null)) > 0) got += k;
      bytes = checkLength(path, bytes, got, limits.size);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return unreadable(path, error);
  }
  return parse(path, bytes, options);
}

function checkPath(path: unknown): asserts path is string {
  if (typeof path !== "string" || path === "") fail(`invalid csv file path: ${String(typeof path === "string" ? '""' : typeof path)}; give the path of a .csv file`);
}

/** Refuses what is not a regular file, or is larger than the limit. */
function checkFile(path: string, stats: Stats | {isFile(): boolean; isDirectory(): boolean; size: number}, options: LoadOptions): {size: number} {
  if (stats.isDirectory()) fail(`cannot read csv file ${clip(path, 100)}: it is a directory; name a .csv file inside it`);
  if (!stats.isFile()) {
    fail(`cannot read csv file ${clip(path, 100)}: it is not a regular file (a device, pipe or socket); save the data to a .csv file first`);
  }
  const maxBytes = options.maxBytes ?? memoryLimits(stats.size).maxBytes;
  if (stats.size > maxBytes) {
    fail(`cannot read csv file ${clip(path, 100)}: it has ${megabytes(stats.size)}; the limit is ${megabytes(maxBytes)}` +
      (maxBytes < MAX_FILE_BYTES && options.maxBytes === undefined ? ` (a quarter of the free JavaScript heap; node --max-old-space-size raises it)` : "") +
      ": use a smaller file");
  }
  return {size: stats.size};
}

/** The bytes read, refusing a file that grew while it was read. */
function checkLength(path: string, bytes: Uint8Array, got: number, size: number): Uint8Array {
  if (got > size) fail(`cannot read csv file ${clip(path, 100)}: it grew while it was read; read it when it is complete`);
  return bytes.subarray(0, got);
}

function parse(path: string, bytes: Uint8Array, options: LoadOptions): ColumnTable {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    fail(`cannot read csv file ${clip(path, 100)}: it has a NUL byte at byte ${nul + 1}, so it is a binary file, not csv text; ` +
      "export the data as a csv file");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
  } catch {
    fail(`cannot read csv file ${clip(path, 100)}: it is not UTF-8 text (${firstInvalid(bytes)}); save it as UTF-8 csv`);
  }
  const limits = memoryLimits(bytes.length);
  const maxCells = options.maxCells ?? limits.maxCells;
  const heapNote = options.maxCells === undefined && maxCells < MAX_CELLS ?
    `; the cell limit follows the JavaScript heap (${megabytes(limits.heapBytes)}): node --max-old-space-size raises it` : "";
  // a count of the cells on the bytes, before the text is decoded and split (a pass of about 0.1 s per 100 MB)
  const cells = countCells(bytes);
  if (cells > maxCells) {
    fail(`${clip(path, 100)}: the csv has ${cells} cells (header included), over the limit of ${maxCells} cells: ` +
      `use fewer rows or columns${heapNote}`);
  }
  try {
    return readCSV(text, {maxCells});
  } catch (error) {
    if (!(error instanceof LmmError)) throw error;
    fail(`${clip(path, 100)}: ${error.message}` + (error.message.startsWith("the csv has more than") ? heapNote : ""));
  }
}

/** Fields outside quotes in CSV bytes: commas, plus one per line that is not empty (as readCSV counts them). */
function countCells(bytes: Uint8Array): number {
  let cells = 0, quoted = false, content = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      quoted = !quoted;
      content = true;
    } else if (quoted) {
      continue;
    } else if (b === 0x2c) {
      cells++;
      content = true;
    } else if (b === 0x0a || b === 0x0d) {
      if (content) cells++;
      content = false;
    } else {
      content = true;
    }
  }
  return content ? cells + 1 : cells;
}

/** Where the first byte sequence that is not UTF-8 starts, for the message. */
function firstInvalid(bytes: Uint8Array): string {
  const decoder = new TextDecoder("utf-8", {fatal: true});
  // binary search on the longest valid prefix (a cut inside a character counts as invalid too)
  let lo = 0, hi = bytes.length;
  while (hi - lo > 4) {
    const mid = (lo + hi) >>> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return `an invalid byte near byte ${lo + 1}`;
}

function megabytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${bytes} bytes`;
}

function unreadable(path: string, error: unknown): never {
  if (error instanceof LmmError) throw error;
  const code = (error as {code?: unknown} | null)?.code;
  if (code === "ENOENT") fail(`cannot read csv file ${clip(path, 100)}: no such file; check the path (relative paths start at ${process.cwd()})`);
  if (code === "EISDIR") fail(`cannot read csv file ${clip(path, 100)}: it is a directory; name a .csv file inside it`);
  if (code === "EACCES") fail(`cannot read csv file ${clip(path, 100)}: permission denied; check the file's permissions`);
  fail(`cannot read csv file ${clip(path, 100)}: ${error instanceof Error ? error.message : String(error)}`);
}
