/**
 * The optimizer's coordinates of the residual structures' free parameters, and back to nlme's unconstrained
 * scale u: most are u times the size of what u multiplies, so that a step means about the same change of
 * every variance; the two whose u is the log of a quantity that can be estimated as 0 are on a scale where 0
 * is a bound at a finite distance, as lme4 bounds θ at 0 rather than optimizing log θ.
 */
import {exp, expm1, log, log1p} from "../math/index.js";
import type {ResidualStructure} from "./residual.js";

/** Bound of the structures' unconstrained parameters (|u| ≤ 30: a correlation within 2e-13 of ±1). */
export const STRUCTURE_BOUND = 30;

/** The optimizer's coordinates of the free structure parameters (see {@link structureCoordinates}). */
export interface StructureCoordinates {
  /** Bounds of each coordinate. */
  lower: number[];
  upper: number[];
  /** The coordinate of free parameter j at unconstrained value u, and back. */
  toX: (j: number, u: number) => number;
  toU: (j: number, x: number) => number;
  /** Whether free parameter j is on the bounded scale (its lower bound is the quantity at 0). */
  atZero: boolean[];
}

/**
 * The optimizer's coordinates of the free structure parameters `free` (indices into the structure's
 * parameters):
 * - varConstPower's const c (nlme's u = log c) and corCAR1's φ (nlme's u = log(φ/(1 − φ))): x = log(1 + eᵘ),
 *   that is log(1 + c) and −log(1 − φ), bounded below by the value at u = −30 (c or φ ≈ 9e-14). Both are 0 in
 *   a model the data may favour (varPower's |v|^δ; no serial correlation), where the criterion is smooth in c or
 *   φ with a non-zero slope: on nlme's log scale its slope dies out as u → −∞, and a derivative-free optimizer
 *   walks u down for thousands of evaluations while the criterion changes in its tenth digit; here it stops at
 *   the bound. At δ = 0, x = log(1 + c) is log g, so a step means the same change of log variance as the others.
 * - every other parameter: x = u · m with m = max |v| for varExp's δ, max |log |v|| for a power δ, else 1 (at
 *   least 1e-3), bounded by |u| ≤ 30.
 *
 * Reference: Bates et al. (2015), JSS 67(1), §3.3 (θ bounded at 0 instead of a log scale, so that boundary
 * estimates are reached); nlme's varFunc.R and corStruct.R (the unconstrained scales `coef(…)` returns).
 *
 * @example
 *   const c = structureCoordinates(residual, [0, 1]);
 *   c.toU(0, c.toX(0, -1)); // -1
 */
export function structureCoordinates(residual: ResidualStructure, free: number[]): StructureCoordinates {
  const atZero = free.map((k) => boundedAtZero(residual, k));
  const scale = free.map((k) => structureScale(residual, k));
  const zero = softplus(-STRUCTURE_BOUND), top = softplus(STRUCTURE_BOUND);
  return {
    lower: free.map((_, j) => (atZero[j] ? zero : -STRUCTURE_BOUND * scale[j])),
    upper: free.map((_, j) => (atZero[j] ? top : STRUCTURE_BOUND * scale[j])),
    toX: (j, u) => (atZero[j] ? softplus(u) : u * scale[j]),
    toU: (j, x) => (atZero[j] ? log(expm1(x)) : x / scale[j]),
    atZero
  };
}

/** log(1 + eᵘ). */
function softplus(u: number): number {
  return u > 35 ? u + log1p(exp(-u)) : log1p(exp(u));
}

/** Whether structure parameter k is the log of a quantity whose estimate may be 0 (varConstPower's const, corCAR1's φ). */
function boundedAtZero(residual: ResidualStructure, k: number): boolean {
  if (k < residual.nCorrelation) return residual.correlation?.kind === "corCAR1";
  return residual.variance?.kind === "varConstPower" && k < residual.nCorrelation + Math.max(residual.strataNames.length, 1);
}

/** The optimizer's scale of structure parameter k: max |v| for varExp, max |log |v|| for a power, else 1 (at least 1e-3). */
export function structureScale(residual: ResidualStructure, k: number): number {
  if (k < residual.nCorrelation || !residual.variance || !residual.covariateLevels) return 1;
  const {kind} = residual.variance;
  const levels = residual.covariateLevels;
  const power = kind === "varPower" || (kind === "varConstPower" && k >= residual.nCorrelation + Math.max(residual.strataNames.length, 1));
  if (kind !== "varExp" && !power) return 1;
  let m = 0;
  for (let d = 0; d < levels.values.length; d++) m = Math.max(m, Math.abs(kind === "varExp" ? levels.values[d] : levels.logAbs[d]));
  return Number.isFinite(m) ? Math.max(m, 1e-3) : 1;
}

/** A start inside the structures' bounds. */
export function clampStart(u: number): number {
  return Math.min(Math.max(u, -STRUCTURE_BOUND + 1), STRUCTURE_BOUND - 1);
}
