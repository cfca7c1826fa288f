/**
 * Confidence intervals: profile limits against lme4's sleepstudy-confint-profile.json (1e-3 relative;
 * measured within 5e-5), Wald limits against lme4's `confint(m, method = "Wald")`, and `lmm confint`.
 */
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {confint, confintValues} from "../src/inference/intervals/confint.js";
import {profiles} from "../src/inference/intervals/likelihood-profile.js";
import {fitOf} from "./helpers/fits.js";
import {loadReference} from "./helpers/reference.js";

const ref = loadReference("sleepstudy-confint-profile") as unknown as {formula: string; parameters: string[]; lower: number[]; upper: number[]};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("profile confidence intervals match lme4", () => {
  const m = fitOf("sleepstudy", ref.formula);
  const c = confintValues(m, {method: "profile"});
  it("every parameter, named as lme4 names them, in lme4's order", () => {
    expect(c.parameters).toEqual(ref.parameters);
  });
  ref.parameters.forEach((name, i) => {
    it(name, () => {
      expect(rel(c.lower[i], ref.lower[i]), `lower ${c.lower[i]} vs ${ref.lower[i]}`).toBeLessThan(1e-3);
      expect(rel(c.upper[i], ref.upper[i]), `upper ${c.upper[i]} vs ${ref.upper[i]}`).toBeLessThan(1e-3);
    });
  });
  it("ζ is 0 at the estimate and ±z at the limits", () => {
    const [sd0] = profiles(m);
    expect(sd0.zeta(sd0.estimate)).toBe(0);
    expect(sd0.zeta(c.lower[0])).toBeCloseTo(-1.959964, 5);
    expect(sd0.zeta(c.upper[0])).toBeCloseTo(1.959964, 5);
  });
  it("a boundary: a standard deviation whose profile stays below the cutoff has lower limit 0", () => {
    const d = fitOf("Dyestuff2", "Yield ~ 1 + (1 | Batch)");
    const ci = confintValues(d, {method: "profile"});
    expect(ci.parameters[0]).toBe("sd_(Intercept)|Batch");
    expect(ci.lower[0]).toBe(0);
    expect(ci.upper[0]).toBeGreaterThan(0);
  });
});

describe("Wald intervals", () => {
  it("match lme4's confint(m, method = 'Wald') for the fixed effects", () => {
    const c = confintValues(fitOf("sleepstudy", ref.formula), {method: "Wald"});
    expect(c.parameters).toEqual(["(Intercept)", "Days"]);
    const want = {lower: [238.02914112, 7.43759393], upper: [264.78106858, 13.49697799]};
    c.lower.forEach((v, i) => expect(rel(v, want.lower[i])).toBeLessThan(1e-5));
    c.upper.forEach((v, i) => expect(rel(v, want.upper[i])).toBeLessThan(1e-5));
  });
  it("a level, and an Arquero table of parameter, lower, upper", () => {
    const m = fitOf("sleepstudy", ref.formula);
    const rows = confint(m, {method: "Wald", level: 0.9}).objects() as {parameter: string; lower: number; upper: number}[];
    expect(rows[1].parameter).toBe("Days");
    expect(rows[1].upper - m.fixef.Days).toBeCloseTo(1.6448536269514722 * m.se.Days, 9);
  });
  it("refuses a bad level or method", () => {
    const m = fitOf("sleepstudy", ref.formula);
    expect(() => confintValues(m, {level: 95})).toThrow(/invalid level: 95; give a number between 0 and 1, such as 0.95/);
    expect(() => confintValues(m, {method: "exact" as "Wald"})).toThrow(/invalid method: "exact"; use "profile", "Wald" or "boot"/);
    expect(() => confintValues(m, {method: "boot"})).toThrow(/confint.s method "boot" needs a seed so that its intervals can be reproduced; pass \{method: "boot", seed: 1\}/);
    expect(() => confintValues(m, {method: "boot", n: 10, seed: 1} as never)).toThrow(/unknown option "n" of confint; did you mean "nsim"\?/);
  });
});

describe("lmm confint", () => {
  const csv = join(fileURLToPath(new URL("../", import.meta.url)), "datasets", "sleepstudy.csv");
  const run = (...argv: string[]) => {
    let stdout = "", stderr = "";
    const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
    return {code, stdout, stderr};
  };
  it("profile intervals by default, lme4's table", () => {
    const r = run("confint", csv, ref.formula);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+2\.5 %\s+97\.5 %$/);
    expect(lines[1]).toMatch(/^sd_\(Intercept\)\|Subject\s+14\.381\d+\s+37\.71\d+$/);
    expect(lines[6]).toMatch(/^Days\s+7\.3586\d+\s+13\.5759\d+$/);
  });
  it("--method Wald --json", () => {
    const r = run("confint", csv, ref.formula, "--method", "Wald", "--json");
    const c = JSON.parse(r.stdout);
    expect(c.method).toBe("Wald");
    expect(c.parameters).toEqual(["(Intercept)", "Days"]);
  });
  it("refuses boot without a seed and an unknown method", () => {
    expect(run("confint", csv, ref.formula, "--method", "boot").stderr).toBe("lmm: --method boot needs --seed N so that the bootstrap can be reproduced\n");
    expect(run("confint", csv, ref.formula, "--method", "exact").stderr).toBe("lmm: invalid --method exact; use --method profile, Wald or boot\n");
  });
  it("--method boot --nsim 20 --seed 3 --json: the same intervals twice", () => {
    const a = run("confint", csv, ref.formula, "--method", "boot", "--nsim", "20", "--seed", "3", "--json");
    expect(a.code).toBe(0);
    expect(run("confint", csv, ref.formula, "--method", "boot", "--nsim", "20", "--seed", "3", "--json").stdout).toBe(a.stdout);
    expect(JSON.parse(a.stdout).parameters).toEqual(ref.parameters);
  });
});
