/**
 * Three-level equations (src/notation/three-levels.ts through readLevels/writeLevels/equations): pupils i in
 * classes j in schools k, π's, β's and γ's as Raudenbush & Bryk write them. Read as the lme4 formula they mean
 * (`(1 | k/j)` and its slopes and cross-level interactions), in ASCII and Unicode; written back and read again
 * to the same model (seeded random three-level models); Stata's `|| k: || j:` in both directions; the Pastes
 * fit (`strength ~ 1 + (1 | batch/cask)`) written with its estimates, which match lme4's fixture, and every
 * TeX form parsed by KaTeX; refusals by name.
 */
import {readFileSync} from "node:fs";
import fc from "fast-check";
import katex from "katex";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import type {ModelSpec} from "../src/formula/ast.js";
import {formula} from "../src/formula/index.js";
import {lmer} from "../src/lmm/fit.js";
import {equations} from "../src/notation/equations.js";
import {readLevels, writeLevels} from "../src/notation/levels.js";
import {readStata, writeStata} from "../src/notation/stata.js";
import {dataset} from "./helpers/fits.js";

const PASTES = "k = batch\nj = cask\nstrength_ijk = π0jk + e_ijk\nπ0jk = β00k + r0jk\nβ00k = γ000 + u00k";

/** A spec as a comparable value: fixed terms as sets of variables, random terms by grouping columns. */
const canonical = (s: ModelSpec) => ({
  response: s.response.label,
  intercept: s.intercept,
  terms: s.terms.map((t) => t.vars.map((v) => v.label).sort().join(":")).sort(),
  random: s.random.map((r) => `${r.intercept}|${r.terms.map((t) => t.label).sort().join("+")}|${[...r.group].sort().join(":")}`).sort()
});

