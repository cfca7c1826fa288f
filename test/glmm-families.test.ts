/**
 * The generalized models' links, families and log densities against lme4 1.1-31's own (its C++ glmFamily,
 * reached from R through lme4::glmFamily$new; R's dbinom, dpois and dgamma), as
 * tools/make-family-reference.R writes them to test/fixtures/glmm/families.json at 17 digits.
 */
import {readFileSync} from "node:fs";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {family, FAMILY_LINKS, FAMILY_NAMES, type FamilyName} from "../src/glmm/families.js";
import {link, LINK_NAMES, normalDensity, type LinkName} from "../src/glmm/links.js";
import {logBinomialProbability, logGammaDensity, logPoissonProbability} from "../src/stats/log-densities.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/glmm/families.json", import.meta.url), "utf8"));
const SEED = 20261203;

/** |a − b| relative to |b| (absolute below 1), with null for a non-finite R value. */
function relative(a: number, b: number | null): number {
  if (b === null) return Number.isFinite(a) ? Infinity : 0;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(1, Math.abs(b)) > 0 && Math.abs(b) < 1e-300 ? Math.abs(a - b) : Math.abs(a - b) / Math.abs(b);
}

/** The entries of `got` further than `tol` (relative) from `want`, as readable lines. */
function off(label: string, args: number[], got: number[], want: (number | null)[], tol: number): string[] {
  return got.flatMap((g, i) => (relative(g, want[i]) > tol ? [`${label}(${args[i]}) = ${g}, lme4 ${want[i]}`] : []));
}

describe("links: lme4's inverse links and derivatives with their clamps, R's link functions", () => {
  for (const L of ref.links as {name: LinkName; eta: number[]; linkinv: (number | null)[]; mu_eta: (number | null)[]; mu: number[]; linkfun: (number | null)[]}[]) {
    it(`${L.name}: linkinv and dμ/dη at ${L.eta.length} η, g at ${L.mu.length} μ, relative 1e-13`, () => {
      const f = link(L.name);
      expect([
        ...off("linkinv", L.eta, L.eta.map(f.linkinv), L.linkinv, 1e-13),
        ...off("muEta", L.eta, L.eta.map(f.muEta), L.mu_eta, 1e-13),
        ...off("linkfun", L.mu, L.mu.map(f.linkfun), L.linkfun, 1e-13)
      ]).toEqual([]);
    });
  }

  it("every link's inverse undoes it and its derivative is dμ/dη (central differences), seeded", () => {
    const inside: Record<LinkName, [number, number]> = {
      logit: [1e-6, 1 - 1e-6], probit: [1e-6, 1 - 1e-6], cauchit: [1e-6, 1 - 1e-6], cloglog: [1e-6, 1 - 1e-6],
      log: [1e-6, 1e6], identity: [-1e6, 1e6], inverse: [1e-3, 1e3], sqrt: [1e-3, 1e6], "1/mu^2": [1e-2, 1e2]
    };
    for (const name of LINK_NAMES) {
      const f = link(name);
      const [lo, hi] = inside[name];
      fc.assert(
        fc.property(fc.double({min: lo, max: hi, noNaN: true}), (mu) => {
          const eta = f.linkfun(mu);
          const back = f.linkinv(eta);
          const h = 1e-5 * Math.max(1e-2, Math.abs(eta));
          const slope = (f.linkinv(eta + h) - f.linkinv(eta - h)) / (2 * h);
          return Math.abs(back - mu) <= 1e-9 * Math.max(1, Math.abs(mu)) && Math.abs(slope - f.muEta(eta)) <= 1e-5 * Math.max(1e-8, Math.abs(slope));
        }),
        {seed: SEED, numRuns: 300}
      );
    }
  });

  it("the normal density keeps its relative precision in the tails (φ(30) = 1.4736461348785476e-196, mpmath at 300 bits)", () => {
    expect(Math.abs(normalDensity(30) / 1.4736461348785476e-196 - 1)).toBeLessThan(1e-14);
    expect(normalDensity(-30)).toBe(normalDensity(30));
  });
});

describe("families: lme4's variance, deviance residuals and AIC", () => {
  for (const [key, F] of Object.entries(ref.families as Record<string, {family: FamilyName; y: number[]; mu: number[]; wt: number[]; n: number[]; variance: number[]; dev_resids: number[]; aic: number[]}>)) {
    it(`${key}: V(μ), d(y, μ, w) and the AIC, relative 1e-13 (AIC 1e-12)`, () => {
      const f = family(F.family);
      const dev = F.y.map((y, i) => f.devianceResidual(y, F.mu[i], F.wt[i]));
      const total = dev.reduce((a, b) => a + b, 0);
      expect([
        ...off("variance", F.mu, F.mu.map(f.variance), F.variance, 1e-13),
        ...off("devResid", F.y, dev, F.dev_resids, 1e-13),
        ...off("aic", [total], [f.aic(F.y, F.n, F.mu, F.wt, total)], F.aic, 1e-12)
      ]).toEqual([]);
    });
  }

  it("a deviance residual is zero at y = μ and positive elsewhere, seeded", () => {
    const range: Record<FamilyName, [number, number]> = {binomial: [0.001, 0.999], poisson: [0.01, 100], Gamma: [0.01, 100], gaussian: [-100, 100], "inverse.gaussian": [0.01, 100]};
    for (const name of FAMILY_NAMES) {
      const f = family(name);
      const [lo, hi] = range[name];
      fc.assert(
        fc.property(fc.double({min: lo, max: hi, noNaN: true}), fc.double({min: lo, max: hi, noNaN: true}), fc.double({min: 0.1, max: 10, noNaN: true}), (y, mu, w) => {
          const d = f.devianceResidual(y, mu, w);
          return Math.abs(f.devianceResidual(mu, mu, w)) <= 1e-12 * w && d >= -1e-12 * w * Math.max(1, Math.abs(y));
        }),
        {seed: SEED, numRuns: 300}
      );
    }
  });

  it("each family's default link is R's and every admitted link is known", () => {
    expect(FAMILY_NAMES.map((n) => family(n).link.name)).toEqual(["logit", "log", "inverse", "identity", "1/mu^2"]);
    for (const n of FAMILY_NAMES) for (const l of FAMILY_LINKS[n]) expect(family(n, l).link.name).toBe(l);
  });

  it("refuses an unknown family or a link the family does not admit, naming the value and what would do", () => {
    expect(() => family("binomal")).toThrow('family "binomal" is not one glmer fits; did you mean "binomial"? use "binomial", "poisson", "Gamma", "gaussian", "inverse.gaussian"');
    expect(() => family("gamma")).toThrow('family "gamma" is not one glmer fits; did you mean "Gamma"? use "binomial", "poisson", "Gamma"');
    expect(() => family("inverse_gaussian")).toThrow('did you mean "inverse.gaussian"');
    expect(() => family("poisson", "logit")).toThrow('link "logit" is not available for the poisson family; did you mean "log"? use one of "log", "identity", "sqrt"');
    expect(() => family("toString")).toThrow('family "toString" is not one glmer fits');
  });
});

