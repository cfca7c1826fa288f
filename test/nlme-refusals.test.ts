import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {readCorrelation, readVariance} from "../src/lmm/residual-spec.js";
import {armaAutocorrelation, fromPartials, symmetricCorrelation, symmetricUnconstrained, toPartials} from "../src/lmm/residual-params.js";
import {dataset} from "./helpers/fits.js";

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect((e as Error).name).toBe("LmmError");
    return (e as Error).message;
  }
  throw new Error("no error");
};

describe("nlme's spelling is read as text", () => {
  it("correlation structures with form, value, p, q and fixed, named or by position", () => {
    expect(readCorrelation("corAR1(form = ~ Days | Subject)")).toMatchObject({kind: "corAR1", form: {groups: ["Subject"], fitted: false}, value: null, fixed: false});
    expect(readCorrelation("corAR1(0.5, ~ 1 | Subject, TRUE)")).toMatchObject({value: [0.5], fixed: true, form: {covariate: null}});
    expect(readCorrelation("corARMA(c(0.2, -0.1), form = ~ t | a/b, p = 1, q = 1)")).toMatchObject({p: 1, q: 1, value: [0.2, -0.1], form: {groups: ["a", "b"]}});
    expect(readCorrelation("corCompSymm()")).toMatchObject({kind: "corCompSymm", form: {groups: []}});
    expect(readVariance("varIdent(form = ~ 1 | Sex)")).toMatchObject({kind: "varIdent", form: {covariate: null, groups: ["Sex"]}});
    expect(readVariance("varFixed(~ age)").form.covariate).toMatchObject({type: "name", name: "age"});
    expect(readVariance("varConstPower(const = 2, power = 0.5, form = ~ x)")).toMatchObject({constValue: [2], value: [0.5]});
  });

  it("unknown structures, arguments and malformed text are refused naming the part", () => {
    expect(refusal(() => readCorrelation("corGaus(form = ~ x)"))).toMatch(/^unknown correlation structure "corGaus" .*nlme has it.*corAR1, corCAR1/);
    expect(refusal(() => readVariance("varIdnet(form = ~ 1 | Sex)"))).toMatch(/^unknown variance structure "varIdnet"/);
    expect(refusal(() => readCorrelation("corAR1(from = ~ Days)"))).toMatch(/^unknown argument "from" of corAR1/);
    expect(refusal(() => readCorrelation("corARMA(form = ~ 1 | g)"))).toMatch(/p = 0 and q = 0/);
    expect(refusal(() => readCorrelation("corARMA(p = 9)"))).toMatch(/invalid p = 9 .*0 to 6/);
    expect(refusal(() => readCorrelation("corAR1(1.5)"))).toMatch(/invalid value 1.5 .*between −1 and 1/);
    expect(refusal(() => readCorrelation("corAR1(form = Days)"))).toMatch(/one-sided formula/);
    expect(readVariance("varPower(form = ~ fitted(.))")).toMatchObject({kind: "varPower", form: {covariate: null, fitted: true, groups: []}});
    expect(readVariance("varExp()")).toMatchObject({form: {fitted: true}});
    expect(refusal(() => readVariance("varIdent(form = ~ fitted(.))"))).toMatch(/varIdent takes no fitted values/);
    expect(refusal(() => readVariance("varPower(form = ~ fitted(m))"))).toMatch(/write the fitted values as fitted\(\.\)/);
    expect(refusal(() => readVariance("varIdent(form = ~ x)"))).toMatch(/varIdent takes strata only/);
    expect(refusal(() => readCorrelation(42))).toMatch(/^invalid correlation: the number 42/);
    expect(refusal(() => readCorrelation("corAR1(form = ~ Days | Subject"))).toMatch(/^invalid correlation/);
  });
});

