/**
 * Residual structures R = σ² V^½ C V^½ (nlme's correlation structures C and variance functions V) resolved
 * against a model frame: the grouping, positions and covariates per row, the parameters and their
 * unconstrained scale, and the whitening of the rows of [Z X y] by the Cholesky factor of each group's
 * V^½ C V^½, with its log-determinant, so that the criterion of the whitened rows is the model's.
 */
import {clip, fail, quote} from "../errors.js";
import type {ModelFrame} from "../frame/frame.js";
import {dataSource} from "../frame/source.js";
import {evaluateVariable} from "../frame/variables.js";
import {makeFactor, levelLabel} from "../frame/factor.js";
import {deparse} from "../formula/deparse.js";
import {columnsOf, toVarRef} from "../formula/variable.js";
import {cholesky} from "../linalg/cholesky.js";
import {exp, log} from "../math/index.js";
import {
  armaAutocorrelation,
  fisher,
  fisherInverse,
  fromPartials,
  logistic,
  symmetricCorrelation,
  symmetricUnconstrained,
  toPartials
} from "./residual-params.js";
import {readCorrelation, readVariance, type CorrelationSpec, type VarianceSpec} from "./residual-spec.js";

/** Largest group a correlation structure is fitted for (its m × m factor is formed each evaluation). */
export const MAX_CORRELATION_GROUP = 2000;
/** Largest dimension of corSymm's unstructured correlation. */
export const MAX_SYMM_SIZE = 12;

/** The residual structures of a model, as given to `lmer` (nlme's spelling). */
export interface ResidualOptions {
  correlation?: string;
  variance?: string;
}

/** A residual structure resolved against a frame (see {@link resolveResidual}). */
export interface ResidualStructure {
  /** Rows of the frame. */
  n: number;
  correlation: CorrelationSpec | null;
  variance: VarianceSpec | null;
  /** The rows of each correlation group (model rows, ascending); null without a correlation structure. */
  groups: Int32Array[] | null;
  /** The correlation's positions per row (its covariate, or the order within the group from 1). */
  positions: Float64Array | null;
  /** corSymm's dimension and corCompSymm's largest group. */
  size: number;
  /** The largest lag between positions within a group (corAR1, corARMA). */
  maxLag: number;
  /** The variance covariate per row (varPower, varExp, varConstPower, varFixed). */
  covariate: Float64Array | null;
  /** The covariate's distinct values, log |v| of each, and each row's index into them (functions are evaluated once a value). */
  covariateLevels: {values: Float64Array; logAbs: Float64Array; index: Int32Array} | null;
  /** corCAR1: the distinct |t_j − t_k| within groups and, per group, each pair's (j > k, row order) index into them. */
  lags: {values: Float64Array; pairs: Int32Array[]} | null;
  /**
   * corAR1 and corCAR1 (Markov in time): each group's rows sorted by time, and each step's gap as an index
   * into the distinct gaps, for the whitening in O(rows) (no factor).
   */
  markov: {order: Int32Array[]; steps: Int32Array[]; gaps: Float64Array} | null;
  /** √w of the prior weights, and Σ log w. */
  sqrtWeights: Float64Array | null;
  logDetWeights: number;
  /** The variance strata per row and their names (reference first for varIdent). */
  strata: Int32Array | null;
  strataNames: string[];
  /** Prior weights of the frame, folded into V (variance σ²/w). */
  weights: Float64Array | null;
  /** Number of correlation and variance parameters (all, including held ones). */
  nCorrelation: number;
  nVariance: number;
  /** Natural-scale names of the parameters, nlme's (`Phi`, `Theta1`, `Rho`, `Female`, `power`, …). */
  names: string[];
  /** Start values, unconstrained. */
  start: Float64Array;
  /** Whether each parameter is held at its start (nlme's `fixed`). */
  held: boolean[];
}

/**
 * Resolves nlme-spelled structures against a frame and its data: the correlation groups (by default the
 * random effects' grouping; a given grouping must be that or nested within it, as nlme requires), positions
 * (integer for corAR1, corARMA and corSymm, distinct within a group), variance covariates (no zeros for
 * varPower) and strata. Errors name the part at fault.
 *
 * Reference: nlme's `lme.formula` (grouping of the correlation), `Initialize.corStruct`, `Initialize.varFunc`;
 * Pinheiro & Bates (2000), §5.2–5.3.
 *
 * @example
 *   const r = resolveResidual({correlation: "corAR1(form = ~ Days | Subject)"}, frame, sleepstudy);
 */
