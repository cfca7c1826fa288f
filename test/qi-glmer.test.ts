/**
 * Zelig's quantities of interest for glmer fits (issue 13), checked for their statistical properties against
 * closed forms computed here from lme4 1.1-31's estimates (test/fixtures/glmer: β̂, Var(β̂), the random-effect
 * variances, σ̂), not from the code under test. All draws seeded.
 *
 * With η = xβ + zb, β ~ N(β̂, V) and b ~ N(0, Ψ) for a new group, η ~ N(m, v) with m = xβ̂ and
 * v = xVxᵀ + zΨzᵀ, so for a log link E[μᵏ] = exp(k m + k² v / 2) and the moments of pr follow from the
 * family's variance: Poisson Var(Y | μ) = μ, Gamma σ²μ², inverse Gaussian σ²μ³. For ev (population level,
 * b = 0) the quantiles are g⁻¹ of the normal quantiles of xβ (g⁻¹ is monotone).
 *
 * Tolerances: means within 5 Monte Carlo standard errors (sd/√n); standard deviations within 4%;
 * quantiles of ev within 0.04 of the linear predictor's sd, mapped through g⁻¹ (their Monte Carlo error at
 * 20 000 draws is about 0.01–0.02 sd).
 */
import {describe, expect, it} from "vitest";
import {setx, sim} from "../src/qi/index.js";
import {binomialDraw, gammaDraw, inverseGaussianDraw, logNormalDraw, poissonDraw} from "../src/stats/random-variates.js";
import {randomSource} from "../src/stats/random.js";
import {dataset} from "./helpers/fits.js";
import {glmerFitOf, loadGlmerFixture, type GlmerCall} from "./helpers/glmer.js";
import {refusal} from "./helpers/refusal.js";

interface Fixture extends GlmerCall {
  beta: Record<string, number>;
  vcov: number[][];
  sigma: number;
  theta_names: string[];
  varcorr: {grp: string; var1: string | null; var2: string | null; vcov: number}[];
  coefficients: {names: string[]};
}
const N = 20000;
const fixture = (id: string) => loadGlmerFixture<Fixture>(id);
/** β̂ in the order of the coefficient table. */
const betaOf = (fx: Fixture) => fx.coefficients.names.map((name) => fx.beta[name]);

const mean = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
};
const sd = (v: ArrayLike<number>) => {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return Math.sqrt(s / (v.length - 1));
};
const quadratic = (x: number[], V: number[][]) => x.reduce((s, a, i) => s + x.reduce((t, b, j) => t + a * V[i][j] * b, 0), 0);
const dot = (x: number[], b: number[]) => x.reduce((s, a, i) => s + a * b[i], 0);
/** E[f(m + s Z)], Z ~ N(0, 1), by the midpoint rule on [−9, 9] (error far below the tolerances). */
const normalExpectation = (f: (e: number) => number, m: number, s: number) => {
  const k = 4000, h = 18 / k;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const z = -9 + (i + 0.5) * h;
    total += f(m + s * z) * Math.exp(-z * z / 2) * h;
  }
  return total / Math.sqrt(2 * Math.PI);
};
const plogis = (e: number) => 1 / (1 + Math.exp(-e));
const Q975 = 1.959963984540054;
/** The term covariance Ψ of a group from lme4's VarCorr rows (variances, then covariances). */
function psi(fx: Fixture, group: string, names: string[]): number[][] {
  const rows = fx.varcorr.filter((r) => r.grp === group);
  return names.map((a) => names.map((b) => rows.find((r) => (r.var1 === a && (a === b ? r.var2 === null : r.var2 === b)) || (r.var1 === b && r.var2 === a))!.vcov));
}

function expectMean(draws: ArrayLike<number>, target: number) {
  expect(Math.abs(mean(draws) - target)).toBeLessThan(5 * sd(draws) / Math.sqrt(draws.length));
}

