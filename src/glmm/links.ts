/**
 * The link functions of the generalized models: g maps the mean μ to the linear predictor η = g(μ), its
 * inverse maps back, and dμ/dη weights the working response of PIRLS. The inverse and its derivative are
 * clamped where glmer clamps them (lme4 1.1-31's glmFamily, read off its values: the logit's and cloglog's
 * probability stay in [ε, 1 − ε], the probit's and cauchit's below 1 − ε, a log-link mean and the derivatives
 * of the logit, cloglog and log links at least ε, ε = 2⁻⁵²), so fits agree with
 * glmer's where a mean reaches the edge; g itself is R's (glmer uses it only for the starting values).
 *
 * Reference: McCullagh & Nelder (1989), Generalized Linear Models (2nd ed.), §2.2.4 and Table 2.1.
 */
import {atan2, cos, exp, expm1, log, pow, sin} from "../math/index.js";
import {normalCdf, normalQuantile} from "../stats/normal-quantile.js";

/** The links glmer knows, spelled as R spells them. */
export type LinkName = "logit" | "probit" | "cauchit" | "cloglog" | "log" | "identity" | "inverse" | "sqrt" | "1/mu^2";

/** A link: η = linkfun(μ), μ = linkinv(η), and dμ/dη = muEta(η). */
export interface Link {
  readonly name: LinkName;
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  muEta(eta: number): number;
  /**
   * μ = linkinv(η) and dμ/dη = muEta(η) for every row at once, into `mu` and `muEta` (the same values as the
   * scalar functions): one pass, sharing the exponential where the two have one in common (logit, log,
   * cloglog), for PIRLS's inner loop.
   */
  fill(eta: Float64Array, mu: Float64Array, muEta: Float64Array): void;
}

type ScalarLink = Omit<Link, "fill">;

/** {@link Link.fill} from the scalar functions, for links whose μ and dμ/dη share nothing. */
function fillFrom(l: ScalarLink): Link["fill"] {
  return (eta, mu, muEta) => {
    for (let r = 0; r < eta.length; r++) {
      mu[r] = l.linkinv(eta[r]);
      muEta[r] = l.muEta(eta[r]);
    }
  };
}

const EPS = 2.220446049250313e-16;
const ONE_MINUS_EPS = 1 - EPS;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * The standard normal density, with x² split so that its rounding does not reach the result in the tails:
 * x = x₁ + x₂ with x₁ a multiple of 2⁻¹⁶ (x₁² exact), φ(x) = e^(−x₁²/2) · e^(−(x₁ + x₂/2)x₂) / √(2π).
 *
 * @example
 *   normalDensity(0); // 0.3989422804014327
 */
export function normalDensity(x: number): number {
  const a = Math.abs(x);
  if (a > 40) return 0;
  const x1 = Math.round(a * 65536) / 65536;
  const x2 = a - x1;
  return INV_SQRT_2PI * exp(-0.5 * x1 * x1) * exp((-0.5 * x2 - x1) * x2);
}

/**
 * The logistic distribution function 1/(1 + e^−x), from e = e^−|x|: 1/(1 + e) for x ≥ 0 and e/(1 + e) below,
 * so that neither tail overflows and the density e/(1 + e)² shares the one exponential.
 */
function logistic(x: number, e: number): number {
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** The logistic density e^−|x| / (1 + e^−|x|)², from e = e^−|x|. */
function logisticDensity(e: number): number {
  const f = 1 + e;
  return e / (f * f);
}

/** tan(πp) for the Cauchy quantile, from the portable sine and cosine. */
function tanPi(p: number): number {
  return sin(Math.PI * p) / cos(Math.PI * p);
}

/** R's qcauchy(p): −1/tan(πp) below ½ and 1/tan(π(1 − p)) above, so that both tails keep their digits. */
function cauchyQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0.5) return 0;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p < 0.5 ? -1 / tanPi(p) : 1 / tanPi(1 - p);
}

