/**
 * lme4's reference fits (test/fixtures/reference/*.json, made by ../shared/tools/make-reference.R with
 * lme4 1.1-31) and the comparison of a fit with them.
 *
 * `compareWithLme4` applies exactly the tolerances of ../shared/tools/check-lme4.mjs, so a test that passes
 * here passes that checker. One deliberate difference: a conditional mode that is NaN is reported here,
 * where the checker's `e > tol` lets it through.
 */
import {readFileSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";

/** The folder of the reference fixtures, found from this file so tests work from any directory. */
export const referenceDir = fileURLToPath(new URL("../fixtures/reference/", import.meta.url));

/** One row of `as.data.frame(VarCorr(m))`; `var2` is null for a standard deviation, set for a correlation. */
export interface VarCorrRow {
  grp: string;
  var1: string | null;
  var2: string | null;
  vcov: number;
  sdcor: number;
}

/** `as.data.frame(ranef(m, condVar = TRUE))`, column by column. */
export interface RanefColumns {
  grpvar: string[];
  term: string[];
  grp: string[];
  condval: number[];
  condsd: number[];
}

/** An lme4 fit as make-reference.R writes it. */
export interface Lme4Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  engine: string;
  nobs: number;
  ngrps: Record<string, number>;
  fixef: Record<string, number>;
  se: Record<string, number>;
  vcov: number[][];
  theta: number[];
  theta_names: string[];
  sigma: number;
  varcorr: VarCorrRow[];
  logLik: number;
  df: number;
  AIC: number;
  BIC: number;
  /** The ML deviance, also for a REML fit (`deviance(m, REML = FALSE)`). */
  deviance: number;
  /** The REML criterion; null for an ML fit. */
  REMLcrit: number | null;
  isSingular: boolean;
  /** All fitted values, or the first 50 when there are more than 5000 observations. */
  fitted: number[];
  /** As `fitted`. */
  residuals: number[];
  lme4_seconds: number;
  lme4_evaluations: number;
  /** Where lme4's default fit stopped, when the reference was made at the optimum (issue 10). */
  lme4_default?: {criterion: number; theta: number[]; stopped_short_by: number};
  /** Absent for cases made with `ranef = FALSE` (InstEval-crossed). */
  ranef?: RanefColumns;
  /** lmerTest's Satterthwaite degrees of freedom and p-values; absent for cases made with `lmerTest = FALSE`. */
  satterthwaite?: {df: Record<string, number>; p: Record<string, number>};
  predict_conditional: number[];
  predict_population: number[];
}

/**
 * A fit as lmm-kit's `--json` output gives it (the contract check-lme4.mjs reads). Every field is optional
 * here so that a partial fit is reported field by field rather than rejected by the type checker.
 */
export interface FitJSON {
  nobs?: number;
  ngrps?: Record<string, number>;
  fixef?: Record<string, number>;
  se?: Record<string, number>;
  vcov?: number[][];
  theta?: number[];
  sigma?: number;
  varcorr?: {grp: string; var1?: string | null; var2?: string | null; vcov?: number; sdcor: number}[];
  logLik?: number;
  df?: number;
  AIC?: number;
  BIC?: number;
  deviance?: number;
  REMLcrit?: number | null;
  isSingular?: boolean;
  ranef?: {grpvar: string[]; term: string[]; grp: (string | number)[]; condval: number[]; condsd?: number[]};
  fitted?: ArrayLike<number>;
  residuals?: ArrayLike<number>;
  warnings?: string[];
  optimizer?: {name: string; evaluations: number; seconds: number; converged: boolean};
  satterthwaite?: {df?: Record<string, number>; p?: Record<string, number>};
}

export interface Comparison {
  /** One line per quantity outside its tolerance (ranef and condsd lines stop once there are 40). */
  bad: string[];
  /** Per quantity, the largest error in units of its tolerance (≤ 1 is within tolerance). */
  worst: Record<string, number>;
}

/** Reads one fixture by id, e.g. `loadReference("sleepstudy-slope")`. */
export function loadReference(id: string): Lme4Reference {
  let text: string;
  try {
    text = readFileSync(`${referenceDir}${id}.json`, "utf8");
  } catch {
    throw new Error(`no reference fixture ${JSON.stringify(id)}; the ids are ${referenceIds().join(", ")}`);
  }
  return JSON.parse(text) as Lme4Reference;
}

