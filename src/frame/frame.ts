import type {ModelSpec, RandomSpec, VarRef} from "../formula/ast.js";
import type {ColumnScales} from "../formula/functions.js";
import {clip, fail, quote, quoteList} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import {cellText, refuseDates} from "./cells.js";
import {designColumns, type FrameVariable} from "./design.js";
import {interaction, makeFactor, type Factor} from "./factor.js";
import {aliasedColumns} from "./rank.js";
import {dataSource, type DataSource} from "./source.js";
import {convertedWarning, numberFromText} from "./numeric-text.js";
import {evaluateVariable, isMissing, numericColumn, type Variable} from "./variables.js";

/** Options of the model frame. */
export interface FrameOptions {
  /** A numeric column of prior weights. */
  weights?: string;
  /** What to do with rows that have a missing value in a used column (see {@link NaAction}); default `"omit"`. */
  naAction?: NaAction;
}

/**
 * What the model does with a row that has a missing value in a column it uses (lme4's `na.action`):
 * - `"omit"` (default, `na.omit`): the row is dropped from the fit, with a warning; per-row results (fitted
 *   values, residuals, augment) have one entry per used row;
 * - `"exclude"` (`na.exclude`): the row is dropped from the fit in the same way, but per-row results are
 *   padded with NaN at the dropped rows, so that they join back to the input rows one to one;
 * - `"fail"` (`na.fail`): the row is refused, naming it and its column.
 *
 * Reference: R's `?na.omit` (stats: na.omit, na.exclude, na.fail, naresid).
 */
export type NaAction = "omit" | "exclude" | "fail";

/** The options {@link modelFrame} knows. */
export const FRAME_OPTIONS = optionNames<FrameOptions>({weights: true, naAction: true});

/** One random-effects term: its grouping factor and its model-matrix columns. */
export interface RandomTerm {
  /** Unique name of the term's group as in lme4's `VarCorr` (`Subject`, then `Subject.1`). */
  name: string;
  /** The grouping factor's label (`Subject`, `cask:batch`), shared by terms on the same factor. */
  group: string;
  levels: string[];
  /** The level index of each model row. */
  refs: Int32Array;
  /** Number of columns (random effects per level). */
  p: number;
  /** Column names, e.g. `(Intercept)`, `Days`. */
  names: string[];
  /** The n × p model matrix, row-major. */
  Z: Float64Array;
  /** The term as written, for messages. */
  text: string;
  /**
   * Which of `spec.random` this term is (its index there): the term's identity, as lme4 reorders terms by
   * their number of levels and `(x || g)` gives two terms with the same text and group.
   */
  spec: number;
}

/** The model's rows and matrices, ready for the cross-products of the engine. */
export interface ModelFrame {
  spec: ModelSpec;
  /** Number of rows used. */
  n: number;
  /**
   * For each model row, its row in the source table (0-based, increasing): the input rows the fit used.
   * Rows missing from it were dropped for a missing value.
   */
  rows: Int32Array;
  /** Rows of the source table. */
  sourceRows: number;
  /** The frame's missing-value rule: with `"exclude"`, per-row results are padded back to `sourceRows` rows. */
  naAction: NaAction;
  responseName: string;
  y: Float64Array;
  /** Fixed-effect columns (aliased ones already dropped). */
  X: Float64Array[];
  xNames: string[];
  /** Names of aliased fixed-effect columns that were dropped. */
  dropped: string[];
  /** For each column of X, the index of its term in `spec.terms` (−1 for the intercept): R's `assign`, 0-based. */
  assign: number[];
  /** The variables of the fixed-effect terms at the model's rows, by label: numbers, or factors with their levels. */
  fixedVariables: Map<string, FrameVariable>;
  offset: Float64Array | null;
  weights: Float64Array | null;
  /** Random-effects terms in lme4's order: by decreasing number of levels (see `randomTerms`). */
  terms: RandomTerm[];
  warnings: string[];
  /**
   * For a two-level factor response (allowed only when the caller asks, as glmer's binomial family does):
   * its levels, the first coded 0 (failure) and the second 1 (success), as R's `binomial()$initialize`.
   */
  responseLevels?: string[];
  /**
   * For a response `cbind(successes, failures)`: the trials s + f of each row (then y = s/(s + f) and the
   * weights are the prior weights times the trials, as R's `binomial()$initialize`).
   */
  trials?: Float64Array;
  /** The centre and scale of each `scale(…)` in the formula, by its call, for predictions on new data. */
  scales?: ColumnScales;
  /**
   * For a frame whose rows stay in a database (src/sql): what the fit needs of the rows besides the
   * cross-products. Such a frame holds no rows: `y`, `rows`, the columns of `X` and each term's `Z` and `refs`
   * are empty, and `n` is the number of rows the database used.
   */
  aggregated?: AggregatedFrame;
}

