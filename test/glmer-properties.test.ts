/**
 * Properties of glmer that hold whatever the data: permuting the rows changes nothing but the order of the
 * per-row results; prior weights of ones are no weights; an offset column given by name or as numbers, or
 * written in the formula, is one model; a two-level factor response is its 0/1 coding; proportions with
 * weights = trials are cbind(successes, failures).
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {glmer} from "../src/glmm/index.js";
import {readCSV} from "../src/io/csv.js";
import {randomSource} from "../src/stats/random.js";

const cbpp = (readCSV(readFileSync(new URL("../datasets/cbpp.csv", import.meta.url), "utf8")).objects() as {herd: number; incidence: number; size: number; period: number}[]).map((r) => ({...r}));
const mmmec = (readCSV(readFileSync(new URL("../datasets/Mmmec.csv", import.meta.url), "utf8")).objects() as Record<string, number | string>[]).map((r) => ({...r}));

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])));

describe("glmer's invariances", () => {
  it("permuting the rows (seeded) leaves the estimates and the deviance as they were", () => {
    const random = randomSource(20261203);
    const shuffled = cbpp.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const f = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";
    const a = glmer(f, cbpp), b = glmer(f, shuffled);
    expect(Math.abs(a.objective - b.objective) / a.objective).toBeLessThan(1e-9);
    expect(close(a.beta, b.beta, 1e-4)).toBe(true);
    expect(close(a.theta, b.theta, 1e-4)).toBe(true);
    expect(close(a.ranef.condval, b.ranef.condval, 1e-4)).toBe(true);
  });

  it("weights of ones are no weights; proportions with weights = trials are cbind(successes, failures)", () => {
    const ones = cbpp.map((r) => ({...r, one: 1}));
    const y01 = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";
    const a = glmer(y01, ones), b = glmer(y01, ones, {weights: "one"});
    expect(b.objective).toBe(a.objective);
    expect(Array.from(b.beta)).toEqual(Array.from(a.beta));
    const c = glmer("incidence / size ~ factor(period) + (1 | herd)", cbpp, {weights: "size"});
    expect(Math.abs(c.objective - a.objective) / a.objective).toBeLessThan(1e-9);
    expect(close(c.beta, a.beta, 1e-6)).toBe(true);
  });

  it("an offset by column name, as numbers, or in the formula is one model", () => {
    const data = mmmec.map((r) => ({...r, logexp: Math.log(r.expected as number)}));
    const inFormula = glmer("deaths ~ uvb + offset(logexp) + (1 | region)", data, {family: "poisson"});
    const byName = glmer("deaths ~ uvb + (1 | region)", data, {family: "poisson", offset: "logexp"});
    const asNumbers = glmer("deaths ~ uvb + (1 | region)", data, {family: "poisson", offset: data.map((r) => r.logexp)});
    for (const m of [byName, asNumbers]) {
      expect(m.objective).toBe(inFormula.objective);
      expect(Array.from(m.beta)).toEqual(Array.from(inFormula.beta));
    }
  });

  it("a two-level factor response is its 0/1 coding, first level failure", () => {
    const data = cbpp.map((r) => ({...r, any: r.incidence > 0 ? 1 : 0, label: r.incidence > 0 ? "yes" : "no"}));
    const a = glmer("any ~ factor(period) + (1 | herd)", data), b = glmer("label ~ factor(period) + (1 | herd)", data);
    expect(b.objective).toBe(a.objective);
    expect(Array.from(b.fitted)).toEqual(Array.from(a.fitted));
  });
});
