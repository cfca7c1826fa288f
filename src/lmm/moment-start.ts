import {cholesky} from "../linalg/cholesky.js";
import {solveLower, solveLowerTranspose} from "../linalg/triangular.js";
import type {Blocked} from "./blocks.js";
import {thetaStart} from "./lambda.js";

/** The least diagonal entry of θ (in the optimizer's coordinates) that a moment start gives: near the bound, not on it. */
export const MIN_MOMENT_THETA = 0.1;
/** The largest diagonal entry of θ (in the optimizer's coordinates) that a moment start gives. */
export const MAX_MOMENT_THETA = 10;
/** The residual variance of the start is at least this share of the least-squares residual variance. */
const MIN_RESIDUAL_SHARE = 0.1;
/** A level's ZⱼᵀZⱼ is used by the vector estimate when each pivot of its Cholesky factor keeps this share of its diagonal. */
const PIVOT_SHARE = 1e-8;

/** A term's moment estimate: its covariance (p × p, row-major) and the residual variance it implies, if any. */
interface TermMoments {
  covariance: Float64Array;
  residual?: number;
}

/**
 * A start for the optimizer from moments of the cross-products, in the optimizer's coordinates (θ' = D θ,
 * `scale` holding each θ entry's row scale, theta-scale.ts). From the least-squares residuals r of y on X,
 * each term is estimated on its own, ignoring the others:
 *
 * - a scalar intercept term `(1 | g)` by the one-way analysis of variance,
 *   σ̂²_g = (MSB − MSW) / n₀, MSB = Σⱼ Sⱼ²/nⱼ / (J − 1), MSW = (RSS − Σⱼ Sⱼ²/nⱼ) / (N − J),
 *   n₀ = (N − Σⱼ nⱼ²/N) / (J − 1), with Sⱼ the sum of r over level j and nⱼ its count;
 * - any other term (`(x | g)`, `(0 + x | g)`) by per-level least squares of r on the level's columns,
 *   b̂ⱼ = (ZⱼᵀZⱼ)⁻¹ Zⱼᵀr, and Σ̂ = Cov(b̂ⱼ) − σ̂²_w mean((ZⱼᵀZⱼ)⁻¹), with σ̂²_w the within-level residual variance
 *   (RSS − Σⱼ rᵀZⱼ b̂ⱼ) / (N − p J) (the random-coefficient moment estimator); levels whose ZⱼᵀZⱼ is singular
 *   are left out.
 *
 * Everything comes from the blocks of `A` (Zᵀy, ZᵀX, ZᵀZ per level, XᵀX, Xᵀy, yᵀy), so it needs no rows and a
 * fit from SQL aggregates gets the same start. σ̂² is the least of the least-squares residual variance less
 * the scalar terms' estimates and the vector terms' σ̂²_w (at least a tenth of the least-squares one), and each
 * template starts at the Cholesky factor of Σ̂/σ̂² (its diagonal when Σ̂ is not positive definite), row-scaled
 * into the optimizer's coordinates, with diagonal entries within [{@link MIN_MOMENT_THETA},
 * {@link MAX_MOMENT_THETA}]. A term that cannot be estimated starts at lme4's identity. It costs no
 * evaluation of the criterion and O(Σ levels · p³ + p_X³).
 * SAS's PROC MIXED starts REML from moment estimates (MIVQUE0) for the same reason: lme4's θ = 1 can be far
 * from the optimum (InstEval's crossed model ends at θ = (0.28, 0.44, 0.09)), and BOBYQA's first, coarse
 * steps are then spent walking there.
 *
 * Reference: Searle, Casella & McCulloch (1992), Variance Components, §3.5 (one-way ANOVA estimator, unbalanced
 * data, n₀); Swamy (1970), Econometrica 38(2) (random-coefficient moment estimator); SAS/STAT PROC MIXED,
 * MIVQUE0 starting values; Bates et al. (2015), JSS 67(1), §3.
 *
 * @example
 *   momentStart(A, [["(Intercept)"]], Float64Array.of(1), 30); // Dyestuff (1 | Batch): Float64Array [0.77…] (the REML optimum is 0.848)
 */
export function momentStart(A: Blocked, columnNames: string[][], scale: ArrayLike<number>, rows: number): Float64Array {
  const start = thetaStart(A.sizes);
  const p = A.nFixed;
  const beta = leastSquares(A);
  if (!beta || !(rows > p)) return start;
  let rss = A.xyXy[p * (p + 1) + p];
  for (let i = 0; i < p; i++) rss -= beta[i] * A.xyXy[p * (p + 1) + i];
  if (!(rss > 0)) return start;
  const total = rss / (rows - p);
  const moments = A.sizes.map((size, k) =>
    size.p === 1 && columnNames[k]?.[0] === "(Intercept)" ? oneWayMoments(A, k, beta, rss) : coefficientMoments(A, k, beta, rss, rows)
  );
  let residual = total;
  for (const [k, m] of moments.entries()) if (m && A.sizes[k].p === 1 && m.residual === undefined) residual -= Math.max(m.covariance[0], 0);
  for (const m of moments) if (m?.residual !== undefined) residual = Math.min(residual, m.residual);
  residual = Math.max(residual, MIN_RESIDUAL_SHARE * total);
  let offset = 0;
  for (const [k, {p: pk}] of A.sizes.entries()) {
    const m = moments[k];
    if (m) writeTemplate(start, offset, pk, m.covariance, residual, scale);
    offset += (pk * (pk + 1)) / 2;
  }
  return start;
}

