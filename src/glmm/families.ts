/**
 * The response distributions of the generalized models, each with its links: the variance function V(μ),
 * the unit deviance and the AIC exactly as glmer computes them (lme4 1.1-31's glmFamily), so that deviances
 * and log-likelihoods can be checked against lme4 to the last digits.
 *
 * Reference: McCullagh & Nelder (1989), Generalized Linear Models (2nd ed.), Table 2.1 (variances and
 * canonical links) and §2.3 (the deviance); R's family objects for which links each family admits.
 */
import {fail, quote} from "../errors.js";
import {nearestNames} from "../options.js";
import {log} from "../math/index.js";
import {logBinomialProbability, logGammaDensity, logPoissonProbability} from "../stats/log-densities.js";
import {link, type Link, type LinkName} from "./links.js";

/** The families glmer fits, spelled as R spells them. */
export type FamilyName = "binomial" | "poisson" | "Gamma" | "gaussian" | "inverse.gaussian";

/** A family with its link. Vectors are plain arrays of the rows in use. */
export interface Family {
  readonly name: FamilyName;
  readonly link: Link;
  /** Whether the link is the family's canonical one (logit, log, inverse, identity, 1/mu^2): PIRLS is then Newton's method. */
  readonly canonical: boolean;
  /** Whether the scale φ is estimated (Gamma, gaussian, inverse.gaussian) or 1 (binomial, poisson). */
  readonly estimatesScale: boolean;
  /** V(μ): Var(y) = φ V(μ) / w. */
  variance(mu: number): number;
  /** The deviance residual's square: the unit deviance times the prior weight. */
  devianceResidual(y: number, mu: number, wt: number): number;
  /** −2 log-likelihood + 2 (for an estimated scale) at the deviance `dev`, as lme4's family `aic`. */
  aic(y: ArrayLike<number>, n: ArrayLike<number>, mu: ArrayLike<number>, wt: ArrayLike<number>, dev: number): number;
  /** Whether μ lies in the family's mean space. */
  validMu(mu: number): boolean;
  /** {@link Family.devianceResidual} of every row into `out`: one monomorphic loop for PIRLS. */
  devianceResiduals(y: Float64Array, mu: Float64Array, wt: Float64Array, out: Float64Array): void;
  /** {@link Family.variance} of every row into `out`. */
  variances(mu: Float64Array, out: Float64Array): void;
  /** The deviance Σ {@link Family.devianceResidual}, with `scratch` (a row-length buffer) to work in. */
  devianceTotal(y: Float64Array, mu: Float64Array, wt: Float64Array, scratch: Float64Array): number;
  /**
   * Whether aic(μ) − deviance(μ) is the same for every μ at this response (binomial with whole numbers of
   * successes and trials, Poisson with whole counts: the −2 log-likelihood is the deviance plus the
   * saturated model's), so that PIRLS may add that difference to the deviance instead of evaluating the AIC.
   */
  aicShiftsDeviance(y: Float64Array, n: Float64Array, wt: Float64Array): boolean;
}

const EPS = 2.220446049250313e-16;
const LOG_2PI = 1.8378770664093453;

/** Each family's canonical link (McCullagh & Nelder 1989, Table 2.1). */
const CANONICAL: Record<FamilyName, LinkName> = {binomial: "logit", poisson: "log", Gamma: "inverse", gaussian: "identity", "inverse.gaussian": "1/mu^2"};

/** The links each family admits (as R's family constructors), the default first. */
export const FAMILY_LINKS: Record<FamilyName, readonly LinkName[]> = {
  binomial: ["logit", "probit", "cloglog", "cauchit", "log"],
  poisson: ["log", "identity", "sqrt"],
  Gamma: ["inverse", "identity", "log"],
  gaussian: ["identity", "log", "inverse"],
  "inverse.gaussian": ["1/mu^2", "inverse", "identity", "log"]
};

/** C's nearbyint: to the nearest whole number, halves to the even one (Math.round takes halves up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** y log(y/μ), 0 where y/μ is 0 (lme4's Y_log_Y). */
function yLogY(y: number, mu: number): number {
  const v = y / mu;
  return v === 0 ? 0 : y * log(v);
}

const sum = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

type Distribution = Omit<Family, "name" | "link" | "canonical" | "devianceTotal" | "aicShiftsDeviance"> & Partial<Pick<Family, "devianceTotal" | "aicShiftsDeviance">>;

