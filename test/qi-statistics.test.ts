/**
 * Statistical checks of sim with 20 000 draws (issue 3, "must show" 2): means within 4 Monte Carlo standard
 * errors of their closed forms, standard deviations within 3%. The targets are computed here from the
 * model's public fields (β̂, vcov, varCorr, ranef, σ̂), not from the code under test.
 */
import {afterAll, describe, expect, it} from "vitest";
import {setx, sim, quantile, type Profiles} from "../src/qi/index.js";
import {fitOf} from "./helpers/fits.js";
import type {LinearMixedModel} from "../src/lmm/model.js";

const N = 20000;
const margins: string[] = [];
afterAll(() => console.info(`sim checks with ${N} draws (|z| in Monte Carlo SEs; SD error in %):\n  ` + margins.join("\n  ")));

const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: Float64Array) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
/** x V xᵀ for a row x and a matrix V. */
const quad = (x: ArrayLike<number>, V: number[][]) => V.reduce((s, row, a) => s + x[a] * row.reduce((t, v, b) => t + v * x[b], 0), 0);
const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, a) => s + v * y[a], 0);

/** Mean within 4 MC SEs of `target`; records the margin. */
function expectMean(label: string, draws: Float64Array, target: number) {
  const z = (mean(draws) - target) / (sd(draws) / Math.sqrt(draws.length));
  margins.push(`${label}: mean |z| = ${Math.abs(z).toFixed(2)}`);
  expect(Math.abs(z)).toBeLessThan(4);
}

/** SD within 3% of `target`; records the margin. */
function expectSd(label: string, draws: Float64Array, target: number) {
  const rel = sd(draws) / target - 1;
  margins.push(`${label}: sd error ${(100 * rel).toFixed(2)}%`);
  expect(Math.abs(rel)).toBeLessThan(0.03);
}

/** Ψ̂ of a term as a matrix, from varCorr rows (variances and covariances). */
function psi(m: LinearMixedModel, group: string, names: string[]): number[][] {
  const rows = m.varCorr.filter((r) => r.grp === group);
  return names.map((a) => names.map((b) => rows.find((r) => (r.var1 === a && (r.var2 ?? a) === b) || (r.var1 === b && r.var2 === a))!.vcov));
}

const row = (x: Profiles, j = 0) => x.X.subarray(j * x.model.beta.length, (j + 1) * x.model.beta.length);

describe("voteincome: income ~ education + age + female + (1 | state)", () => {
  const m = fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");
  const x = setx(m, {education: quantile(0.8)});
  const x1 = setx(m, {education: quantile(0.2)});
  const s = sim(m, {x, x1, n: N, seed: 20240});

  it("ev: mean xβ̂, sd √(x Var(β̂) xᵀ)", () => {
    expectMean("ev", s.qi.ev![0], dot(row(x), m.beta));
    expectSd("ev", s.qi.ev![0], Math.sqrt(quad(row(x), m.vcov)));
  });

  it("fd: mean (x1 − x)β̂, sd √((x1 − x) Var(β̂) (x1 − x)ᵀ)", () => {
    const d = row(x1).map((v, a) => v - row(x)[a]);
    expectMean("fd", s.qi.fd![0], dot(d, m.beta));
    expectSd("fd", s.qi.fd![0], Math.sqrt(quad(d, m.vcov)));
  });

  it("pr for a new group: mean xβ̂, sd √(x Var(β̂) xᵀ + z Ψ̂ zᵀ + σ̂²)", () => {
    const psi0 = m.varCorr.find((r) => r.grp === "state")!.vcov;
    expectMean("pr new state", s.qi.pr![0], dot(row(x), m.beta));
    expectSd("pr new state", s.qi.pr![0], Math.sqrt(quad(row(x), m.vcov) + psi0 + m.sigma ** 2));
  });

  it("pr for a known group: mean xβ̂ + z b̃, sd with the conditional variance of b", () => {
    const xs = setx(m, {education: quantile(0.8), state: ["AR", "SC"]});
    const k = sim(m, {x: xs, n: N, seed: 99});
    ["AR", "SC"].forEach((state, j) => {
      const r = m.ranef;
      const i = r.grp.indexOf(state);
      expectMean(`pr state ${state}`, k.qi.pr![j], dot(row(xs, j), m.beta) + r.condval[i]);
      expectSd(`pr state ${state}`, k.qi.pr![j], Math.sqrt(quad(row(xs, j), m.vcov) + r.condsd[i] ** 2 + m.sigma ** 2));
    });
  });
});