describe("random variates: moments against closed forms (200 000 draws, means within 5 SE, variances within 3%)", () => {
  const M = 200000;
  const check = (draw: () => number, mu: number, variance: number) => {
    const v = Float64Array.from({length: M}, draw);
    expect(Math.abs(mean(v) - mu)).toBeLessThan(5 * Math.sqrt(variance / M));
    expect(Math.abs(sd(v) ** 2 / variance - 1)).toBeLessThan(0.03);
    return v;
  };
  it("Poisson: both branches (μ < 10 multiplication, μ ≥ 10 PTRS); P(0) = e^−μ", () => {
    const r = randomSource(1);
    const small = check(() => poissonDraw(r, 3.5), 3.5, 3.5);
    const zeros = small.filter((k) => k === 0).length / M;
    expect(Math.abs(zeros - Math.exp(-3.5))).toBeLessThan(5 * Math.sqrt(Math.exp(-3.5) / M));
    expect(small.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    check(() => poissonDraw(r, 42), 42, 42);
    check(() => poissonDraw(r, 1e4), 1e4, 1e4);
  });
  it("binomial: p below and above ½, many trials without underflow", () => {
    const r = randomSource(2);
    check(() => binomialDraw(r, 10, 0.3), 3, 2.1);
    check(() => binomialDraw(r, 7, 0.85), 5.95, 7 * 0.85 * 0.15);
    check(() => binomialDraw(r, 1, 0.2), 0.2, 0.16);
    const big = randomSource(3);
    const v = Float64Array.from({length: 2000}, () => binomialDraw(big, 5000, 0.5));
    expect(Math.abs(mean(v) - 2500)).toBeLessThan(5 * Math.sqrt(1250 / 2000));
  });
  it("gamma (shape ≥ 1 and < 1), inverse Gaussian, log-normal", () => {
    const r = randomSource(4);
    check(() => gammaDraw(r, 2, 1.5), 3, 4.5);
    check(() => gammaDraw(r, 0.5, 2), 1, 2);
    check(() => inverseGaussianDraw(r, 2, 4), 2, 2);
    check(() => logNormalDraw(r, 0.1, 0.5), Math.exp(0.1 + 0.125), (Math.exp(0.25) - 1) * Math.exp(0.2 + 0.25));
  });
  it("the same seed gives the same draws", () => {
    const a = randomSource(9), b = randomSource(9);
    for (let i = 0; i < 100; i++) expect(poissonDraw(a, 20)).toBe(poissonDraw(b, 20));
  });
});

describe("sim on a binomial (logit) glmer fit: voteincome", () => {
  const fx = fixture("voteincome-logit");
  const m = glmerFitOf(fx);
  const xRow = [1, 4, 40, 1];
  const x = setx(m, {education: 4, age: 40, female: 1});
  const s = sim(m, {x, x1: setx(m, {education: 1, age: 40, female: 1}), n: N, seed: 11});
  const eta = dot(xRow, betaOf(fx)), se = Math.sqrt(quadratic(xRow, fx.vcov));
  const sdState = Math.sqrt(psi(fx, "state", ["(Intercept)"])[0][0]);

  it("ev = plogis(xβ): median and 95% interval are plogis of xβ̂ and xβ̂ ± 1.96 se", () => {
    const ev = s.summaryOf("ev");
    expect(Math.abs(ev.p50 - plogis(eta))).toBeLessThan(plogis(eta + 0.04 * se) - plogis(eta));
    expect(Math.abs(ev.p2_5 - plogis(eta - Q975 * se))).toBeLessThan(plogis(eta - Q975 * se + 0.04 * se) - plogis(eta - Q975 * se));
    expect(Math.abs(ev.p97_5 - plogis(eta + Q975 * se))).toBeLessThan(plogis(eta + Q975 * se) - plogis(eta + Q975 * se - 0.04 * se));
    expectMean(s.qi.ev![0], normalExpectation(plogis, eta, se));
  });
  it("pr is 0/1 with mean E[plogis(η)], η ~ N(xβ̂, xVxᵀ + σ²_state) (a new state)", () => {
    const pr = s.qi.pr![0];
    expect(pr.every((v) => v === 0 || v === 1)).toBe(true);
    expectMean(pr, normalExpectation(plogis, eta, Math.sqrt(se * se + sdState * sdState)));
  });
  it("fd is ev1 − ev draw by draw", () => {
    const fd = s.qi.fd![0], ev = s.qi.ev![0], ev1 = s.qi.ev1![0];
    for (let d = 0; d < 10; d++) expect(fd[d]).toBe(ev1[d] - ev[d]);
  });
  it("trials: pr counts successes out of 10, mean 10 E[plogis(η)]", () => {
    const t = sim(m, {x, n: N, seed: 12, trials: 10});
    const pr = t.qi.pr![0];
    expect(pr.every((v) => Number.isInteger(v) && v >= 0 && v <= 10)).toBe(true);
    expectMean(pr, 10 * normalExpectation(plogis, eta, Math.sqrt(se * se + sdState * sdState)));
  });
  it("a known state: b drawn from its conditional distribution (mode and conditional SD of lme4's ranef)", () => {
    const f = fixture("voteincome-logit") as Fixture & {ranef: {grp: string[]; condval: number[]; condsd: number[]}};
    const h = f.ranef.grp.indexOf("SC");
    const known = sim(m, {x: setx(m, {education: 4, age: 40, female: 1, state: "SC"}), n: N, seed: 13});
    const s2 = Math.sqrt(se * se + f.ranef.condsd[h] ** 2);
    expectMean(known.qi.pr![0], normalExpectation(plogis, eta + f.ranef.condval[h], s2));
  });
  it("att.ev and att.pr for female: the plug-in ȳ_T − mean plogis(x₀β̂) within 0.25 sd; seeded", () => {
    const data = dataset("voteincome");
    const a = sim(m, {treatment: "female", n: 2000, seed: 14, data});
    const vote = data.array("vote") as ArrayLike<number>, fem = data.array("female") as ArrayLike<number>;
    const edu = data.array("education") as ArrayLike<number>, age = data.array("age") as ArrayLike<number>;
    let yT = 0, plug = 0, nT = 0;
    for (let r = 0; r < vote.length; r++) {
      if (fem[r] !== 1) continue;
      nT++;
      yT += vote[r];
      plug += plogis(dot([1, edu[r], age[r], 0], betaOf(fx)));
    }
    const target = yT / nT - plug / nT;
    const ev = a.summaryOf("att.ev");
    expect(Math.abs(ev.mean - target)).toBeLessThan(0.25 * ev.sd);
    expect(a.summaryOf("att.pr").sd).toBeGreaterThan(ev.sd);
    const again = sim(m, {treatment: "female", n: 2000, seed: 14, data});
    expect(Array.from(again.qi["att.pr"]![0])).toEqual(Array.from(a.qi["att.pr"]![0]));
  });
});

describe("sim on log-link glmer fits: moments of pr from E[μᵏ] = exp(k m + k² v / 2)", () => {
  it("Gamma (sleepstudy, Days | Subject): E[Y] = E[μ], Var(Y) = (1 + σ²) E[μ²] − E[μ]²", () => {
    const fx = fixture("sleepstudy-gamma-log");
    const m = glmerFitOf(fx);
    const s = sim(m, {x: setx(m, {Days: 5}), n: N, seed: 21});
    const xRow = [1, 5];
    const mm = dot(xRow, betaOf(fx));
    const v = quadratic(xRow, fx.vcov) + quadratic(xRow, psi(fx, "Subject", ["(Intercept)", "Days"]));
    const e1 = Math.exp(mm + v / 2), e2 = Math.exp(2 * mm + 2 * v);
    expectMean(s.qi.pr![0], e1);
    expect(Math.abs(sd(s.qi.pr![0]) / Math.sqrt((1 + fx.sigma ** 2) * e2 - e1 * e1) - 1)).toBeLessThan(0.04);
    expect(Math.abs(s.summaryOf("ev").p50 / Math.exp(mm) - 1)).toBeLessThan(0.04 * Math.sqrt(quadratic(xRow, fx.vcov)));
  });
  it("inverse Gaussian (sleepstudy): Var(Y) = σ² E[μ³] + Var(μ)", () => {
    const fx = fixture("sleepstudy-inverse-gaussian-log");
    const m = glmerFitOf(fx);
    const s = sim(m, {x: setx(m, {Days: 2}), n: N, seed: 22});
    const xRow = [1, 2];
    const mm = dot(xRow, betaOf(fx));
    const v = quadratic(xRow, fx.vcov) + quadratic(xRow, psi(fx, "Subject", ["(Intercept)", "Days"]));
    const e1 = Math.exp(mm + v / 2), e2 = Math.exp(2 * mm + 2 * v), e3 = Math.exp(3 * mm + 4.5 * v);
    expectMean(s.qi.pr![0], e1);
    expect(Math.abs(sd(s.qi.pr![0]) / Math.sqrt(fx.sigma ** 2 * e3 + e2 - e1 * e1) - 1)).toBeLessThan(0.04);
  });
  it("Poisson (epil, lbase * trt): E[Y] = E[μ], Var(Y) = E[μ] + Var(μ); counts", () => {
    const fx = fixture("epil-poisson-interaction");
    const m = glmerFitOf(fx);
    const data = dataset("epil");
    const s = sim(m, {x: setx(m, {lbase: 0.5, trt: "progabide", lage: 0.1, V4: 1}, {data}), n: N, seed: 23});
    const values: Record<string, number> = {"(Intercept)": 1, lbase: 0.5, trtprogabide: 1, lage: 0.1, V4: 1, "lbase:trtprogabide": 0.5};
    const xRow = fx.coefficients.names.map((name) => values[name]);
    const mm = dot(xRow, betaOf(fx));
    const v = quadratic(xRow, fx.vcov) + psi(fx, "subject", ["(Intercept)"])[0][0];
    const e1 = Math.exp(mm + v / 2), e2 = Math.exp(2 * mm + 2 * v);
    const pr = s.qi.pr![0];
    expect(pr.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    expectMean(pr, e1);
    expect(Math.abs(sd(pr) / Math.sqrt(e1 + e2 - e1 * e1) - 1)).toBeLessThan(0.04);
  });
  it("gaussian with the log link, Zelig's rule: ev = exp(xβ), log pr ~ N(xβ̂, xVxᵀ + σ²_state + σ²)", () => {
    const fx = fixture("voteincome-gaussian-log");
    const m = glmerFitOf(fx);
    const s = sim(m, {x: setx(m, {education: 4, age: 40, female: 1}), n: N, seed: 24});
    const xRow = [1, 4, 40, 1];
    const mm = dot(xRow, betaOf(fx)), se = Math.sqrt(quadratic(xRow, fx.vcov));
    expect(Math.abs(Math.log(s.summaryOf("ev").p50) - mm)).toBeLessThan(0.04 * se);
    expect(Math.abs(Math.log(s.summaryOf("ev").p97_5) - (mm + Q975 * se))).toBeLessThan(0.04 * se);
    const logPr = s.qi.pr![0].map(Math.log);
    const total = Math.sqrt(se * se + psi(fx, "state", ["(Intercept)"])[0][0] + fx.sigma ** 2);
    expectMean(logPr, mm);
    expect(Math.abs(sd(logPr) / total - 1)).toBeLessThan(0.04);
  });
});

describe("sim on glmer fits: refusals", () => {
  const m = glmerFitOf(fixture("voteincome-logit"));
  const g = glmerFitOf(fixture("sleepstudy-gamma-log"));
  it("trials only for binomial models, a positive integer", () => {
    expect(refusal(() => sim(g, {x: setx(g), trials: 3}))).toBe("trials is for a binomial model fitted by glmer; this model's family is Gamma: leave out trials");
    expect(refusal(() => sim(m, {x: setx(m), trials: 2.5}))).toBe("invalid trials: 2.5; give the number of trials per profile, a positive integer such as 10");
  });
});

describe("the README's glmer examples (figures to the digits printed there)", () => {
  const data = dataset("voteincome");
  it("gaussian-log (Zelig's rule) and binomial, seed 7", async () => {
    const {glmer} = await import("../src/glmm/index.js");
    const {quantile} = await import("../src/qi/index.js");
    const g = glmer("income ~ education + age + female + (1 | state)", data, {family: "gaussian", link: "log"});
    const s = sim(g, {x: setx(g, {education: quantile(0.8)}), x1: setx(g, {education: quantile(0.2)}), n: 1000, seed: 7});
    // each figure within one unit of its last printed digit: the draws' quantiles move with Var(β̂), whose
    // finite-difference noise (3e-4 of an SE) flips a figure that sits on a rounding boundary
    const round = (o: Record<string, number>, d: number) => ({
      toEqual: (want: Record<string, number>) => Object.entries(want).forEach(([k, v]) => expect(Math.abs(o[k] - v), k).toBeLessThanOrEqual(10 ** -d + 1e-9))
    });
    const expect2 = (r: {toEqual: (w: Record<string, number>) => void}) => r;
    expect2(round(s.summaryOf("ev") as never, 3)).toEqual({mean: 14.887, sd: 0.392, p2_5: 14.171, p50: 14.877, p97_5: 15.6865});
    expect2(round(s.summaryOf("fd") as never, 3)).toEqual({mean: -3.878, sd: 0.206, p2_5: -4.281, p50: -3.876, p97_5: -3.498});
    const b = glmer("vote ~ education + age + female + (1 | state)", data, {family: "binomial"});
    const t = sim(b, {x: setx(b, {education: quantile(0.8)}), x1: setx(b, {education: quantile(0.2)}), n: 1000, seed: 7});
    expect(+t.summaryOf("ev").p50.toFixed(4)).toBe(0.9128);
    expect2(round(t.summaryOf("fd") as never, 4)).toEqual({mean: -0.0889, sd: 0.0168, p2_5: -0.1229, p50: -0.0881, p97_5: -0.0593});
  });
});

describe("a known group of a glmer fit with a vector term: its draws' factor against lme4's conditional SDs", () => {
  it("sleepstudy Gamma (Days | Subject): diag(F Fᵀ) = condsd² and the mode = condval, for every level and term (1e-3 relative, 1e-3 condsd)", async () => {
    const {termFactors} = await import("../src/qi/random-effects.js");
    const fx = loadGlmerFixture<Fixture & {ranef: {grp: string[]; term: string[]; condval: number[]; condsd: number[]}}>("sleepstudy-gamma-log");
    const m = glmerFitOf(fx);
    const [f] = termFactors(m);
    const F = f.known();
    const levels = m.frame.terms[0].levels;
    fx.ranef.grp.forEach((level, k) => {
      const h = levels.indexOf(level), a = fx.ranef.term[k] === "(Intercept)" ? 0 : 1;
      let v = 0;
      for (let c = 0; c <= a; c++) v += F[h * 4 + a * 2 + c] ** 2;
      expect(Math.abs(Math.sqrt(v) / fx.ranef.condsd[k] - 1)).toBeLessThan(1e-3);
      expect(Math.abs(f.modes[h * 2 + a] - fx.ranef.condval[k])).toBeLessThan(1e-3 * fx.ranef.condsd[k]);
    });
  });
});

describe("setx on a formula with scale() (grouseticks, Poisson): the fit's centre and scale, as R's makepredictcall", () => {
  it("scale(HEIGHT) at HEIGHT = 500 is (500 − mean)/sd of the data; ev's median is exp(xβ̂) with lme4's β̂", () => {
    const fx = fixture("grouseticks-poisson");
    const m = glmerFitOf(fx);
    const data = dataset("grouseticks");
    const x = setx(m, {HEIGHT: 500}, {data});
    const h = Array.from(data.array("HEIGHT") as ArrayLike<number>);
    const center = h.reduce((a, b) => a + b, 0) / h.length;
    const scale = Math.sqrt(h.reduce((a, b) => a + (b - center) ** 2, 0) / (h.length - 1));
    const row = x.design().objects()[0] as Record<string, number>;
    expect(Math.abs(row["scale(HEIGHT)"] - (500 - center) / scale)).toBeLessThan(1e-12);
    const xRow = fx.coefficients.names.map((name) => row[name]);
    const s = sim(m, {x, n: N, seed: 31});
    const se = Math.sqrt(quadratic(xRow, fx.vcov));
    expect(Math.abs(Math.log(s.summaryOf("ev").p50) - dot(xRow, betaOf(fx)))).toBeLessThan(0.04 * se);
  }, 60_000);
});
