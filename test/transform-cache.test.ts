import {describe, expect, it} from "vitest";
import {logRounded} from "../src/math/index.js";
import {MAX_ENTRIES, transformed} from "../src/formula/transform-cache.js";
import {lmer} from "../src/index.js";
import {dataset} from "./helpers/fits.js";

describe("the cache of the formula's log and exp", () => {
  it("reuses a result only for equal values, as a copy the caller may change", () => {
    let calls = 0;
    const f = (x: number) => (calls++, logRounded(x));
    const a = transformed("log", f, Float64Array.of(1, 10, NaN));
    expect(calls).toBe(3);
    a[0] = 99;
    const b = transformed("log", f, Float64Array.of(1, 10, NaN));
    expect(calls).toBe(3);
    expect(Array.from(b)).toEqual([0, 2.302585092994046, NaN]);
    transformed("log", f, Float64Array.of(1, 10.5, NaN));
    expect(calls).toBe(6);
    // another transform of the same values is its own entry; sqrt is never cached
    transformed("exp", f, Float64Array.of(1, 10, NaN));
    expect(calls).toBe(9);
    transformed("sqrt", f, Float64Array.of(4));
    transformed("sqrt", f, Float64Array.of(4));
    expect(calls).toBe(11);
  });

  it("keeps at most its limit of results, the oldest going first", () => {
    let calls = 0;
    const f = (x: number) => (calls++, x);
    for (let k = 0; k <= MAX_ENTRIES; k++) transformed("exp", f, Float64Array.of(1000 + k));
    transformed("exp", f, Float64Array.of(1000 + MAX_ENTRIES));
    expect(calls).toBe(MAX_ENTRIES + 1);
    transformed("exp", f, Float64Array.of(1000));
    expect(calls).toBe(MAX_ENTRIES + 2);
  });

  it("sees a value edited in place between two fits of log(gsp)", () => {
    const d = dataset("Produc");
    const rows = Object.fromEntries(d.columnNames().map((name) => [name, Array.from(d.array(name) as ArrayLike<unknown>)]));
    const F = "log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp + (1 | region/state)";
    const before = lmer(F, rows);
    (rows.gsp as number[])[0] *= 2;
    const after = lmer(F, rows);
    expect(after.fixef["(Intercept)"]).not.toBe(before.fixef["(Intercept)"]);
    expect(after.structure.frame.y[0]).toBe(logRounded(2 * (d.array("gsp") as ArrayLike<number>)[0]));
  });
});
