import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {randomSource, setx, sim} from "../src/index.js";
import {dataset} from "./helpers/fits.js";

// sim's predicted values of a model with a variance function (nlme's weights): pr − ev = z b + ε per draw, with
// b ~ N(0, σ_b²) for a new group of a (1 | g) model and ε ~ N(0, σ̂² g(profile)²). Seeded draws; the variance of
// n = 40 000 draws has a relative standard error of √(2/n) = 0.7 %: compared at 4 %.
const N = 40_000;
const variance = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0, s2 = 0;
  for (let d = 0; d < a.length; d++) (s += a[d] - b[d]), (s2 += (a[d] - b[d]) ** 2);
  return s2 / a.length - (s / a.length) ** 2;
};

describe("sim with a variance function draws pr with σ̂² g(profile)²", () => {
  it("varIdent by a stratum column of the model: each profile's stratum ratio", () => {
    const d = dataset("Orthodont");
    const m = lmer("distance ~ age * Sex + (1 | Subject)", d, {variance: "varIdent(form = ~ 1 | Sex)"});
    const ratio = m.residualStructure().varStruct!;
    const x = setx(m, {Sex: ["Male", "Female"], age: 10}, {data: d});
    const s = sim(m, {x, n: N, seed: 11});
    const tau2 = (m.theta[0] * m.sigma) ** 2;
    // the reference stratum (nlme's first in the data's order) has ratio 1, the other its estimate
    (["Male", "Female"] as const).forEach((sex, j) => {
      const want = tau2 + m.sigma ** 2 * (ratio[sex] ?? 1) ** 2;
      expect(Math.abs(variance(s.qi.pr![j], s.qi.ev![j]) / want - 1)).toBeLessThan(0.04);
    });
    // ev is x β draws only: its spread is the SE of x β̂, whatever the structure
    const p = m.fixefNames.length;
    const V = m.vcov;
    for (let j = 0; j < 2; j++) {
      const row = x.X.subarray(j * p, (j + 1) * p);
      let v = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) v += row[a] * row[b] * V[a][b];
      expect(Math.abs(variance(s.qi.ev![j], new Float64Array(N)) / v - 1)).toBeLessThan(0.04);
    }
  });
  it("varPower of a covariate: g = |age|^δ at each profile's age, and the same seed gives the same draws", () => {
    const d = dataset("Orthodont");
    const m = lmer("distance ~ age + (1 | Subject)", d, {variance: "varPower(form = ~ age)"});
    const delta = m.residualStructure().varStruct!.power;
    const ages = [8, 11, 14];
    const s = sim(m, {x: setx(m, {age: ages}), n: N, seed: 5});
    const tau2 = (m.theta[0] * m.sigma) ** 2;
    ages.forEach((age, j) => {
      const want = tau2 + m.sigma ** 2 * age ** (2 * delta);
      expect(Math.abs(variance(s.qi.pr![j], s.qi.ev![j]) / want - 1)).toBeLessThan(0.04);
    });
    const again = sim(m, {x: setx(m, {age: ages}), n: N, random: randomSource(5)});
    expect(Array.from(again.qi.pr![2].subarray(0, 5))).toEqual(Array.from(s.qi.pr![2].subarray(0, 5)));
  });
  it("varPower of the fitted values: g = |x β̂|^δ at a new group's profile (nlme's innermost fitted value)", () => {
    const m = lmer("distance ~ age + (1 | Subject)", dataset("Orthodont"), {variance: "varPower(form = ~ fitted(.))"});
    const delta = m.residualStructure().varStruct!.power;
    const ages = [8, 14];
    const s = sim(m, {x: setx(m, {age: ages}), n: N, seed: 3});
    const tau2 = (m.theta[0] * m.sigma) ** 2;
    ages.forEach((age, j) => {
      const mu = m.fixef["(Intercept)"] + m.fixef.age * age;
      const want = tau2 + m.sigma ** 2 * Math.abs(mu) ** (2 * delta);
      expect(Math.abs(variance(s.qi.pr![j], s.qi.ev![j]) / want - 1)).toBeLessThan(0.04);
    });
  });
  it("a stratum column the model does not have, and treatment effects, are refused by name", () => {
    const d = dataset("Orthodont");
    const v = lmer("distance ~ age + (1 | Subject)", d, {variance: "varIdent(form = ~ 1 | Sex)"});
    expect(() => sim(v, {x: setx(v), n: 10, seed: 1})).toThrow(/^sim of a model with varIdent\(form = ~ 1 \| Sex\) needs each profile's "Sex"/);
    const w = lmer("distance ~ age + Sex + (1 | Subject)", d, {variance: "varIdent(form = ~ 1 | Sex)"});
    expect(() => sim(w, {treatment: "age", n: 10, seed: 1, data: d})).toThrow(/^sim's treatment effects of a model with a variance function/);
  });
});