describe("bad data for a structure is refused naming the part", () => {
  const sleep = dataset("sleepstudy");
  it("a grouping in form that is not the random effects' grouping", () => {
    const d = {...Object.fromEntries(["Reaction", "Days", "Subject"].map((c) => [c, Array.from(sleep.array(c))])), half: Array.from({length: 180}, (_, i) => i % 2)};
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", d, {correlation: "corAR1(form = ~ 1 | half)"})))
      .toMatch(/^the correlation's grouping "half" .*is not the random effects' grouping \(Subject\) nor nested within it, as nlme requires/);
  });
  it("duplicate times within a group for corAR1", () => {
    const d = {Reaction: Array.from(sleep.array("Reaction")), Subject: Array.from(sleep.array("Subject")), Days: Array.from(sleep.array("Days"), (x) => Math.floor(Number(x) / 2))};
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", d, {correlation: "corAR1(form = ~ Days | Subject)"}))).toMatch(/^duplicate time 0 within a group of corAR1/);
  });
  it("a varPower covariate with zeros", () => {
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", sleep, {variance: "varPower(form = ~ Days)"}))).toMatch(/^the covariate "Days" of varPower is 0 in row 1/);
  });
  it("varConstPower with strata: const or power of another length than one or the strata's", () => {
    const o = dataset("Orthodont");
    expect(refusal(() => lmer("distance ~ age + (1 | Subject)", o, {variance: "varConstPower(const = c(1, 2, 3), form = ~ age | Sex)"})))
      .toMatch(/^invalid const in "varConstPower\(const = c\(1, 2, 3\), form = ~ age \| Sex\)": 3 numbers for 2 strata/);
  });
  it("unknown columns, non-integer AR(1) times and a bad option value", () => {
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", sleep, {variance: "varIdent(form = ~ 1 | Sx)"}))).toMatch(/unknown column "Sx"/);
    const d = {Reaction: Array.from(sleep.array("Reaction")), Subject: Array.from(sleep.array("Subject")), t: Array.from(sleep.array("Days"), (x) => Number(x) + 0.5)};
    expect(refusal(() => lmer("Reaction ~ t + (1 | Subject)", d, {correlation: "corAR1(form = ~ t | Subject)"}))).toMatch(/must be whole numbers.*use corCAR1/);
    expect(refusal(() => lmer("Reaction ~ Days + (1 | Subject)", sleep, {correlation: 1 as unknown as string}))).toMatch(/^invalid correlation: the number 1; give nlme's spelling as text/);
  });
});

describe("the structures' parameter maps", () => {
  it("Durbin–Levinson and its inverse; ARMA autocorrelations; the correlation matrix map", () => {
    const phi = fromPartials([0.5, -0.3]);
    expect(Array.from(toPartials(phi)).map((v) => +v.toFixed(12))).toEqual([0.5, -0.3]);
    // AR(1): ρ(h) = φ^h; MA(1): ρ(1) = θ/(1 + θ²)
    expect(Array.from(armaAutocorrelation([0.6], [], 3)).map((v) => +v.toFixed(12))).toEqual([1, 0.6, 0.36, 0.216]);
    expect(armaAutocorrelation([], [0.5], 2)[1]).toBeCloseTo(0.4, 12);
    // ARMA(1,1): ρ(1) = (1 + φθ)(φ + θ)/(1 + 2φθ + θ²)
    expect(armaAutocorrelation([0.5], [0.3], 1)[1]).toBeCloseTo((1.15 * 0.8) / (1 + 0.3 + 0.09), 12);
    const C = symmetricCorrelation([0.3, -0.2, 0.5], 3);
    expect(Array.from(symmetricUnconstrained(C, 3)).map((v) => +v.toFixed(10))).toEqual([0.3, -0.2, 0.5]);
  });
});

describe("any text gives a structure or an LmmError", () => {
  it("10 000 seeded mutations of nlme spellings", () => {
    const seeds = ["corAR1(form = ~ Days | Subject)", "corARMA(c(0.2, -0.1), p = 1, q = 1, form = ~ t | a/b)", "varIdent(form = ~ 1 | Sex)",
      "varConstPower(const = 2, power = 0.5, form = ~ x)", "corSymm(value = c(0.1, 0.2, 0.3), form = ~ 1 | g)", "varFixed(~ I(x + 1))"];
    const alphabet = "()~|=,.-+*/ 0123456789abcTFRUExyz`\"'c";
    let state = 12345;
    const next = () => ((state = (state * 1103515245 + 12345) >>> 0) % 2147483648) / 2147483648;
    for (let i = 0; i < 10_000; i++) {
      let text = seeds[i % seeds.length];
      for (let k = 0, edits = 1 + Math.floor(next() * 4); k < edits; k++) {
        const at = Math.floor(next() * (text.length + 1));
        const op = next();
        const c = alphabet[Math.floor(next() * alphabet.length)];
        text = op < 0.4 ? text.slice(0, at) + c + text.slice(at) : op < 0.8 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at + 1);
      }
      for (const read of [readCorrelation, readVariance]) {
        try {
          read(text);
        } catch (e) {
          if ((e as Error).name !== "LmmError") throw new Error(`${JSON.stringify(text)}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
  });
});
