/**
 * setx and sim (issue 3): the seed's example end to end, profiles, the tables and the printout.
 */
import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {quantile, setx, sim, Profiles, Simulation} from "../src/qi/index.js";
import {quantileSorted} from "../src/stats/quantile.js";
import {dataset, fitOf} from "./helpers/fits.js";

const VOTE = "income ~ education + age + female + tag(1 | state)";
const vote = () => fitOf("voteincome", VOTE);

/** R's quantile(x, p) (type 7) of a data column. */
function columnQuantile(name: string, p: number): number {
  return quantileSorted(Float64Array.from(dataset("voteincome").array(name) as number[]).sort(), p);
}

describe("the seed's example: voteincome, education at its 80th and 20th percentiles", () => {
  it("runs end to end and summarises the first differences", () => {
    const voteincome = dataset("voteincome");
    const m = lmer("income ~ education + age + female + tag(1 | state)", voteincome);
    const x = setx(m, {education: quantile(0.8)});
    const x1 = setx(m, {education: quantile(0.2)});
    const s = sim(m, {x, x1, n: 1000, seed: 7});

    expect(x.values.get("education")).toEqual([columnQuantile("education", 0.8)]);
    expect(x1.values.get("education")).toEqual([columnQuantile("education", 0.2)]);
    expect(s.names).toEqual(["ev", "pr", "ev1", "pr1", "fd"]);
    const fd = s.summaryOf("fd");
    // (x1 − x)β̂ = (2 − 4) × 1.92516
    expect(fd.mean).toBeCloseTo(-2 * m.fixef.education, 1);
    expect(fd.p2_5).toBeLessThan(fd.p50);
    expect(fd.p97_5).toBeLessThan(0);
    expect(s.summary().columnNames()).toEqual(["qi", "profile", "mean", "sd", "p2_5", "p50", "p97_5"]);
    expect(s.summary().numRows()).toBe(5);
    // the printout recorded in docs/zelig.md (numbers to 5 significant digits, so a refit that moves the
    // last digits of the estimates does not break it)
    expectPrintout(s.toString(), ZELIG_PRINTOUT);
  });

  it("gives the documented figures for seed 7", () => {
    const m = vote();
    const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
    const fd = s.summaryOf("fd");
    expect(fd.mean).toBeCloseTo(-3.8432166, 4);
    expect(fd.sd).toBeCloseTo(0.1689808, 4);
    expect(fd.p2_5).toBeCloseTo(-4.182493, 4);
    expect(fd.p97_5).toBeCloseTo(-3.525680, 4);
  });
});

/** Same lines and words, numbers equal to a relative 1e-5. */
function expectPrintout(actual: string, expected: string) {
  const tokens = (text: string) => text.split("\n").map((line) => line.trim().split(/\s+/));
  const a = tokens(actual), e = tokens(expected);
  expect(a.map((l) => l.length)).toEqual(e.map((l) => l.length));
  a.forEach((line, i) => line.forEach((word, k) => {
    const want = e[i][k];
    if (/^-?\d+(\.\d+)?(e[-+]\d+)?$/.test(want)) expect(Math.abs(Number(word) - Number(want))).toBeLessThanOrEqual(1e-5 * Math.abs(Number(want)));
    else expect(word).toBe(want);
  }));
}

const ZELIG_PRINTOUT = `
 sim x :
 -----
ev
      mean       sd      50%     2.5%   97.5%
1 14.91021 0.464447 14.89618 14.03329 15.8925
pr
      mean       sd      50%     2.5%    97.5%
1 15.02732 3.274613 14.96514 8.606368 21.45072

 sim x1 :
 -----
ev
      mean        sd      50%   2.5%    97.5%
1 11.06699 0.4523668 11.05598 10.231 11.99647
pr
      mean       sd      50%     2.5%    97.5%
1 11.05782 3.262523 10.99467 4.837015 17.27999
fd
       mean        sd       50%      2.5%    97.5%
1 -3.843217 0.1689808 -3.841201 -4.182493 -3.52568`;

