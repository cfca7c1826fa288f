/**
 * Zelig's two-equation formulas (src/notation/zelig.ts): `{mu, gamma}` with `tag(z, gamma | g)` and the
 * group-level `~ tag(w | g)` expand to the cross-level interactions the level-2 equations imply, and fit as
 * lme4 fits the expanded formula on voteincome with a state-level covariate (the state's mean education,
 * tools/make-zelig-reference.R); refusals; seeded random equation lists give a model or an LmmError.
 */
import {readdirSync, readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import {lmer} from "../src/lmm/fit.js";
import {formula} from "../src/formula/index.js";
import type {ModelSpec} from "../src/formula/ast.js";
import {readZelig, writeZelig} from "../src/notation/zelig.js";
import {dataset} from "./helpers/fits.js";
import {compareWithLme4, type FitJSON, type Lme4Reference} from "./helpers/reference.js";

const folder = fileURLToPath(new URL("./fixtures/zelig/", import.meta.url));
const cases: (Lme4Reference & {zelig: Record<string, string>})[] = readdirSync(folder)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(folder + f, "utf8")));

/** voteincome with meaneducation, the mean of education over the rows of each state (R's ave). */
function withStateMeans() {
  const t = dataset("voteincome");
  const state = t.array("state") as string[], education = t.array("education") as number[];
  const sums = new Map<string, [number, number]>();
  state.forEach((s, i) => {
    const [sum, n] = sums.get(s) ?? [0, 0];
    sums.set(s, [sum + education[i], n + 1]);
  });
  const means = state.map((s) => sums.get(s)![0] / sums.get(s)![1]);
  return t.assign({meaneducation: means});
}

/**
 * voteincome has two states: with a state-level covariate the state variance is not identified (the REML
 * criterion is flat in θ, lme4 stops at θ = 0.005 and we elsewhere with the same criterion to 1e-12), so
 * the quantities that depend on θ alone are not compared there; the fixed effects, σ, the criterion and the
 * fitted values are.
 */
