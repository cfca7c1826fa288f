/**
 * Reading CSV files in Node. Kept apart from csv.ts (and out of index.ts) because it imports `node:fs`;
 * the browser build of the core never loads it.
 */
import {readFileSync} from "node:fs";
import {readFile} from "node:fs/promises";
import type {ColumnTable} from "arquero";
import {LmmError, fail} from "../errors.js";
import {readCSV} from "./csv.js";

/**
 * Reads a UTF-8 CSV file into an Arquero table with {@link readCSV}'s rules.
 *
 * @example
 *   const sleepstudy = await loadCSV("datasets/sleepstudy.csv");
 *   sleepstudy.numRows(); // 180
 */
export async function loadCSV(path: string): Promise<ColumnTable> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return unreadable(path, error);
  }
  return parse(path, text);
}

/**
 * {@link loadCSV} without the promise, for command-line tools and scripts.
 *
 * @example
 *   loadCSVSync("datasets/Dyestuff.csv").columnNames(); // ["Batch", "Yield"]
 */
export function loadCSVSync(path: string): ColumnTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return unreadable(path, error);
  }
  return parse(path, text);
}

function parse(path: string, text: string): ColumnTable {
  try {
    return readCSV(text);
  } catch (error) {
    if (error instanceof LmmError) fail(`${path}: ${error.message}`);
    throw error;
  }
}

function unreadable(path: string, error: unknown): never {
  const code = (error as {code?: unknown} | null)?.code;
  if (code === "ENOENT") fail(`cannot read csv file ${path}: no such file; check the path (relative paths start at ${process.cwd()})`);
  if (code === "EISDIR") fail(`cannot read csv file ${path}: it is a directory; name a .csv file inside it`);
  fail(`cannot read csv file ${path}: ${error instanceof Error ? error.message : String(error)}`);
}
