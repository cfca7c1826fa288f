/**
 * What the composite marks share: checks of their inputs with Plot's `invalid ${name}: ${value}` messages,
 * labelled accessors for axis labels, and the model rows' view of the fit's source table.
 */
import type {ChannelValue} from "@observablehq/plot";
import {fail} from "../errors.js";
import {dataSource} from "../frame/source.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {normalQuantile} from "../stats/normal-quantile.js";
import {describe} from "../qi/describe-value.js";

/**
 * Fails with `invalid ${name}: ${value}; ${fix}`, the value quoted as in the kit's other messages.
 *
 * @example
 *   invalid("group", "Subj", "the model's grouping factors are Subject");
 *   // throws "invalid group: \"Subj\"; the model's grouping factors are Subject"
 */
export function invalid(name: string, value: unknown, fix: string): never {
  return fail(`invalid ${name}: ${describe(value)}; ${fix}`);
}

/** A model fitted by `lmer`, recognised by its fields so that this module needs the model's type only. */
export function isModel(value: unknown): value is LinearMixedModel {
  const m = value as LinearMixedModel | null;
  return m != null && typeof m === "object" && Array.isArray(m.fixefNames) && m.beta instanceof Float64Array
    && m.fitted instanceof Float64Array && m.structure != null && typeof m.structure === "object";
}

/** Fails unless `value` is a model fitted by `lmer`; `mark` names the mark in the message. */
export function checkModel(value: unknown, mark: string): asserts value is LinearMixedModel {
  if (!isModel(value)) fail(`${mark} needs a model fitted by lmer, got ${describe(value)}; call ${mark}(lmer(formula, data), …)`);
}

/**
 * The two-sided normal quantile of a confidence level: z such that P(|Z| ≤ z) = level (1.96 for 0.95).
 * Fails unless 0 < level < 1.
 */
export function levelQuantile(level: unknown): number {
  if (typeof level !== "number" || !(level > 0 && level < 1)) invalid("level", level, "give a probability between 0 and 1, such as 0.95");
  return normalQuantile((1 + level) / 2);
}

/** A level as a percentage for labels: 0.95 → "95%". */
export function percent(level: number): string {
  return `${+(level * 100).toPrecision(6)}%`;
}

/**
 * An accessor of a field with an axis label: Plot reads a channel's label from its value's `label`
 * property, also for the inputs of the bin transform, where a `{value, label}` spec is not available.
 *
 * @example
 *   Plot.dot(rows, {x: labelled("fitted", "Fitted values")});
 */
export function labelled<T>(field: keyof T & string, label: string): ChannelValue {
  return Object.assign((d: T) => d[field], {label});
}

/** Column access to a table of the model's estimates (an Arquero table, rows, or an object of columns). */
export function tableColumns(data: unknown, mark: string, needed: readonly string[]): Record<string, ArrayLike<unknown>> {
  const source = dataSource(data);
  const missing = needed.filter((name) => !source.has(name));
  if (missing.length) {
    invalid("data", source.names.length ? `a table of ${source.names.join(", ")}` : data, `${mark} needs a fitted model or a table with the columns ${needed.join(", ")}`);
  }
  return Object.fromEntries(needed.map((name) => [name, source.values(name)]));
}

/**
 * The values of a column of the table the model was fit to, one per model row (rows with missing values
 * were dropped by the fit: `model.structure.frame.rows` maps model rows to source rows).
 */
export function modelColumn(model: LinearMixedModel, data: unknown, name: unknown, option: string, mark: string): unknown[] {
  const {rows, sourceRows} = model.structure.frame;
  const source = modelData(data, mark);
  if (source.rows !== sourceRows) {
    invalid("data", `a table of ${source.rows} rows`, `the model was fit to a table of ${sourceRows} rows; pass that table`);
  }
  if (typeof name !== "string" || !source.has(name)) invalid(option, name, `the data has the columns ${source.names.join(", ")}`);
  const values = source.values(name);
  return Array.from(rows, (r) => values[r]);
}

/** The table the model was fit to, which a mark needs for columns the model does not keep. */
function modelData(data: unknown, mark: string) {
  if (data == null) fail(`${mark} needs the table the model was fit to; pass it as ${mark}(model, data, {…})`);
  return dataSource(data);
}

/** The numbers of a model column; fails naming the first value that is not a finite number. */
export function numericColumn(values: unknown[], name: string, option: string): Float64Array {
  const out = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) invalid(option, name, `${option} must be a numeric column, and it holds ${describe(v)} (model row ${i + 1})`);
    out[i] = v;
  });
  return out;
}

/** The model's grouping factors (`Subject`, `cask:batch`), in the order of its random-effects terms. */
export function groupNames(model: LinearMixedModel): string[] {
  return [...new Set(model.structure.frame.terms.map((t) => t.group))];
}

/**
 * The level of each model row in a grouping factor of the model, and the factor's levels. `group`
 * defaults to the first grouping factor.
 */
export function groupOf(model: LinearMixedModel, group: unknown): {group: string; levels: string[]; refs: Int32Array} {
  const names = groupNames(model);
  const name = group === undefined ? names[0] : group;
  const term = model.structure.frame.terms.find((t) => t.group === name);
  if (!term) invalid("group", group, `the model's grouping factors are ${names.join(", ")}`);
  return {group: term.group, levels: term.levels, refs: term.refs};
}

/** The default x of a model's marks: its first fixed effect (after the intercept) that is a column of data. */
export function defaultX(model: LinearMixedModel, data: unknown, mark: string): string {
  const source = modelData(data, mark);
  const name = model.fixefNames.find((n) => n !== "(Intercept)" && source.has(n));
  if (name === undefined) fail(`${mark} needs x: the model has no fixed effect named as a column of the data; pass {x: "column"}`);
  return name;
}