const UNIDENTIFIED = /^(se\[\(Intercept\)\]|se\[meaneducation\]|sd\[state|var\[state|theta|vcov|condsd|condval|ranef)/;

describe("Zelig's two-equation formula, expanded and fitted as lme4 fits the expansion", () => {
  for (const ref of cases) {
    it(`${ref.id}: ${JSON.stringify(ref.zelig)}`, () => {
      const model = readZelig(ref.zelig);
      expect(model.formula).toBe(ref.formula);
      expect(model.naAction).toBe("fail");
      const data = ref.dataset === "voteincome" ? withStateMeans() : dataset(ref.dataset);
      const fit = lmer(model.spec, data, {naAction: model.naAction});
      const {bad} = compareWithLme4(ref, JSON.parse(JSON.stringify(fit)) as FitJSON);
      expect(ref.dataset === "voteincome" ? bad.filter((line) => !UNIDENTIFIED.test(line)) : bad).toEqual([]);
      if (ref.dataset === "voteincome") expect(Math.abs((fit.REMLcrit ?? NaN) - (ref.REMLcrit ?? NaN))).toBeLessThan(1e-9 * ref.REMLcrit!);
    });
  }
});

describe("Zelig's formulas", () => {
  it("reads a single formula with tag(z | g) as it is", () => {
    expect(readZelig("income ~ education + tag(1 | state)").spec.random[0].groupLabel).toBe("state");
  });

  it("puts each random coefficient's level-2 covariates into the fixed part", () => {
    const f = (mu: string, gamma: string) => readZelig({mu, gamma}).formula;
    expect(f("y ~ x + tag(1, gamma | g)", "~ tag(w | g)")).toBe("y ~ x + w + (1 | g)");
    expect(f("y ~ tag(x, gamma | g)", "~ tag(w1 + w2 | g)")).toBe("y ~ w1 + w2 + x + x:w1 + x:w2 + (x | g)");
    expect(f("y ~ z + tag(0 + x, gamma | g)", "~ tag(w | g)")).toBe("y ~ z + x + x:w + (0 + x | g)");
    expect(readZelig({mu: "y ~ tag(1, a | g) + tag(1, b | h)", a: "~ tag(w | g)", b: "~ tag(v | h)"}).formula).toBe("y ~ w + (1 | g) + v + (1 | h)");
  });

  it("refuses what does not fit together, naming the part", () => {
    expect(() => readZelig({gamma: "~ tag(w | g)"} as Record<string, string>)).toThrow("Zelig's formula list has no mu");
    expect(() => readZelig({mu: "y ~ tag(1, delta | g)", gamma: "~ tag(w | g)"})).toThrow('names the equation "delta", which Zelig\'s formula list does not have');
    expect(() => readZelig({mu: "y ~ tag(1, gamma | g)", gamma: "~ tag(w | h)"})).toThrow("equation gamma groups by h but tag(…, gamma | g) in mu groups by g");
    expect(() => readZelig({mu: "y ~ tag(1, gamma | g)", gamma: "tag(w | g)"})).toThrow("must be one-sided");
    expect(() => readZelig({mu: "y ~ tag(1, gamma | g)", gamma: "~ w"})).toThrow("must be ~ tag(w₁ + … + wₙ | g)");
    expect(() => readZelig({mu: "y ~ x + tag(1 | g)", gamma: "~ tag(w | g)"})).toThrow('equation "gamma" of Zelig\'s formula list is named by no tag(z, gamma | g) in mu');
    expect(() => readZelig({mu: "y ~ tag(1, gamma | g)", gamma: 3 as unknown as string})).toThrow("is the number 3; give it as text");
    expect(() => readZelig(null as unknown as string)).toThrow("invalid Zelig formula: null");
  });

  it("writes a spec as Zelig's formula, and reading it gives the same model (seeded random formulas)", () => {
    expect(writeZelig(formula("income ~ education + (1 | state)"))).toBe("income ~ education + tag(1 | state)");
    expect(writeZelig(formula("y ~ x + (x || g) + (1 | a/b)"))).toBe("y ~ x + tag(1 | g) + tag(0 + x | g) + tag(1 | b:a) + tag(1 | a)");
    // a term's label follows which of its variables comes first in the text (x:z or z:x), as R's does
    const canonical = (s: ModelSpec) => ({
      response: s.response.label,
      intercept: s.intercept,
      terms: s.terms.map((t) => t.vars.map((v) => v.label).sort().join(":")).sort(),
      offsets: s.offsets.map((o) => o.label),
      random: s.random.map((r) => `${r.intercept}|${r.terms.map((t) => t.label).join("+")}|${r.groupLabel}`)
    });
    const fixed = fc.uniqueArray(fc.constantFrom("x", "z", "log(x)", "factor(f)", "x:z", "I(x^2)", "offset(w)"), {maxLength: 4});
    const random = fc.uniqueArray(fc.constantFrom("(1 | g)", "(x | g)", "(0 + x | h)", "(x || g)", "(1 | a/b)", "(1 + z | a:b)"), {minLength: 1, maxLength: 3});
    fc.assert(
      fc.property(fixed, random, fc.boolean(), (f, r, noIntercept) => {
        const text = `y ~ ${[noIntercept ? "0" : "", ...f, ...r].filter(Boolean).join(" + ")}`;
        let spec: ModelSpec;
        try {
          spec = formula(text);
        } catch (e) {
          if (e instanceof LmmError) return true;
          throw e;
        }
        expect(canonical(readZelig(writeZelig(spec)).spec)).toEqual(canonical(spec));
      }),
      {seed: 20261203, numRuns: 500}
    );
  });

  it("writes group-level covariates back as the gamma equation they came from", () => {
    const list = (mu: string, gamma: string) => ({mu, gamma});
    expect(writeZelig(formula("y ~ x + w + x:w + (1 + x | g)"), {level2: ["w"]})).toEqual(list("y ~ x + tag(1 + x, gamma | g)", "~ tag(w | g)"));
    expect(writeZelig(formula("income ~ education + south + (1 | state)"), {level2: ["south"]})).toEqual(list("income ~ education + tag(1, gamma | state)", "~ tag(south | state)"));
    expect(writeZelig(formula("y ~ w1 + w2 + x + x:w1 + x:w2 + (x | g)"), {level2: ["w1", "w2"]})).toEqual(list("y ~ x + tag(1 + x, gamma | g)", "~ tag(w1 + w2 | g)"));
    expect(writeZelig(formula("y ~ z + x + x:w + (0 + x | g)"), {level2: ["w"]})).toEqual(list("y ~ z + x + tag(0 + x, gamma | g)", "~ tag(w | g)"));
    // a covariate goes to the first term that can carry it; a second term with its own gets gamma2
    expect(writeZelig(formula("y ~ w + v + (1 | g) + (1 | h)"), {level2: ["w", "v"]})).toEqual(list("y ~ tag(1, gamma | g) + tag(1 | h)", "~ tag(w + v | g)"));
    expect(writeZelig(formula("y ~ x + w + x:w + v + (1 + x | g) + (1 | h)"), {level2: ["w", "v"]})).toEqual({mu: "y ~ x + tag(1 + x, gamma | g) + tag(1, gamma2 | h)", gamma: "~ tag(w | g)", gamma2: "~ tag(v | h)"});
    // not what a gamma equation says (the slope's x:w without the intercept's w): the single formula
    expect(writeZelig(formula("y ~ x + x:w + (1 + x | g)"), {level2: ["w"]})).toBe("y ~ x + x:w + tag(1 + x | g)");
    expect(writeZelig(formula("y ~ x + w + (1 + x | g)"), {level2: ["w"]})).toBe("y ~ x + w + tag(1 + x | g)");
    // without level2 the model's covariates are not known to be group-level
    expect(writeZelig(formula("y ~ x + w + x:w + (1 + x | g)"))).toBe("y ~ x + w + x:w + tag(1 + x | g)");
    expect(() => writeZelig(formula("y ~ x + (1 | g)"), {level2: "w" as unknown as string[]})).toThrow('invalid level2: the string "w"; give the group-level covariates\' names as an array of text');
  });

  it("writes seeded random models with group-level covariates as the equation list, and reading it gives the same model", () => {
    const canonical = (s: ModelSpec) => ({
      response: s.response.label,
      intercept: s.intercept,
      terms: s.terms.map((t) => t.vars.map((v) => v.label).sort().join(":")).sort(),
      offsets: s.offsets.map((o) => o.label),
      random: s.random.map((r) => `${r.intercept}|${r.terms.map((t) => t.label).join("+")}|${r.groupLabel}`).sort()
    });
    const model = fc.record({
      noIntercept: fc.boolean(),
      x: fc.uniqueArray(fc.constantFrom("x", "z", "log(x)"), {maxLength: 2}),
      w: fc.uniqueArray(fc.constantFrom("w", "v"), {maxLength: 2}),
      // which level-1 terms the cross-level interactions are written for, and whether w itself is in
      interacted: fc.uniqueArray(fc.constantFrom("x", "z", "log(x)"), {maxLength: 2}),
      mainW: fc.boolean(),
      random: fc.uniqueArray(fc.constantFrom("(1 | g)", "(1 + x | g)", "(0 + z | g)", "(x || g)", "(1 | h)", "(1 + x | h)"), {minLength: 1, maxLength: 2})
    });
    let lists = 0;
    fc.assert(
      fc.property(model, ({noIntercept, x, w, interacted, mainW, random}) => {
        const fixed = [...x, ...(mainW ? w : []), ...interacted.filter((c) => x.includes(c)).flatMap((c) => w.map((v) => `${c}:${v}`))];
        const text = `y ~ ${[noIntercept ? "0" : "", ...fixed, ...random].filter(Boolean).join(" + ")}`;
        let spec: ModelSpec;
        try {
          spec = formula(text);
        } catch (e) {
          if (e instanceof LmmError) return true;
          throw e;
        }
        const written = writeZelig(spec, {level2: ["w", "v"]});
        if (typeof written !== "string") lists++;
        expect(canonical(readZelig(written).spec), JSON.stringify(written)).toEqual(canonical(spec));
      }),
      {seed: 20261203, numRuns: 1000}
    );
    // the list form is written for a good share of them (a covariate that enters as a gamma equation puts it)
    expect(lists).toBeGreaterThan(100);
  });

  it("gives a model or an LmmError for 10 000 seeded random equation lists", () => {
    const pieces = ["y", "~", "x", "w", "+", "tag(", ")", "1", "0", ",", "gamma", "|", "g", "h", "(", "*", ":", "-"];
    const text = fc.oneof(fc.array(fc.constantFrom(...pieces), {maxLength: 14}).map((a) => a.join(" ")), fc.string({maxLength: 40}));
    const others: string[] = [];
    fc.assert(
      fc.property(text, text, fc.boolean(), (mu, gamma, list) => {
        try {
          readZelig(list ? {mu: `y ~ x + tag(1, gamma | g) + ${mu}`, gamma: `~ ${gamma}`} : mu);
        } catch (e) {
          if (!(e instanceof LmmError)) others.push(`${mu} / ${gamma}: ${(e as Error).message}`);
        }
      }),
      {seed: 20261203, numRuns: 10_000}
    );
    expect(others).toEqual([]);
  });
});