/**
 * Refuses a computation that needs the model's rows when the frame has none (a fit from a database's sums,
 * src/sql), naming it and what works without rows.
 *
 * @example
 *   requireRows(model.structure.frame, "kenwardRoger"); // throws for a model fitted from SQL
 */
export function requireRows(frame: Pick<ModelFrame, "aggregated">, what: string): void {
  if (frame.aggregated) {
    fail(`${what} needs the model's rows, which stayed in the database (the fit from SQL had only sums); fit in memory from the rows, or use what needs only the sums: the estimates, Wald and profile intervals, Satterthwaite's tests, predictions for new data`);
  }
}

/** Sums over the rows of one model-matrix column, computed where the rows are (a database). */
export interface ColumnMoments {
  sum: number;
  sumSquares: number;
  /** Whether every value is 0 or 1. */
  binary: boolean;
}

/** One query a database ran for a frame: its text, bound values, result rows and time. */
export interface QueryRecord {
  sql: string;
  params: unknown[];
  rows: number;
  milliseconds: number;
}

/**
 * What a frame computed by a database keeps of its rows: the moments of the fixed-effect columns (lme4's
 * scale check) and of each term's random-effects columns (the optimizer's θ scaling), and the queries run.
 */
export interface AggregatedFrame {
  /** The engine that ran the queries (`duckdb`, `postgres`, or the name a caller gave). */
  engine: string;
  queries: QueryRecord[];
  /** For each column of X. */
  fixedMoments: ColumnMoments[];
  /** For each term, for each of its columns. */
  randomMoments: ColumnMoments[][];
}

/** What the response may be: numbers (lmer), or numbers or a factor of at most two levels (glmer's binomial). */
export type ResponseKind = "numeric" | "binary";

/**
 * Builds the model frame of an expanded formula over a table (`generalized`: for glmer, which takes a binary
 * response as `responseKind` says and allows as many random effects as observations): evaluates every variable, drops rows with a
 * missing value, codes factors, builds X and the random-effects terms and checks identifiability as lme4 does.
 *
 * Reference: lme4's `lFormula` and `mkReTrms` (Bates et al. 2015, JSS 67(1), §2).
 *
 * @example
 *   const frame = modelFrame(formula("Reaction ~ Days + (Days | Subject)"), sleepstudy);
 *   frame.xNames; // ["(Intercept)", "Days"]
 */