describe("setx", () => {
  it("sets numeric columns to their means, and groups to a new group, by default", () => {
    const m = vote();
    const x = setx(m);
    const mean = (name: string) => (dataset("voteincome").array(name) as number[]).reduce((a, b) => a + b, 0) / 1500;
    expect(x).toBeInstanceOf(Profiles);
    expect(x.length).toBe(1);
    expect(x.values.get("age")![0]).toBeCloseTo(mean("age"), 12);
    expect(x.values.get("female")![0]).toBeCloseTo(mean("female"), 12);
    expect(x.groups.get("state")).toEqual(["new"]);
    expect(x.levels[0][0]).toBe(-1);
    expect(Array.from(x.X)).toEqual([1, mean("education"), x.values.get("age")![0], x.values.get("female")![0]].map((v) => expect.closeTo(v as number, 12)));
    expect(Array.from(x.Z[0])).toEqual([1]);
  });

  it("uses medians with center: \"median\"", () => {
    const x = setx(vote(), {}, {center: "median"});
    expect(x.values.get("age")).toEqual([columnQuantile("age", 0.5)]);
    expect(x.values.get("education")).toEqual([columnQuantile("education", 0.5)]);
  });

  it("makes one profile per value of an array and all combinations of several arrays, the first key fastest", () => {
    const x = setx(vote(), {education: [1, 2, 3], state: ["AR", "new"]});
    expect(x.length).toBe(6);
    expect(x.values.get("education")).toEqual([1, 2, 3, 1, 2, 3]);
    expect(x.groups.get("state")).toEqual(["AR", "AR", "AR", "new", "new", "new"]);
    expect(Array.from(x.levels[0])).toEqual([0, 0, 0, -1, -1, -1]);
    expect((x.table().objects() as Record<string, unknown>[]).map((r) => [r.profile, r.education, r.state])).toEqual([
      [1, 1, "AR"], [2, 2, "AR"], [3, 3, "AR"], [4, 1, "new"], [5, 2, "new"], [6, 3, "new"]
    ]);
    const design = x.design();
    expect(design.columnNames()).toEqual(["profile", "(Intercept)", "education", "age", "female"]);
    expect(Array.from(design.array("education") as ArrayLike<number>)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it("takes functions of the column, which may return several values", () => {
    const x = setx(vote(), {age: (v: ArrayLike<unknown>) => Math.max(...(v as number[])), education: quantile([0.2, 0.8])});
    expect(x.values.get("age")).toEqual([Math.max(...(dataset("voteincome").array("age") as number[])), expect.any(Number)]);
    expect(x.values.get("education")).toEqual([columnQuantile("education", 0.2), columnQuantile("education", 0.8)]);
  });

  it("does not let a function override touch the model's columns", () => {
    const m = vote();
    const before = Float64Array.from(m.structure.frame.X[1]);
    setx(m, {education: (v: ArrayLike<unknown>) => (v as Float64Array).sort()[0]});
    expect(m.structure.frame.X[1]).toEqual(before);
  });

  it("applies transforms after setting the columns, as model.matrix does", () => {
    const m = fitOf("voteincome", "income ~ education + age + I(age^2) + (1 | state)");
    const x = setx(m, {age: 30});
    expect(m.fixefNames).toEqual(["(Intercept)", "education", "age", "I(age^2)"]);
    expect(Array.from(x.X.subarray(2))).toEqual([30, 900]);
  });

  it("reads factors from the data, codes them as the model does and sets them to their most frequent level", () => {
    const cake = dataset("cake");
    const m = fitOf("cake", "angle ~ recipe * temp + (1 | replicate)");
    const x = setx(m, {recipe: ["A", "C"], temp: 200}, {data: cake});
    expect(m.fixefNames).toEqual(["(Intercept)", "recipeB", "recipeC", "temp", "recipeB:temp", "recipeC:temp"]);
    expect(Array.from(x.X)).toEqual([1, 0, 0, 200, 0, 0, 1, 0, 1, 200, 0, 200]);
    // every recipe appears equally often: the mode is the first level
    expect(setx(m, {}, {data: cake}).values.get("recipe")).toEqual(["A"]);
  });

  it("prints the design rows with the groups", () => {
    expect(setx(vote(), {education: 4, age: 40, female: 1, state: "SC"}).toString()).toBe(
      "  (Intercept) education age female state\n" +
      "1           1         4  40      1    SC"
    );
  });

  it("reads random slopes' columns back from Z", () => {
    const m = fitOf("sleepstudy", "Reaction ~ 1 + (Days | Subject)");
    const x = setx(m, {Days: 5, Subject: "308"});
    expect(Array.from(x.X)).toEqual([1]);
    expect(Array.from(x.Z[0])).toEqual([1, 5]);
    expect(x.levels[0][0]).toBe(m.structure.frame.terms[0].levels.indexOf("308"));
  });
});

describe("sim results", () => {
  const m = () => vote();

  it("holds typed arrays per quantity and profile", () => {
    const s = sim(m(), {x: setx(m(), {education: [2, 4]}), n: 50, seed: 1});
    expect(s).toBeInstanceOf(Simulation);
    expect(s.qi.ev).toHaveLength(2);
    expect(s.qi.ev![0]).toBeInstanceOf(Float64Array);
    expect(s.qi.ev![0]).toHaveLength(50);
    expect(s.qi.fd).toBeUndefined();
    expect(s.seed).toBe(1);
    expect(s.n).toBe(50);
  });

  it("pairs profiles of x and x1 for first differences, or broadcasts a single one", () => {
    const x = setx(m(), {education: [2, 3, 4]});
    const paired = sim(m(), {x, x1: setx(m(), {education: [3, 4, 5]}), n: 20, seed: 2});
    const broadcast = sim(m(), {x, x1: setx(m(), {education: 5}), n: 20, seed: 2});
    expect(paired.qi.fd).toHaveLength(3);
    paired.qi.fd!.forEach((fd, j) => fd.forEach((v, d) => expect(v).toBe(paired.qi.ev1![j][d] - paired.qi.ev![j][d])));
    broadcast.qi.fd!.forEach((fd, j) => fd.forEach((v, d) => expect(v).toBe(broadcast.qi.ev1![0][d] - broadcast.qi.ev![j][d])));
  });

  it("gives a long table of draws for Plot", () => {
    const s = sim(m(), {x: setx(m()), x1: setx(m(), {education: 1}), n: 10, seed: 3});
    const d = s.draws();
    expect(d.columnNames()).toEqual(["qi", "profile", "draw", "value"]);
    expect(d.numRows()).toBe(5 * 10);
    const fd = d.filter((r: {qi: string}) => r.qi === "fd").array("value");
    expect(Array.from(fd as Float64Array)).toEqual(Array.from(s.qi.fd![0]));
  });

  it("reports a fresh seed when none is given, and that seed reproduces the draws", () => {
    const x = setx(m());
    const a = sim(m(), {x, n: 20});
    expect(Number.isInteger(a.seed)).toBe(true);
    const b = sim(m(), {x, n: 20, seed: a.seed!});
    expect(b.qi.pr![0]).toEqual(a.qi.pr![0]);
  });

  it("does not change the draws for x when x1 is added", () => {
    const x = setx(m());
    const alone = sim(m(), {x, n: 100, seed: 11});
    const both = sim(m(), {x, x1: setx(m(), {education: 1}), n: 100, seed: 11});
    expect(both.qi.ev![0]).toEqual(alone.qi.ev![0]);
    expect(both.qi.pr![0]).toEqual(alone.qi.pr![0]);
  });
});
