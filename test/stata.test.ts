/**
 * Stata's `mixed` command lines read as the lme4 formulas they mean (src/notation/stata.ts): the
 * implementation guide's four examples and four more, each translated as Stata's defaults imply (ML, nested
 * levels, independent random slopes, `_all: R.g` crossed) and fitted on CPS1985 to lme4's fit of the
 * translated formula at its optimum (tools/make-stata-reference.R), with the tolerances of every lme4 case;
 * refusals; 10 000 seeded random command lines give a model or an LmmError, nothing else.
 */
import {readdirSync, readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import {lmer} from "../src/lmm/fit.js";
import {formula} from "../src/formula/index.js";
import type {ModelSpec} from "../src/formula/ast.js";
import {readStata, writeStata} from "../src/notation/stata.js";
import {dataset} from "./helpers/fits.js";
import {compareWithLme4, type FitJSON, type Lme4Reference} from "./helpers/reference.js";

const folder = fileURLToPath(new URL("./fixtures/stata/", import.meta.url));
const cases: (Lme4Reference & {stata: string})[] = readdirSync(folder)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(folder + f, "utf8")));

describe("Stata's mixed command, read and fitted as lme4 fits the formula it means", () => {
  for (const ref of cases) {
    it(`${ref.id}: ${ref.stata}`, () => {
      const model = readStata(ref.stata);
      expect(model.formula).toBe(ref.formula);
      expect(model.REML).toBe(ref.REML);
      const fit = lmer(model.spec, dataset("CPS1985"), {REML: model.REML});
      const {bad} = compareWithLme4(ref, JSON.parse(JSON.stringify(fit)) as FitJSON);
      expect(bad).toEqual([]);
    });
  }
});

