import {clip, describeValue, fail, quoteList} from "../errors.js";
import {levelLabel} from "../frame/factor.js";
import type {QiModel} from "./qi-model.js";
import {nearestNames, optionNames, readOptions} from "../options.js";
import {covariateDesign} from "./profile-design.js";
import {describe} from "./describe-value.js";
import {checkModel} from "./check-model.js";
import {modeLabel, modelColumns, type ModelColumns} from "./model-columns.js";
import {Profiles} from "./covariate-profiles.js";
import {quantileSorted} from "../stats/quantile.js";

/**
 * An override of one covariate column or grouping factor: a value, an array of values (one profile each),
 * or a function of the column's values on the model's rows returning either (such as `quantile(0.8)`).
 */
export type Override = unknown;

/** Options of {@link setx}. */
export interface SetxOptions {
  /**
   * The table the model was fit on. Needed only when a covariate cannot be read back from the model: a
   * factor, or a column used only inside a transform or an interaction (the message says which).
   */
  data?: unknown;
  /** How numeric columns that are not overridden are set: `"mean"` (default, as Zelig) or `"median"`. */
  center?: "mean" | "median";
}

/** The most profiles one {@link setx} call makes (the product of the lengths of its array overrides). */
export const MAX_PROFILES = 10_000;

/** The options {@link setx} knows. */
export const SETX_OPTIONS = optionNames<SetxOptions>({data: true, center: true});

/**
 * The override that stands for a group not in the data (a new group: its random effects drawn from their
 * distribution, as lme4's `allow.new.levels`), distinct from every level: `setx(m, {state: NEW_GROUP})`.
 * The string `"new"` means the same as a shorthand only for a grouping factor with no level "new"; where
 * the data has a level "new", the string is that level, as any other level string.
 */
export const NEW_GROUP: unique symbol = Symbol.for("lmm-kit.newGroup");

/** The shorthand string for {@link NEW_GROUP}, and how profiles show a new group (see {@link newGroupLabel}). */
const NEW = "new";

/**
 * Covariate profiles for {@link sim}, as Zelig's `setx`: every covariate column of the model (the columns its
 * fixed-effect terms, random-effect slopes and offsets read) is set to its mean over the rows the model used
 * (or its median, with `center: "median"`), a categorical column to its most frequent level, and each
 * grouping factor to a new group, except where `overrides` say otherwise:
 *
 * - a value: `{education: 4}`, `{state: "SC"}` (a level of the data: conditional on that group),
 *   `{state: NEW_GROUP}` (a new group; the string "new" too, unless "new" is a level of the data);
 * - an array: one profile per value; several arrays give all their combinations, the first key varying
 *   fastest (R's `expand.grid`), at most {@link MAX_PROFILES} in all;
 * - a function of the column's values on the model's rows: `{education: quantile(0.8)}`, `{age: (v) => 30}`.
 *
 * Transforms are applied after the columns are set, as R's `model.matrix` does: with `age + I(age^2)`,
 * `{age: 30}` gives the columns 30 and 900. The design rows are coded exactly as the model's (same factor
 * levels, contrasts and dropped columns).
 *
 * Where the values come from: the model keeps its design matrices, not the data, so numeric columns that
 * enter as main effects are read back from their model-matrix columns; for factors and for columns used only
 * in transforms or interactions pass the table: `setx(m, overrides, {data})`. Either way the columns are
 * checked to rebuild the model's design exactly.
 *
 * Reference: King, Tomz & Wittenberg (2000), "Making the most of statistical analyses: improving
 * interpretation and presentation", AJPS 44(2), 347–361 (setting covariates, §"Simulation"); Imai, King & Lau
 * (2008), "Toward a common framework for statistical analysis and development", JCGS 17(4) (Zelig's setx).
 *
 * @example
 *   const m = lmer("income ~ education + age + female + tag(1 | state)", voteincome);
 *   const x = setx(m, {education: quantile(0.8)});
 *   const x1 = setx(m, {education: quantile(0.2)});
 *   setx(m, {education: [2, 3, 4], state: ["AR", "SC"]}).length; // 6
 */