describe("log densities: R's dbinom, dpois and dgamma (Loader's saddle point)", () => {
  const D = ref.densities;
  it("binomial, Poisson and gamma at 36 points, relative 1e-13", () => {
    const b = D.binomial, p = D.poisson, g = D.gamma;
    expect([
      ...off("dbinom", b.x, b.x.map((x: number, i: number) => logBinomialProbability(x, b.n[i], b.p[i])), b.log, 1e-13),
      ...off("dpois", p.x, p.x.map((x: number, i: number) => logPoissonProbability(x, p.lambda[i])), p.log, 1e-13),
      ...off("dgamma", g.x, g.x.map((x: number, i: number) => logGammaDensity(x, g.shape[i], g.scale[i])), g.log, 1e-13)
    ]).toEqual([]);
  });
});

describe("PIRLS's shortcuts: the deviance in one pass, and the AIC as the deviance plus a constant", () => {
  const rows = (n: number) => fc.array(fc.tuple(fc.integer({min: 0, max: 1}), fc.double({min: 1e-12, max: 1 - 1e-12, noNaN: true})), {minLength: 1, maxLength: n});
  it("binomial 0/1 rows: devianceTotal equals the sum of the deviance residuals (1e-12 relative), also with tiny μ", () => {
    const b = family("binomial");
    fc.assert(fc.property(rows(400), fc.boolean(), (r, tiny) => {
      const y = Float64Array.from(r, ([v]) => v), mu = Float64Array.from(r, ([, m]) => (tiny ? m * 1e-200 : m)), wt = new Float64Array(r.length).fill(1);
      const each = new Float64Array(r.length);
      b.devianceResiduals(y, mu, wt, each);
      const direct = each.reduce((s, v) => s + v, 0);
      expect(Math.abs(b.devianceTotal(y, mu, wt, new Float64Array(r.length)) - direct)).toBeLessThanOrEqual(1e-12 * Math.max(1, direct));
    }), {seed: 23, numRuns: 100});
  });

  it("aic(μ) − deviance(μ) is the same at every μ where aicShiftsDeviance says so (binomial counts, Poisson), and is refused otherwise", () => {
    const b = family("binomial"), p = family("poisson");
    const y = Float64Array.of(0.25, 0.5, 1, 0), trials = Float64Array.of(4, 2, 3, 5);
    expect(b.aicShiftsDeviance(y, trials, trials)).toBe(true);
    expect(b.aicShiftsDeviance(Float64Array.of(0.3), Float64Array.of(2), Float64Array.of(2))).toBe(false);
    expect(p.aicShiftsDeviance(Float64Array.of(0, 3, 7), new Float64Array(3), new Float64Array(3).fill(1))).toBe(true);
    expect(p.aicShiftsDeviance(Float64Array.of(0, 2.5), new Float64Array(2), new Float64Array(2).fill(1))).toBe(false);
    expect(family("Gamma").aicShiftsDeviance(Float64Array.of(1), Float64Array.of(1), Float64Array.of(1))).toBe(false);
    const shift = (f: typeof b, yy: Float64Array, n: Float64Array, w: Float64Array, mu: Float64Array) => {
      const each = new Float64Array(mu.length);
      f.devianceResiduals(yy, mu, w, each);
      const dev = each.reduce((s, v) => s + v, 0);
      return f.aic(yy, n, mu, w, dev) - dev;
    };
    fc.assert(fc.property(fc.array(fc.double({min: 0.01, max: 0.99, noNaN: true}), {minLength: 4, maxLength: 4}), (m) => {
      const mu = Float64Array.from(m);
      expect(shift(b, y, trials, trials, mu)).toBeCloseTo(shift(b, y, trials, trials, Float64Array.of(0.5, 0.5, 0.5, 0.5)), 10);
      const counts = Float64Array.of(0, 3, 7, 1), ones = new Float64Array(4).fill(1), rate = mu.map((v) => 10 * v);
      expect(shift(p, counts, ones, ones, rate)).toBeCloseTo(shift(p, counts, ones, ones, ones), 10);
    }), {seed: 29, numRuns: 100});
  });
});