describe("Stata's syntax and defaults", () => {
  const f = (command: string) => readStata(command).formula;

  it("reads levels left to right as nested, each with an intercept unless noconstant", () => {
    expect(f("mixed y x || school: || class:")).toBe("y ~ x + (1 | school) + (1 | school:class)");
    expect(f("xtmixed y x || school: z, nocons || class: z")).toBe("y ~ x + (0 + z | school) + (z || school:class)");
    expect(f("y x || a: || b: || c:")).toBe("y ~ x + (1 | a) + (1 | a:b) + (1 | a:b:c)");
  });

  it("makes random slopes independent unless covariance(unstructured), with Stata's abbreviations", () => {
    expect(f("mixed y x || g: x z")).toBe("y ~ x + (x + z || g)");
    expect(f("mixed y x || g: x z, cov(un)")).toBe("y ~ x + (x + z | g)");
    expect(f("mixed y x || g: x, covariance(independent) noconstant")).toBe("y ~ x + (0 + x | g)");
    expect(f("mixed y x || g: x z, nocons cov(unstr)")).toBe("y ~ x + (0 + x + z | g)");
  });

  it("reads factor variables: i. factors, c. continuous, # interactions of factors unless c., ## factorials", () => {
    expect(f("mixed y i.a c.b a#b a#c.b a##c.b || g:")).toBe("y ~ factor(a) + b + factor(a):factor(b) + factor(a):b + factor(a) * b + (1 | g)");
    expect(f("mixed y x, noconstant || g:")).toBe("y ~ 0 + x + (1 | g)");
    expect(f("mixed y || g:")).toBe("y ~ (1 | g)");
  });

  it("reads _all: R.g as a crossed factor, and levels after it as not nested in it", () => {
    expect(f("mixed y x || _all: R.item || subject:")).toBe("y ~ x + (1 | item) + (1 | subject)");
    expect(f("mixed y x || _all: R.a || _all: R.b")).toBe("y ~ x + (1 | a) + (1 | b)");
  });

  it("fits by ML unless reml, wherever the option stands", () => {
    expect(readStata("mixed y x || g:").REML).toBe(false);
    expect(readStata("mixed y x || g:, reml").REML).toBe(true);
    expect(readStata("mixed y x || g: x, reml cov(un)").REML).toBe(true);
    expect(readStata("mixed y x || g:, mle variance").REML).toBe(false);
  });

  it("puts names R cannot read bare in backticks", () => {
    expect(f("mixed _y _x || _g:")).toBe("`_y` ~ `_x` + (1 | `_g`)");
  });

  it("refuses what it cannot say, naming the part and the fix", () => {
    expect(() => readStata("mixed y x || g: x z, cov(exchangeable)")).toThrow('covariance(exchangeable) at level g in "mixed y x || g: x z, cov(exchangeable)" gives the 3 random effects one common variance and one common covariance; lmm-kit (as lme4) fits only an unstructured or a diagonal covariance: write || g: x z, covariance(unstructured) (lme4\'s |, which contains the exchangeable structure) or || g: x z (covariance(independent), lme4\'s ||)');
    expect(() => readStata("mixed y x || g: x z, nocons cov(id)")).toThrow("gives the 2 random effects one common variance and no covariances; lmm-kit (as lme4) fits only an unstructured or a diagonal covariance: write || g: x z, nocons covariance(unstructured) (lme4's |, which contains the identity structure) or || g: x z, nocons (covariance(independent), lme4's ||)");
    // with one random effect at the level the structures are the same: accepted
    expect(readStata("mixed y x || g:, cov(exchangeable)").formula).toBe("y ~ x + (1 | g)");
    expect(readStata("mixed y x || g: x, nocons cov(identity)").formula).toBe("y ~ x + (0 + x | g)");
    expect(() => readStata("mixed y x || g: x, cov(banded)")).toThrow("covariance(banded) in");
    expect(() => readStata("mixed y L.x || g:")).toThrow('"L.x" in "mixed y L.x || g:" uses a time-series operator (l.), which is not read here: use i.x, c.x or x');
    expect(() => readStata("mixed y ib2.x || g:")).toThrow("uses a base level (ib2.)");
    expect(() => readStata("mixed y x || g")).toThrow('random-effects equation "g" in "mixed y x || g" has no ":": write || level: varlist, as in || occupation: tenure');
    expect(() => readStata("mixed y x || _all: item")).toThrow("needs one crossed factor written R.varname");
    expect(() => readStata("mixed y x || g:, pwscale(size)")).toThrow('Stata option "pwscale" in "mixed y x || g:, pwscale(size)" is not read here');
    expect(() => readStata("mixed")).toThrow("names no dependent variable");
    expect(() => readStata("mixed y x || g:, nocons")).toThrow("has neither an intercept nor variables");
    expect(() => readStata(42 as unknown as string)).toThrow("invalid Stata command: the number 42");
  });

  it("writes a spec back as Stata's command, refusing what Stata cannot say", () => {
    expect(writeStata(formula("wage ~ tenure + married + (tenure || occupation)"), false)).toBe("mixed wage tenure married || occupation: tenure");
    expect(writeStata(formula("y ~ factor(a) + factor(a):b + (1 + x | g)"), true)).toBe("mixed y i.a i.a#c.b || g: x, cov(un) reml");
    expect(writeStata(formula("y ~ x + (1 | s) + (1 | s:c)"), false)).toBe("mixed y x || s: || c:");
    expect(writeStata(formula("y ~ x + (1 | s/c)"), false)).toBe("mixed y x || s: || c:");
    expect(writeStata(formula("y ~ x + (1 | item) + (0 + x | subject)"), false)).toBe("mixed y x || _all: R.item || subject: x, nocons");
    expect(writeStata(formula("y ~ 0 + x + (1 | g)"), true)).toBe("mixed y x, noconstant || g:, reml");
    expect(() => writeStata(formula("y ~ log(x) + (1 | g)"), false)).toThrow("the term log(x) is not a column or factor(column): Stata needs it generated as a variable first");
    expect(() => writeStata(formula("y ~ x + (x | a) + (x | b)"), false)).toThrow("is neither nested in the others nor a crossed random intercept");
    expect(() => writeStata(formula("y ~ x + (1 + x | g) + (0 + z | g)"), false)).toThrow("neither one correlated term nor lme4's || split");
    expect(() => writeStata(formula("y ~ x"), false)).toThrow("the model has no random-effects term");
  });

  it("written back and read again gives the same model (seeded random Stata commands)", () => {
    /**
     * A spec without its text: the fixed terms as a set of variable sets (a term's label follows which of its
     * variables the formula names first, as R's does: x:factor(f) and factor(f):x are one term), random terms
     * as a set.
     */
    const canonical = (s: ModelSpec) => ({
      response: s.response.label,
      intercept: s.intercept,
      terms: s.terms.map((t) => t.vars.map((v) => v.label).sort().join(":")).sort(),
      random: s.random.map((r) => `${r.intercept}|${r.terms.map((t) => t.label).join("+")}|${[...r.group].sort().join(":")}`).sort()
    });
    const level = fc.record({name: fc.constantFrom("a", "b", "c", "d"), slopes: fc.uniqueArray(fc.constantFrom("x", "z"), {maxLength: 2}), nocons: fc.boolean(), un: fc.boolean()});
    const command = fc.record({
      fixed: fc.uniqueArray(fc.constantFrom("x", "z", "i.f", "c.x#i.f", "f##c.z"), {maxLength: 3}),
      noconstant: fc.boolean(),
      crossed: fc.uniqueArray(fc.constantFrom("p", "q"), {maxLength: 2}),
      chain: fc.uniqueArray(level, {minLength: 1, maxLength: 3, selector: (l) => l.name}),
      reml: fc.boolean()
    }).map(({fixed, noconstant, crossed, chain, reml}) => {
      const levels = [...crossed.map((c) => `_all: R.${c}`), ...chain.map((l) => {
        const options = [...(l.nocons && l.slopes.length ? ["nocons"] : []), ...(l.un ? ["cov(un)"] : [])];
        return `${l.name}: ${l.slopes.join(" ")}${options.length ? ", " + options.join(" ") : ""}`;
      })];
      return `mixed y ${fixed.join(" ")}${noconstant ? ", noconstant" : ""} || ${levels.join(" || ")}${reml ? (levels[levels.length - 1].includes(",") ? " reml" : ", reml") : ""}`;
    });
    fc.assert(
      fc.property(command, (text) => {
        const first = readStata(text);
        const again = readStata(writeStata(first.spec, first.REML));
        expect(canonical(again.spec)).toEqual(canonical(first.spec));
        expect(again.REML).toBe(first.REML);
      }),
      {seed: 20261203, numRuns: 1000}
    );
  });

  it("gives a model or an LmmError for 10 000 seeded random command lines", () => {
    const pieces = ["mixed", "y", "x", "i.a", "c.b", "a#b", "a##c.b", "||", "g:", "h:", "_all:", "R.g", ",", "nocons", "cov(un)", "cov(id)", "reml", "mle", "x z", ":", "(", ")", "L.x", "#", "##", ".", "R.", "1", "0", "`", "~", "|", "+"];
    const others: string[] = [];
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...pieces), {maxLength: 14}).map((a) => a.join(" ")), fc.string({maxLength: 60})), (text) => {
        try {
          readStata(text);
        } catch (e) {
          if (!(e instanceof LmmError)) others.push(`${text}: ${(e as Error).message}`);
        }
      }),
      {seed: 20261203, numRuns: 10_000}
    );
    expect(others).toEqual([]);
  });
});

