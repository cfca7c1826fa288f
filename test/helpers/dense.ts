/**
 * Dense, first-principles computations of a linear mixed model for tests: the marginal Gaussian model
 * `y ~ N(Xβ + offset, σ² V)` with `V = W⁻¹ + ZΛΛᵀZᵀ`, built as an n × n matrix with ml-matrix and
 * factored directly. Nothing here uses the engine's blocked cross-products, its factor or its PLS
 * solution, so agreement with a fit is an independent check. Meant for n ≤ ~1000 (an n × n Cholesky).
 *
 * With `r = y − offset − Xβ̂` (β̂ the GLS estimate) and `r² = rᵀV⁻¹r`:
 * - ML (σ² profiled out, σ̂² = r²/n): `d(θ) = log|V| + n (1 + log(2π r²/n))`;
 * - REML (σ̂² = r²/(n−p)): `d_R(θ) = log|V| + log|XᵀV⁻¹X| + (n−p)(1 + log(2π r²/(n−p)))`;
 * - conditional modes `b̃ = ΛΛᵀZᵀV⁻¹r`, `Var(β̂) = σ̂² (XᵀV⁻¹X)⁻¹`.
 */
import {CholeskyDecomposition, Matrix} from "ml-matrix";
import type {ModelFrame} from "../../src/frame/frame.js";
import type {Blocked} from "../../src/lmm/blocks.js";

/** One random-effects term: per row its level (`refs`) and its `p` model-matrix values (`Z`, n × p row-major). */
export interface DenseTerm {
  p: number;
  levels: number;
  refs: ArrayLike<number>;
  Z: ArrayLike<number>;
}

/** A model in plain arrays: the response, the fixed-effect columns and the random-effects terms. */
export interface DenseModel {
  y: ArrayLike<number>;
  /** Fixed-effect columns, each of length n. */
  X: ArrayLike<number>[];
  terms: DenseTerm[];
  weights?: ArrayLike<number> | null;
  offset?: ArrayLike<number> | null;
}

/** The dense quantities of a model at θ. */
export interface DenseFit {
  /** The REML criterion. */
  reml: number;
  /** The profiled ML deviance. */
  ml: number;
  beta: number[];
  /** σ̂ for the REML (`sigmaREML`) and ML (`sigmaML`) profiles. */
  sigmaREML: number;
  sigmaML: number;
  r2: number;
  logDetV: number;
  logDetXVX: number;
  /** Conditional modes per term, level-major (as the model's `b`). */
  b: number[][];
  /** (XᵀV⁻¹X)⁻¹, to be scaled by σ̂². */
  unscaledVcov: number[][];
}

/** The model matrices of an engine frame as a {@link DenseModel} (to check the engine's algebra, not its frame). */
export function denseFromFrame(frame: ModelFrame): DenseModel {
  return {
    y: frame.y,
    X: frame.X,
    terms: frame.terms.map((t) => ({p: t.p, levels: t.levels.length, refs: t.refs, Z: t.Z})),
    weights: frame.weights,
    offset: frame.offset
  };
}

/** The `p × p` lower-triangular templates of θ, filled column by column (lme4's order). */
export function thetaTemplates(terms: {p: number}[], theta: ArrayLike<number>): number[][][] {
  let k = 0;
  const out = terms.map(({p}) => {
    const T = Array.from({length: p}, () => new Array<number>(p).fill(0));
    for (let c = 0; c < p; c++) for (let r = c; r < p; r++) T[r][c] = theta[k++];
    return T;
  });
  if (k !== theta.length) throw new Error(`theta has ${theta.length} values, the terms need ${k}`);
  return out;
}

/** The full n × q random-effects model matrix Z (columns: term by term, level-major within a term). */
export function denseZ(model: DenseModel): Matrix {
  const n = model.y.length;
  const q = model.terms.reduce((s, t) => s + t.p * t.levels, 0);
  const Z = new Matrix(n, q);
  let off = 0;
  for (const t of model.terms) {
    for (let r = 0; r < n; r++) for (let c = 0; c < t.p; c++) Z.set(r, off + t.refs[r] * t.p + c, t.Z[r * t.p + c]);
    off += t.p * t.levels;
  }
  return Z;
}