export function modelFrame(written: ModelSpec, data: unknown, given: FrameOptions = {}, responseKind: ResponseKind = "numeric", generalized = false): ModelFrame {
  const options = readOptions(given, FRAME_OPTIONS, "modelFrame", {renamed: {"na.action": "naAction"}});
  const {spec, responseTerms} = withoutResponseTerm(written);
  const source = dataSource(data);
  if (source.rows === 0) fail("invalid data: the data has no rows; give a table with the model's columns and at least one row");
  const naAction = options.naAction ?? "omit";
  if (naAction !== "omit" && naAction !== "exclude" && naAction !== "fail") {
    fail(`invalid naAction: ${typeof naAction === "string" ? clip(naAction) : cellText(naAction)}; use "omit", "exclude" or "fail"`);
  }
  if (options.weights != null && typeof options.weights !== "string") {
    fail(`invalid weights: ${cellText(options.weights)}; give the name of a numeric column of the data`);
  }
  if (spec.random.length === 0) fail(`no random-effects terms in ${quote(spec.text)}; add one such as (1 | group)`);

  const variables = new Map<string, Variable>();
  const scales: ColumnScales = new Map();
  const use = (ref: VarRef) => {
    if (!variables.has(ref.label)) variables.set(ref.label, evaluateVariable(ref, source, scales));
    return variables.get(ref.label)!;
  };
  for (const c of spec.response.columns) if (source.has(c)) refuseDates(c, source.values(c), "the response", false);
  if (spec.counts && responseKind !== "binary") {
    fail(`the response ${clip(spec.response.label, 60)} is a binomial response (successes and failures), which lmer cannot fit: use glmer(formula, data, {family: "binomial"}), or a numeric response for lmer`);
  }
  const response = spec.counts ? countsVariable(spec.counts.map(use) as [Variable, Variable], spec.counts) : use(spec.response);
  if (response.kind !== "numeric" && responseKind !== "binary") {
    const numeric = (v: unknown) => typeof v === "number" || (typeof v === "string" && typeof numberFromText(v) === "number");
    const row = response.values.findIndex((v) => v !== null && !numeric(v));
    if (response.values.some((v) => v !== null && numeric(v))) {
      const what = typeof response.values[row] === "string" ? "text" : "a value that is not a number";
      fail(`column ${spec.response.label} holds ${what} (${cellText(response.values[row])} in row ${row + 1}) but the response needs numbers; fix the value or choose a numeric response`);
    }
    fail(`the response ${spec.response.label} is not numeric (${cellText(response.values[row])} in row ${row + 1}); choose a numeric column`);
  }
  for (const term of spec.terms) term.vars.forEach(use);
  spec.offsets.forEach(use);
  for (const r of spec.random) for (const term of r.terms) term.vars.forEach(use);
  const groupColumns = new Map<string, ArrayLike<unknown>>();
  for (const r of spec.random) for (const g of r.group) if (!groupColumns.has(g)) groupColumns.set(g, groupValues(source, g));
  const weights = options.weights == null ? null : numericColumn(source, options.weights, "weights");

  const keep = completeRows(source.rows, variables, groupColumns, weights, naAction);
  const n = keep.length;
  const warnings: string[] = [...convertedWarning(source.converted())];
  const droppedRows = source.rows - n;
  if (droppedRows > 0) warnings.push(`${droppedRows} row${droppedRows > 1 ? "s" : ""} with missing values dropped`);
  for (const t of responseTerms) {
    warnings.push("the response appeared on the right-hand side and was dropped", `problem with term ${t + 1} in model.matrix: no columns are assigned`);
  }
  if (n === 0) {
    const empty = [...variables].filter(([, v]) => v.kind === "numeric" ? v.values.every(Number.isNaN) : v.values.every((x) => x === null)).map(([label]) => label);
    for (const [label, values] of groupColumns) if (Array.prototype.every.call(values, (x) => x === null)) empty.push(label);
    fail(empty.length
      ? `no complete rows: column ${empty.join(", ")} is missing in every row; remove it from the formula or fill it in`
      : `no complete rows: every row has a missing value in a column of ${quote(spec.text)}; fill in the values or use fewer columns`);
  }

  const frameVars = new Map<string, FrameVariable>();
  for (const [label, v] of variables) {
    frameVars.set(label, v.kind === "numeric"
      ? {kind: "numeric", values: pick(v.values, keep)}
      : {kind: "factor", factor: makeFactor(v.values, keep)});
  }
  let responseLevels: string[] | undefined;
  let trials: Float64Array | undefined;
  let y: Float64Array;
  let priorWeights = weights ? pick(weights, keep) : null;
  if (spec.counts) {
    const [s, f] = spec.counts.map((ref) => (frameVars.get(ref.label) as {values: Float64Array}).values);
    y = new Float64Array(n);
    trials = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (!(s[r] >= 0 && f[r] >= 0)) {
        fail(`the binomial counts ${spec.counts[0].label} and ${spec.counts[1].label} are ${s[r]} and ${f[r]} in row ${keep[r] + 1}; successes and failures cannot be negative: fix the values`);
      }
      const m = s[r] + f[r];
      if (m === 0) fail(`row ${keep[r] + 1} has no trials (${spec.counts[0].label} and ${spec.counts[1].label} are both 0); leave it out of the data, it carries no information`);
      trials[r] = m;
      y[r] = s[r] / m;
    }
    priorWeights = Float64Array.from(trials, (m, r) => m * (priorWeights ? priorWeights[r] : 1));
  } else {
  const responseVar = frameVars.get(spec.response.label)!;
  if (responseVar.kind === "numeric") y = responseVar.values;
  else {
    const {levels, codes} = responseVar.factor;
    if (levels.length > 2) {
      fail(`the response ${spec.response.label} has ${levels.length} levels (${quoteList(levels, 5)}) but a binomial response has two (failure first, then success); recode it to two levels, such as ${spec.response.label} == ${quote(levels[levels.length - 1])}`);
    }
    responseLevels = levels;
    y = Float64Array.from(codes);
  }
  }
  if (weights) {
    for (let k = 0; k < n; k++) if (!(weights[keep[k]] > 0)) fail(`invalid weight ${weights[keep[k]]} in row ${keep[k] + 1} of column ${options.weights}; weights must be positive`);
  }

  const fixed = designColumns(spec.intercept, spec.terms, frameVars, n);
  const aliased = aliasedColumns(fixed.columns);
  const dropped = aliased.map((j) => fixed.names[j]);
  if (dropped.length) {
    warnings.push(`fixed-effect model matrix is rank deficient so dropping ${dropped.length} column${dropped.length > 1 ? "s" : ""}: ${dropped.join(", ")}`);
  }
  const keepCol = fixed.names.map((_, j) => !aliased.includes(j));

  let offset: Float64Array | null = null;
  for (const ref of spec.offsets) {
    const values = (frameVars.get(ref.label) as {kind: string; values?: Float64Array});
    if (values.kind !== "numeric") fail(`offset(${ref.label}) needs a numeric column`);
    offset ??= new Float64Array(n);
    for (let i = 0; i < n; i++) offset[i] += values.values![i];
  }

  const ones = spec.intercept ? fixed.columns[0] : undefined;
  const terms = randomTerms(spec.random, frameVars, groupColumns, keep, n, generalized, ones);
  return {
    spec,
    n,
    rows: keep,
    sourceRows: source.rows,
    naAction,
    responseName: spec.response.label,
    y,
    X: fixed.columns.filter((_, j) => keepCol[j]),
    xNames: fixed.names.filter((_, j) => keepCol[j]),
    dropped,
    assign: fixed.assign.filter((_, j) => keepCol[j]),
    fixedVariables: new Map(spec.terms.flatMap((t) => t.vars).map((v) => [v.label, frameVars.get(v.label)!])),
    offset,
    weights: priorWeights,
    terms,
    warnings,
    ...(responseLevels ? {responseLevels} : {}),
    ...(trials ? {trials} : {}),
    ...(scales.size ? {scales} : {})
  };
}

