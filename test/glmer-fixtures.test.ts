/**
 * glmer against lme4 1.1-31 at the optimum of its own deviance (test/fixtures/glmer, README there): the
 * issue's tolerances — objective within 1e-6 relative, β within 1e-3 SE, SEs and SDs within 1e-3 relative,
 * conditional modes within 1e-3 conditional SD — plus the deviance, logLik, AIC and BIC, fitted values and
 * each type of residual.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {glmerFitOf, loadGlmerFixture, type GlmerCall} from "./helpers/glmer.js";

interface Fixture extends GlmerCall {
  nobs: number;
  theta: number | number[];
  beta: Record<string, number>;
  se: Record<string, number>;
  se_rx: Record<string, number>;
  varcorr: {grp: string; var1: string; var2: string | null; vcov: number; sdcor: number}[];
  sigma: number | null;
  lme4_warnings: string | null;
  deviance: number;
  objective: number;
  minus2logLik: number;
  logLik: number;
  df: number;
  AIC: number;
  BIC: number;
  ranef: {grpvar: string[]; term: string[]; grp: string[]; condval: number[]; condsd: number[]};
  fitted: {head: number[]; sum: number};
  residuals: Record<"deviance" | "pearson" | "response" | "working", {head: number[]; sum: number; sumsq: number}>;
}


const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const maxOf = (values: number[]) => values.reduce((m, v) => Math.max(m, v), 0);

/**
 * lme4's Hessian-based SEs of the probit fit of voteincome are off by ~1% from the Hessian of the converged
 * deviance: with a non-canonical link PIRLS converges linearly and lme4's finite differences (step 1e-4, PIRLS
 * stopped at tolPwrss 1e-12) see its noise. That case's lme4 SEs are held to 2e-2; every fixture's SEs are also
 * checked at 1e-3 against glmer-tight-se.json: the same Hessian of lme4's own deviance function with PIRLS to
 * tolPwrss 1e-14 and steps scaled to each coordinate (tools/make-glmer-tight-se.R; voteincome-logit left out
 * there, its two step sizes disagreeing by 1.5 % in R).
 */
const HESSIAN_SE_TOLERANCE: Record<string, number> = {"voteincome-probit": 2e-2};
const TIGHT_SE: Record<string, number[]> = JSON.parse(readFileSync(new URL("./fixtures/glmer-tight-se.json", import.meta.url), "utf8"));

const CASES = [
  "Contraception-intercept",
  "Contraception-slope",
  "voteincome-logit",
  "voteincome-probit",
  "bacteria-probit",
  "epil-poisson-interaction",
  "Mmmec-offset",
  "Mmmec-nested-offset-argument",
  "VerbAgg-crossed",
  "cbpp-proportion-weights",
  "cbpp-binomial",
  "cbpp-cloglog",
  "grouseticks-poisson",
  "cbpp-binomial-nagq0",
  "cbpp-binomial-agq25",
  "Contraception-agq9",
  "sleepstudy-gamma-log",
  "sleepstudy-inverse-gaussian-log",
  "voteincome-gaussian-log"
];

describe("glmer at lme4's optimum (Laplace, nAGQ = 0 and adaptive quadrature; every family)", () => {
  for (const id of CASES) {
    it(id, () => {
      const fx = loadGlmerFixture<Fixture>(id);
      const m = glmerFitOf(fx);
      const names = Object.keys(fx.beta);
      expect(m.fixefNames).toEqual(names);
      expect(m.nobs).toBe(fx.nobs);
      expect(rel(m.objective, fx.objective)).toBeLessThan(1e-6);
      expect(maxOf(names.map((n) => Math.abs(m.fixef[n] - fx.beta[n]) / fx.se[n]))).toBeLessThan(1e-3);
      expect(maxOf(names.map((n) => rel(m.seRX[n], fx.se_rx[n])))).toBeLessThan(1e-3);
      // nAGQ = 0: lme4's vcov is R_X's (fixture se = se_rx)
      expect(maxOf(names.map((n) => rel(m.se[n], fx.se[n])))).toBeLessThan(HESSIAN_SE_TOLERANCE[id] ?? 1e-3);
      if (TIGHT_SE[id]) expect(maxOf(names.map((n, k) => rel(m.se[n], TIGHT_SE[id][k])))).toBeLessThan(1e-3);
      const theta = [fx.theta].flat();
      expect(m.theta.length).toBe(theta.length);
      expect(m.varCorr.length).toBe(fx.varcorr.length);
      fx.varcorr.forEach((row, i) => {
        expect(m.varCorr[i].var1).toBe(row.var1);
        expect(row.var2 === null ? rel(m.varCorr[i].sdcor, row.sdcor) : Math.abs(m.varCorr[i].sdcor - row.sdcor)).toBeLessThan(1e-3);
      });
      const {condval, condsd} = fx.ranef;
      expect(m.ranef.condval.length).toBe(condval.length);
      expect(m.ranef.term).toEqual(fx.ranef.term);
      expect(maxOf(condval.map((v, i) => Math.abs(m.ranef.condval[i] - v) / condsd[i]))).toBeLessThan(1e-3);
      expect(maxOf(condsd.map((v, i) => rel(m.ranef.condsd[i], v)))).toBeLessThan(1e-3);
      for (const key of ["minus2logLik", "AIC", "BIC"] as const) expect(rel(m[key], fx[key])).toBeLessThan(1e-6);
      expect(rel(m.logLik, fx.logLik)).toBeLessThan(1e-6);
      expect(m.df).toBe(fx.df);
      // the deviance at the modes moves with them (bacteria: modes 2e-4 conditional SD apart give 2e-5)
      expect(rel(m.deviance, fx.deviance)).toBeLessThan(1e-4);
      const head = (x: Float64Array, want: number[]) => maxOf(want.map((v, i) => Math.abs(x[i] - v) / Math.max(1, Math.abs(v))));
      expect(head(m.fitted, fx.fitted.head)).toBeLessThan(1e-4);
      for (const type of ["deviance", "pearson", "response", "working"] as const) {
        expect(head(m.residuals[type], fx.residuals[type].head)).toBeLessThan(1e-3);
        const sumsq = m.residuals[type].reduce((s, v) => s + v * v, 0);
        expect(rel(sumsq, fx.residuals[type].sumsq)).toBeLessThan(1e-4);
      }
      expect(fx.sigma === null ? m.sigma === 1 : rel(m.sigma, fx.sigma) < 1e-3).toBe(true);
      expect(m.coefficients.statisticName).toBe(fx.sigma === null ? "z value" : "t value");
      // lme4's convergence checks on the Hessian in (θ, β): voteincome's age in years gives "very large eigenvalue"
      expect(m.warnings).toEqual(fx.lme4_warnings ? [fx.lme4_warnings.replace("\n", "")] : []);
      expect(m.optimizer.converged).toBe(true);
    });
  }
});
