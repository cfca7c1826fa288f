/**
 * Level-1/level-2 equations (src/notation/levels.ts): read as the lme4 formula they mean and fitted as lme4
 * fits it (Exam, school-level schavg: the fixture of the same model in Zelig's notation), in ASCII and
 * Unicode spellings; written back from a spec and read again to the same formula (seeded random models);
 * refusals; 10 000 seeded random texts give a model or an LmmError.
 */
import {readFileSync} from "node:fs";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import {lmer} from "../src/lmm/fit.js";
import {formula} from "../src/formula/index.js";
import {readLevels, writeLevels} from "../src/notation/levels.js";
import {dataset} from "./helpers/fits.js";
import {compareWithLme4, type FitJSON, type Lme4Reference} from "./helpers/reference.js";

const EXAM = `j = school
normexam_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij
β0j = γ00 + γ01·schavg_j + u0j
β1j = γ10 + γ11·schavg_j + u1j`;

describe("level equations", () => {
  it("read as the combined model and fitted as lme4 fits it (Exam, slopes as outcomes of schavg)", () => {
    const ref: Lme4Reference = JSON.parse(readFileSync(new URL("./fixtures/zelig/Exam-slopes-as-outcomes.json", import.meta.url), "utf8"));
    const model = readLevels(EXAM);
    expect(model.formula).toBe(ref.formula);
    const fit = lmer(model.spec, dataset("Exam"));
    expect(compareWithLme4(ref, JSON.parse(JSON.stringify(fit)) as FitJSON).bad).toEqual([]);
  });

  it("read ASCII, bracket, brace and Unicode subscripts, and b/g/beta/gamma for β/γ, alike", () => {
    const same = "y ~ x + z + w + x:w + (1 + x | g)";
    expect(readLevels("j = g; y_ij = β0j + β1j·x_ij + β2·z_ij + e_ij; β0j = γ00 + γ01·w_j + u0j; β1j = γ10 + γ11·w_j + u1j").formula).toBe(same);
    expect(readLevels("j = g\ny[ij] = b0j + b1j*x[ij] + b2*z[ij] + e[ij]\nb0j = g00 + g01*w[j] + u0j\nb1j = g10 + g11*w[j] + u1j").formula).toBe(same);
    expect(readLevels("j = g; y_{ij} = beta_0j + beta_1j × x_{ij} + beta_2 × z_{ij} + r_{ij}; beta_0j = gamma_00 + gamma_01 × w_{j} + u_0j; beta_1j = gamma_10 + gamma_11 × w_{j} + u_1j").formula).toBe(same);
    expect(readLevels("j = g\nyᵢⱼ = β₀ⱼ + β₁ⱼ·xᵢⱼ + β₂·zᵢⱼ + εᵢⱼ\nβ₀ⱼ = γ₀₀ + γ₀₁·wⱼ + u₀ⱼ\nβ₁ⱼ = γ₁₀ + γ₁₁·wⱼ + u₁ⱼ").formula).toBe(same);
  });

  it("give a coefficient without u no random effect, and a model without β0 no intercept", () => {
    expect(readLevels("j = g; y_ij = β0j + β1j·x_ij + e_ij; β0j = γ00 + u0j; β1j = γ10 + γ11·w_j").formula).toBe("y ~ x + x:w + (1 | g)");
    expect(readLevels("j = g; y_ij = β1j·x_ij + e_ij; β1j = γ10 + u1j").formula).toBe("y ~ 0 + x + (0 + x | g)");
    expect(readLevels("y_ij = β0 + β1·x_ij + e_ij").formula).toBe("y ~ x");
  });

  it("refuse what they cannot say, naming the part", () => {
    expect(() => readLevels("j = g; y_ij = β0j + e_ij")).toThrow("β0j varies over j but has no level-2 equation: add β0j = γ00 + u0j");
    expect(() => readLevels("y_ij = β0j + e_ij; β0j = γ00 + u0j")).toThrow("coefficients vary over j but j names no column: add a line j = group");
    expect(() => readLevels("j = g; y_ij = β0j + β1j·x_j + e_ij; β0j = γ00 + u0j; β1j = γ10 + u1j")).toThrow('"x_j" in "y_ij = β0j + β1j*x_j + e_ij" is a level-1 variable: write it with _ij');
    expect(() => readLevels("j = g; y_ij = β0j + e_ij; β0j = γ00 + γ01·w_ij + u0j")).toThrow("is a level-2 covariate: write it with _j, as w_j");
    expect(() => readLevels("j = g; y_ij = β0j + e_ij; β0j = γ01·w_j + u0j")).toThrow("has no γ00: the level-2 equation starts with its constant");
    expect(() => readLevels("j = g; y_ij = β0j")).toThrow("has no residual: end it with + e_ij");
    expect(() => readLevels("j = g; β0j = γ00 + u0j")).toThrow("no level-1 equation");
    expect(() => readLevels("j = g; y_ij = β0j + e_ij; β0j = γ00 + u0j; β3j = γ30 + u3j")).toThrow("β3j is not a coefficient of the level-1 equation that varies over j");
    expect(() => readLevels(7 as unknown as string)).toThrow("invalid level equations: the number 7");
    expect(() => writeLevels(formula("y ~ log(x) + (1 | g)"))).toThrow("the term log(x) is not a column, a level-2 column or a cross-level interaction");
    expect(() => writeLevels(formula("y ~ x + (1 | g) + (1 | h)"))).toThrow("the model has 2 random-effects terms");
    expect(() => writeLevels(formula("y ~ x + (x || g)"))).toThrow("the model's random effects of g are independent (||); level equations give the u's one covariance G: write them correlated, (x | g)");
  });

  it("written back from a spec and read again give the same formula (seeded random two-level models)", () => {
    const model = fc.record({
      intercept: fc.boolean(),
      slopes: fc.uniqueArray(fc.constantFrom("x1", "x2", "x3", "x4"), {maxLength: 4}),
      covariates: fc.array(fc.uniqueArray(fc.constantFrom("w1", "w2", "w3"), {maxLength: 3}), {minLength: 5, maxLength: 5}),
      random: fc.array(fc.boolean(), {minLength: 5, maxLength: 5})
    });
    fc.assert(
      fc.property(model, ({intercept, slopes, covariates, random}) => {
        const coefficients = [...(intercept ? [null] : []), ...slopes];
        if (coefficients.length === 0) return true;
        const varies = coefficients.map((_, k) => random[k] || covariates[k].length > 0);
        const lines = ["j = g"];
        const level1 = coefficients.map((c, k) => `β${k}${varies[k] ? "j" : ""}${c === null ? "" : `·${c}_ij`}`);
        lines.push(`y_ij = ${[...level1, "e_ij"].join(" + ")}`);
        coefficients.forEach((_, k) => {
          if (varies[k]) lines.push(`β${k}j = ${[`γ${k}0`, ...covariates[k].map((w, m) => `γ${k}${m + 1}·${w}_j`), ...(random[k] ? [`u${k}j`] : [])].join(" + ")}`);
        });
        let first;
        try {
          first = readLevels(lines.join("\n"));
        } catch (e) {
          // the combined model repeats a term (two coefficients with the same covariate give w twice) or has
          // a random intercept without a fixed one: refused by the formula stages, with an LmmError
          if (e instanceof LmmError) return true;
          throw e;
        }
        const written = writeLevels(first.spec, {level2: ["w1", "w2", "w3"], group: "g"});
        return readLevels(written).formula === first.formula;
      }),
      {seed: 20261203, numRuns: 500}
    );
  });

  it("give a model or an LmmError for 10 000 seeded random texts", () => {
    const pieces = ["j = g", "y_ij", "=", "β0j", "β1j", "β2", "+", "·", "x_ij", "w_j", "e_ij", "γ00", "γ10", "γ11", "u0j", "u1j", ";", "\n", "ᵢⱼ", "[ij]", "_{ij}", "*", "j ="];
    const others: string[] = [];
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...pieces), {maxLength: 20}).map((a) => a.join(" ")), fc.string({maxLength: 60})), (text) => {
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