export function setx(model: QiModel, overrides: Record<string, Override> = {}, options: SetxOptions = {}): Profiles {
  checkModel(model, "setx");
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    fail(`invalid overrides: ${describeValue(overrides)}; give an object such as {education: quantile(0.8)}`);
  }
  const given = readOptions(options, SETX_OPTIONS, "setx");
  const center = given.center ?? "mean";
  if (center !== "mean" && center !== "median") fail(`invalid center: ${describeValue(center)}; use "mean" or "median"`);

  const columns = modelColumns(model, given.data);
  const {layout} = columns;
  const terms = layout.frame.terms;
  const groupLevels = new Map<string, string[]>();
  for (const t of terms) if (!groupLevels.has(t.group)) groupLevels.set(t.group, t.levels);

  // each override as its list of values; then all combinations, the first key fastest
  const keys = Object.keys(overrides);
  const lists: unknown[][] = [];
  let length = 1;
  for (const key of keys) {
    const list = overrideValues(key, overrides[key], columns, groupLevels);
    length *= list.length;
    if (length > MAX_PROFILES) {
      fail(`the overrides make ${lists.map((l) => l.length).concat(list.length).join(" × ")} = ${length} profiles or more, ` +
        `over the limit of ${MAX_PROFILES}: give fewer values, or call setx once per group of values`);
    }
    lists.push(list);
  }
  const pick = (i: number, j: number) => {
    let stride = 1;
    for (let a = 0; a < i; a++) stride *= lists[a].length;
    return lists[i][Math.floor(j / stride) % lists[i].length];
  };

  const values = new Map<string, unknown[]>();
  for (const c of layout.columns) {
    const i = keys.indexOf(c);
    if (i >= 0) values.set(c, Array.from({length}, (_, j) => pick(i, j)));
    else values.set(c, new Array(length).fill(centerOf(c, columns, center)));
  }
  // each grouping factor's group per profile: NEW_GROUP or a value whose label is a level
  const groupValues = new Map<string, unknown[]>();
  const groups = new Map<string, string[]>();
  for (const [g, levels] of groupLevels) {
    const i = keys.indexOf(g);
    const list = Array.from({length}, (_, j) => (i >= 0 ? pick(i, j) : NEW_GROUP));
    groupValues.set(g, list);
    groups.set(g, list.map((v) => (v === NEW_GROUP ? newGroupLabel(levels) : levelLabel(v))));
  }

  const design = covariateDesign(layout, values, length);
  const p = design.X.length;
  const X = new Float64Array(length * p);
  design.X.forEach((col, a) => col.forEach((v, j) => (X[j * p + a] = v)));
  const Z = design.Z.map((cols) => {
    const q = cols.length;
    const out = new Float64Array(length * q);
    cols.forEach((col, c) => col.forEach((v, j) => (out[j * q + c] = v)));
    return out;
  });
  const levels = terms.map((t) => Int32Array.from(groupValues.get(t.group)!, (v) => (v === NEW_GROUP ? -1 : t.levels.indexOf(levelLabel(v)))));
  return new Profiles({model, length, values, groups, X, Z, levels, offset: design.offset});
}

