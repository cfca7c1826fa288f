/**
 * The formula language glmer users write: cbind(successes, failures) as a binomial response (lmer refuses it),
 * arithmetic in the response (incidence / size), and scale(x) as R's, its centre and scale kept for new data.
 */
import {describe, expect, it} from "vitest";
import {LmmError} from "../src/errors.js";
import {formula} from "../src/formula/formula.js";
import {modelFrame} from "../src/frame/frame.js";
import {lmer} from "../src/lmm/index.js";
import {newdataDesign} from "../src/predict/newdata-design.js";

const data = {
  s: [2, 3, 4, 0, 1, 5, 2, 2],
  n: [10, 12, 9, 8, 10, 11, 7, 9],
  x: [1, 2, 3, 4, 5, 6, 7, NaN],
  w: [1.5, 2, 2.5, 1, 3, 0.5, 1, 2],
  g: ["a", "a", "b", "b", "c", "c", "d", "d"]
};

describe("cbind(successes, failures)", () => {
  it("gives y = s/(s + f), prior weights times the trials, and the trials", () => {
    const frame = modelFrame(formula("cbind(s, n - s) ~ w + (1 | g)"), data, {}, "binary", true);
    expect(Array.from(frame.y)).toEqual(data.s.map((s, i) => s / data.n[i]));
    expect(Array.from(frame.weights!)).toEqual(data.n);
    expect(Array.from(frame.trials!)).toEqual(data.n);
    expect(frame.responseName).toBe("cbind(s, n - s)");
    const weighted = modelFrame(formula("cbind(s, n - s) ~ 1 + (1 | g)"), data, {weights: "w"}, "binary", true);
    expect(Array.from(weighted.weights!)).toEqual(data.n.map((n, i) => n * data.w[i]));
  });

  it("is refused by lmer with the fix, and with other than two arguments or negative counts", () => {
    expect(() => lmer("cbind(s, n - s) ~ w + (1 | g)", data)).toThrow(/^the response cbind\(s, n - s\) is a binomial response \(successes and failures\), which lmer cannot fit: use glmer/);
    expect(() => formula("cbind(s) ~ w + (1 | g)")).toThrow(/cbind\(\) in the response of .* takes two arguments, successes and failures, got 1/);
    const negative = {...data, s: data.s.map((v, i) => (i === 2 ? 11 : v))};
    expect(() => modelFrame(formula("cbind(s, n - s) ~ w + (1 | g)"), negative, {}, "binary", true)).toThrow(LmmError);
  });
});

describe("scale(x)", () => {
  it("centres by the mean and divides by the sd of the column's values that are not missing, as R's scale()", () => {
    const frame = modelFrame(formula("s ~ scale(x) + (1 | g)"), data);
    const present = data.x.slice(0, 7);
    const mean = present.reduce((a, b) => a + b) / 7;
    const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / 6);
    expect(frame.n).toBe(7);
    expect(frame.xNames).toEqual(["(Intercept)", "scale(x)"]);
    frame.X[1].forEach((v, i) => expect(v).toBeCloseTo((present[i] - mean) / sd, 14));
    expect(frame.scales!.get("scale(x)")).toEqual({center: mean, scale: sd});
  });

  it("new data reuses the fit's centre and scale (R's makepredictcall)", () => {
    const frame = modelFrame(formula("s ~ scale(x) + (1 | g)"), data);
    const {center, scale} = frame.scales!.get("scale(x)")!;
    const design = newdataDesign(frame, [{x: 10, g: "a"}], {random: false, allowNewLevels: true});
    expect(design.X[1][0]).toBeCloseTo((10 - center) / scale, 14);
  });

  it("refuses a column without spread", () => {
    expect(() => modelFrame(formula("s ~ scale(c) + (1 | g)"), {...data, c: data.s.map(() => 3)})).toThrow(/^scale\(c\) cannot be computed: its column has no spread/);
  });
});
