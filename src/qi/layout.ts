import {fail} from "../errors.js";
import type {ModelSpec, RandomSpec, VarRef} from "../formula/ast.js";
import {designColumns, type FrameVariable} from "../frame/design.js";
import type {ModelFrame} from "../frame/frame.js";
import {frameOf, type QiModel} from "./qi-model.js";

/**
 * How a fitted model turns covariate values into its design: the variables it evaluates, the data columns
 * they read, the levels of its factors, which fixed-effect columns survived the rank check, and the
 * random-effects spec behind each of the frame's (reordered) terms.
 */
export interface ModelLayout {
  frame: ModelFrame;
  /** Every covariate variable (fixed terms, random-term covariates, offsets), once per label. */
  refs: VarRef[];
  /** The data columns the covariates read, in order of first appearance. */
  columns: string[];
  /** Columns of text: a variable naming one is a factor. */
  textColumns: Set<string>;
  /** Columns set by a level rather than a number: text columns and columns read inside `factor()`. */
  categorical: Set<string>;
  /** Levels of each factor variable, by label, as in the model frame. */
  factorLevels: Map<string, string[]>;
  /** For each column of the full fixed-effect design, whether it is kept (not aliased). */
  keepX: boolean[];
  /** The random-effects spec of each of `frame.terms`. */
  termSpecs: RandomSpec[];
}

/** Whether a variable is coded as a factor: `factor(x)`, or the name of a text column. */
export const isFactorRef = (ref: VarRef, textColumns: Set<string>) =>
  ref.factor || (ref.expr.type === "name" && textColumns.has(ref.expr.name));

/**
 * The covariate variables of a model (fixed terms, random-term covariates, offsets; once per label) and
 * the data columns they read, in order of first appearance. The response and grouping columns are not
 * covariates.
 *
 * @example
 *   covariates(formula("y ~ x + log(z) + (x | g)")); // {refs: [x, log(z)], columns: ["x", "z"]}
 */
export function covariates(spec: ModelSpec): {refs: VarRef[]; columns: string[]} {
  const byLabel = new Map<string, VarRef>();
  const add = (ref: VarRef) => byLabel.has(ref.label) || byLabel.set(ref.label, ref);
  for (const term of spec.terms) term.vars.forEach(add);
  for (const r of spec.random) for (const term of r.terms) term.vars.forEach(add);
  spec.offsets.forEach(add);
  const refs = [...byLabel.values()];
  return {refs, columns: [...new Set(refs.flatMap((r) => r.columns))]};
}

/**
 * The layout of `model` given which columns hold text and the levels of its factor variables.
 * Fails (an internal error) if the design it implies does not name the model's columns.
 *
 * @example
 *   modelLayout(m, new Set(), new Map()).columns; // ["education", "age", "female"]
 */
export function modelLayout(model: QiModel, textColumns: Set<string>, factorLevels: Map<string, string[]>): ModelLayout {
  const frame = frameOf(model);
  const {spec} = frame;
  const {refs, columns} = covariates(spec);
  const categorical = new Set(columns.filter((c) => textColumns.has(c) || refs.some((r) => r.factor && r.columns.includes(c))));

  // names only: zero rows of each variable
  const empty = new Map<string, FrameVariable>();
  for (const ref of refs) {
    empty.set(ref.label, isFactorRef(ref, textColumns)
      ? {kind: "factor", factor: {levels: factorLevels.get(ref.label) ?? [], codes: new Int32Array(0)}}
      : {kind: "numeric", values: new Float64Array(0)});
  }
  const fixed = designColumns(spec.intercept, spec.terms, empty, 0).names;
  const dropped = new Set(frame.dropped);
  const keepX = fixed.map((name) => !dropped.has(name));
  const kept = fixed.filter((_, j) => keepX[j]);
  if (kept.join("\u0000") !== frame.xNames.join("\u0000")) {
    fail(`internal error: profile columns ${kept.join(", ")} differ from the model's ${frame.xNames.join(", ")}`);
  }

  const used = new Set<number>();
  const termSpecs = frame.terms.map((t) => {
    const i = spec.random.findIndex((r, i) => !used.has(i) && r.groupLabel === t.group && r.text === t.text &&
      designColumns(r.intercept, r.terms, empty, 0).names.join("\u0000") === t.names.join("\u0000"));
    if (i < 0) fail(`internal error: no random-effects spec for the term (${t.text})`);
    used.add(i);
    return spec.random[i];
  });
  return {frame, refs, columns, textColumns, categorical, factorLevels, keepX, termSpecs};
}