/** The validated values of one override: numbers for numeric columns, data values for categorical ones. */
function overrideValues(key: string, override: unknown, columns: ModelColumns, groupLevels: Map<string, string[]>): unknown[] {
  const {layout} = columns;
  const isColumn = layout.columns.includes(key);
  const groupOf = groupLevels.get(key);
  if (!isColumn && !groupOf) {
    const groups = [...groupLevels.keys()];
    const nearest = nearestNames(key, [...layout.columns, ...groups]);
    fail(`unknown variable in setx: ${key}${nearest.length ? ` (did you mean ${nearest.join(" or ")}?)` : ""}; the model's variables are ${layout.columns.join(", ") || "(none)"}` +
      (groups.length ? ` and its grouping factors ${groups.join(", ")}` : ""));
  }
  let raw = override;
  if (typeof override === "function") {
    // a copy: the values may be the model's own X column
    const own = columns.values.get(key);
    const column = !isColumn ? groupColumn(layout.frame, key) : own instanceof Float64Array ? own.slice() : Array.from(own!);
    raw = callerCode(key, "the override function", () => override(column));
  }
  const many = Array.isArray(raw) || ArrayBuffer.isView(raw);
  const count = many ? callerCode(key, "the override's length", () => Number((raw as ArrayLike<unknown>).length)) : 1;
  if (!(count <= MAX_PROFILES)) {
    fail(`the override for ${key} has ${count} values, over the limit of ${MAX_PROFILES} profiles: give fewer values`);
  }
  const list = many ? callerCode(key, "reading the override's values", () => Array.from(raw as ArrayLike<unknown>)) : [raw];
  if (list.length === 0) fail(`empty override for ${key}; give at least one value`);
  return list.map((v) => {
    let value = v;
    if (isColumn) value = columnValue(key, v, columns);
    if (groupOf && !isColumn) {
      if (v === NEW_GROUP) return NEW_GROUP;
      checkLevel(key, v);
      const label = levelLabel(v);
      if (groupOf.includes(label)) return value;
      if (v === NEW) return NEW_GROUP;
      fail(`level ${JSON.stringify(clip(label, 40))} of ${key} is not in the data; its levels are ${quoteList(groupOf)}; for a new group give NEW_GROUP` +
        (groupOf.includes(NEW) ? "" : ` (or "${NEW}")`));
    }
    if (groupOf) {
      const label = levelLabel(value);
      if (!groupOf.includes(label)) fail(`level ${JSON.stringify(clip(label, 40))} of ${key} is not in the data; its levels are ${quoteList(groupOf)}`);
    }
    return value;
  });
}

/** Runs the caller's code (an override function, a proxy's traps), turning what it throws into an LmmError. */
function callerCode<T>(key: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    const message = (() => {
      try {
        return String((error as Error)?.message ?? error);
      } catch {
        return "an error that cannot be printed";
      }
    })();
    fail(`${what} for ${key} threw: ${clip(message, 120)}; fix the override`);
  }
}

/** Refuses values that cannot be a level: objects other than valid dates, symbols, functions, bigints. */
function checkLevel(key: string, v: unknown): void {
  const ok = v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" ||
    (v instanceof Date && !Number.isNaN(v.getTime()));
  if (!ok) fail(`invalid level for ${key}: ${describeValue(v)}; give a level of the data, or NEW_GROUP for a new group`);
}

function columnValue(key: string, v: unknown, columns: ModelColumns): unknown {
  const levels = columns.levels.get(key);
  if (levels) {
    checkLevel(key, v);
    const label = levelLabel(v);
    if (!levels.raw.has(label)) fail(`level ${JSON.stringify(label)} of ${key} is not in the data; its levels are ${levels.labels.join(", ")}`);
    return levels.raw.get(label);
  }
  if (typeof v !== "number" || !Number.isFinite(v)) fail(`invalid value for ${key}: ${describe(v)}; ${key} is numeric, give a finite number`);
  return v;
}

/** Level labels of a grouping factor on the model's rows, for a function override. */
function groupColumn(frame: ModelColumns["layout"]["frame"], group: string): string[] {
  const t = frame.terms.find((t) => t.group === group)!;
  return Array.from(t.refs, (h) => t.levels[h]);
}

/** A column's default: mean or median for numeric columns, the most frequent level otherwise. */
function centerOf(c: string, columns: ModelColumns, center: "mean" | "median"): unknown {
  const values = columns.values.get(c)!;
  const levels = columns.levels.get(c);
  if (levels) return levels.raw.get(modeLabel(values, levels.labels));
  const v = values as Float64Array;
  if (center === "median") return quantileSorted(Float64Array.from(v).sort(), 0.5);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * How profiles show a new group of a factor with `levels`: "new", or "(new group)" when "new" is one of the
 * levels (then "((new group))" if that is one too, and so on), so a new group never reads as a level.
 *
 * @example
 *   newGroupLabel(["AR", "SC"]);  // "new"
 *   newGroupLabel(["new", "old"]); // "(new group)"
 */
export function newGroupLabel(levels: readonly string[]): string {
  if (!levels.includes(NEW)) return NEW;
  let label = "(new group)";
  while (levels.includes(label)) label = `(${label})`;
  return label;
}
