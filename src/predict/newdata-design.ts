import {fail} from "../errors.js";
import type {RandomSpec} from "../formula/ast.js";
import {cellText} from "../frame/cells.js";
import {designColumns, type FrameVariable} from "../frame/design.js";
import {levelLabel} from "../frame/factor.js";
import type {ModelFrame} from "../frame/frame.js";
import {dataSource, type DataSource} from "../frame/source.js";
import {evaluateVariable, isMissing} from "../frame/variables.js";
import {formulaVariables} from "./levels.js";

/** The model matrices of the rows to predict, in the fit's coding. */
export interface PredictionDesign {
  /** Number of rows. */
  n: number;
  /** Fixed-effect columns in the order of the model's `fixefNames`. */
  X: Float64Array[];
  offset: Float64Array | null;
  /**
   * For each random-effects term of the fit (the frame's order): per row, the level's index (−1 for a new
   * level or a missing group, predicted at the population level) and the n × p model-matrix rows. Null for
   * population-level predictions.
   */
  terms: {refs: Int32Array; Z: Float64Array}[] | null;
  /** 1 for rows with a missing value in a variable used: their predictions are NaN. */
  missing: Uint8Array;
}

/** Options of {@link newdataDesign}. */
export interface DesignOptions {
  /** Build the random-effects terms (conditional predictions). */
  random: boolean;
  /** Predict new levels of grouping factors at the population level instead of refusing them. */
  allowNewLevels: boolean;
  /** The levels of the fit's factor variables (see `trainingLevels`), needed when the formula has factors. */
  levels?: Map<string, string[]>;
}

/**
 * The design of the fit's own rows, straight from the model frame (predicting without new data).
 *
 * @example
 *   frameDesign(model.structure.frame).X[1]; // the Days column
 */
export function frameDesign(frame: ModelFrame, random: boolean): PredictionDesign {
  return {
    n: frame.n,
    X: frame.X,
    offset: frame.offset,
    terms: random ? frame.terms.map((t) => ({refs: t.refs, Z: t.Z})) : null,
    missing: new Uint8Array(frame.n)
  };
}

/**
 * The design of new data, coded exactly as the fit coded its own: numeric variables evaluated as the frame
 * evaluates them (`log(pcap)`, `I(Days^2)`, offsets), factors by the fit's levels with the same contrasts
 * (R's `model.matrix` rules in `designColumns`), random-effects columns per term and the level of each row
 * in the fit's grouping factors. Refuses, naming the fix: a column the formula needs that newdata lacks; a
 * factor when the fit's levels were not given; a level of a factor variable the fit never saw; a new level
 * of a grouping factor unless `allowNewLevels`.
 *
 * Reference: R's `predict.lm` / lme4's `predict.merMod` (newdata coded by the fit's terms, contrasts and
 * levels; `allow.new.levels`); Chambers & Hastie (1992), §2.4.1.
 *
 * @example
 *   newdataDesign(frame, [{Days: 3, Subject: 308}], {random: true, allowNewLevels: false}).X; // [[1], [3]]
 */
export function newdataDesign(frame: ModelFrame, newdata: unknown, options: DesignOptions): PredictionDesign {
  const {spec} = frame;
  const source = dataSource(newdata);
  const n = source.rows;
  requireColumns(frame, source, options.random);
  const missing = new Uint8Array(n);

  const vars = new Map<string, FrameVariable>();
  for (const ref of formulaVariables(spec, options.random)) {
    const v = evaluateVariable(ref, source, frame.scales && new Map(frame.scales));
    const levels = options.levels?.get(ref.label);
    if (!levels) {
      if (v.kind === "category" && !ref.factor && (options.levels || numericInFit(frame, ref.label))) {
        const example = v.values.find((x) => x !== null);
        fail(`column ${ref.label} of newdata holds ${typeof example === "string" ? "text" : "a value that is not a number"} (${cellText(example)}) but the model uses ${ref.label} as numbers; give numbers`);
      }
      if (v.kind === "category" || ref.factor) {
        fail(`${ref.label} is a factor: pass the table the model was fitted to as data (predict(model, newdata, {data})) so that its levels are coded as the fit coded them`);
      }
      const values = (v as {values: Float64Array}).values;
      values.forEach((x, i) => {
        if (Number.isNaN(x)) missing[i] = 1;
      });
      vars.set(ref.label, {kind: "numeric", values});
      continue;
    }
    const index = new Map(levels.map((l, i) => [l, i]));
    const codes = new Int32Array(n);
    const unseen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const x = v.values[i];
      if (x === null || (typeof x === "number" && Number.isNaN(x))) {
        codes[i] = -1;
        missing[i] = 1;
        continue;
      }
      const code = index.get(levelLabel(x));
      if (code === undefined) unseen.add(levelLabel(x));
      codes[i] = code ?? -1;
    }
    if (unseen.size) {
      fail(`new level${unseen.size > 1 ? "s" : ""} of ${ref.label} in newdata: ${listOf([...unseen])}; the fit knows only ${listOf(levels)}, so change these values (a factor among the fixed effects has no population value for a new level)`);
    }
    vars.set(ref.label, {kind: "factor", factor: {levels, codes}});
  }

  const fixed = designColumns(spec.intercept, spec.terms, vars, n);
  const byName = new Map(fixed.names.map((name, j) => [name, fixed.columns[j]]));
  const X = frame.xNames.map((name) => {
    const column = byName.get(name);
    if (!column) fail(`newdata gives no column ${name} of the fit's fixed effects (it gives ${fixed.names.join(", ")}); code the variables as in the data the model was fitted to`);
    return column;
  });

  let offset: Float64Array | null = null;
  for (const ref of spec.offsets) {
    const v = evaluateVariable(ref, source, frame.scales && new Map(frame.scales));
    if (v.kind !== "numeric") fail(`offset(${ref.label}) needs a numeric column in newdata`);
    offset ??= new Float64Array(n);
    for (let i = 0; i < n; i++) {
      offset[i] += v.values[i];
      if (Number.isNaN(v.values[i])) missing[i] = 1;
    }
  }

  const terms = options.random ? randomDesign(frame, source, vars, options.allowNewLevels) : null;
  return {n, X, offset, terms, missing};
}