export function resolveResidual(options: ResidualOptions, frame: ModelFrame, data: unknown): ResidualStructure {
  const correlation = options.correlation !== undefined ? readCorrelation(options.correlation) : null;
  const variance = options.variance !== undefined ? readVariance(options.variance) : null;
  const source = dataSource(data);
  const n = frame.n;
  const atRows = (values: ArrayLike<unknown>) => Array.from(frame.rows, (r) => values[r]);
  const numeric = (expr: CorrelationSpec["form"]["covariate"], what: string): Float64Array => {
    const text = deparse(expr!);
    const v = evaluateVariable(toVarRef(expr!, text), source);
    if (v.kind !== "numeric") fail(`the ${what} covariate ${quote(text)} is not numeric; give a numeric column`);
    const out = Float64Array.from(atRows(v.values) as number[]);
    const bad = out.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`the ${what} covariate ${quote(text)} is missing or not finite in row ${frame.rows[bad] + 1}; remove the row or fill it in`);
    return out;
  };
  const labels = (names: string[], what: string): string[] => {
    const columns = names.map((name) => {
      if (!source.has(name)) fail(`unknown column ${quote(name)} in the ${what}; the data has ${clip(source.names.slice(0, 20).join(", "))}`);
      return atRows(source.values(name));
    });
    return Array.from({length: n}, (_, r) => columns.map((c) => {
      if (c[r] == null || c[r] === "") fail(`the ${what} grouping ${names.join("/")} is missing in row ${frame.rows[r] + 1}; remove the row or fill it in`);
      return levelLabel(c[r]);
    }).join("\u0000"));
  };
  const order = nlmeOrder(frame);

  let groups: Int32Array[] | null = null, positions: Float64Array | null = null, size = 0, maxLag = 0, nCorrelation = 0;
  const names: string[] = [];
  const start: number[] = [];
  const held: boolean[] = [];
  if (correlation) {
    groups = correlationGroups(correlation, frame, labels);
    const {kind, form} = correlation;
    const integer = kind === "corAR1" || kind === "corARMA" || kind === "corSymm";
    if (form.covariate) positions = numeric(form.covariate, `${kind}'s`);
    else {
      positions = new Float64Array(n);
      for (const g of groups) g.forEach((r, k) => (positions![r] = k + 1));
    }
    for (const g of groups) {
      if (g.length > MAX_CORRELATION_GROUP) fail(`a group of the correlation has ${g.length} rows; ${kind} is fitted for groups of at most ${MAX_CORRELATION_GROUP} rows`);
      const seen = new Set<number>();
      for (const r of g) {
        const t = positions[r];
        if (integer && !Number.isInteger(t)) fail(`the covariate of ${kind} must be whole numbers; it is ${t} in row ${frame.rows[r] + 1} (use corCAR1 for continuous times)`);
        if (seen.has(t)) fail(`duplicate time ${t} within a group of ${kind} (row ${frame.rows[r] + 1}): the covariate ${quote(form.text)} must have unique values within groups`);
        seen.add(t);
      }
      let lo = Infinity, hi = -Infinity;
      for (const r of g) (lo = Math.min(lo, positions[r])), (hi = Math.max(hi, positions[r]));
      maxLag = Math.max(maxLag, hi - lo);
      size = Math.max(size, kind === "corSymm" ? hi : g.length);
    }
    if (kind === "corSymm") {
      for (const g of groups) for (const r of g) if (positions[r] < 1) fail(`the covariate of corSymm must be positions 1, 2, …; it is ${positions[r]} in row ${frame.rows[r] + 1}`);
      if (size > MAX_SYMM_SIZE) fail(`corSymm with ${size} positions has ${(size * (size - 1)) / 2} parameters; it is fitted for at most ${MAX_SYMM_SIZE} positions`);
    }
    const value = correlation.value;
    if (kind === "corARMA") {
      for (let j = 1; j <= correlation.p; j++) names.push(`Phi${j}`);
      for (let j = 1; j <= correlation.q; j++) names.push(`Theta${j}`);
      const ar = value ? toPartials(value.slice(0, correlation.p)) : new Float64Array(correlation.p);
      const ma = value ? toPartials(value.slice(correlation.p).map((t) => -t)) : new Float64Array(correlation.q);
      if ([...ar, ...ma].some((r) => !(Math.abs(r) < 1))) fail(`invalid value in ${quote(correlation.text)}: the ARMA coefficients are not stationary and invertible`);
      start.push(...Array.from(ar, fisher), ...Array.from(ma, fisher));
    } else if (kind === "corSymm") {
      for (let i = 1; i <= size; i++) for (let j = i + 1; j <= size; j++) names.push(`Rho${i}${j}`);
      if (value) {
        if (value.length !== names.length) fail(`invalid value in ${quote(correlation.text)}: ${value.length} numbers for ${names.length} correlations`);
        const C = new Float64Array(size * size);
        let k = 0;
        for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) C[i * size + j] = C[j * size + i] = value[k++];
        for (let i = 0; i < size; i++) C[i * size + i] = 1;
        const u = symmetricUnconstrained(C, size);
        if (u.some((x) => !Number.isFinite(x))) fail(`invalid value in ${quote(correlation.text)}: not a positive-definite correlation matrix`);
        start.push(...u);
      } else start.push(...new Float64Array(names.length));
    } else {
      names.push(kind === "corCompSymm" ? "Rho" : "Phi");
      const v = value?.[0];
      start.push(kind === "corAR1" ? fisher(v ?? 0) : kind === "corCAR1" ? log((v ?? 0.2) / (1 - (v ?? 0.2))) : compSymmUnconstrained(v ?? 0, size));
    }
    nCorrelation = names.length;
    for (let k = 0; k < nCorrelation; k++) held.push(correlation.fixed);
  }

  let covariate: Float64Array | null = null, strata: Int32Array | null = null, strataNames: string[] = [];
  if (variance) {
    const {kind, form} = variance;
    if (form.covariate) covariate = numeric(form.covariate, kind);
    if (form.groups.length) {
      const lab = labels(form.groups, `${kind}'s strata`);
      const first: string[] = [];
      const seen = new Set<string>();
      for (const r of order) if (!seen.has(lab[r])) seen.add(lab[r]), first.push(lab[r]);
      strataNames = first.map((s) => s.split("\u0000").join("/"));
      const index = new Map(first.map((s, k) => [s, k]));
      strata = Int32Array.from(lab, (s) => index.get(s)!);
    }
    const ns = Math.max(strataNames.length, 1);
    if (kind === "varPower" && covariate) {
      const zero = covariate.findIndex((x) => x === 0);
      if (zero >= 0) fail(`the covariate ${quote(deparse(form.covariate!))} of varPower is 0 in row ${frame.rows[zero] + 1}: |v|^δ is 0 there, a zero variance; use varConstPower, or shift the covariate away from 0`);
    }
    if (kind === "varFixed") {
      const bad = covariate!.findIndex((x) => !(x > 0));
      if (bad >= 0) fail(`the covariate ${quote(deparse(form.covariate!))} of varFixed is ${covariate![bad]} in row ${frame.rows[bad] + 1}; varFixed's variances must be positive`);
    }
    const given = variance.value;
    const sub = (k: number) => (strataNames.length ? `.${strataNames[k]}` : "");
    if (kind === "varIdent") {
      if (ns < 2) fail(`${quote(variance.text)} has one stratum only; varIdent needs a grouping with at least two values`);
      for (let k = 1; k < ns; k++) names.push(strataNames[k]);
      if (given && given.length !== ns - 1) fail(`invalid value in ${quote(variance.text)}: ${given.length} ratios for ${ns - 1} strata after the first (${strataNames[0]})`);
      if (given?.some((v) => !(v > 0))) fail(`invalid value in ${quote(variance.text)}: variance ratios are positive`);
      for (let k = 1; k < ns; k++) start.push(log(given ? given[k - 1] : 1));
    } else if (kind === "varPower" || kind === "varExp") {
      for (let k = 0; k < ns; k++) names.push(`${kind === "varPower" ? "power" : "expon"}${sub(k)}`);
      for (let k = 0; k < ns; k++) start.push(given ? given[Math.min(k, given.length - 1)] : 0);
    } else if (kind === "varConstPower") {
      // nlme's order: const of each stratum, then power of each (const.A, const.B, power.A, power.B)
      for (let k = 0; k < ns; k++) names.push(`const${sub(k)}`);
      for (let k = 0; k < ns; k++) names.push(`power${sub(k)}`);
      const constant = variance.constValue;
      for (const [what, v] of [["const", constant], ["power", given]] as const) {
        if (v && v.length !== 1 && v.length !== ns) fail(`invalid ${what} in ${quote(variance.text)}: ${v.length} numbers for ${ns} strata; give one, or one per stratum`);
      }
      for (let k = 0; k < ns; k++) {
        const c = constant ? constant[Math.min(k, constant.length - 1)] : 1;
        if (!(c > 0)) fail(`invalid const in ${quote(variance.text)}: it is positive`);
        start.push(log(c));
      }
      for (let k = 0; k < ns; k++) start.push(given ? given[Math.min(k, given.length - 1)] : 0);
    }
    for (let k = names.length - nCorrelation; k > 0; k--) held.push(variance.fixed);
  }
  const nVariance = names.length - nCorrelation;
  return {
    n, correlation, variance, groups, positions, size, maxLag, covariate, strata, strataNames,
    covariateLevels: covariate ? distinctLevels(covariate) : null,
    lags: correlation?.kind === "corCAR1" ? distinctLags(groups!, positions!) : null,
    markov: correlation?.kind === "corAR1" || correlation?.kind === "corCAR1" ? markovSteps(groups!, positions!) : null,
    sqrtWeights: frame.weights ? frame.weights.map(Math.sqrt) : null,
    logDetWeights: frame.weights ? frame.weights.reduce((a, w) => a + log(w), 0) : 0,
    weights: frame.weights, nCorrelation, nVariance, names, start: Float64Array.from(start), held
  };
}

