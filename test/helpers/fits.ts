import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import type {ColumnTable} from "arquero";
import {readCSV} from "../../src/io/csv.js";
import {lmer, type LmerOptions} from "../../src/lmm/fit.js";
import type {LinearMixedModel} from "../../src/lmm/model.js";

/** The project's datasets/ folder. */
export const datasetsDir = fileURLToPath(new URL("../../datasets/", import.meta.url));

const tables = new Map<string, ColumnTable>();
const fits = new Map<string, LinearMixedModel>();

/** A data set of datasets/ by name (`sleepstudy`), read once per test process. */
export function dataset(name: string): ColumnTable {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(`${datasetsDir}${name}.csv`, "utf8")));
  return tables.get(name)!;
}

/** A fit of a data set, cached per test process so that test files share one fit of each model. */
export function fitOf(name: string, formula: string, options: LmerOptions = {}): LinearMixedModel {
  const key = JSON.stringify([name, formula, options.REML ?? true, options.weights ?? null]);
  if (!fits.has(key)) fits.set(key, lmer(formula, dataset(name), options));
  return fits.get(key)!;
}