/** Refuses newdata that lacks a column the prediction reads, naming every such column. */
function requireColumns(frame: ModelFrame, source: DataSource, random: boolean): void {
  const {spec} = frame;
  const needed = new Set<string>();
  for (const ref of [...formulaVariables(spec, random), ...spec.offsets]) for (const c of ref.columns) needed.add(c);
  if (random) for (const r of spec.random) for (const g of r.group) needed.add(g);
  const absent = [...needed].filter((c) => !source.has(c));
  if (absent.length) {
    fail(`newdata has no column${absent.length > 1 ? "s" : ""} ${absent.join(", ")}, which the model (${spec.text}) uses; add ${absent.length > 1 ? "them" : "it"} to newdata${random ? ' (population-level predictions with re: "none" need only the fixed-effect columns)' : ""}`);
  }
}

/** The random-effects terms of newdata in the frame's order: level indices and model-matrix rows. */
function randomDesign(frame: ModelFrame, source: DataSource, vars: Map<string, FrameVariable>, allowNewLevels: boolean) {
  const n = source.rows;
  const out: {refs: Int32Array; Z: Float64Array}[] = new Array(frame.terms.length);
  const refused = new Map<string, Set<string>>();
  frame.spec.random.forEach((spec: RandomSpec, s) => {
    // by identity: the frame reorders terms by number of levels, and (x || g) gives two terms of one text
    const k = frame.terms.findIndex((t) => t.spec === s);
    if (k < 0) fail(`the model has no random-effects term (${spec.text}); predict with the model fitted to this formula`);
    const term = frame.terms[k];
    const design = designColumns(spec.intercept, spec.terms, vars, n);
    if (design.names.join("\u0000") !== term.names.join("\u0000")) {
      fail(`newdata codes the term (${spec.text}) as ${design.names.join(", ")} but the fit has ${term.names.join(", ")}; code the variables as in the data the model was fitted to`);
    }
    const p = term.p;
    const Z = new Float64Array(n * p);
    design.columns.forEach((col, j) => {
      for (let i = 0; i < n; i++) Z[i * p + j] = col[i];
    });
    const index = new Map(term.levels.map((l, i) => [l, i]));
    const groups = spec.group.map((g) => source.values(g));
    const refs = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const parts = groups.map((values) => values[i]);
      if (parts.some(isMissing)) {
        if (!allowNewLevels) fail(`missing value of ${spec.groupLabel} in row ${i + 1} of newdata; fill it in, or pass allowNewLevels: true to predict the row at the population level`);
        refs[i] = -1;
        continue;
      }
      const label = parts.map(levelLabel).join(":");
      const h = index.get(label);
      if (h === undefined) {
        if (!refused.has(term.group)) refused.set(term.group, new Set());
        refused.get(term.group)!.add(label);
      }
      refs[i] = h ?? -1;
    }
    out[k] = {refs, Z};
  });
  if (refused.size && !allowNewLevels) {
    const text = [...refused].map(([group, levels]) => `${listOf([...levels])} of ${group}`).join("; ");
    fail(`new levels in newdata: ${text}; pass allowNewLevels: true to predict them at the population level (their random effects 0)`);
  }
  return out;
}

/** Whether the fit used a variable as numbers: its label is a column (or part of an interaction column). */
function numericInFit(frame: ModelFrame, label: string): boolean {
  const names = [...frame.xNames, ...frame.dropped, ...frame.terms.flatMap((t) => t.names)];
  return names.some((name) => name.split(":").includes(label));
}

/** Up to ten values, quoted, and how many more. */
function listOf(values: string[]): string {
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v)).join(", ");
  return values.length > 10 ? `${shown} and ${values.length - 10} more` : shown;
}

/**
 * `offset + Xβ (+ Zb)` per row of a prediction design (the random effects only where the design has terms,
 * and only at known levels), NaN at rows with a missing value: the linear predictor of lmer's and glmer's
 * predictions.
 *
 * @example
 *   designLinearPredictor(model.beta, model.b, newdataDesign(model, rows, options));
 */
export function designLinearPredictor(beta: Float64Array, b: Float64Array[], d: PredictionDesign): number[] {
  const out = new Array<number>(d.n);
  for (let i = 0; i < d.n; i++) {
    if (d.missing[i]) {
      out[i] = NaN;
      continue;
    }
    let s = d.offset ? d.offset[i] : 0;
    for (let a = 0; a < beta.length; a++) s += d.X[a][i] * beta[a];
    d.terms?.forEach((t, k) => {
      const h = t.refs[i];
      if (h < 0) return;
      const p = t.Z.length / d.n;
      for (let c = 0; c < p; c++) s += t.Z[i * p + c] * b[k][h * p + c];
    });
    out[i] = s;
  }
  return out;
}