/** The sum of the deviance residuals, one row at a time (the families without a shortcut). */
function devianceTotal(this: Pick<Family, "devianceResiduals">, y: Float64Array, mu: Float64Array, wt: Float64Array, scratch: Float64Array): number {
  this.devianceResiduals(y, mu, wt, scratch);
  return sum(scratch);
}

/** Whether m·y and m are whole (within 1e-8) for every row, m the trials (cbind) or the weights. */
function wholeBinomialCounts(y: Float64Array, n: Float64Array, wt: Float64Array): boolean {
  let trials = false;
  for (let i = 0; i < n.length; i++) if (n[i] > 1) trials = true;
  for (let i = 0; i < y.length; i++) {
    const m = trials ? n[i] : wt[i];
    if (Math.abs(m - roundHalfEven(m)) > 1e-8 || Math.abs(m * y[i] - roundHalfEven(m * y[i])) > 1e-8 || (trials && wt[i] !== m)) return false;
  }
  return true;
}

/** Largest product of probabilities kept before its logarithm is taken (far above the smallest normal). */
const PRODUCT_FLOOR = 1e-200;

/**
 * The binomial deviance −2 Σ w (y log μ + (1 − y) log(1 − μ)) + saturated terms: rows with y = 0 or 1 and
 * weight 1 contribute −2 log p (p = μ or 1 − μ), taken as the logarithm of running products (one logarithm
 * per many rows, the product never below 1e-200, each multiplication exact to ε/2 relative); other rows by
 * their deviance residual.
 *
 * @example
 *   binomialDevianceTotal(Float64Array.of(1, 0), Float64Array.of(0.5, 0.5), Float64Array.of(1, 1), scratch); // 4 log 2
 */
function binomialDevianceTotal(y: Float64Array, mu: Float64Array, wt: Float64Array): number {
  let other = 0, logs = 0, product = 1;
  for (let r = 0; r < mu.length; r++) {
    const yr = y[r];
    if (wt[r] === 1 && (yr === 1 || yr === 0)) {
      product *= yr === 1 ? mu[r] : 1 - mu[r];
      if (product < PRODUCT_FLOOR) {
        logs += log(product);
        product = 1;
      }
    } else other += binomialDeviance(yr, mu[r], wt[r]);
  }
  return other - 2 * (logs + log(product));
}

/**
 * The binomial unit deviance times the weight, 2w(y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))): for y = 0 or 1
 * one logarithm, 2w log(1/μ) or 2w log(1/(1 − μ)) as lme4 writes them (the general form's other term is 0;
 * −2w log μ differs from lme4's by up to 3e-11 relative near μ = 1).
 */
function binomialDeviance(y: number, mu: number, wt: number): number {
  if (y === 1) return 2 * wt * log(1 / mu);
  if (y === 0) return 2 * wt * log(1 / (1 - mu));
  return 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}

const poissonDeviance = (y: number, mu: number, wt: number): number => 2 * wt * (yLogY(y, mu) - (y - mu));

function gammaDeviance(y: number, mu: number, wt: number): number {
  const v = y / mu;
  return -2 * wt * ((v === 0 ? 0 : log(v)) - (y - mu) / mu);
}

