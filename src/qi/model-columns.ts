import {describeValue, fail} from "../errors.js";
import {compareValues, levelLabel, makeFactor} from "../frame/factor.js";
import {dataSource} from "../frame/source.js";
import {evaluateVariable, isNumericColumn} from "../frame/variables.js";
import {frameOf, type QiModel} from "./qi-model.js";
import {covariateDesign} from "./profile-design.js";
import {covariates, isFactorRef, modelLayout, type ModelLayout} from "./layout.js";

/** The data columns behind a model's covariates, on the rows the model used. */
export interface ModelColumns {
  layout: ModelLayout;
  /** Values of each column on the model's rows: a Float64Array for numeric columns, raw values otherwise. */
  values: Map<string, ArrayLike<unknown>>;
  /** For each categorical column: its distinct values' labels in R's order, and one raw value per label. */
  levels: Map<string, {labels: string[]; raw: Map<string, unknown>}>;
  /** Where the values came from. */
  from: "model" | "data";
}

const fromModel = new WeakMap<QiModel, ModelColumns>();

/**
 * The model's covariate columns on its rows, read from the model itself when possible and otherwise from
 * `data`, the table it was fit on. Either way the columns are checked by rebuilding the model's X (and Z
 * and offset) from them: they must give exactly the matrices the model was fit with.
 *
 * Without `data`, a numeric column is read from the model-matrix column that is the column itself (the
 * main effect `age` gives X's column `age`; a random slope gives Z's). That covers models whose covariates
 * are numeric columns entering as main effects, such as `income ~ education + age + female + (1 | state)`.
 * Factors, and columns used only in transforms or interactions, cannot be read back: then `data` is
 * required and the message says so. Results are cached per model; columns from `data` are read on every
 * call, since a table can be edited in place.
 *
 * @example
 *   modelColumns(m).values.get("education"); // Float64Array of education on the model's rows
 */
export function modelColumns(model: QiModel, data?: unknown): ModelColumns {
  if (data === undefined || data === null) {
    let cached = fromModel.get(model);
    if (!cached) fromModel.set(model, (cached = readFromModel(model)));
    return cached;
  }
  if (typeof data !== "object") fail(`invalid data: ${describeValue(data)}; pass the table the model was fit on`);
  // read again on every call: a table's columns can be edited in place (Arquero's column() hands out the
  // live array), and the check against the model's matrices must see the values as they are now
  return readFromData(model, data);
}

function readFromModel(model: QiModel): ModelColumns {
  const frame = frameOf(model);
  const {refs, columns: names} = covariates(frame.spec);
  const needData = (why: string): never =>
    fail(`setx needs the data the model was fit on: ${why}; pass it as setx(model, overrides, {data})`);
  const factor = refs.find((r) => r.factor);
  if (factor) needData(`${factor.label} is a factor and its levels are not kept in the model`);
  const values = new Map<string, ArrayLike<unknown>>();
  for (const column of names) {
    const plain = refs.some((r) => r.expr.type === "name" && r.label === column);
    const j = plain ? frame.xNames.indexOf(column) : -1;
    if (j >= 0) {
      values.set(column, frame.X[j]);
      continue;
    }
    const t = plain ? frame.terms.findIndex((t) => t.names.includes(column)) : -1;
    if (t < 0) needData(`column ${column} has no model-matrix column of its own (a factor, or used only in a transform or interaction)`);
    const term = frame.terms[t], c = term.names.indexOf(column);
    values.set(column, Float64Array.from({length: frame.n}, (_, r) => term.Z[r * term.p + c]));
  }
  const layout = modelLayout(model, new Set(), new Map());
  const columns: ModelColumns = {layout, values, levels: new Map(), from: "model"};
  if (!reproduces(columns)) needData("the model's columns could not be read back from its design");
  return columns;
}

function readFromData(model: QiModel, data: object): ModelColumns {
  const frame = frameOf(model);
  const source = dataSource(data);
  if (source.rows !== frame.sourceRows) {
    fail(`the data has ${source.rows} rows but the model was fit on ${frame.sourceRows}; pass the table the model was fit on`);
  }
  const probe = covariates(frame.spec);
  for (const c of probe.columns) {
    if (!source.has(c)) fail(`the data has no column ${c}, which the model uses; pass the table the model was fit on`);
  }
  const textColumns = new Set(probe.columns.filter((c) => !isNumericColumn(source.values(c))));
  const rows = frame.rows;
  const factorLevels = new Map<string, string[]>();
  for (const ref of probe.refs) {
    if (!isFactorRef(ref, textColumns)) continue;
    const v = evaluateVariable(ref, source);
    factorLevels.set(ref.label, makeFactor(Array.from(rows, (r) => v.values[r])).levels);
  }
  const layout = modelLayout(model, textColumns, factorLevels);
  const values = new Map<string, ArrayLike<unknown>>();
  const levels: ModelColumns["levels"] = new Map();
  for (const c of layout.columns) {
    const all = source.values(c);
    if (!layout.categorical.has(c)) {
      values.set(c, Float64Array.from(rows, (r) => all[r] as number));
      continue;
    }
    const raw = Array.from(rows, (r) => all[r]);
    values.set(c, raw);
    const byLabel = new Map<string, unknown>();
    for (const v of raw) if (!byLabel.has(levelLabel(v))) byLabel.set(levelLabel(v), v);
    const sorted = [...byLabel.values()].sort(compareValues).map(levelLabel);
    levels.set(c, {labels: sorted, raw: byLabel});
  }
  const columns: ModelColumns = {layout, values, levels, from: "data"};
  if (!reproduces(columns)) fail("the data does not give the model's design (different values or rows); pass the table the model was fit on");
  return columns;
}

/** Whether the columns rebuild the model's X, Z and offset exactly. */
function reproduces({layout, values}: ModelColumns): boolean {
  const frame = layout.frame;
  const design = covariateDesign(layout, values, frame.n);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  if (design.X.length !== frame.X.length || !design.X.every((col, j) => same(col, frame.X[j]))) return false;
  const zOk = frame.terms.every((t, i) => design.Z[i].length === t.p &&
    design.Z[i].every((col, c) => same(col, Float64Array.from({length: frame.n}, (_, r) => t.Z[r * t.p + c]))));
  if (!zOk) return false;
  if ((design.offset === null) !== (frame.offset === null)) return false;
  return design.offset === null || same(design.offset, frame.offset!);
}

/**
 * The most frequent label of a categorical column (ties: the first in level order), as R's `which.max` of
 * `table(x)`; Zelig's default for a factor.
 *
 * @example
 *   modeLabel(["b", "a", "b"], ["a", "b"]); // "b"
 */
export function modeLabel(values: ArrayLike<unknown>, labels: string[]): string {
  const counts = new Map(labels.map((l) => [l, 0]));
  for (let i = 0; i < values.length; i++) {
    const l = levelLabel(values[i]);
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  let best = labels[0];
  for (const l of labels) if (counts.get(l)! > counts.get(best)!) best = l;
  return best;
}
