/**
 * A model's structure from cross-products a SQL engine computes where the rows are: the rows' columns as
 * SQL (rows.ts, design.ts), then `[Z X y]ᵀ W [Z X y]` as aggregate queries (one over all rows, one per
 * random-effects term grouped by its levels, one per pair of terms grouped by both), read back into the
 * blocked form (lmm/blocks.ts) that the in-memory fit builds from its rows. The fit itself (factor,
 * optimizer, model) is then the same code.
 *
 * Reference: Bates et al. (2015), JSS 67(1), eq. 18 and §3.1 (the blocked cross-products).
 */
import {clip, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {termNames, termOrder, type ColumnMoments, type ModelFrame, type QueryRecord, type RandomTerm} from "../frame/frame.js";
import type {FrameVariable} from "../frame/design.js";
import {makeFactor} from "../frame/factor.js";
import type {BlockSparse, Blocked, TermSize} from "../lmm/blocks.js";
import type {MixedModelStructure} from "../lmm/structure.js";
import {aliasedFromGram} from "./aliased.js";
import {errorText, isOurs, type SqlConnection, type SqlResult} from "./connection.js";
import {product, sqlDesign, type SqlColumn} from "./design.js";
import {designVariables, factorLevels, rowsCte, rowsPlan, type FactorLevels, type RowsPlan} from "./rows.js";
import {relation as relationOf, type SqlSource} from "./source.js";

/** Options of a structure from SQL. */
export interface SqlStructureOptions {
  REML: boolean;
  weights?: string;
  naAction?: "omit" | "exclude" | "fail";
  /** Called before each query with its purpose and its number among those run so far. */
  onQuery?: (progress: {query: number; purpose: string}) => void;
  signal?: AbortSignal;
}

/** Most aggregate columns one query may ask for (the cross-products of about 170 model-matrix columns). */
const MAX_AGGREGATES = 15_000;
/** Most levels a factor of the fixed effects may have (each level is a bound value and a column). */
const MAX_FIXED_LEVELS = 1000;

/**
 * The structure of a linear mixed model whose rows are in a database.
 *
 * @example
 *   const s = await sqlStructure(formula("y ~ x + (x | g)"), {connection, parquet: "big.parquet"}, {REML: true});
 *   s.frame.aggregated!.queries.length; // 4: columns, rows, all rows' sums, the term's sums
 */
export async function sqlStructure(spec: ModelSpec, source: SqlSource, options: SqlStructureOptions): Promise<MixedModelStructure> {
  const {connection} = source;
  const relation = relationOf(source);
  const queries: QueryRecord[] = [];
  const run = async (purpose: string, sql: string, params: unknown[], failure?: (message: string) => string): Promise<SqlResult> => {
    options.signal?.throwIfAborted();
    options.onQuery?.({query: queries.length + 1, purpose});
    const t0 = performance.now();
    let result: SqlResult;
    try {
      result = await connection.query(sql, params);
    } catch (error) {
      if (isOurs(error)) throw error;
      const message = clip(errorText(error).replace(/\s*\n\s*/g, " "), 240);
      return fail(failure ? failure(message) : `${clip(connection.engine, 40)} could not run the ${purpose} of ${relation.label}: ${message}`);
    }
    queries.push({sql, params, rows: result.rows.length, milliseconds: performance.now() - t0});
    return result;
  };
  if (spec.random.length === 0) fail(`no random-effects terms in ${JSON.stringify(clip(spec.text))}; add one such as (1 | group)`);
  const naAction = options.naAction ?? "omit";
  if (naAction === "exclude") fail(`naAction "exclude" pads per-row results, which a fit from SQL does not return (the rows stay in the database); use "omit" or "fail"`);
  if (naAction !== "omit" && naAction !== "fail") fail(`invalid naAction: ${JSON.stringify(clip(String(naAction), 40))}; use "omit" or "fail"`);

  const described = await run("query of its columns", `SELECT * FROM ${relation.sql} AS "lmm_source" LIMIT 0`, relation.params,
    (message) => `cannot read ${relation.label} with ${clip(connection.engine, 40)}: ${message}; check the name of the table (and its schema), the query or the file`);
  const columns = new Map(described.columns.map((c) => [c.name, c.type]));
  const plan = rowsPlan(spec, columns, relation, options.weights);

  const sourceRows = Number((await run("count of its rows", `SELECT COUNT(*) FROM ${relation.sql} AS "lmm_source"`, relation.params)).rows[0][0]);
  const plain = rowsCte(plan, null);
  const levels = new Map<string, FactorLevels>();
  for (const [label, v] of plan.variables) {
    if (v.kind !== "factor") continue;
    const result = await run(`query of the levels of ${label}`, `${plain.sql} SELECT DISTINCT ${v.alias} FROM "lmm_rows"`, plain.params);
    const found = factorLevels(result.rows.map((r) => r[0]), label);
    if (found.labels.length > MAX_FIXED_LEVELS) fail(`the factor ${clip(label, 60)} has ${found.labels.length} levels; a factor among the variables of a fit from SQL may have at most ${MAX_FIXED_LEVELS}: make it a grouping factor (1 | ${clip(label, 40)})`);
    levels.set(label, found);
  }
  const cte = rowsCte(plan, levels);
  const variables = designVariables(plan, levels);
  const X = sqlDesign(spec.intercept, spec.terms, variables);
  const randomColumns = spec.random.map((r) => sqlDesign(r.intercept, r.terms, variables));
  randomColumns.forEach((cols, i) => {
    if (cols.length === 0) fail(`random-effects term (${clip(spec.random[i].text)}) has no columns; keep its intercept or add a variable`);
  });

  // all rows: n, [X y]ᵀW[X y] (lower triangle), the moments of X and of each random-effects column, the weights
  // each weighted sum multiplies the two columns' values each times √w, as lmm/crossproducts.ts does, so that the
  // sums are those of the rows in memory
  const weighted = (e: string) => (plan.weights ? `(${e} * SQRT(${plan.weights.alias}))` : e);
  const cross = (a: string, b: string) => `SUM(${weighted(a)} * ${weighted(b)})`;
  const xy = [...X.map((c) => product(c.factors)), plan.response];
  const px = xy.length;
  const sums: string[] = ["COUNT(*)"];
  for (let a = 0; a < px; a++) for (let b = 0; b <= a; b++) sums.push(cross(xy[a], xy[b]));
  const momentColumns = [...X, ...randomColumns.flat()].map((c) => product(c.factors));
  for (const c of momentColumns) sums.push(`SUM(${c})`, `SUM(${c} * ${c})`, `SUM(CASE WHEN ${c} = 0 OR ${c} = 1 THEN 0 ELSE 1 END)`);
  if (plan.weights) sums.push(`MIN(${plan.weights.alias})`, `SUM(LN(${plan.weights.alias}))`);
  checkSize(sums.length);
  const total = (await run("sums over all rows", `${cte.sql} SELECT ${sums.join(", ")} FROM "lmm_rows"`, cte.params)).rows[0].map(Number);
  const n = total[0];
  if (!(n > 0)) fail(`no complete rows: every row of ${relation.label} has a missing value in a column of ${JSON.stringify(clip(spec.text))}; fill in the values or use fewer columns`);
  const dropped = sourceRows - n;
  if (naAction === "fail" && dropped > 0) fail(`${dropped} row${dropped > 1 ? "s" : ""} of ${relation.label} ha${dropped > 1 ? "ve" : "s"} a missing value in a column of the model, which naAction "fail" refuses; fill in the values, or leave naAction out to omit them`);
  const gram = new Float64Array(px * px);
  let k = 1;
  for (let a = 0; a < px; a++) for (let b = 0; b <= a; b++) gram[a * px + b] = total[k++];
  const moments: ColumnMoments[] = momentColumns.map(() => ({sum: total[k++], sumSquares: total[k++], binary: total[k++] === 0}));
  let logDetW = 0;
  if (plan.weights) {
    const minimum = total[k++];
    if (!(minimum > 0)) fail(`invalid weights: the column ${clip(options.weights!)} holds ${minimum}; weights must be positive`);
    logDetW = total[k++];
  }
  const fixedMoments = moments.slice(0, X.length);
  let offset = X.length;
  const randomMoments = randomColumns.map((cols) => moments.slice(offset, (offset += cols.length)));

  // aliased fixed-effect columns, from the Gram matrix of X (the leading block of [X y]ᵀ[X y])
  const aliased = aliasedFromGram(gram, X.length, 1e-7, px);
  const keep = X.map((_, j) => !aliased.includes(j));
  const keptX = X.filter((_, j) => keep[j]);
  const keptXy = [...keptX.map((c) => product(c.factors)), plan.response];
  const warnings: string[] = [];
  if (dropped > 0) warnings.push(`${dropped} row${dropped > 1 ? "s" : ""} with missing values dropped`);
  if (aliased.length) {
    warnings.push(`fixed-effect model matrix is rank deficient so dropping ${aliased.length} column${aliased.length > 1 ? "s" : ""}: ${aliased.map((j) => X[j].name).join(", ")}`);
  }
  const p = keptX.length;
  const xyXy = new Float64Array((p + 1) * (p + 1));
  const rowsKept = [...keep.flatMap((kp, j) => (kp ? [j] : [])), px - 1];
  rowsKept.forEach((a, i) => rowsKept.forEach((b, j) => {
    if (j <= i) xyXy[i * (p + 1) + j] = gram[a * px + b];
  }));

  // each random-effects term grouped by its levels: Z'WZ's diagonal blocks and [X y]'WZ
  const built: {spec: ModelSpec["random"][number]; index: number; cols: SqlColumn[]; grouping: Grouping; rows: unknown[][]}[] = [];
  for (const [index, r] of spec.random.entries()) {
    const cols = randomColumns[index];
    const q = cols.length;
    const groupAliases = r.group.map((g) => plan.groups.get(g)!.alias);
    const z = cols.map((c) => product(c.factors));
    const select = [...groupAliases];
    // the lower triangle of each level's block (z_a z_b and z_b z_a are the same products)
    for (let a = 0; a < q; a++) for (let b = 0; b <= a; b++) select.push(cross(z[a], z[b]));
    for (const v of keptXy) for (let a = 0; a < q; a++) select.push(cross(v, z[a]));
    checkSize(select.length);
    const result = await run(`sums by the levels of ${r.groupLabel}`, `${cte.sql} SELECT ${select.join(", ")} FROM "lmm_rows" GROUP BY ${groupAliases.join(", ")}`, cte.params);
    const grouping = groupingOf(result.rows, r.group.length, r.groupLabel);
    built.push({spec: r, index, cols, grouping, rows: result.rows});
  }
  for (const t of built) {
    const l = t.grouping.levels.length, p = t.cols.length;
    if (l < 2) fail(`grouping factor ${t.spec.groupLabel} has ${l} level; a grouping factor needs at least 2 levels`);
    if (l >= n) fail(`grouping factor ${t.spec.groupLabel} has ${l} levels for ${n} observations; the number of levels must be less than the number of observations`);
    if (l * p >= n) fail(`term (${clip(t.spec.text)}) has ${l * p} random effects for ${n} observations; the random effects and the residual variance are unidentifiable: simplify the term`);
  }
  const order = termOrder(built.map((t) => t.grouping.levels.length));
  const names = termNames(order.map((i) => built[i].spec.groupLabel));
  const terms = order.map((i) => built[i]);
  const sizes: TermSize[] = terms.map((t) => ({p: t.cols.length, l: t.grouping.levels.length, q: t.cols.length * t.grouping.levels.length}));

  const zzDiag = terms.map((t, i) => {
    const {p, l} = sizes[i];
    const out = new Float64Array(l * p * p);
    for (const row of t.rows) {
      const h = t.grouping.levelOf(row);
      let e = t.spec.group.length;
      for (let a = 0; a < p; a++) {
        for (let b = 0; b <= a; b++) out[h * p * p + a * p + b] = out[h * p * p + b * p + a] = Number(row[e++]);
      }
    }
    return out;
  });
  const xyZ = terms.map((t, i) => {
    const {p, q} = sizes[i];
    const out = new Float64Array((keptXy.length) * q);
    const first = t.spec.group.length + (p * (p + 1)) / 2;
    for (const row of t.rows) {
      const h = t.grouping.levelOf(row);
      for (let c = 0; c < keptXy.length; c++) for (let a = 0; a < p; a++) out[c * q + h * p + a] = Number(row[first + c * p + a]);
    }
    return out;
  });

  // each pair of terms grouped by both: Z_i'WZ_j
  const zzBelowFirst: BlockSparse[] = [];
  const zzOffDiagonal: Float64Array[][] = [];
  for (let i = 1; i < terms.length; i++) {
    zzOffDiagonal[i] = [];
    for (let j = 0; j < i; j++) {
      const ti = terms[i], tj = terms[j];
      const groupCols = [...new Set([...ti.spec.group, ...tj.spec.group])];
      const aliases = groupCols.map((g) => plan.groups.get(g)!.alias);
      const zi = ti.cols.map((c) => product(c.factors)), zj = tj.cols.map((c) => product(c.factors));
      const select = [...aliases];
      for (const a of zi) for (const b of zj) select.push(cross(a, b));
      const result = await run(`sums by the levels of ${ti.spec.groupLabel} and ${tj.spec.groupLabel}`,
        `${cte.sql} SELECT ${select.join(", ")} FROM "lmm_rows" GROUP BY ${aliases.join(", ")}`, cte.params);
      const at = (t: typeof ti) => t.spec.group.map((g) => groupCols.indexOf(g));
      const hi = levelsOf(ti.grouping, result.rows, at(ti)), gj = levelsOf(tj.grouping, result.rows, at(tj));
      const bs = sizes[i].p * sizes[j].p;
      const values = new Float64Array(result.rows.length * bs);
      result.rows.forEach((row, k) => {
        for (let e = 0; e < bs; e++) values[k * bs + e] = Number(row[groupCols.length + e]);
      });
      if (j === 0) zzBelowFirst[i] = blockSparse(hi, gj, values, sizes[i], sizes[0]);
      else {
        const out = new Float64Array(sizes[i].q * sizes[j].q);
        const pi = sizes[i].p, pj = sizes[j].p, qj = sizes[j].q;
        for (let k = 0; k < hi.length; k++) {
          for (let a = 0; a < pi; a++) for (let b = 0; b < pj; b++) out[(hi[k] * pi + a) * qj + gj[k] * pj + b] = values[k * bs + a * pj + b];
        }
        zzOffDiagonal[i][j] = out;
      }
    }
  }
  const zzDiagonal: Float64Array[] = [];
  for (let i = 1; i < terms.length; i++) zzDiagonal[i] = zzDiag[i];
  const A: Blocked = {sizes, nFixed: p, zzFirst: zzDiag[0], zzBelowFirst, zzDiagonal, zzOffDiagonal, xyZ, xyXy};
  const arrays = [A.zzFirst, A.xyXy, ...zzDiag, ...xyZ, ...zzBelowFirst.slice(1).map((s) => s.values), ...zzOffDiagonal.flat()];
  if (!arrays.every((a) => a.every(Number.isFinite))) {
    fail(`the cross-products ${clip(connection.engine, 40)} computed over ${relation.label} are not finite: a column of the model holds an infinite value, or its squares (times the weights) overflow; rescale it or leave those rows out`);
  }

  const randomTerms: RandomTerm[] = terms.map((t, k) => ({
    name: names[k], group: t.spec.groupLabel, levels: t.grouping.levels, refs: new Int32Array(0), p: t.cols.length,
    names: t.cols.map((c) => c.name), Z: new Float64Array(0), text: t.spec.text, spec: t.index
  }));
  const fixedVariables = new Map<string, FrameVariable>();
  for (const v of spec.terms.flatMap((t) => t.vars)) {
    const d = variables.get(v.label)!;
    fixedVariables.set(v.label, d.kind === "numeric" ? {kind: "numeric", values: new Float64Array(0)} : {kind: "factor", factor: {levels: d.levels, codes: new Int32Array(0)}});
  }
  const frame: ModelFrame = {
    spec, n, rows: new Int32Array(0), sourceRows, naAction, responseName: spec.response.label, y: new Float64Array(0),
    X: keptX.map(() => new Float64Array(0)), xNames: keptX.map((c) => c.name), dropped: aliased.map((j) => X[j].name),
    assign: keptX.map((c: SqlColumn) => c.assign), fixedVariables, offset: null, weights: null, terms: randomTerms, warnings,
    aggregated: {engine: connection.engine, queries, fixedMoments: fixedMoments.filter((_, j) => keep[j]), randomMoments: order.map((i) => randomMoments[i])}
  };
  return {frame, A, logDetW, REML: options.REML};
}

function checkSize(aggregates: number): void {
  if (aggregates > MAX_AGGREGATES) fail(`the model needs ${aggregates} sums in one query; a fit from SQL takes at most ${MAX_AGGREGATES}: use fewer fixed-effect columns (factors with many levels as grouping factors)`);
}

/** A grouping factor's levels from the rows of a query grouped by its columns, and the level of a row's values. */
interface Grouping {
  levels: string[];
  levelOf(row: readonly unknown[]): number;
}

/**
 * The levels of the grouping factor `g1:g2:…` found in the result rows (each row one combination of the
 * columns' values, the first `width` values of the row): each column's levels as {@link makeFactor} sorts
 * them, the combinations ordered with the first column varying slowest (frame/factor.ts's `interaction`).
 */
function groupingOf(rows: readonly unknown[][], width: number, label: string): Grouping {
  const components = Array.from({length: width}, (_, c) => {
    const distinct = [...new Set(rows.map((r) => r[c]))];
    for (const v of distinct) if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") fail(`the grouping factor ${clip(label, 60)} has a value the engine gave as ${typeof v}; cast the column to text in a query`);
    const f = makeFactor(distinct);
    const code = new Map<unknown, number>();
    distinct.forEach((v, k) => code.set(v, f.codes[k]));
    return {levels: f.levels, code};
  });
  if (width === 1) {
    // one column: its levels are the grouping factor's (the common case, without tuples)
    const {levels, code} = components[0];
    return {
      levels,
      levelOf(row) {
        const l = code.get(row[0]);
        if (l === undefined) changed(label);
        return l;
      }
    };
  }
  const key = (row: readonly unknown[]) => components.map((c, k) => c.code.get(row[k])!);
  const tuples = rows.map(key).sort((a, b) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  });
  const index = new Map(tuples.map((t, l) => [t.join(","), l]));
  const levels = tuples.map((t) => t.map((c, k) => components[k].levels[c]).join(":"));
  return {
    levels,
    levelOf(row) {
      const l = index.get(key(row).join(","));
      if (l === undefined) changed(label);
      return l;
    }
  };
}

