import {Matrix, QrDecomposition} from "ml-matrix";
import {fail} from "../../errors.js";
import {zapsmall} from "../../rformat/format-r.js";
import {fixedTerms} from "./fixed-terms.js";
import {typeOneHypotheses, type HypothesesFrame, type TermHypothesis} from "./hypotheses-type1.js";
import {overparameterizedDesign} from "./overparameterized-design.js";

/** lm.fit's tolerance for a column that depends on the columns before it. */
const RANK_TOL = 1e-7;
/** A hypothesis row whose absolute values sum to at most this is dropped (lmerTest's rule). */
const ZERO_ROW = 1e-8;

/**
 * Type III hypotheses, as lmerTest's `get_contrasts_type3` for treatment-coded factors: with D the
 * over-parameterized design ({@link overparameterizedDesign}), each column of D is written in X's columns,
 * `B = X⁺D` (least squares; D lies in X's column space), and `Lfull = Bᵀ` (zapped to 7 significant digits).
 * Then, terms taken from the highest degree down, a term's columns of Lfull are replaced by their residuals
 * after projection on the columns of the terms that contain it (lmerTest's containment, see
 * {@link fixedTerms}), making them orthogonal to the higher-order terms over the cells. The rows of Lfull at
 * the names of X's columns give a p × p matrix M; a term's hypothesis has one row per column j of the term,
 * `M[·, j]`, rows with nothing in them dropped. With one term (or one column) these are the type I
 * hypotheses. Missing cells (a column of D of zeros) give a warning, as lmerTest's message.
 *
 * Reference: Goodnight (1980), "Tests of hypotheses in fixed effects linear models", Communications in
 * Statistics A 9(2), 167–180 (type III as hypotheses orthogonal to containing effects); Searle (1987), Linear
 * Models for Unbalanced Data, §4; Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   typeThreeHypotheses(frame).find((h) => h.term === "temp")!.L; // [[0, 0, 0, 1, 1/3, 1/3]] for recipe * temp
 */
export function typeThreeHypotheses(frame: HypothesesFrame, warnings: string[] = []): TermHypothesis[] {
  const terms = fixedTerms(frame);
  const p = frame.X.length;
  if (p <= 1 || terms.labels.length <= 1) return typeOneHypotheses(frame);
  const design = overparameterizedDesign(frame);
  const m = design.names.length;
  const empty = design.names.filter((_, k) => design.columns[k].every((v) => v === 0));
  if (empty.length) warnings.push(`missing cells for: ${empty.join(", ")}; interpret type III hypotheses with care`);

  const X = columnMatrix(frame.X, frame.n);
  const B = new QrDecomposition(X).solve(columnMatrix(design.columns, frame.n)); // p × m
  const flat = zapsmall(B.to1DArray());
  // Lfull[r][j]: row r of D's columns, column j of X's
  const Lfull = Array.from({length: m}, (_, r) => Array.from({length: p}, (_, j) => flat[j * m + r]));

  const order = terms.labels.map((_, t) => t).sort((a, b) => terms.degree[b] - terms.degree[a] || a - b);
  for (const t of order) {
    const containers = terms.containers[t];
    if (containers.length === 0) continue;
    const basis = containers.flatMap((u) => terms.columns[u]).map((j) => Lfull.map((row) => row[j]));
    const own = terms.columns[t];
    const residuals = zapsmall(own.flatMap((j) => projectOut(Lfull.map((row) => row[j]), basis)));
    own.forEach((j, k) => Lfull.forEach((row, r) => (row[j] = residuals[k * m + r])));
  }

  const rowOf = frame.xNames.map((name) => {
    const r = design.names.indexOf(name);
    if (r < 0) fail(`internal error: fixed effect ${name} is not a column of the over-parameterized design (${design.names.join(", ")})`);
    return r;
  });
  return terms.labels.map((term, t) => ({
    term,
    L: terms.columns[t]
      .map((j) => rowOf.map((r) => Lfull[r][j]))
      .filter((row) => row.reduce((s, v) => s + Math.abs(v), 0) > ZERO_ROW)
  }));
}

/** Columns as an n × k ml-matrix. */
function columnMatrix(columns: readonly Float64Array[], n: number): Matrix {
  const M = new Matrix(n, columns.length);
  columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) M.set(i, j, c[i]);
  });
  return M;
}

/**
 * The residual of `y` after least-squares projection on the span of `columns`, as lm.fit's residuals: columns
 * are orthonormalized in order (Gram–Schmidt, twice), one whose remaining norm is below 1e-7 of its own norm
 * depending on those before it and left out.
 *
 * Reference: Björck (1996), Numerical Methods for Least Squares Problems, §2.4 (modified Gram–Schmidt with
 * reorthogonalization); R Core Team, `?lm.fit` (tol = 1e-7).
 */
function projectOut(y: number[], columns: number[][]): number[] {
  const basis: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const remove = (v: number[]) => {
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        const c = dot(q, v);
        for (let i = 0; i < v.length; i++) v[i] -= c * q[i];
      }
    }
  };
  for (const column of columns) {
    const norm = Math.sqrt(dot(column, column));
    if (norm === 0) continue;
    const v = column.slice();
    remove(v);
    const rest = Math.sqrt(dot(v, v));
    if (rest <= RANK_TOL * norm) continue;
    basis.push(v.map((x) => x / rest));
  }
  const r = y.slice();
  remove(r);
  return r;
}
