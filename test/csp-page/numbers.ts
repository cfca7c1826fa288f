/**
 * Every number of a fit and of a simulation, as the exact bits of each double (sixteen hex digits), so that
 * the CSP page in Chromium and the test in Node can be compared bit for bit (Object.is) whatever the
 * transport (JSON would turn −0 into 0 and refuse NaN). Imported by the page (main.ts) and by the test.
 */
import type {LinearMixedModel} from "../../src/index.js";

/** The numbers of a fitted model, by name: θ, β, standard errors, vcov, σ, criteria, variance components, fitted values, residuals, modes. */
export function fitNumbers(m: LinearMixedModel): Record<string, number[]> {
  return {
    theta: Array.from(m.theta),
    beta: Array.from(m.beta),
    fixef: Object.values(m.fixef),
    se: Object.values(m.se),
    vcov: m.vcov.flat(),
    sigma: [m.sigma],
    REMLcrit: [m.REMLcrit ?? NaN],
    deviance: [m.deviance],
    logLik: [m.logLik],
    AIC: [m.AIC],
    BIC: [m.BIC],
    varCorr: m.varCorr.flatMap((r) => [r.vcov, r.sdcor]),
    fitted: Array.from(m.fitted),
    residuals: Array.from(m.residuals),
    u: m.u.flatMap((a) => Array.from(a)),
    b: m.b.flatMap((a) => Array.from(a)),
    optimizerFinal: Array.from(m.optimizer.final),
    optimizerCriterion: [m.optimizer.criterion],
    evaluations: [m.optimizer.evaluations]
  };
}

/** The draws of a simulation's quantities of interest (every row of ev, pr, ev1, pr1, fd). */
export function simNumbers(qi: Readonly<Partial<Record<string, readonly Float64Array[]>>>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const q of ["ev", "pr", "ev1", "pr1", "fd"]) out[q] = (qi[q] ?? []).flatMap((a) => Array.from(a));
  return out;
}

/** A double's IEEE-754 bits as sixteen hex digits (big-endian), exact for every value, −0 and NaN included. */
export function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** The double whose bits {@link bitsOf} gave. */
export function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** Each number of each list as its bits. */
export function toBits(numbers: Record<string, number[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, v.map(bitsOf)]));
}