/** The ids of every fixture, sorted (including the anova and profile-interval ones that are not fits). */
export function referenceIds(): string[] {
  return readdirSync(referenceDir)
    .filter((f) => f.endsWith(".json") && f !== "manifest.json")
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/** Every fixture that is a model fit (has a formula and fixed effects), as check-lme4.mjs selects them. */
export function fitReferences(): Lme4Reference[] {
  return referenceIds()
    .map((id) => JSON.parse(readFileSync(`${referenceDir}${id}.json`, "utf8")) as Partial<Lme4Reference>)
    .filter((r): r is Lme4Reference => Boolean(r.formula && r.fixef));
}

/** A term name with its `:`-separated parts sorted, so `temp:recipeB` matches `recipeB:temp`. */
function normName(name: string | null | undefined): string | null {
  if (name == null) return null;
  return String(name)
    .split(":")
    .map((part) => part.trim())
    .sort()
    .join(":");
}

/** A grouping name without lme4's `.1`, `.2` suffixes for repeated (`||`) terms, then as `normName`. */
function normGrp(name: string | null | undefined): string | null {
  if (name == null) return null;
  return normName(String(name).replace(/\.\d+$/, ""));
}

function renameKeys<T>(record: Record<string, T> | undefined, rename: (key: string) => string | null): Map<string | null, T> {
  return new Map(Object.entries(record ?? {}).map(([k, v]) => [rename(k), v]));
}

/**
 * Compares a fit with lme4's, quantity by quantity, with check-lme4.mjs's tolerances:
 * - `nobs`, `ngrps`, `df`, `isSingular`, the fixed-effect names: exactly;
 * - the criterion (REMLcrit for REML fits, deviance for ML): not above lme4's by more than
 *   `1e-5 + 1e-9·|lme4|`, nor below it by more than `1e-3·|lme4|` (a different model);
 * - each fixed effect and its standard error: `1e-3·se` (+ 1e-8 and 1e-10);
 * - `sigma`: `1e-4·sigma`;
 * - random-effect standard deviations: `1e-3·max(sd, 1e-2·sigma)`; correlations: `2e-3`;
 * - `logLik`, `AIC`, `BIC`: `1e-5 + 1e-9·|lme4|`;
 * - conditional modes: `1e-3·condsd + 1e-6·sigma`; conditional sds: `1e-3·condsd + 1e-8·sigma`;
 * - fitted values and residuals (the reference's first n): `1e-4·sigma`;
 * - Satterthwaite df, when both have them: `1e-3·df`.
 */
export function compareWithLme4(ref: Lme4Reference, fit: FitJSON): Comparison {
  const bad: string[] = [];
  const worst: Record<string, number> = {};
  const note = (what: string, err: number): void => {
    worst[what] = Math.max(worst[what] ?? 0, err);
  };
  const close = (what: string, a: unknown, b: number, tol: number): void => {
    if (typeof a !== "number" || !Number.isFinite(a)) {
      bad.push(`${what}: missing or not finite (${String(a)})`);
      return;
    }
    const err = Math.abs(a - b);
    note(what, err / (tol || 1));
    if (err > tol) bad.push(`${what}: ${a} vs lme4 ${b}`);
  };

  if (fit.nobs !== ref.nobs) bad.push(`nobs ${fit.nobs} vs ${ref.nobs}`);
  const ngrps = renameKeys(fit.ngrps, normGrp);
  for (const [k, v] of Object.entries(ref.ngrps)) {
    if (ngrps.get(normGrp(k)) !== v) bad.push(`ngrps[${k}] ${ngrps.get(normGrp(k))} vs ${v}`);
  }

  // the criterion: not worse than lme4's optimum
  const crit = ref.REML ? "REMLcrit" : "deviance";
  const target = ref[crit] as number;
  const mine = fit[crit];
  const slack = 1e-5 + 1e-9 * Math.abs(target);
  if (typeof mine !== "number") bad.push(`${crit} missing`);
  else {
    note(crit, (mine - target) / slack);
    if (mine > target + slack) bad.push(`${crit} ${mine} worse than lme4 ${target}`);
    if (mine < target - 1e-3 * Math.abs(target)) bad.push(`${crit} ${mine} far below lme4 ${target}: a different model?`);
  }

  const fixef = renameKeys(fit.fixef, normName);
  const se = renameKeys(fit.se, normName);
  for (const [k, v] of Object.entries(ref.fixef)) {
    close(`fixef[${k}]`, fixef.get(normName(k)), v, 1e-3 * ref.se[k] + 1e-8);
    close(`se[${k}]`, se.get(normName(k)), ref.se[k], 1e-3 * ref.se[k] + 1e-10);
  }
  if (fixef.size !== Object.keys(ref.fixef).length) {
    bad.push(`fixef names ${Object.keys(fit.fixef ?? {}).join(",")} vs ${Object.keys(ref.fixef).join(",")}`);
  }
  close("sigma", fit.sigma, ref.sigma, 1e-4 * ref.sigma);
  const sigma = ref.sigma;

  // variance components matched by (group, var1, var2), in order for repeated keys
  const vcKey = (v: {grp: string; var1?: string | null; var2?: string | null}): string =>
    [normGrp(v.grp), v.var1 ?? null, v.var2 ?? null].join("|");
  const pool = new Map<string, NonNullable<FitJSON["varcorr"]>>();
  for (const v of fit.varcorr ?? []) {
    const key = vcKey(v);
    const list = pool.get(key);
    if (list) list.push(v);
    else pool.set(key, [v]);
  }
  for (const v of ref.varcorr) {
    const key = vcKey(v);
    const m = pool.get(key)?.shift();
    if (!m) {
      bad.push(`varcorr ${key} missing`);
      continue;
    }
    if (v.var2 == null) close(`sd[${key}]`, m.sdcor, v.sdcor, 1e-3 * Math.max(v.sdcor, 1e-2 * sigma));
    else close(`corr[${key}]`, m.sdcor, v.sdcor, 2e-3);
  }

  for (const k of ["logLik", "AIC", "BIC"] as const) close(k, fit[k], ref[k], 1e-5 + 1e-9 * Math.abs(ref[k]));
  if (fit.df !== ref.df) bad.push(`df ${fit.df} vs ${ref.df}`);
  if (fit.isSingular !== ref.isSingular) bad.push(`isSingular ${fit.isSingular} vs ${ref.isSingular}`);

  // conditional modes
  if (ref.ranef) {
    const r = fit.ranef;
    if (!r || !Array.isArray(r.condval)) bad.push("ranef missing");
    else {
      const key = (grpvar: string, term: string, grp: string | number): string =>
        [normGrp(grpvar), term, String(grp)].join("|");
      const index = new Map<string, number>();
      for (let i = 0; i < r.condval.length; i++) index.set(key(r.grpvar[i], r.term[i], r.grp[i]), i);
      const want = ref.ranef;
      let missing = 0;
      for (let i = 0; i < want.condval.length; i++) {
        const j = index.get(key(want.grpvar[i], want.term[i], want.grp[i]));
        if (j === undefined) {
          missing++;
          continue;
        }
        const tol = 1e-3 * want.condsd[i] + 1e-6 * sigma;
        const e = Math.abs(r.condval[j] - want.condval[i]);
        note("ranef", e / tol);
        if (!(e <= tol) && bad.length < 40) bad.push(`ranef ${want.grp[i]}/${want.term[i]} ${r.condval[j]} vs ${want.condval[i]}`);
        const es = Math.abs((r.condsd?.[j] ?? NaN) - want.condsd[i]);
        if (!(es <= 1e-3 * want.condsd[i] + 1e-8 * sigma) && bad.length < 40) {
          bad.push(`condsd ${want.grp[i]}/${want.term[i]} ${r.condsd?.[j]} vs ${want.condsd[i]}`);
        }
      }
      if (missing) bad.push(`${missing} conditional modes missing`);
    }
  }

  for (const k of ["fitted", "residuals"] as const) {
    const a = fit[k];
    if (a == null || typeof a.length !== "number") {
      bad.push(`${k} missing`);
      continue;
    }
    let e = 0;
    for (let i = 0; i < ref[k].length; i++) e = Math.max(e, Math.abs(a[i] - ref[k][i]));
    note(k, e / (1e-4 * sigma));
    if (!(e <= 1e-4 * sigma)) bad.push(`${k}: max diff ${e}`);
  }

  if (ref.satterthwaite && fit.satterthwaite) {
    for (const [k, v] of Object.entries(ref.satterthwaite.df)) {
      close(`satterthwaite.df[${k}]`, fit.satterthwaite.df?.[k], v, 1e-3 * v);
    }
  }
  return {bad, worst};
}