describe("three-level equations", () => {
  it("read as lme4's nested model: (1 | batch/cask) from π0jk = β00k + r0jk, β00k = γ000 + u00k", () => {
    const model = readLevels(PASTES);
    expect(model.formula).toBe("strength ~ (1 | batch) + (1 | batch:cask)");
    expect(canonical(model.spec)).toEqual(canonical(formula("strength ~ 1 + (1 | batch/cask)")));
    expect(model.group).toBe("batch:cask");
  });

  it("put class- and school-level covariates where the equations put them, slopes and cross-level interactions", () => {
    const text = [
      "k = school", "j = class",
      "y_ijk = π0jk + π1jk·x_ijk + π2·z_ijk + e_ijk",
      "π0jk = β00k + β01·c_jk + r0jk",
      "π1jk = β10k + r1jk",
      "β00k = γ000 + γ001·w_k + u00k",
      "β10k = γ100 + γ101·w_k + u10k"
    ].join("\n");
    const model = readLevels(text);
    expect(model.formula).toBe("y ~ w + c + x + x:w + z + (1 + x | school) + (1 + x | school:class)");
    expect(model.level2).toEqual(["c"]);
    expect(model.level3).toEqual(["w"]);
    // Unicode subscripts, b/g/p spellings and brackets read alike
    const unicode = "k = school\nj = class\nyᵢⱼₖ = π₀ⱼₖ + π₁ⱼₖ·xᵢⱼₖ + π₂·zᵢⱼₖ + eᵢⱼₖ\nπ₀ⱼₖ = β₀₀ₖ + β₀₁·c_jk + r₀ⱼₖ\nπ₁ⱼₖ = β₁₀ₖ + r₁ⱼₖ\nβ₀₀ₖ = γ₀₀₀ + γ₀₀₁·wₖ + u₀₀ₖ\nβ₁₀ₖ = γ₁₀₀ + γ₁₀₁·wₖ + u₁₀ₖ";
    expect(readLevels(unicode).formula).toBe(model.formula);
    const ascii = "k = school; j = class; y[ijk] = p0jk + p1jk*x[ijk] + p2*z[ijk] + e[ijk]; p0jk = b00k + b01*c[jk] + r0jk; p1jk = b10k + r1jk; b00k = g000 + g001*w[k] + u00k; b10k = g100 + g101*w[k] + u10k";
    expect(readLevels(ascii).formula).toBe(model.formula);
    // written back with the covariates' levels, and read again
    expect(canonical(readLevels(writeLevels(model.spec, {level2: ["c"], level3: ["w"]})).spec)).toEqual(canonical(model.spec));
  });

  it("are written from lme4's (1 | school/class) and Stata's || school: || class:, and back", () => {
    const written = writeLevels(formula("y ~ x + w + (1 | school/class)"), {level3: ["w"]});
    expect(written).toBe("k = school\nj = class\ny_ijk = π0jk + π1·x_ijk + e_ijk\nπ0jk = β00k + r0jk\nβ00k = γ000 + γ001·w_k + u00k");
    const stata = readStata("mixed strength || batch: || cask:, reml");
    expect(writeLevels(stata.spec)).toBe(PASTES);
    expect(writeStata(readLevels(PASTES).spec, true)).toBe("mixed strength || batch: || cask:, reml");
    const slopes = readStata("mixed y x || school: x, cov(un) || class: x, cov(un)");
    expect(canonical(readLevels(writeLevels(slopes.spec)).spec)).toEqual(canonical(slopes.spec));
    expect(writeStata(readLevels(writeLevels(slopes.spec)).spec, false)).toBe("mixed y x || school: x, cov(un) || class: x, cov(un)");
  });

  it("write the Pastes fit with its estimates (lme4's fixture to four digits), and every TeX form parses in KaTeX", () => {
    const ref = JSON.parse(readFileSync(new URL("./fixtures/reference/Pastes-nested.json", import.meta.url), "utf8"));
    const m = lmer(readLevels(PASTES).spec, dataset("Pastes"));
    const vc = (grp: string) => ref.varcorr.find((r: {grp: string}) => r.grp === grp).vcov as number;
    const four = (x: number) => Number(x.toPrecision(4));
    expect(m.REMLcrit).toBeCloseTo(ref.REMLcrit, 6);
    const text = equations(m, {form: "levels"});
    expect(text.split("\n")).toEqual([
      "k = batch",
      "j = cask",
      "strength_ijk = π0jk + e_ijk",
      "π0jk = β00k + r0jk",
      `β00k = ${four(ref.fixef["(Intercept)"])} + u00k`,
      `u00k ~ N(0, T_β), T_β = ${four(vc("batch"))}`,
      `r0jk ~ N(0, T_π), T_π = ${four(vc("cask:batch"))}`,
      `e_ijk ~ N(0, σ²), σ² = ${four(ref.sigma ** 2)}`
    ]);
    const tex = equations(m, {form: "levels", format: "tex"});
    expect(tex).toContain("\\pi_{0jk} & = \\beta_{00k} + r_{0jk}");
    expect(tex).toContain("u_{00k} & \\sim N(0, T_{\\beta})");
    for (const form of ["levels", "matrix", "lme4", "stata"] as const) {
      const html = katex.renderToString(equations(m, {form, format: "tex"}), {throwOnError: true, displayMode: true});
      expect(html).not.toContain("katex-error");
    }
    // a three-level fit with slopes and covariates, on Exam's schools with a made-up grouping of pupils into classes
    const exam = dataset("Exam");
    const student = exam.array("student") as number[];
    const withClasses = exam.assign({klass: student.map((s) => s % 3)});
    const fit = lmer("normexam ~ standLRT + schavg + (1 + standLRT | school) + (1 | school:klass)", withClasses);
    const levels = equations(fit, {form: "levels", level3: ["schavg"]});
    expect(levels).toContain("β00k = ");
    expect(levels).toContain("·schavg_k + u00k");
    expect(levels).toContain("(u00k, u10k) ~ N(0, T_β), T_β = [");
    expect(katex.renderToString(equations(fit, {form: "levels", format: "tex", level3: ["schavg"]}), {throwOnError: true})).not.toContain("katex-error");
  });

  it("written back from seeded random three-level models and read again give the same model", () => {
    const coefficient = fc.record({varies: fc.boolean(), r: fc.boolean(), classes: fc.uniqueArray(fc.constantFrom("c1", "c2"), {maxLength: 2}), betas: fc.array(fc.record({varies: fc.boolean(), u: fc.boolean(), schools: fc.uniqueArray(fc.constantFrom("w1", "w2"), {maxLength: 2})}), {minLength: 3, maxLength: 3})});
    const model = fc.record({intercept: fc.boolean(), slopes: fc.uniqueArray(fc.constantFrom("x1", "x2"), {maxLength: 2}), coefficients: fc.array(coefficient, {minLength: 3, maxLength: 3})});
    let checked = 0;
    fc.assert(
      fc.property(model, ({intercept, slopes, coefficients}) => {
        const pupils = [...(intercept ? [null] : []), ...slopes];
        if (pupils.length === 0) return true;
        const lines = ["k = school", "j = class"];
        const level2: string[] = [], level3: string[] = [];
        const level1 = pupils.map((x, p) => {
          const c = coefficients[p];
          if (c.varies) {
            const betas = [null, ...c.classes].map((X, q) => {
              const b = c.betas[q];
              if (b.varies) level3.push(`β${p}${q}k = ${[`γ${p}${q}0`, ...b.schools.map((w, s) => `γ${p}${q}${s + 1}·${w}_k`), ...(b.u ? [`u${p}${q}k`] : [])].join(" + ")}`);
              return `β${p}${q}${b.varies ? "k" : ""}${X === null ? "" : `·${X}_jk`}`;
            });
            level2.push(`π${p}jk = ${[...betas, ...(c.r ? [`r${p}jk`] : [])].join(" + ")}`);
          }
          return `π${p}${c.varies ? "jk" : ""}${x === null ? "" : `·${x}_ijk`}`;
        });
        lines.push(`y_ijk = ${[...level1, "e_ijk"].join(" + ")}`, ...level2, ...level3);
        let first;
        try {
          first = readLevels(lines.join("\n"));
        } catch (e) {
          // a term twice (two coefficients with the same covariate), a random intercept without a fixed one
          if (e instanceof LmmError) return true;
          throw e;
        }
        // the writer needs both groupings' residuals (one random term over schools, one over classes)
        if (first.spec.random.length !== 2) return true;
        const written = writeLevels(first.spec, {level2: ["c1", "c2"], level3: ["w1", "w2"]});
        expect(canonical(readLevels(written).spec), written).toEqual(canonical(first.spec));
        checked++;
      }),
      {seed: 20261203, numRuns: 1000}
    );
    expect(checked).toBeGreaterThan(100);
  });

  it("refuse what they cannot say, naming the part", () => {
    expect(() => readLevels("k = school\ny_ijk = π0jk + e_ijk\nπ0jk = β00 + r0jk")).toThrow("three-level equations name both groupings: add the lines k = school and j = class");
    expect(() => readLevels("k = s\nj = c\ny_ijk = π0jk + e_ijk\nπ0jk = β00k + r0jk")).toThrow("β00k varies over schools but has no level-3 equation: add β00k = γ000 + u00k");
    expect(() => readLevels("k = s\nj = c\ny_ijk = π0jk + e_ijk")).toThrow("π0jk varies over classes but has no level-2 equation");
    expect(() => readLevels("k = s\nj = c\ny_ijk = π0jk + e_ijk\nπ0jk = β00 + β01·w_k + r0jk")).toThrow('"w_k" in "π0jk = β00 + β01*w_k + r0jk" is a class-level covariate: write it with _jk, as w_jk');
    expect(() => readLevels("k = s\nj = c\ny_ijk = π0jk + e_ij\nπ0jk = β00 + r0jk")).toThrow("is not a term of three-level equations");
    expect(() => readLevels("k = s\nj = c\ny_ijk = π0jk\nπ0jk = β00 + r0jk")).toThrow("has no residual: end it with + e_ijk");
    expect(() => writeLevels(formula("y ~ x + (1 | a) + (1 | b)"))).toThrow("the model has 2 random-effects terms; level equations have one grouping factor with one correlated term, or two nested ones");
    expect(() => writeLevels(formula("y ~ x + (1 | school/class) + (1 | d)"))).toThrow("the model has 3 random-effects terms");
    expect(() => writeLevels(formula("y ~ x + (1 + w | school) + (1 | school:class)"), {level3: ["w"]})).toThrow("the school-level variable w has a random slope over schools: it is constant within a school");
    expect(() => writeLevels(formula("y ~ x + c:w + (1 | school/class)"), {level2: ["c"], level3: ["w"]})).toThrow("the term c:w has no c beside it");
    expect(() => writeLevels(formula("y ~ x + (1 | school/class)"), {level3: "w" as unknown as string[]})).toThrow("invalid level3: the string \"w\"");
  });

  it("give a model or an LmmError for 10 000 seeded random texts", () => {
    const pieces = ["k = s", "j = c", "y_ijk", "=", "π0jk", "π1jk", "π2", "β00k", "β01", "β10k", "γ000", "γ001", "γ100", "+", "·", "x_ijk", "c_jk", "w_k", "e_ijk", "r0jk", "u00k", "u10k", ";", "\n", "ᵢⱼₖ", "[ijk]", "*"];
    const others: string[] = [];
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...pieces), {maxLength: 24}).map((a) => "k = s; j = c; " + a.join(" ")), fc.string({maxLength: 60}).map((s) => "k = s\n" + s)), (text) => {
        try {
          readLevels(text);
        } catch (e) {
          if (!(e instanceof LmmError)) others.push(`${JSON.stringify(text)}: ${(e as Error).message}`);
        }
      }),
      {seed: 20261203, numRuns: 10_000}
    );
    expect(others).toEqual([]);
  });
});