/**
 * The data columns the residual structures read (covariates and groupings), so that a cache keyed on the
 * model's columns also sees them; the structures are read, not checked against any data.
 *
 * @example
 *   residualColumns({correlation: "corAR1(form = ~ Days | Subject)"}); // ["Days", "Subject"]
 */
export function residualColumns(options: ResidualOptions): string[] {
  const out: string[] = [];
  for (const spec of [options.correlation !== undefined ? readCorrelation(options.correlation) : null, options.variance !== undefined ? readVariance(options.variance) : null]) {
    if (!spec) continue;
    if (spec.form.covariate) out.push(...columnsOf(spec.form.covariate));
    out.push(...spec.form.groups);
  }
  return [...new Set(out)];
}

/**
 * The structure with the variance covariate set to `values` (a variance function of the fitted values: nlme
 * sets its covariate to the fitted values of the last fit, see residual-fit.ts); other structures as they are.
 *
 * Reference: nlme's `update.varFunc` (the covariate `fitted(.)` evaluated on the current fit).
 *
 * @example
 *   const r1 = withCovariate(r, model.usedFitted);
 */
export function withCovariate(r: ResidualStructure, values: Float64Array): ResidualStructure {
  const covariate = Float64Array.from(values);
  return {...r, covariate, covariateLevels: distinctLevels(covariate)};
}