/** Writes the template for covariance S and residual variance σ² (column by column, as θ is ordered) at `offset`. */
function writeTemplate(start: Float64Array, offset: number, p: number, S: Float64Array, residual: number, scale: ArrayLike<number>): void {
  const T = S.map((v) => v / residual);
  if (!cholesky(T, p) || !T.every(Number.isFinite)) {
    T.fill(0);
    for (let r = 0; r < p; r++) T[r * p + r] = Math.sqrt(Math.max(S[r * p + r] / residual, 0));
    if (!T.every(Number.isFinite)) return;
  }
  let k = offset;
  for (let c = 0; c < p; c++) {
    for (let r = c; r < p; r++, k++) {
      // scale[k] is the scale of row r, so D T's entry is scale[k] T[r, c]
      const v = scale[k] * T[r * p + c];
      start[k] = r === c ? Math.min(MAX_MOMENT_THETA, Math.max(MIN_MOMENT_THETA, v)) : v;
    }
  }
}

/** β̂ of the least-squares fit of y on X from the `[X y]` block of `A`, or null when XᵀX is not positive definite. */
function leastSquares(A: Blocked): Float64Array | null {
  const p = A.nFixed;
  const px = p + 1;
  const xx = new Float64Array(p * p);
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) xx[i * p + j] = A.xyXy[i * px + j];
    beta[i] = A.xyXy[p * px + i];
  }
  if (p > 0 && !cholesky(xx, p)) return null;
  solveLower(xx, p, beta);
  solveLowerTranspose(xx, p, beta);
  return beta.every(Number.isFinite) ? beta : null;
}

/** Term k's ZⱼᵀZⱼ blocks, level after level (p × p each). */
const levelBlocks = (A: Blocked, k: number): Float64Array => (k === 0 ? A.zzFirst : A.zzDiagonal[k]);

/** Zⱼᵀr for level j of term k into `out` (length p): (Zᵀy)ⱼ − (ZᵀX)ⱼ β̂ from the `[X y]` rows against the term. */
function levelResidualSums(A: Blocked, k: number, j: number, beta: Float64Array, out: Float64Array): void {
  const {p: pk, q} = A.sizes[k];
  const p = A.nFixed;
  const zxy = A.xyZ[k];
  for (let c = 0; c < pk; c++) {
    const col = j * pk + c;
    let s = zxy[p * q + col];
    for (let i = 0; i < p; i++) s -= beta[i] * zxy[i * q + col];
    out[c] = s;
  }
}

/** The one-way ANOVA estimate of a scalar intercept term's variance, or null when it cannot be formed. */
function oneWayMoments(A: Blocked, k: number, beta: Float64Array, rss: number): TermMoments | null {
  const counts = levelBlocks(A, k);
  const sum = new Float64Array(1);
  let between = 0, levels = 0, rows = 0, squares = 0;
  for (let j = 0; j < A.sizes[k].l; j++) {
    const nj = counts[j];
    if (!(nj > 0)) continue;
    levelResidualSums(A, k, j, beta, sum);
    between += (sum[0] * sum[0]) / nj;
    levels++;
    rows += nj;
    squares += nj * nj;
  }
  if (levels < 2 || !(rows > levels)) return null;
  const msb = between / (levels - 1);
  const msw = (rss - between) / (rows - levels);
  const n0 = (rows - squares / rows) / (levels - 1);
  const variance = (msb - msw) / n0;
  return Number.isFinite(variance) ? {covariance: Float64Array.of(variance)} : null;
}

/** The random-coefficient moment estimate of a term's covariance and its within-level residual variance, or null. */
function coefficientMoments(A: Blocked, k: number, beta: Float64Array, rss: number, rows: number): TermMoments | null {
  const {p, l} = A.sizes[k];
  const blocks = levelBlocks(A, k);
  const factor = new Float64Array(p * p);
  const b = new Float64Array(p);
  const sums = new Float64Array(p);
  const mean = new Float64Array(p);
  const cross = new Float64Array(p * p);
  const inverse = new Float64Array(p * p);
  const unit = new Float64Array(p);
  let used = 0, projected = 0;
  for (let j = 0; j < l; j++) {
    const o = j * p * p;
    for (let a = 0; a < p * p; a++) factor[a] = blocks[o + a];
    if (!cholesky(factor, p) || !pivotsKept(factor, blocks, o, p)) continue;
    levelResidualSums(A, k, j, beta, sums);
    b.set(sums);
    solveLower(factor, p, b);
    solveLowerTranspose(factor, p, b);
    for (let a = 0; a < p; a++) {
      projected += sums[a] * b[a];
      mean[a] += b[a];
      for (let c = 0; c < p; c++) cross[a * p + c] += b[a] * b[c];
    }
    for (let c = 0; c < p; c++) {
      unit.fill(0);
      unit[c] = 1;
      solveLower(factor, p, unit);
      solveLowerTranspose(factor, p, unit);
      for (let a = 0; a < p; a++) inverse[a * p + c] += unit[a];
    }
    used++;
  }
  const df = rows - p * used;
  if (used <= p || !(df > 0)) return null;
  const within = (rss - projected) / df;
  if (!(within > 0)) return null;
  const covariance = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let c = 0; c < p; c++) {
      const cov = (cross[a * p + c] - (mean[a] * mean[c]) / used) / (used - 1);
      covariance[a * p + c] = cov - (within * inverse[a * p + c]) / used;
    }
  }
  return covariance.every(Number.isFinite) ? {covariance, residual: within} : null;
}

/** Whether every pivot of a level's factor keeps {@link PIVOT_SHARE} of its diagonal entry (the level's columns are not collinear). */
function pivotsKept(factor: Float64Array, blocks: Float64Array, o: number, p: number): boolean {
  for (let a = 0; a < p; a++) {
    const d = factor[a * p + a];
    if (!(d * d > PIVOT_SHARE * blocks[o + a * p + a])) return false;
  }
  return true;
}
