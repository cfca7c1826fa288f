/**
 * The special functions behind the p-values: log Γ, the regularized incomplete beta and gamma functions,
 * Student's t and the chi-square upper tail. Expected values from SciPy 1.17 and mpmath (30 digits).
 */
import {describe, expect, it} from "vitest";
import {chiSquareUpper} from "../src/stats/chi-square.js";
import {incompleteBeta, incompleteBetaComplement} from "../src/stats/incomplete-beta.js";
import {upperIncompleteGamma} from "../src/stats/incomplete-gamma.js";
import {logBeta, logGamma} from "../src/stats/log-gamma.js";
import {normalCdf, normalQuantile} from "../src/stats/normal-quantile.js";
import {studentTCdf, tTestP} from "../src/stats/student-t.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("log Γ and log B", () => {
  it("matches exact and tabulated values", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(rel(logGamma(2025.5), 13392.902001526867)).toBeLessThan(1e-14);
    expect(rel(logGamma(0.1), 2.252712651734206)).toBeLessThan(1e-14);
    expect(rel(logGamma(1e5), 1051287.7089736569)).toBeLessThan(1e-14);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
  });
  it("is infinite at 0 and NaN below", () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-1)).toBeNaN();
  });
});

describe("the regularized incomplete beta function", () => {
  it("matches closed forms and SciPy", () => {
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 15);
    expect(incompleteBeta(0.2, 1, 3)).toBeCloseTo(0.488, 15);
    expect(incompleteBetaComplement(0.2, 1, 3)).toBeCloseTo(0.512, 15);
    expect(rel(incompleteBeta(0.2, 0.5, 0.5), 0.2951672353008665)).toBeLessThan(1e-13);
    expect(rel(incompleteBeta(0.999, 2025, 0.5), 0.04413143014825073)).toBeLessThan(1e-11);
    expect(rel(incompleteBeta(0.9, 3, 4), 0.99873)).toBeLessThan(1e-13);
  });
  it("is 0 and 1 at the ends, NaN outside", () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(0.5, -1, 3)).toBeNaN();
  });
});

describe("Student's t", () => {
  it("two-sided p-values as R's 2 * pt(-abs(t), df)", () => {
    expect(rel(tTestP(2, 10), 0.07338803477074037)).toBeLessThan(1e-13);
    expect(rel(tTestP(-2, 10), 0.07338803477074037)).toBeLessThan(1e-13);
    expect(rel(tTestP(0.01, 5), 0.9924080180425819)).toBeLessThan(1e-13);
    expect(rel(tTestP(50, 3), 1.761715204127197e-5)).toBeLessThan(1e-12);
    expect(rel(tTestP(8, 1.5), 0.0329183509409068212)).toBeLessThan(1e-12);
  });
  it("keeps relative precision far in the tail", () => {
    expect(rel(tTestP(30, 4049), 9.83749845537322349e-179)).toBeLessThan(1e-10);
  });
  it("the normal limit and the lower tail", () => {
    expect(tTestP(1.959963984540054, Infinity)).toBeCloseTo(0.05, 14);
    expect(rel(studentTCdf(-2, 10), 0.03669401738537018)).toBeLessThan(1e-13);
    expect(rel(studentTCdf(2, 10), 1 - 0.03669401738537018)).toBeLessThan(1e-14);
    expect(tTestP(Infinity, 3)).toBe(0);
    expect(tTestP(1, 0)).toBeNaN();
  });
});

describe("the upper incomplete gamma and chi-square tails", () => {
  it("matches closed forms", () => {
    expect(upperIncompleteGamma(1, 2)).toBeCloseTo(Math.exp(-2), 15);
    expect(rel(upperIncompleteGamma(0.5, 1), 0.15729920705028513)).toBeLessThan(1e-13);
  });
  it("matches R's pchisq(x, k, lower.tail = FALSE)", () => {
    expect(chiSquareUpper(3.841458820694124, 1)).toBeCloseTo(0.05, 14);
    expect(rel(chiSquareUpper(42.1392985420164, 2), 7.072412547229947e-10)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpper(0.5, 3), 0.9188914116546758)).toBeLessThan(1e-13);
    expect(rel(chiSquareUpper(100, 50), 3.454931382984871e-5)).toBeLessThan(1e-12);
    expect(rel(chiSquareUpper(1000, 3), 1.7994208765314067e-216)).toBeLessThan(1e-11);
    expect(chiSquareUpper(0, 2)).toBe(1);
  });
});

describe("the standard normal distribution", () => {
  it("quantiles as R's qnorm (SciPy's values)", () => {
    const cases: [number, number][] = [
      [0.975, 1.959963984540054], [0.025, -1.9599639845400545], [0.6, 0.2533471031357997], [0.3, -0.5244005127080409],
      [1e-10, -6.361340902404056], [1e-300, -37.0470962993612], [0.999999, 4.753424308817087]
    ];
    for (const [p, z] of cases) expect(Math.abs(normalQuantile(p) - z), `qnorm(${p})`).toBeLessThan(1e-13 * Math.max(1, Math.abs(z)));
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
  it("the distribution function is R's pnorm (Cody's algorithm) to 2e-16 relative across its three intervals", () => {
    // R 4.2: x <- c(...); sprintf("%.17g", pnorm(x))
    const x = [-38, -20, -8.3, -6, -5.66, -5.65, -3, -1.96, -1, -0.7, -0.66291, -0.5, -1e-17, 0, 1e-9, 0.3, 0.66, 0.67, 1, 2.5, 5.6, 5.7, 8, 9, 30];
    const r = [
      0, 2.7536241186062337e-89, 5.2055697448902552e-17, 9.8658764503769809e-10, 7.5686497519977138e-9, 8.0223918506634971e-9,
      0.0013498980316300946, 0.024997895148220428, 0.15865525393145705, 0.24196365222307298, 0.25369409838974, 0.30853753872598694, 0.5,
      0.5, 0.50000000039894232, 0.61791142218895267, 0.74537308532866375, 0.74857110490468992, 0.84134474606854293, 0.99379033467422384,
      0.99999998928240974, 0.99999999400962858, 0.99999999999999933, 1, 1
    ];
    x.forEach((v, i) => (r[i] === 0 ? expect(normalCdf(v)).toBeLessThan(1e-300) : expect(rel(normalCdf(v), r[i])).toBeLessThanOrEqual(2.3e-16)));
  });
  it("the distribution function inverts the quantile", () => {
    for (const p of [1e-8, 0.01, 0.2, 0.5, 0.77, 0.99]) expect(Math.abs(normalCdf(normalQuantile(p)) - p) / p).toBeLessThan(1e-13);
  });
});