/** The distinct values of a column, log |v| of each, and each row's index. */
function distinctLevels(x: Float64Array): {values: Float64Array; logAbs: Float64Array; index: Int32Array} {
  const map = new Map<number, number>();
  const index = new Int32Array(x.length);
  x.forEach((v, r) => {
    let k = map.get(v);
    if (k === undefined) map.set(v, (k = map.size));
    index[r] = k;
  });
  const values = Float64Array.from(map.keys());
  return {values, logAbs: values.map((v) => (v === 0 ? -Infinity : log(Math.abs(v)))), index};
}

/** Each group's rows in time order and its steps' gaps (indices into the distinct gaps). */
function markovSteps(groups: Int32Array[], t: Float64Array): {order: Int32Array[]; steps: Int32Array[]; gaps: Float64Array} {
  const map = new Map<number, number>();
  const order = groups.map((g) => Int32Array.from(g).sort((a, b) => t[a] - t[b] || a - b));
  const steps = order.map((o) => {
    const out = new Int32Array(Math.max(o.length - 1, 0));
    for (let j = 1; j < o.length; j++) {
      const gap = t[o[j]] - t[o[j - 1]];
      let d = map.get(gap);
      if (d === undefined) map.set(gap, (d = map.size));
      out[j - 1] = d;
    }
    return out;
  });
  return {order, steps, gaps: Float64Array.from(map.keys())};
}

/** corCAR1's distinct lags and each group's pairs into them. */
function distinctLags(groups: Int32Array[], t: Float64Array): {values: Float64Array; pairs: Int32Array[]} {
  const map = new Map<number, number>();
  const pairs = groups.map((g) => {
    const m = g.length, out = new Int32Array((m * (m - 1)) / 2);
    let q = 0;
    for (let j = 1; j < m; j++) {
      for (let k = 0; k < j; k++) {
        const lag = Math.abs(t[g[j]] - t[g[k]]);
        let d = map.get(lag);
        if (d === undefined) map.set(lag, (d = map.size));
        out[q++] = d;
      }
    }
    return out;
  });
  return {values: Float64Array.from(map.keys()), pairs};
}

/** nlme's `lme` sorts the rows by the grouping factors, outer first: the order strata are met in (varIdent's reference). */
function nlmeOrder(frame: ModelFrame): Int32Array {
  const terms = [...frame.terms].sort((a, b) => a.levels.length - b.levels.length);
  const rows = Int32Array.from({length: frame.n}, (_, r) => r);
  return rows.sort((a, b) => {
    for (const t of terms) {
      // the level indices follow the factor's sorted levels, as R's factor (numbers numerically)
      const d = t.refs[a] - t.refs[b];
      if (d) return d;
    }
    return a - b;
  });
}

/**
 * The correlation's groups: those of its form when given, else the random effects' grouping (the one with
 * most levels, within which every term is constant). Every random-effects term must be constant within a
 * group (nlme's rule: the correlation's grouping is the random effects' or nested within it).
 */
function correlationGroups(spec: CorrelationSpec, frame: ModelFrame, labels: (names: string[], what: string) => string[]): Int32Array[] {
  let codes: Int32Array;
  let shown: string;
  const constantWithin = (c: Int32Array, count: number) =>
    frame.terms.every((t) => {
      const level = new Int32Array(count).fill(-1);
      for (let r = 0; r < frame.n; r++) {
        if (level[c[r]] === -1) level[c[r]] = t.refs[r];
        else if (level[c[r]] !== t.refs[r]) return false;
      }
      return true;
    });
  if (spec.form.groups.length) {
    const f = makeFactor(labels(spec.form.groups, "correlation"));
    codes = f.codes;
    shown = spec.form.groups.join("/");
    if (!constantWithin(codes, f.levels.length)) {
      const random = [...new Set(frame.terms.map((t) => t.group))].join(", ");
      fail(`the correlation's grouping ${quote(shown)} in ${quote(spec.text)} is not the random effects' grouping (${random}) nor nested within it, ` +
        `as nlme requires: write the random effects' grouping after "|", as in ~ ${spec.form.covariate ? deparse(spec.form.covariate) : "1"} | ${frame.terms[frame.terms.length - 1].group}`);
    }
  } else {
    const candidates = [...frame.terms].sort((a, b) => b.levels.length - a.levels.length);
    const inner = candidates.find((t) => constantWithin(t.refs, t.levels.length));
    if (!inner) fail(`${quote(spec.text)} has no grouping and the random effects are crossed: give the correlation's grouping after "|", as in ~ 1 | g`);
    codes = inner.refs;
    shown = inner.group;
  }
  const count = Math.max(0, ...codes) + 1;
  const sizes = new Int32Array(count);
  for (const c of codes) sizes[c]++;
  const out = Array.from(sizes, (s) => new Int32Array(s));
  const next = new Int32Array(count);
  for (let r = 0; r < frame.n; r++) out[codes[r]][next[codes[r]]++] = r;
  return out.filter((g) => g.length > 0);
}