const DISTRIBUTIONS: Record<FamilyName, Distribution> = {
  binomial: {
    estimatesScale: false,
    variance: (mu) => Math.max(EPS, mu * (1 - mu)),
    devianceResidual: binomialDeviance,
    devianceResiduals(y, mu, wt, out) {
      for (let r = 0; r < mu.length; r++) out[r] = binomialDeviance(y[r], mu[r], wt[r]);
    },
    variances(mu, out) {
      for (let r = 0; r < mu.length; r++) out[r] = Math.max(EPS, mu[r] * (1 - mu[r]));
    },
    aic(y, n, mu, wt) {
      let trials = false;
      for (let i = 0; i < n.length; i++) if (n[i] > 1) trials = true;
      let s = 0;
      for (let i = 0; i < mu.length; i++) {
        const m = trials ? n[i] : wt[i];
        const k = roundHalfEven(m * y[i]);
        const mr = roundHalfEven(m);
        if (mr > 0) s += (wt[i] / mr) * logBinomialProbability(k, mr, mu[i]);
      }
      return -2 * s;
    },
    validMu: (mu) => Number.isFinite(mu) && mu > 0 && mu < 1,
    devianceTotal: binomialDevianceTotal,
    aicShiftsDeviance: wholeBinomialCounts
  },
  poisson: {
    estimatesScale: false,
    variance: (mu) => mu,
    devianceResidual: poissonDeviance,
    devianceResiduals(y, mu, wt, out) {
      for (let r = 0; r < mu.length; r++) out[r] = poissonDeviance(y[r], mu[r], wt[r]);
    },
    variances(mu, out) {
      out.set(mu);
    },
    aic(y, _n, mu, wt) {
      let s = 0;
      for (let i = 0; i < mu.length; i++) s += logPoissonProbability(y[i], mu[i]) * wt[i];
      return -2 * s;
    },
    validMu: (mu) => Number.isFinite(mu) && mu > 0,
    aicShiftsDeviance: (y) => y.every((v) => v === Math.round(v))
  },
  Gamma: {
    estimatesScale: true,
    variance: (mu) => mu * mu,
    devianceResidual: gammaDeviance,
    devianceResiduals(y, mu, wt, out) {
      for (let r = 0; r < mu.length; r++) out[r] = gammaDeviance(y[r], mu[r], wt[r]);
    },
    variances(mu, out) {
      for (let r = 0; r < mu.length; r++) out[r] = mu[r] * mu[r];
    },
    aic(y, _n, mu, wt, dev) {
      const disp = dev / sum(wt);
      const shape = 1 / disp;
      let s = 0;
      for (let i = 0; i < mu.length; i++) s += wt[i] * logGammaDensity(y[i], shape, mu[i] * disp);
      return -2 * s + 2;
    },
    validMu: (mu) => Number.isFinite(mu) && mu > 0
  },
  gaussian: {
    estimatesScale: true,
    variance: () => 1,
    devianceResidual: (y, mu, wt) => wt * (y - mu) * (y - mu),
    devianceResiduals(y, mu, wt, out) {
      for (let r = 0; r < mu.length; r++) out[r] = wt[r] * (y[r] - mu[r]) * (y[r] - mu[r]);
    },
    variances(_mu, out) {
      out.fill(1);
    },
    aic(_y, _n, mu, wt, dev) {
      const nn = mu.length;
      let logW = 0;
      for (let i = 0; i < wt.length; i++) logW += log(wt[i]);
      return nn * (LOG_2PI + log(dev / nn) + 1) + 2 - logW;
    },
    validMu: () => true
  },
  "inverse.gaussian": {
    estimatesScale: true,
    variance: (mu) => mu * mu * mu,
    devianceResidual: (y, mu, wt) => (wt * (y - mu) * (y - mu)) / (y * mu * mu),
    devianceResiduals(y, mu, wt, out) {
      for (let r = 0; r < mu.length; r++) out[r] = (wt[r] * (y[r] - mu[r]) * (y[r] - mu[r])) / (y[r] * mu[r] * mu[r]);
    },
    variances(mu, out) {
      for (let r = 0; r < mu.length; r++) out[r] = mu[r] * mu[r] * mu[r];
    },
    aic(y, _n, _mu, wt, dev) {
      const w = sum(wt);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += log(y[i]) * wt[i];
      return w * (log((dev / w) * 2 * Math.PI) + 1) + 3 * s + 2;
    },
    validMu: () => true
  }
};

/** Every family's name. */
export const FAMILY_NAMES = Object.keys(DISTRIBUTIONS) as FamilyName[];

/**
 * The family `name` with the link `linkName` (its default link when omitted), as R's
 * `binomial(link = "probit")`. An unknown family, or a link the family does not admit, is refused with the
 * names that would do.
 *
 * @example
 *   family("binomial").link.name;           // "logit"
 *   family("poisson", "sqrt").variance(4);  // 4
 */
export function family(name: string, linkName?: string): Family {
  if (!Object.hasOwn(DISTRIBUTIONS, name)) {
    const hint = nearestNames(String(name).replace("_", "."), FAMILY_NAMES);
    fail(`family ${quote(String(name))} is not one glmer fits; ${hint.length ? `did you mean ${hint.map((f) => quote(f)).join(" or ")}? ` : ""}use ${FAMILY_NAMES.map((f) => quote(f)).join(", ")}`);
  }
  const known = FAMILY_LINKS[name as FamilyName];
  const chosen = linkName ?? known[0];
  if (!known.includes(chosen as LinkName)) {
    const hint = nearestNames(String(chosen), known);
    fail(`link ${quote(String(chosen))} is not available for the ${name} family; ${hint.length ? `did you mean ${hint.map((l) => quote(l)).join(" or ")}? ` : ""}use one of ${known.map((l) => quote(l)).join(", ")}`);
  }
  const d = DISTRIBUTIONS[name as FamilyName];
  return {name: name as FamilyName, link: link(chosen as LinkName), canonical: chosen === CANONICAL[name as FamilyName], devianceTotal, aicShiftsDeviance: () => false, ...d};
}