/** R's pcauchy(x): ½ + atan(x)/π, through atan(1/x) beyond |x| = 1 so that the tails keep their digits. */
function cauchyCdf(x: number): number {
  if (Math.abs(x) > 1) {
    const y = atan2(1 / x, 1) / Math.PI;
    return x > 0 ? 0.5 - y + 0.5 : -y;
  }
  return 0.5 + atan2(x, 1) / Math.PI;
}

const SCALAR_LINKS: Record<LinkName, ScalarLink> = {
  logit: {
    name: "logit",
    linkfun: (mu) => log(mu / (1 - mu)),
    linkinv: (eta) => Math.max(EPS, Math.min(ONE_MINUS_EPS, logistic(eta, exp(-Math.abs(eta))))),
    muEta: (eta) => Math.max(EPS, logisticDensity(exp(-Math.abs(eta))))
  },
  probit: {
    name: "probit",
    linkfun: (mu) => normalQuantile(mu),
    linkinv: (eta) => Math.min(ONE_MINUS_EPS, normalCdf(eta)),
    muEta: (eta) => normalDensity(eta)
  },
  cauchit: {
    name: "cauchit",
    linkfun: (mu) => cauchyQuantile(mu),
    linkinv: (eta) => Math.min(ONE_MINUS_EPS, cauchyCdf(eta)),
    muEta: (eta) => 1 / (Math.PI * (1 + eta * eta))
  },
  cloglog: {
    name: "cloglog",
    linkfun: (mu) => log(-log(1 - mu)),
    linkinv: (eta) => Math.max(EPS, Math.min(ONE_MINUS_EPS, -expm1(-exp(eta)))),
    muEta: (eta) => Math.max(EPS, exp(eta - exp(eta)))
  },
  log: {
    name: "log",
    linkfun: (mu) => log(mu),
    linkinv: (eta) => Math.max(EPS, exp(eta)),
    muEta: (eta) => Math.max(EPS, exp(eta))
  },
  identity: {name: "identity", linkfun: (mu) => mu, linkinv: (eta) => eta, muEta: () => 1},
  inverse: {name: "inverse", linkfun: (mu) => 1 / mu, linkinv: (eta) => 1 / eta, muEta: (eta) => -1 / (eta * eta)},
  sqrt: {name: "sqrt", linkfun: (mu) => Math.sqrt(mu), linkinv: (eta) => eta * eta, muEta: (eta) => 2 * eta},
  "1/mu^2": {
    name: "1/mu^2",
    linkfun: (mu) => 1 / (mu * mu),
    linkinv: (eta) => 1 / Math.sqrt(eta),
    muEta: (eta) => -1 / (2 * pow(eta, 1.5))
  }
};

/** The one-pass {@link Link.fill} of the links whose μ and dμ/dη share an exponential. */
const SHARED_FILLS: Partial<Record<LinkName, Link["fill"]>> = {
  logit(eta, mu, muEta) {
    for (let r = 0; r < eta.length; r++) {
      const x = eta[r], e = exp(-Math.abs(x));
      mu[r] = Math.max(EPS, Math.min(ONE_MINUS_EPS, logistic(x, e)));
      muEta[r] = Math.max(EPS, logisticDensity(e));
    }
  },
  log(eta, mu, muEta) {
    for (let r = 0; r < eta.length; r++) mu[r] = muEta[r] = Math.max(EPS, exp(eta[r]));
  },
  cloglog(eta, mu, muEta) {
    for (let r = 0; r < eta.length; r++) {
      const x = eta[r], e = exp(x);
      mu[r] = Math.max(EPS, Math.min(ONE_MINUS_EPS, -expm1(-e)));
      muEta[r] = Math.max(EPS, exp(x - e));
    }
  }
};

const LINKS = Object.fromEntries(
  Object.entries(SCALAR_LINKS).map(([name, l]) => [name, {...l, fill: SHARED_FILLS[name as LinkName] ?? fillFrom(l)}])
) as Record<LinkName, Link>;

/** Every link's name, in R's order of mention. */
export const LINK_NAMES = Object.keys(LINKS) as LinkName[];

/**
 * The link of that name.
 *
 * @example
 *   link("logit").linkinv(0); // 0.5
 */
export function link(name: LinkName): Link {
  return LINKS[name];
}