/**
 * The response variable of `cbind(successes, failures)`: its two columns must be numeric (the frame computes
 * y = s/(s + f) from them once the rows are known); a stand-in numeric variable keeps the checks above uniform.
 */
function countsVariable([s, f]: [Variable, Variable], refs: [VarRef, VarRef]): Variable {
  for (const [v, ref] of [[s, refs[0]], [f, refs[1]]] as const) {
    if (v.kind !== "numeric") fail(`${ref.label} in cbind() of the response is not numeric; give counts of successes and failures`);
  }
  return s;
}

/**
 * The formula without a fixed-effect term that is the response itself (`Reaction ~ Reaction + Days`), which
 * R's `model.matrix` drops with two warnings rather than fit y on y: the term's 0-based index in R's term
 * order is returned for them. Only a term identical to the response goes: `Reaction ~ log(Reaction)`,
 * `Reaction:Days` and random-effects terms stay, as in R.
 *
 * Reference: R Core Team, src/library/stats/src/model.c (`modelmatrix`: "the response appeared on the
 * right-hand side and was dropped").
 */
function withoutResponseTerm(spec: ModelSpec): {spec: ModelSpec; responseTerms: number[]} {
  const responseTerms: number[] = [];
  spec.terms.forEach((term, t) => {
    if (term.vars.length === 1 && term.vars[0].label === spec.response.label) responseTerms.push(t);
  });
  if (responseTerms.length === 0) return {spec, responseTerms};
  return {spec: {...spec, terms: spec.terms.filter((_, t) => !responseTerms.includes(t))}, responseTerms};
}