/** nlme's unconstrained corCompSymm: `log((ρ + 1/(M − 1))/(1 − ρ))`, M the largest group. */
function compSymmUnconstrained(rho: number, M: number): number {
  const a = M > 1 ? 1 / (M - 1) : 1;
  return log((rho + a) / (1 - rho));
}

/**
 * The natural-scale parameters of the structures from the unconstrained ones, in `names`' order: as nlme's
 * `coef(…, unconstrained = FALSE)`.
 *
 * @example
 *   naturalParameters(r, [0]); // [0] for corAR1 (φ = 0)
 */
export function naturalParameters(r: ResidualStructure, u: ArrayLike<number>): Float64Array {
  const out = new Float64Array(u.length);
  const nc = r.nCorrelation;
  if (r.correlation) {
    const {kind, p} = r.correlation;
    if (kind === "corAR1") out[0] = fisherInverse(u[0]);
    else if (kind === "corCAR1") out[0] = logistic(u[0]);
    else if (kind === "corCompSymm") {
      const a = r.size > 1 ? 1 / (r.size - 1) : 1;
      const e = exp(u[0]);
      out[0] = (e - a) / (e + 1);
    } else if (kind === "corARMA") {
      const partial = Array.from({length: nc}, (_, k) => fisherInverse(u[k]));
      out.set(fromPartials(partial.slice(0, p)), 0);
      out.set(fromPartials(partial.slice(p)).map((t) => -t), p);
    } else {
      const C = symmetricCorrelation(Array.prototype.slice.call(u, 0, nc), r.size);
      let k = 0;
      for (let i = 0; i < r.size; i++) for (let j = i + 1; j < r.size; j++) out[k++] = C[i * r.size + j];
    }
  }
  if (r.variance) {
    const kind = r.variance.kind;
    const ns = Math.max(r.strataNames.length, 1);
    for (let k = nc; k < u.length; k++) out[k] = kind === "varIdent" || (kind === "varConstPower" && k < nc + ns) ? exp(u[k]) : u[k];
  }
  return out;
}

/** The rows of a frame whitened for a residual structure: X's columns, y − offset, and each term's Z. */
export interface WhitenedRows {
  X: Float64Array[];
  y: Float64Array;
  Z: Float64Array[];
  /** log |V^½ C V^½| summed over the groups (prior weights included): the criterion subtracts its negative as log|W|. */
  logDetR: number;
  /** Σ log g over the rows, prior weights included (see {@link geometricMean}). */
  sumLogG?: number;
  /** Scratch: each row's standard-deviation multiplier. */
  g?: Float64Array;
}

/** Buffers for {@link whiten}, allocated once per fit. */
export function whitenedBuffers(frame: ModelFrame): WhitenedRows {
  return {
    X: frame.X.map((x) => new Float64Array(x.length)),
    y: new Float64Array(frame.n),
    Z: frame.terms.map((t) => new Float64Array(t.Z.length)),
    logDetR: 0
  };
}

/**
 * Whitens the rows of a frame for the structures at the unconstrained parameters `u`: per group, the factor
 * `L Lᵀ = V^½ C V^½` (V^½ = diag(g), g the standard-deviation function of the variance structure over √w),
 * and `L⁻¹` applied to the group's rows of X, y − offset and each term's Z; without a correlation structure,
 * each row is divided by g. Writes into `out` and returns false when a factor is not positive definite or a
 * value is not finite.
 *
 * Reference: Pinheiro & Bates (2000), §5.1 (the transformation of the extended linear mixed model to one with
 * independent errors: y* = Λ_i^{-T/2} y_i); nlme's `recalc.corStruct` and `recalc.varFunc`.
 *
 * @example
 *   whiten(r, frame, u, buffers) && fillCrossProducts(A, {...frame, X: buffers.X, …}, null, buffers.y);
 */
