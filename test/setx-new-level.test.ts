/**
 * A level really named "new" (issue 11, item 10): voteincome with its state "SC" renamed "new". setx's
 * string "new" must then mean that state, conditional on its random effect, exactly as "SC" does in the
 * original data; a new group is NEW_GROUP, shown as "(new group)" so it never reads as the level. Without
 * such a level the string "new" still means a new group.
 */
import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {NEW_GROUP, setx, sim} from "../src/qi/index.js";
import {newGroupLabel} from "../src/qi/setx.js";
import {dataset} from "./helpers/fits.js";

const VOTE = "income ~ education + age + female + tag(1 | state)";
const original = dataset("voteincome");
/** voteincome with "SC" renamed "new" ("AR" < "new" by code point, as "AR" < "SC": the level order is kept). */
const renamed = Object.fromEntries(original.columnNames().map((name) => {
  const values = Array.from(original.array(name) as ArrayLike<unknown>);
  return [name, name === "state" ? values.map((v) => (v === "SC" ? "new" : v)) : values];
}));
const m1 = lmer(VOTE, original);
const m2 = lmer(VOTE, renamed);

describe("a grouping factor with a level named \"new\"", () => {
  it("fits as the original data does", () => {
    expect(m2.structure.frame.terms[0].levels).toEqual(["AR", "new"]);
    expect(m2.deviance).toBe(m1.deviance);
    expect(Array.from(m2.beta)).toEqual(Array.from(m1.beta));
  });

  it("setx's \"new\" is that level: the conditional predictions equal those of \"SC\" in the original", () => {
    const x1 = setx(m1, {state: "SC", education: [2, 4]});
    const x2 = setx(m2, {state: "new", education: [2, 4]});
    expect(Array.from(x2.levels[0])).toEqual([1, 1]);
    expect(x2.groups.get("state")).toEqual(["new", "new"]);
    const s1 = sim(m1, {x: x1, n: 500, seed: 3});
    const s2 = sim(m2, {x: x2, n: 500, seed: 3});
    for (const profile of [1, 2]) {
      expect(s2.summaryOf("pr", profile)).toEqual(s1.summaryOf("pr", profile));
      expect(s2.summaryOf("ev", profile)).toEqual(s1.summaryOf("ev", profile));
    }
  });

  it("a new group is NEW_GROUP, shown as \"(new group)\", and differs from the level", () => {
    const level = setx(m2, {state: "new"});
    const fresh = setx(m2, {state: NEW_GROUP});
    expect(Array.from(fresh.levels[0])).toEqual([-1]);
    expect(fresh.groups.get("state")).toEqual(["(new group)"]);
    expect(setx(m2).groups.get("state")).toEqual(["(new group)"]);
    expect((fresh.table().objects()[0] as {state: string}).state).toBe("(new group)");
    const both = setx(m2, {state: ["new", NEW_GROUP]});
    expect(both.groups.get("state")).toEqual(["new", "(new group)"]);
    expect(Array.from(both.levels[0])).toEqual([1, -1]);
    // a new group's predictions are those of a new group in the original fit; the level's are not
    const pr = (p: ReturnType<typeof setx>) => sim(p.model, {x: p, n: 2000, seed: 8}).summaryOf("pr");
    expect(pr(fresh)).toEqual(pr(setx(m1, {state: NEW_GROUP})));
    expect(pr(level).sd).toBeLessThan(pr(fresh).sd);
  });

  it("without a level \"new\", the string still means a new group; an unknown level names NEW_GROUP", () => {
    expect(Array.from(setx(m1, {state: "new"}).levels[0])).toEqual([-1]);
    expect(setx(m1, {state: "new"}).groups.get("state")).toEqual(["new"]);
    expect(() => setx(m1, {state: "TX"})).toThrow('level "TX" of state is not in the data; its levels are AR, SC; for a new group give NEW_GROUP (or "new")');
    expect(() => setx(m2, {state: "TX"})).toThrow('level "TX" of state is not in the data; its levels are AR, new; for a new group give NEW_GROUP');
  });

  it("newGroupLabel never equals a level", () => {
    expect(newGroupLabel(["AR", "SC"])).toBe("new");
    expect(newGroupLabel(["new", "(new group)"])).toBe("((new group))");
  });
});