function groupValues(source: DataSource, name: string): ArrayLike<unknown> {
  if (!source.has(name)) {
    fail(`unknown grouping column: ${clip(name)} (the data has ${quoteList(source.names)}); check the spelling`);
  }
  const values = source.values(name);
  // read only: the column itself when nothing in it is missing
  let i = 0;
  while (i < values.length && !isMissing(values[i])) i++;
  if (i === values.length) return values;
  const out = Array.from(values);
  for (; i < values.length; i++) if (isMissing(out[i])) out[i] = null;
  return out;
}

/** The rows (ascending) with no missing value in a used column, one tight loop per column. */
function completeRows(rows: number, variables: Map<string, Variable>, groups: Map<string, ArrayLike<unknown>>, weights: Float64Array | null, naAction: string): Int32Array {
  const missing = new Uint8Array(rows);
  let dropped = 0;
  const mark = (label: string, i: number) => {
    if (naAction === "fail") fail(`missing value in row ${i + 1} of ${label}; remove the row or use naAction: "omit" (or "exclude" to keep per-row results aligned with the input)`);
    if (!missing[i]) (missing[i] = 1), dropped++;
  };
  const markNull = (label: string, values: ArrayLike<unknown>) => {
    for (let i = 0; i < rows; i++) if (values[i] === null) mark(label, i);
  };
  for (const [label, v] of variables) {
    if (v.kind !== "numeric") {
      markNull(label, v.values);
      continue;
    }
    const x = v.values;
    for (let i = 0; i < rows; i++) {
      const xi = x[i];
      // xi − xi is 0 for every finite number, NaN for NaN and ±Infinity
      if (xi - xi !== 0) {
        if (Number.isNaN(xi)) mark(label, i);
        else fail(`infinite value ${xi} in row ${i + 1} of ${label}; remove the row or transform the variable`);
      }
    }
  }
  for (const [label, values] of groups) markNull(label, values);
  if (weights) for (let i = 0; i < rows; i++) if (Number.isNaN(weights[i])) mark("weights", i);
  const keep = new Int32Array(rows - dropped);
  for (let i = 0, k = 0; i < rows; i++) if (!missing[i]) keep[k++] = i;
  return keep;
}

/** The kept rows of a column the frame owns (the column itself when every row is kept). */
function pick(values: Float64Array, keep: Int32Array): Float64Array {
  if (keep.length === values.length) return values;
  const out = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = values[keep[k]];
  return out;
}