export function whiten(r: ResidualStructure, frame: ModelFrame, u: ArrayLike<number>, out: WhitenedRows): boolean {
  const n = frame.n;
  const natural = naturalParameters(r, u);
  const g = out.g ?? (out.g = new Float64Array(n));
  const sumLogG = standardDeviations(r, natural, g);
  out.sumLogG = sumLogG;
  if (!Number.isFinite(sumLogG)) return false;
  const offset = frame.offset ?? null;
  if (!r.groups) {
    for (let row = 0; row < n; row++) {
      const w = 1 / g[row];
      for (let a = 0; a < frame.X.length; a++) out.X[a][row] = frame.X[a][row] * w;
      out.y[row] = (frame.y[row] - (offset ? offset[row] : 0)) * w;
      frame.terms.forEach((t, i) => {
        for (let c = 0; c < t.p; c++) out.Z[i][row * t.p + c] = t.Z[row * t.p + c] * w;
      });
    }
    out.logDetR = 2 * sumLogG;
    return true;
  }
  if (r.markov) {
    out.logDetR = whitenMarkov(r, frame, natural[0], g, out) + 2 * sumLogG;
    return Number.isFinite(out.logDetR);
  }
  const fill = correlationFill(r, natural);
  let logDet = 0;
  let L = new Float64Array(0);
  const columns = frame.X.length + 1 + frame.terms.reduce((a, t) => a + t.p, 0);
  let block = new Float64Array(0);
  r.groups.forEach((rows, gi) => {
    if (!Number.isFinite(logDet)) return;
    const m = rows.length;
    if (L.length < m * m) (L = new Float64Array(m * m)), (block = new Float64Array(m * columns));
    fill(gi, rows, L, m);
    for (let j = 0; j < m; j++) {
      const gj = g[rows[j]];
      for (let k = 0; k <= j; k++) L[j * m + k] *= gj * g[rows[k]];
    }
    if (!cholesky(L, m)) {
      logDet = NaN;
      return;
    }
    // log |L|² from the product of the pivots, logged when it leaves [1e-100, 1e100]
    let product = 1;
    for (let j = 0; j < m; j++) {
      product *= L[j * m + j];
      if (product > 1e100 || product < 1e-100) (logDet += 2 * log(product)), (product = 1);
    }
    logDet += 2 * log(product);
    // the group's rows of [X y Z] as an m × columns block, solved with L at once
    for (let j = 0; j < m; j++) {
      const row = rows[j], o = j * columns;
      let c = 0;
      for (let a = 0; a < frame.X.length; a++) block[o + c++] = frame.X[a][row];
      block[o + c++] = frame.y[row] - (offset ? offset[row] : 0);
      for (const t of frame.terms) for (let b = 0; b < t.p; b++) block[o + c++] = t.Z[row * t.p + b];
    }
    forwardSolveBlock(L, m, block, columns);
    for (let j = 0; j < m; j++) {
      const row = rows[j], o = j * columns;
      let c = 0;
      for (let a = 0; a < frame.X.length; a++) out.X[a][row] = block[o + c++];
      out.y[row] = block[o + c++];
      frame.terms.forEach((t, i) => {
        for (let b = 0; b < t.p; b++) out.Z[i][row * t.p + b] = block[o + c++];
      });
    }
  });
  out.logDetR = logDet;
  return Number.isFinite(logDet);
}

/**
 * The whitening of a Markov correlation (corAR1, corCAR1) in time order, without a factor: with x = v/g,
 * `z₁ = x₁`, `z_j = (x_j − ρ_j x_{j−1})/(1 − ρ_j²)^½`, ρ_j = φ^(t_j − t_{j−1}); returns log|C| = Σ log(1 − ρ_j²).
 * The rows of [X y Z] are written into `out` (any whitening W with WᵀW = R⁻¹ gives the same cross-products).
 *
 * Reference: Pinheiro & Bates (2000), §5.3.1 (corAR1, corCAR1); Harvey (1993), Time Series Models, §3.3 (the
 * Prais–Winsten transformation).
 */
function whitenMarkov(r: ResidualStructure, frame: ModelFrame, phi: number, g: Float64Array, out: WhitenedRows): number {
  const {order, steps, gaps} = r.markov!;
  const whole = gaps.every((gap) => Number.isInteger(gap)) && r.maxLag <= 100_000;
  const phiPowers = whole ? powers(phi, r.maxLag) : null;
  const logPhi = whole ? 0 : log(phi);
  const nd = gaps.length;
  const rho = new Float64Array(nd), scale = new Float64Array(nd);
  let ok = true;
  for (let d = 0; d < nd; d++) {
    rho[d] = phiPowers ? phiPowers[gaps[d]] : exp(gaps[d] * logPhi);
    const q = 1 - rho[d] * rho[d];
    if (!(q > 0)) ok = false;
    scale[d] = 1 / Math.sqrt(q);
  }
  if (!ok) return NaN;
  const logQ = Float64Array.from(rho, (v) => log(1 - v * v));
  const offset = frame.offset ?? null;
  const column = (read: Float64Array, write: Float64Array, stride: number, c: number, minus: Float64Array | null) => {
    for (let gi = 0; gi < order.length; gi++) {
      const o = order[gi], st = steps[gi];
      let prev = 0;
      for (let j = 0; j < o.length; j++) {
        const row = o[j];
        const x = (read[row * stride + c] - (minus ? minus[row] : 0)) / g[row];
        write[row * stride + c] = j === 0 ? x : (x - rho[st[j - 1]] * prev) * scale[st[j - 1]];
        prev = x;
      }
    }
  };
  for (let a = 0; a < frame.X.length; a++) column(frame.X[a], out.X[a], 1, 0, null);
  column(frame.y, out.y, 1, 0, offset);
  frame.terms.forEach((t, i) => {
    for (let c = 0; c < t.p; c++) column(t.Z, out.Z[i], t.p, c, null);
  });
  let logDet = 0;
  for (const st of steps) for (let j = 0; j < st.length; j++) logDet += logQ[st[j]];
  return logDet;
}