/** The q × q block-diagonal relative covariance factor Λ_θ. */
export function denseLambda(model: DenseModel, theta: ArrayLike<number>): Matrix {
  const q = model.terms.reduce((s, t) => s + t.p * t.levels, 0);
  const L = new Matrix(q, q);
  const T = thetaTemplates(model.terms, theta);
  let off = 0;
  model.terms.forEach((t, i) => {
    for (let h = 0; h < t.levels; h++) {
      for (let r = 0; r < t.p; r++) for (let c = 0; c < t.p; c++) L.set(off + h * t.p + r, off + h * t.p + c, T[i][r][c]);
    }
    off += t.p * t.levels;
  });
  return L;
}

/** (A + Aᵀ)/2: products such as XᵀV⁻¹X are symmetric only up to rounding, and ml-matrix's Cholesky checks. */
function symmetrize(A: Matrix): Matrix {
  return Matrix.add(A, A.transpose()).mul(0.5);
}

function logDetChol(chol: CholeskyDecomposition): number {
  const L = chol.lowerTriangularMatrix;
  let s = 0;
  for (let i = 0; i < L.rows; i++) s += Math.log(L.get(i, i));
  return 2 * s;
}

/** The marginal model at θ, densely: V, its Cholesky factor, GLS β̂, the ML and REML criteria, b̃. */
export function denseFit(model: DenseModel, theta: ArrayLike<number>): DenseFit {
  const n = model.y.length;
  const p = model.X.length;
  const Z = denseZ(model);
  const Lambda = denseLambda(model, theta);
  const ZL = Z.mmul(Lambda);
  const V = symmetrize(ZL.mmul(ZL.transpose()));
  for (let i = 0; i < n; i++) V.set(i, i, V.get(i, i) + (model.weights ? 1 / model.weights[i] : 1));
  const chol = new CholeskyDecomposition(V);
  if (!chol.isPositiveDefinite()) throw new Error("V is not positive definite");
  const X = new Matrix(n, p);
  for (let a = 0; a < p; a++) for (let r = 0; r < n; r++) X.set(r, a, model.X[a][r]);
  const y = Matrix.columnVector(Array.from(model.y, (v, r) => v - (model.offset ? model.offset[r] : 0)));
  const VinvX = chol.solve(X);
  const XtVX = symmetrize(X.transpose().mmul(VinvX));
  const XtVy = VinvX.transpose().mmul(y);
  const cx = new CholeskyDecomposition(XtVX);
  if (!cx.isPositiveDefinite()) throw new Error("XᵀV⁻¹X is not positive definite");
  const beta = cx.solve(XtVy);
  const r = Matrix.sub(y, X.mmul(beta));
  const Vinvr = chol.solve(r);
  const r2 = r.transpose().mmul(Vinvr).get(0, 0);
  const logDetV = logDetChol(chol);
  const logDetXVX = logDetChol(cx);
  const ml = logDetV + n * (1 + Math.log((2 * Math.PI * r2) / n));
  const reml = logDetV + logDetXVX + (n - p) * (1 + Math.log((2 * Math.PI * r2) / (n - p)));
  const bAll = Lambda.mmul(ZL.transpose().mmul(Vinvr)).getColumn(0);
  const b: number[][] = [];
  let off = 0;
  for (const t of model.terms) {
    b.push(bAll.slice(off, off + t.p * t.levels));
    off += t.p * t.levels;
  }
  return {
    reml,
    ml,
    beta: beta.getColumn(0),
    sigmaREML: Math.sqrt(r2 / (n - p)),
    sigmaML: Math.sqrt(r2 / n),
    r2,
    logDetV,
    logDetXVX,
    b,
    unscaledVcov: cx.solve(Matrix.eye(p)).to2DArray()
  };
}