function randomTerms(specs: RandomSpec[], vars: Map<string, FrameVariable>, groups: Map<string, ArrayLike<unknown>>, keep: Int32Array, n: number, generalized: boolean, ones?: Float64Array): RandomTerm[] {
  const factors = new Map<string, Factor>();
  const groupFactor = (name: string) => {
    if (!factors.has(name)) factors.set(name, makeFactor(groups.get(name)!, keep));
    return factors.get(name)!;
  };
  const built = specs.map((spec, index) => {
    const factor = interaction(spec.group.map(groupFactor));
    const design = designColumns(spec.intercept, spec.terms, vars, n, ones);
    const p = design.names.length;
    if (p === 0) fail(`random-effects term (${clip(spec.text)}) has no columns; keep its intercept or add a variable`);
    const Z = p === 1 ? design.columns[0].slice() : new Float64Array(n * p);
    if (p > 1) design.columns.forEach((col, j) => interleave(Z, col, p, j, n));
    const levels = factor.levels.length;
    if (levels < 2) fail(`grouping factor ${spec.groupLabel} has ${levels} level; a grouping factor needs at least 2 levels`);
    // a generalized model has no residual to confound with: glmer ignores these two checks (an observation-level
    // random effect models overdispersion)
    if (!generalized && levels >= n) {
      fail(`grouping factor ${spec.groupLabel} has ${levels} levels for ${n} observations; the number of levels must be less than the number of observations`);
    }
    if (!generalized && levels * p >= n) {
      fail(`term (${clip(spec.text)}) has ${levels * p} random effects for ${n} observations; the random effects and the residual variance are unidentifiable: simplify the term`);
    }
    return {group: spec.groupLabel, levels: factor.levels, refs: factor.codes, p, names: design.names, Z, text: spec.text, spec: index};
  });
  const order = termOrder(built.map((t) => t.levels.length));
  const names = termNames(order.map((i) => built[i].group));
  return order.map((i, k) => ({...built[i], name: names[k]}));
}

/**
 * The order of the random-effects terms in the model, from their numbers of levels as written: lme4 reorders
 * only when the number of levels ever increases, and then by `rev(order(levels))`, which also reverses the
 * order of ties.
 *
 * Reference: lme4's `mkReTrms` (`ordTrms`).
 *
 * @example
 *   termOrder([10, 30, 20]); // [1, 2, 0]
 */
export function termOrder(levels: readonly number[]): number[] {
  const increasing = levels.some((l, i) => i > 0 && l > levels[i - 1]);
  const order = levels.map((_, i) => i);
  if (increasing) order.sort((a, b) => levels[a] - levels[b] || a - b).reverse();
  return order;
}

/** Column j of a row-major n × p matrix. */
function interleave(Z: Float64Array, column: Float64Array, p: number, j: number, n: number): void {
  for (let i = 0; i < n; i++) Z[i * p + j] = column[i];
}

/**
 * The names of the random-effects terms as lme4's VarCorr gives them: the grouping factors' names, and when
 * one factor has several terms (`(x || g)`), all names through R's `make.names(unique = TRUE)`: characters
 * other than letters, digits, `.` and `_` become `.`, and repeats get `.1`, `.2`, … (`g`, `g.1`;
 * `a:b` → `a.b`, `a.b.1`).
 *
 * Reference: lme4's `mkVarCorr` (make.names when names repeat); R's `make.names` and `make.unique`.
 *
 * @example
 *   termNames(["a:b", "a:b", "a"]); // ["a.b", "a.b.1", "a"]
 */
export function termNames(groups: readonly string[]): string[] {
  if (new Set(groups).size === groups.length) return [...groups];
  const valid = groups.map((g) => {
    const name = g.replace(/[^\p{L}\p{N}._]/gu, ".");
    return /^([\p{L}]|\.(?![0-9]))/u.test(name) ? name : `X${name}`;
  });
  const taken = new Set(valid);
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  return valid.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let k = counts.get(name) ?? 0;
    let candidate: string;
    do candidate = `${name}.${++k}`;
    while (taken.has(candidate));
    counts.set(name, k);
    taken.add(candidate);
    return candidate;
  });
}