/**
 * Each row's residual standard deviation over σ (the variance function over √w, 1 without one), at the
 * unconstrained parameters `u`: residuals divided by σ times these are nlme's Pearson ("standardized
 * within-group") residuals.
 *
 * Reference: nlme's `residuals.lme(type = "pearson")`; Pinheiro & Bates (2000), §5.2.
 *
 * @example
 *   residualScales(model.structure.residual.structure, model.structure.residual.parameters);
 */
export function residualScales(r: ResidualStructure, u: ArrayLike<number>): Float64Array {
  const g = new Float64Array(r.n);
  standardDeviations(r, naturalParameters(r, u), g);
  return g;
}

/**
 * The geometric mean over the rows of the variance function's g at the unconstrained parameters `u`, prior
 * weights left out: exp(Σ log g / n); NaN where a g is not finite and positive. `scratch` (n values) is
 * overwritten.
 *
 * Reference: Pinheiro & Bates (2000), §5.2 (the variance functions g).
 *
 * @example
 *   geometricMeanScale(varPowerByAge, [0.5]); // the geometric mean of √age
 */
export function geometricMeanScale(r: ResidualStructure, u: ArrayLike<number>, scratch = new Float64Array(r.n)): number {
  if (!r.variance) return 1;
  return geometricMean(r, standardDeviations(r, naturalParameters(r, u), scratch));
}

/**
 * The geometric mean of g from Σ log g with the prior weights in it (a {@link whiten}'s `sumLogG`, so that a
 * fit reads it off the whitening it does anyway): exp((Σ log g + ½ Σ log w) / n).
 *
 * @example
 *   whiten(r, frame, u, buffers) && geometricMean(r, buffers.sumLogG!); // geometricMeanScale(r, u)
 */
export function geometricMean(r: ResidualStructure, sumLogG: number): number {
  return exp((sumLogG + 0.5 * r.logDetWeights) / r.n);
}

/** Solves L X = B in place for an m × c row-major block B. */
function forwardSolveBlock(L: Float64Array, m: number, B: Float64Array, c: number): void {
  for (let j = 0; j < m; j++) {
    const oj = j * c;
    for (let k = 0; k < j; k++) {
      const l = L[j * m + k];
      if (l === 0) continue;
      const ok = k * c;
      for (let a = 0; a < c; a++) B[oj + a] -= l * B[ok + a];
    }
    const d = 1 / L[j * m + j];
    for (let a = 0; a < c; a++) B[oj + a] *= d;
  }
}

/**
 * The standard-deviation multiplier g of each row (the variance function over √w) written into `g`, and
 * Σ log g; NaN when a value is not finite and positive. Each function is evaluated once per stratum and
 * distinct covariate value.
 */
function standardDeviations(r: ResidualStructure, natural: Float64Array, g: Float64Array): number {
  const n = g.length;
  const nc = r.nCorrelation;
  let sumLog = 0;
  if (!r.variance) g.fill(1);
  else {
    const {kind} = r.variance;
    const s = r.strata;
    const ns = Math.max(r.strataNames.length, 1);
    const levels = r.covariateLevels;
    const nd = levels ? levels.values.length : 1;
    const gTable = new Float64Array(ns * nd), logTable = new Float64Array(ns * nd);
    for (let k = 0; k < ns; k++) {
      for (let d = 0; d < nd; d++) {
        const [gv, lg] = varianceFunction(r, natural, k, levels ? levels.values[d] : 0, levels ? levels.logAbs[d] : 0);
        gTable[k * nd + d] = gv;
        logTable[k * nd + d] = lg;
      }
    }
    const index = levels?.index;
    for (let row = 0; row < n; row++) {
      const at = (s ? s[row] : 0) * nd + (index ? index[row] : 0);
      g[row] = gTable[at];
      sumLog += logTable[at];
    }
  }
  if (r.sqrtWeights) {
    for (let row = 0; row < n; row++) g[row] /= r.sqrtWeights[row];
    sumLog -= 0.5 * r.logDetWeights;
  }
  for (let row = 0; row < n; row++) if (!(g[row] > 0 && Number.isFinite(g[row]))) return NaN;
  return sumLog;
}

/**
 * The variance function's standard-deviation multiplier g (without prior weights) and log g in stratum `k` at
 * covariate value `v` (`logAbs` = log |v|), at the natural parameters: varIdent's ratio, varPower's |v|^δ,
 * varExp's exp(δ v), varConstPower's c + |v|^δ (const and power per stratum), varFixed's √v.
 *
 * Reference: nlme's `?varIdent`, `?varPower`, `?varExp`, `?varConstPower`, `?varFixed`; Pinheiro & Bates (2000), §5.2.1.
 *
 * @example
 *   varianceFunction(varPowerByAge, [0.5], 0, 4, log(4)); // [2, 0.5 log 4]
 */