describe("sleepstudy: Reaction ~ Days + (Days | Subject), correlated random slopes", () => {
  const m = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");

  it("pr for a new subject at Days = 5: sd with z Ψ̂ zᵀ for z = (1, 5)", () => {
    const x = setx(m, {Days: 5});
    const s = sim(m, {x, n: N, seed: 5});
    const z = [1, 5];
    expectMean("sleepstudy pr new subject", s.qi.pr![0], dot(row(x), m.beta));
    expectSd("sleepstudy pr new subject", s.qi.pr![0], Math.sqrt(quad(row(x), m.vcov) + quad(z, psi(m, "Subject", ["(Intercept)", "Days"])) + m.sigma ** 2));
    expectSd("sleepstudy ev", s.qi.ev![0], Math.sqrt(quad(row(x), m.vcov)));
  });

  it("pr for subject 308 at Days = 5: mean xβ̂ + z b̃", () => {
    const x = setx(m, {Days: 5, Subject: "308"});
    const s = sim(m, {x, n: N, seed: 6});
    const r = m.ranef;
    const b = ["(Intercept)", "Days"].map((term) => r.condval[r.grp.findIndex((g, i) => g === "308" && r.term[i] === term)]);
    expectMean("sleepstudy pr subject 308", s.qi.pr![0], dot(row(x), m.beta) + b[0] + 5 * b[1]);
  });
});

describe("ATT: female as the treatment in voteincome", () => {
  const m = fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");
  const s = sim(m, {treatment: "female", n: N, seed: 3});
  const frame = m.structure.frame;
  const treated = [...frame.X[3].keys()].filter((r) => frame.X[3][r] === 1);

  it("att.ev: mean over treated rows of y − x₀β̂, sd of the averaged counterfactual", () => {
    const x0 = frame.X.map((col, a) => (a === 3 ? 0 : treated.reduce((s, r) => s + col[r], 0) / treated.length));
    const ybar = treated.reduce((s, r) => s + frame.y[r], 0) / treated.length;
    expectMean("att.ev", s.qi["att.ev"]![0], ybar - dot(x0, m.beta));
    expectSd("att.ev", s.qi["att.ev"]![0], Math.sqrt(quad(x0, m.vcov)));
  });

  it("att.pr: also subtracts each treated row's own state effect and the mean error", () => {
    const x0 = frame.X.map((col, a) => (a === 3 ? 0 : treated.reduce((s, r) => s + col[r], 0) / treated.length));
    const ybar = treated.reduce((s, r) => s + frame.y[r], 0) / treated.length;
    const refs = frame.terms[0].refs;
    const share = [0, 1].map((h) => treated.filter((r) => refs[r] === h).length / treated.length);
    const {condval, condsd} = m.ranef;
    const target = ybar - dot(x0, m.beta) - share[0] * condval[0] - share[1] * condval[1];
    const variance = quad(x0, m.vcov) + (share[0] * condsd[0]) ** 2 + (share[1] * condsd[1]) ** 2 + m.sigma ** 2 / treated.length;
    expectMean("att.pr", s.qi["att.pr"]![0], target);
    expectSd("att.pr", s.qi["att.pr"]![0], Math.sqrt(variance));
  });

  it("a treatment alongside profiles adds att.* without changing ev, pr", () => {
    const x = setx(m);
    const both = sim(m, {x, treatment: "female", n: 100, seed: 8});
    const alone = sim(m, {x, n: 100, seed: 8});
    expect(both.names).toEqual(["ev", "pr", "att.ev", "att.pr"]);
    expect(both.qi.pr![0]).toEqual(alone.qi.pr![0]);
  });
});