/** The dense criterion (REML or ML) at θ. */
export function denseCriterion(model: DenseModel, theta: ArrayLike<number>, REML: boolean): number {
  const f = denseFit(model, theta);
  return REML ? f.reml : f.ml;
}

/** Lower bounds of θ: 0 on the diagonal of each template, −∞ below it. */
export function thetaLowerBounds(terms: {p: number}[]): number[] {
  const out: number[] = [];
  for (const {p} of terms) for (let c = 0; c < p; c++) for (let r = c; r < p; r++) out.push(r === c ? 0 : -Infinity);
  return out;
}

/**
 * Steps of ±h along each coordinate of θ (only + where a bounded coordinate sits on its bound) where `f`
 * falls below `f(θ) − slack`: empty at a local minimum.
 */
export function descentSteps(
  f: (theta: number[]) => number,
  theta: ArrayLike<number>,
  lower: number[],
  h: number,
  slack: number
): {index: number; step: number; drop: number}[] {
  const at = Array.from(theta);
  const f0 = f(at);
  const bad: {index: number; step: number; drop: number}[] = [];
  for (let k = 0; k < at.length; k++) {
    for (const step of [h, -h]) {
      const x = at.slice();
      x[k] += step;
      if (x[k] < lower[k]) continue;
      const fx = f(x);
      if (fx < f0 - slack) bad.push({index: k, step, drop: f0 - fx});
    }
  }
  return bad;
}

/**
 * The engine's blocked factor as one dense lower-triangular (q + p + 1)² matrix, reading its documented
 * layout (src/lmm/blocks.ts): rows and columns term by term (level-major), then the p columns of X and y.
 */
export function denseFactor(L: Blocked): Matrix {
  const {sizes, nFixed: p} = L;
  const px = p + 1;
  const offs: number[] = [];
  let q = 0;
  for (const s of sizes) (offs.push(q), (q += s.q));
  const N = q + px;
  const M = new Matrix(N, N);
  const p0 = sizes[0].p;
  for (let g = 0; g < sizes[0].l; g++) {
    for (let a = 0; a < p0; a++) for (let c = 0; c <= a; c++) M.set(g * p0 + a, g * p0 + c, L.zzFirst[g * p0 * p0 + a * p0 + c]);
  }
  for (let i = 1; i < sizes.length; i++) {
    const S = L.zzBelowFirst[i];
    for (let g = 0; g < sizes[0].l; g++) {
      for (let blk = S.colPtr[g]; blk < S.colPtr[g + 1]; blk++) {
        const h = S.rowLevel[blk];
        for (let r = 0; r < S.pr; r++) {
          for (let c = 0; c < S.pc; c++) M.set(offs[i] + h * S.pr + r, g * S.pc + c, S.values[blk * S.pr * S.pc + r * S.pc + c]);
        }
      }
    }
    const qi = sizes[i].q;
    for (let a = 0; a < qi; a++) for (let c = 0; c <= a; c++) M.set(offs[i] + a, offs[i] + c, L.zzDiagonal[i][a * qi + c]);
    for (let j = 1; j < i; j++) {
      const qj = sizes[j].q;
      for (let a = 0; a < qi; a++) for (let c = 0; c < qj; c++) M.set(offs[i] + a, offs[j] + c, L.zzOffDiagonal[i][j][a * qj + c]);
    }
  }
  for (let j = 0; j < sizes.length; j++) {
    const qj = sizes[j].q;
    for (let a = 0; a < px; a++) for (let c = 0; c < qj; c++) M.set(q + a, offs[j] + c, L.xyZ[j][a * qj + c]);
  }
  for (let a = 0; a < px; a++) for (let c = 0; c <= a; c++) M.set(q + a, q + c, L.xyXy[a * px + c]);
  return M;
}

/** The largest absolute entry of a matrix. */
export function maxAbs(M: Matrix): number {
  let m = 0;
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) m = Math.max(m, Math.abs(M.get(i, j)));
  return m;
}

/** |a − b| / max(|b|, floor): a relative difference that tolerates values near zero. */
export function relDiff(a: number, b: number, floor = 1e-300): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}