describe("Stata's residuals() as nlme's residual structures", () => {
  it("maps each residual structure within the innermost level", () => {
    expect(readStata("mixed y x || id:, residuals(ar 1, t(time))")).toMatchObject({correlation: "corAR1(form = ~ time | id)"});
    expect(readStata("mixed y x || school: || class:, residuals(exchangeable)")).toMatchObject({correlation: "corCompSymm(form = ~ 1 | school/class)"});
    expect(readStata("mixed y x || id:, residuals(ar 2, t(Time)) reml")).toMatchObject({correlation: "corARMA(p = 2, form = ~ Time | id)", REML: true});
    expect(readStata("mixed y x || id:, residuals(ma 1, t(t))").correlation).toBe("corARMA(q = 1, form = ~ t | id)");
    expect(readStata("mixed y x || id:, residuals(exponential, t(t))").correlation).toBe("corCAR1(form = ~ t | id)");
    expect(readStata("mixed y x || id:, residuals(unstructured, t(t))")).toMatchObject({correlation: "corSymm(form = ~ t | id)", variance: "varIdent(form = ~ 1 | t)"});
    expect(readStata("mixed y x || id:, residuals(independent, by(Sex))")).toMatchObject({variance: "varIdent(form = ~ 1 | Sex)"});
    expect(readStata("mixed y x || id:").correlation).toBeUndefined();
    expect(() => readStata("mixed y x || id:, residuals(ar 1)")).toThrow(/needs the time variable: write residuals\(ar 1, t\(time\)\)/);
    expect(() => readStata("mixed y x || id:, residuals(toeplitz 2, t(t))")).toThrow(/is not a structure read here/);
    expect(() => readStata("mixed y x || id:, residuals(ar 1, t(t) by(g))")).toThrow(/by\(\) with a correlation structure/);
  });
  it("fits as nlme's lme with the same structure (the CLI passes them to lmer)", () => {
    const ref = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/nlme/Orthodont-varIdent-reml.json", import.meta.url)), "utf8"));
    const m = readStata("mixed distance age || Subject:, residuals(independent, by(Sex)) reml");
    const fit = lmer(m.spec, dataset("Orthodont"), {REML: m.REML, correlation: m.correlation, variance: m.variance});
    expect(fit.logLik).toBeGreaterThanOrEqual(ref.logLik - 1e-6 * Math.abs(ref.logLik));
    expect(Math.abs(fit.residualStructure().varStruct!.Male / ref.varStruct.Male - 1)).toBeLessThan(2e-3);
  });
});