function changed(label: string): never {
  return fail(`a level of ${clip(label, 60)} appeared in one query and not in another; the source's rows changed during the fit: fit from a table that does not change, or a snapshot`);
}

/** The level of each result row of a grouping, its columns at `indices` of the row. */
function levelsOf(grouping: Grouping, rows: readonly unknown[][], indices: number[]): Int32Array {
  const out = new Int32Array(rows.length);
  const single = indices.length === 1 ? [undefined] as unknown[] : null;
  rows.forEach((row, k) => {
    if (single) single[0] = row[indices[0]];
    out[k] = grouping.levelOf(single ?? indices.map((c) => row[c]));
  });
  return out;
}

/**
 * Z_iᵀWZ₀ as the block-sparse matrix of lmm/blocks.ts from its blocks (row level `h[k]`, column level `g[k]`,
 * values `values[k·bs …]`): by column level of term 0 (a counting sort), row levels ascending within each.
 */
function blockSparse(h: Int32Array, g: Int32Array, values: Float64Array, si: TermSize, s0: TermSize): BlockSparse {
  const pr = si.p, pc = s0.p, bs = pr * pc, m = h.length;
  const colPtr = new Int32Array(s0.l + 1);
  for (let k = 0; k < m; k++) colPtr[g[k] + 1]++;
  for (let c = 0; c < s0.l; c++) colPtr[c + 1] += colPtr[c];
  const next = colPtr.slice(0, s0.l);
  const order = new Int32Array(m);
  for (let k = 0; k < m; k++) order[next[g[k]]++] = k;
  for (let c = 0; c < s0.l; c++) order.subarray(colPtr[c], colPtr[c + 1]).sort((a, b) => h[a] - h[b]);
  const rowLevel = new Int32Array(m);
  const sorted = new Float64Array(m * bs);
  order.forEach((k, at) => {
    rowLevel[at] = h[k];
    sorted.set(values.subarray(k * bs, k * bs + bs), at * bs);
  });
  return {pr, pc, colPtr, rowLevel, values: sorted};
}
