import {fail} from "../errors.js";
import type {Expr} from "../formula/ast.js";
import {evaluate} from "../formula/evaluate.js";
import {designColumns, type FrameVariable} from "../frame/design.js";
import {levelLabel} from "../frame/factor.js";
import {isFactorRef, type ModelLayout} from "./layout.js";

/** Design columns for given covariate values: fixed-effect columns, each term's Z columns, the offset. */
export interface CovariateDesign {
  /** The kept fixed-effect columns, in the model's order. */
  X: Float64Array[];
  /** Per random-effects term (the frame's order), its columns. */
  Z: Float64Array[][];
  offset: Float64Array | null;
}

const unwrap = (e: Expr): Expr => (e.type === "paren" ? unwrap(e.expr) : e);

/**
 * Evaluates the model's variables on `n` rows of data-column values and codes them exactly as the model
 * frame did: the same expressions, the model's factor levels and treatment contrasts, the same dropped
 * (aliased) columns, and `scale(…)` with the centre and scale the fit computed (R's `makepredictcall`). Used
 * for covariate profiles and to check recovered columns against the model's X.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1 (coding of factors in terms), via
 * {@link designColumns}.
 *
 * @example
 *   covariateDesign(layout, new Map([["education", [4]], ["age", [45]], ["female", [0]]]), 1).X;
 *   // [Float64Array [1], Float64Array [4], Float64Array [45], Float64Array [0]]
 */
export function covariateDesign(layout: ModelLayout, values: ReadonlyMap<string, ArrayLike<unknown>>, n: number): CovariateDesign {
  const numbers = new Map<string, Float64Array>();
  const numeric = (name: string) => {
    if (!numbers.has(name)) {
      const raw = values.get(name);
      if (!raw) fail(`internal error: no values for column ${name}`);
      numbers.set(name, raw instanceof Float64Array ? raw : Float64Array.from(raw as ArrayLike<number>, Number));
    }
    return numbers.get(name)!;
  };
  // scale(…) with the fit's centre and scale (a copy: evaluate records new ones), as predict does for new data
  const scales = layout.frame.scales && new Map(layout.frame.scales);
  const variables = new Map<string, FrameVariable>();
  for (const ref of layout.refs) {
    if (!isFactorRef(ref, layout.textColumns)) {
      variables.set(ref.label, {kind: "numeric", values: evaluate(ref.expr, numeric, n, scales)});
      continue;
    }
    const levels = layout.factorLevels.get(ref.label)!;
    const index = new Map(levels.map((l, i) => [l, i]));
    const expr = unwrap(ref.expr);
    const raw: ArrayLike<unknown> = expr.type === "name" ? values.get(expr.name)! : evaluate(expr, numeric, n, scales);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const code = index.get(levelLabel(raw[i]));
      if (code === undefined) fail(`${ref.label} = ${levelLabel(raw[i])} is not a level in the data; its levels are ${levels.join(", ")}`);
      codes[i] = code;
    }
    variables.set(ref.label, {kind: "factor", factor: {levels, codes}});
  }
  const {spec} = layout.frame;
  const X = designColumns(spec.intercept, spec.terms, variables, n).columns.filter((_, j) => layout.keepX[j]);
  const Z = layout.termSpecs.map((r) => designColumns(r.intercept, r.terms, variables, n).columns);
  let offset: Float64Array | null = null;
  for (const ref of spec.offsets) {
    const v = (variables.get(ref.label) as {values: Float64Array}).values;
    offset ??= new Float64Array(n);
    for (let i = 0; i < n; i++) offset[i] += v[i];
  }
  return {X, Z, offset};
}
