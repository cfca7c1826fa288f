/**
 * Comparisons and logical operators inside I() (glmer users write `I(week > 2)`): parsing by R's precedence,
 * R's deparsed labels, three-valued evaluation, logical variables as factors with levels FALSE and TRUE, and
 * fits against lme4 1.1-31 (values printed by R with sprintf("%.17g"), quoted below).
 */
import {describe, expect, it} from "vitest";
import {deparse, evaluate, formula, parseExpression, tokenize} from "../src/formula/index.js";
import {fitOf} from "./helpers/fits.js";

const values = (text: string, columns: Record<string, number[]>, n: number): number[] =>
  Array.from(evaluate(parseExpression(text), (name) => columns[name], n));

describe("comparisons and logical operators", () => {
  it("tokenize the two-character operators whole", () => {
    expect(tokenize("a<=b>=c==d!=e&&f&g!h").filter((t) => t.kind === "op").map((t) => t.value)).toEqual(["<=", ">=", "==", "!=", "&&", "&", "!"]);
  });

  it("parse by R's precedence: arithmetic, then comparisons, then !, then &, then |", () => {
    expect(deparse(parseExpression("I(a+1>b*2&!c==3|d)"))).toBe("I(a + 1 > b * 2 & !c == 3 | d)");
    const call = parseExpression("I(a + 1 > b & !c | d)");
    const e = call.type === "call" ? call.args[0] : call;
    expect(e.type === "binary" && e.op).toBe("|");
    const left = e.type === "binary" ? e.left : e;
    expect(left.type === "binary" && left.op).toBe("&");
    const not = left.type === "binary" ? left.right : left;
    expect(not.type === "unary" && not.op).toBe("!");
    expect(not.type === "unary" && not.arg.type === "name").toBe(true);
    const notCompare = parseExpression("!x > 2");
    expect(notCompare.type === "unary" && notCompare.arg.type === "binary" && notCompare.arg.op).toBe(">");
  });

  it("evaluate with R's three-valued logic: NA compares to NA, FALSE & NA is FALSE, TRUE | NA is TRUE", () => {
    const cols = {x: [1, 5, NaN, 3], y: [0, 1, 1, NaN]};
    expect(values("x > 2", cols, 4)).toEqual([0, 1, NaN, 1]);
    expect(values("x > 2 & y", cols, 4)).toEqual([0, 1, NaN, NaN]);
    expect(values("x < 2 & y", cols, 4)).toEqual([0, 0, NaN, 0]);
    expect(values("I(x > 2 | y)", cols, 4)).toEqual([0, 1, 1, 1]);
    expect(values("!(x == 5)", cols, 4)).toEqual([1, 0, NaN, 1]);
    expect(values("(x >= 3) + (x != 1)", cols, 4)).toEqual([0, 2, NaN, 2]);
  });

  it("make a logical variable a factor with levels FALSE and TRUE, named as R names its column", () => {
    expect(formula("y ~ I(week > 2) + factor(x != 0)").terms.map((t) => t.label)).toEqual(["I(week > 2)", "factor(x != 0)"]);
  });

  it("fit as lme4 does: I(Days >= 2 & Days < 7), I(!(Days > 4)), factor(Days != 0) on sleepstudy (REML)", () => {
    const cases: [string, Record<string, number>, number][] = [
      ["Reaction ~ I(Days > 4) + (1 | Subject)", {"(Intercept)": 271.6301788888885, "I(Days > 4)TRUE": 53.7554255555554}, 1813.82663754101],
      ["Reaction ~ I(Days >= 2 & Days < 7) + (1 | Subject)", {"(Intercept)": 305.47577444444539, "I(Days >= 2 & Days < 7)TRUE": -13.935765555555456}, 1894.2160469748198],
      ["Reaction ~ Days + I(!(Days > 4)) + (1 | Subject)", {"(Intercept)": 258.32270916666647, Days: 9.5804136111111564, "I(!(Days > 4))TRUE": -5.8533574999998352}, 1779.7590794554469],
      ["Reaction ~ factor(Days != 0) + (1 | Subject)", {"(Intercept)": 256.65180555555628, "factor(Days != 0)TRUE": 46.50676234567846}, 1878.8534219115656]
    ];
    for (const [f, beta, reml] of cases) {
      const m = fitOf("sleepstudy", f);
      expect(Object.keys(m.fixef)).toEqual(Object.keys(beta));
      for (const [name, value] of Object.entries(beta)) expect(Math.abs(m.fixef[name] - value), `${f}: ${name}`).toBeLessThan(1e-8 * Math.max(1, Math.abs(value)));
      expect(Math.abs((m.REMLcrit ?? NaN) - reml)).toBeLessThan(1e-9 * reml);
    }
  });

  it("refuse a comparison outside I(), && and ||, and ! outside I(), each with the fix", () => {
    expect(() => formula("y ~ x > 4 + (1 | g)")).toThrow('"x > 4 + (1 | g)" in "y ~ x > 4 + (1 | g)" is a comparison or logical expression, which a term cannot be: wrap it in I(), as in I(week > 2)');
    expect(() => formula("y ~ !x")).toThrow("is a comparison or logical expression, which a term cannot be");
    expect(() => formula("y ~ I(x > 4 && x < 6)")).toThrow('operator "&&" in "x > 4 && x < 6" compares only the first value, in "y ~ I(x > 4 && x < 6)": use &, which works row by row');
    expect(() => formula("y ~ I(x > 4 || x < 6)")).toThrow("use |, which works row by row");
    expect(() => formula("y ~ x:(a > 2)")).toThrow("wrap it in I()");
    expect(() => formula("y ~ log(x | g)")).toThrow('operator "|" in "x | g" is not arithmetic, in "y ~ log(x | g)": a bar makes a random-effects term, as in (x | g); inside I() it is the logical or');
  });
});