function varianceFunction(r: ResidualStructure, natural: ArrayLike<number>, k: number, v: number, logAbs: number): [number, number] {
  const nc = r.nCorrelation;
  const ns = Math.max(r.strataNames.length, 1);
  let lg: number, g: number;
  switch (r.variance!.kind) {
    case "varIdent": return k === 0 ? [1, 0] : [natural[nc + k - 1], log(natural[nc + k - 1])];
    case "varPower": return [exp((lg = natural[nc + k] * logAbs)), lg];
    case "varExp": return [exp((lg = natural[nc + k] * v)), lg];
    case "varConstPower": return [(g = natural[nc + k] + exp(natural[nc + ns + k] * logAbs)), log(g)];
    default: return [Math.sqrt(v), 0.5 * logAbs];
  }
}

/**
 * The variance function's standard-deviation multiplier g at new rows (unit prior weight): each row's stratum
 * (an index into `strataNames`, 0 without strata) and covariate value, at the unconstrained parameters `u`.
 * With g, a new row's residual variance is σ² g².
 *
 * Reference: Pinheiro & Bates (2000), §5.2 (Var(ε_ij) = σ² g²(v_ij, δ)).
 *
 * @example
 *   varianceScalesAt(r, u, Int32Array.of(0, 1), Float64Array.of(8, 14)); // g of two new rows
 */
export function varianceScalesAt(r: ResidualStructure, u: ArrayLike<number>, strata: Int32Array, covariate: Float64Array): Float64Array {
  const natural = naturalParameters(r, u);
  return Float64Array.from(strata, (k, j) => {
    const v = covariate[j];
    return r.variance ? varianceFunction(r, natural, k, v, v === 0 ? -Infinity : log(Math.abs(v)))[0] : 1;
  });
}

/** Writes each group's correlation matrix (lower triangle, m × m) at the natural parameters. */
function correlationFill(r: ResidualStructure, natural: Float64Array): (group: number, rows: Int32Array, L: Float64Array, m: number) => void {
  const {kind, p, q} = r.correlation!;
  const positions = r.positions!;
  if (kind === "corCAR1") {
    const logPhi = log(natural[0]);
    const lags = r.lags!;
    // whole-number lags (times in days, weeks, …) by repeated products, the others by exp
    const whole = lags.values.every((lag) => Number.isInteger(lag)) && r.maxLag <= 100_000;
    const phiPowers = whole ? powers(natural[0], r.maxLag) : null;
    const table = lags.values.map((lag) => (phiPowers ? phiPowers[lag] : exp(lag * logPhi)));
    return (group, _rows, L, m) => {
      const pairs = lags.pairs[group];
      let qi = 0;
      for (let j = 0; j < m; j++) {
        L[j * m + j] = 1;
        for (let k = 0; k < j; k++) L[j * m + k] = table[pairs[qi++]];
      }
    };
  }
  let c: (a: number, b: number) => number;
  if (kind === "corCompSymm") c = () => natural[0];
  else if (kind === "corSymm") {
    const M = r.size, C = new Float64Array(M * M);
    let k = 0;
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) C[i * M + j] = C[j * M + i] = natural[k++];
    c = (a, b) => C[(a - 1) * M + (b - 1)];
  } else {
    const rho = kind === "corAR1" ? powers(natural[0], r.maxLag) : armaAutocorrelation(natural.subarray(0, p), natural.subarray(p, p + q), r.maxLag);
    c = (a, b) => rho[Math.abs(a - b)];
  }
  return (_group, rows, L, m) => {
    for (let j = 0; j < m; j++) {
      L[j * m + j] = 1;
      const tj = positions[rows[j]];
      for (let k = 0; k < j; k++) L[j * m + k] = c(tj, positions[rows[k]]);
    }
  };
}

/** φ⁰ … φ^maxLag by repeated products (φ may be negative). */
function powers(phi: number, maxLag: number): Float64Array {
  const out = new Float64Array(maxLag + 1);
  out[0] = 1;
  for (let h = 1; h <= maxLag; h++) out[h] = out[h - 1] * phi;
  return out;
}

/**
 * The natural coefficients by name, correlation and variance apart, as nlme's
 * `coef(m$modelStruct$corStruct, unconstrained = FALSE)` and `coef(m$modelStruct$varStruct, unconstrained = FALSE)`.
 *
 * @example
 *   structureCoefficients(r, u).corStruct; // {Phi: 0.76}
 */
export function structureCoefficients(r: ResidualStructure, u: ArrayLike<number>): {corStruct: Record<string, number> | null; varStruct: Record<string, number> | null} {
  const natural = naturalParameters(r, u);
  const pick = (from: number, to: number) => Object.fromEntries(r.names.slice(from, to).map((name, k) => [name, natural[from + k]]));
  return {
    corStruct: r.correlation ? pick(0, r.nCorrelation) : null,
    varStruct: r.variance ? pick(r.nCorrelation, r.names.length) : null
  };
}
