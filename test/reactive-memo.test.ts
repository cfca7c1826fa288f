/**
 * Memoized lmer, setx and sim (issue 4, point 1): the key rule of GUIDE.md §5 (formula text, options and a
 * fingerprint of the used columns' values), rebuilt equal tables, changed values, formulas and options, the
 * LRU bound, and the hit counters.
 */
import {readFileSync} from "node:fs";
import {from, table, type ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import {quantile, randomSource, setx, sim} from "../src/qi/index.js";
import {createCache} from "../src/reactive/cache.js";
import {dataFingerprint, usedColumns} from "../src/reactive/fingerprint.js";
import {hashValues} from "../src/reactive/hash.js";
import {LRU} from "../src/reactive/lru.js";
import {identities, stableKey} from "../src/reactive/stable-key.js";
import {formula} from "../src/formula/formula.js";

const csv = (name: string): ColumnTable => readCSV(readFileSync(new URL(`../datasets/${name}.csv`, import.meta.url), "utf8"));
const sleepstudy = csv("sleepstudy");
const voteincome = csv("voteincome");
const SLEEP = "Reaction ~ Days + (Days | Subject)";
const VOTE = "income ~ education + age + female + (1 | state)";

/** A new table with equal columns, made the way a cell would rebuild it. */
const rebuilt = (t: ColumnTable): ColumnTable => from(t.objects());

/** The table with one value of one column changed. */
function changed(t: ColumnTable, name: string, row: number, value: unknown): ColumnTable {
  const columns = Object.fromEntries(t.columnNames().map((c) => [c, t.array(c)]));
  const copy = Array.from(columns[name] as ArrayLike<unknown>);
  copy[row] = value;
  columns[name] = copy;
  return table(columns);
}

describe("memoized lmer", () => {
  it("returns the same model for the same table, and for a rebuilt equal table, without refitting", () => {
    const cache = createCache();
    const m = cache.lmer(SLEEP, sleepstudy);
    expect(cache.lmer(SLEEP, sleepstudy)).toBe(m);
    const again = rebuilt(sleepstudy);
    expect(again).not.toBe(sleepstudy);
    expect(cache.lmer(SLEEP, again)).toBe(m);
    expect(cache.stats()).toMatchObject({hits: 2, misses: 1, fits: 1, size: 1});
    // and the memoized model is lmer's
    expect(Array.from(m.theta)).toEqual(Array.from(lmer(SLEEP, sleepstudy).theta));
  });

  it("ignores column types, column order and columns the formula does not use", () => {
    const cache = createCache();
    const m = cache.lmer(SLEEP, sleepstudy);
    const typed = table({Subject: sleepstudy.array("Subject"), Days: Float64Array.from(sleepstudy.array("Days") as number[]), Reaction: Float64Array.from(sleepstudy.array("Reaction") as number[])});
    expect(cache.lmer(SLEEP, typed)).toBe(m);
    expect(cache.lmer(SLEEP, sleepstudy.derive({noise: (d: {Days: number}) => d.Days * 2}))).toBe(m);
    expect(cache.lmer(SLEEP, changed(sleepstudy.derive({note: () => "a"}), "note", 3, "b"))).toBe(m);
    // rows of objects and an object of columns are tables too
    expect(cache.lmer(SLEEP, sleepstudy.objects())).toBe(m);
    expect(cache.lmer(SLEEP, {Reaction: sleepstudy.array("Reaction"), Days: sleepstudy.array("Days"), Subject: sleepstudy.array("Subject")})).toBe(m);
    expect(cache.stats().fits).toBe(1);
  });

  it("refits when a used column's value changes, and not when params() mutates the table", () => {
    const cache = createCache();
    const m = cache.lmer(SLEEP, sleepstudy);
    const edited = changed(sleepstudy, "Reaction", 0, (sleepstudy.get("Reaction", 0) as number) + 1);
    const m2 = cache.lmer(SLEEP, edited);
    expect(m2).not.toBe(m);
    expect(m2.fixef["(Intercept)"]).not.toBe(m.fixef["(Intercept)"]);
    // a changed grouping label refits too
    expect(cache.lmer(SLEEP, changed(sleepstudy, "Subject", 0, 999))).not.toBe(m);
    // a filtered table is other data; the same filter again is the same data
    const filtered = cache.lmer(SLEEP, sleepstudy.filter((d: {Days: number}) => d.Days > 0));
    expect(filtered.nobs).toBe(162);
    expect(cache.lmer(SLEEP, sleepstudy.filter((d: {Days: number}) => d.Days > 0))).toBe(filtered);
    expect(cache.stats().fits).toBe(4);
    // Arquero's params() mutates the table object in place but not its columns
    const t = rebuilt(sleepstudy);
    const m3 = cache.lmer(SLEEP, t);
    t.params({cutoff: 3});
    expect(cache.lmer(SLEEP, t)).toBe(m3);
    expect(m3).toBe(m);
  });

  it("sees a value edited in place in the table's live column array (issue 9)", () => {
    const cache = createCache();
    const F = "Reaction ~ Days + (1 | Subject)";
    const t = csv("sleepstudy");
    const m = cache.lmer(F, t);
    expect(m.fixef["(Intercept)"]).toBeCloseTo(251.405, 3);
    // Arquero's column() is the table's own array: this edits t
    (t.column("Reaction") as unknown as number[])[0] = 10000;
    const edited = cache.lmer(F, t);
    expect(edited).not.toBe(m);
    expect(edited.fixef["(Intercept)"]).toBeCloseTo(438.535, 3);
    expect(edited.fixef["(Intercept)"]).toBe(lmer(F, t).fixef["(Intercept)"]);
    // a grouping label and a typed column edited in place, and an object of columns
    (t.column("Subject") as unknown as number[])[1] = 372;
    expect(cache.lmer(F, t)).not.toBe(edited);
    const columns = {Reaction: Float64Array.from(sleepstudy.array("Reaction") as number[]), Days: sleepstudy.array("Days"), Subject: sleepstudy.array("Subject")};
    const c = cache.lmer(F, columns);
    expect(c).toBe(m); // the unedited values: the first model
    columns.Reaction[5] += 50;
    expect(cache.lmer(F, columns)).not.toBe(c);
    expect(cache.stats().fits).toBe(4);
  });

  it("an asynchronous fit on this thread fits the values at the call, not an edit made before it starts", async () => {
    const cache = createCache();
    const F = "Reaction ~ Days + (1 | Subject)";
    const t = csv("sleepstudy");
    const pending = cache.lmerAsync(F, t, {worker: false});
    (t.column("Reaction") as unknown as number[])[0] = 10000; // before the fit's first turn
    const m = await pending;
    expect(m.fixef["(Intercept)"]).toBe(lmer(F, sleepstudy).fixef["(Intercept)"]);
    // the edited table is other data: a new fit, lmer's
    const edited = cache.lmer(F, t);
    expect(edited).not.toBe(m);
    expect(edited.fixef["(Intercept)"]).toBe(lmer(F, t).fixef["(Intercept)"]);
  });

  it("refits for another formula or other options, not for callbacks", () => {
    const cache = createCache();
    const m = cache.lmer(SLEEP, sleepstudy);
    const intercept = cache.lmer("Reaction ~ Days + (1 | Subject)", sleepstudy);
    expect(intercept).not.toBe(m);
    const ml = cache.lmer(SLEEP, sleepstudy, {REML: false});
    expect(ml).not.toBe(m);
    expect(ml.REML).toBe(false);
    expect(cache.lmer(SLEEP, sleepstudy, {REML: false})).toBe(ml);
    expect(cache.lmer(SLEEP, sleepstudy, {start: [1, 0, 1]})).not.toBe(m);
    const calls: number[] = [];
    expect(cache.lmer(SLEEP, sleepstudy, {onProgress: (p) => calls.push(p.evaluations), signal: new AbortController().signal})).toBe(m);
    expect(calls).toEqual([]);
    expect(cache.stats()).toMatchObject({hits: 2, fits: 4, size: 4});
  });

  it("weights are part of the key", () => {
    const cache = createCache();
    const w = sleepstudy.derive({w: (d: {Days: number}) => 1 + d.Days / 10});
    const weighted = cache.lmer(SLEEP, w, {weights: "w"});
    expect(cache.lmer(SLEEP, w)).not.toBe(weighted);
    expect(cache.lmer(SLEEP, changed(w, "w", 5, 3), {weights: "w"})).not.toBe(weighted);
    expect(cache.lmer(SLEEP, rebuilt(w), {weights: "w"})).toBe(weighted);
    expect(cache.stats().fits).toBe(3);
  });

  it("never caches an error: each call reports it", () => {
    const cache = createCache();
    expect(() => cache.lmer("Reaction ~ Dayz + (1 | Subject)", sleepstudy)).toThrow(/Dayz/);
    expect(() => cache.lmer("Reaction ~ Dayz + (1 | Subject)", sleepstudy)).toThrow(/Dayz/);
    expect(() => cache.lmer("Reaction ~ (Days | ", sleepstudy)).toThrow('formula syntax error at position 20: unexpected end of formula in "Reaction ~ (Days | ": add a term at the end');
    expect(cache.stats()).toMatchObject({hits: 0, size: 0});
  });

  it("keeps a bounded number of models, forgetting the least recently used", () => {
    const cache = createCache({size: 2});
    const a = cache.lmer("Reaction ~ Days + (1 | Subject)", sleepstudy);
    const b = cache.lmer("Reaction ~ 1 + (1 | Subject)", sleepstudy);
    expect(cache.lmer("Reaction ~ Days + (1 | Subject)", sleepstudy)).toBe(a); // a is now the most recent
    cache.lmer(SLEEP, sleepstudy); // evicts b
    expect(cache.stats()).toMatchObject({fits: 3, size: 2});
    expect(cache.lmer("Reaction ~ Days + (1 | Subject)", sleepstudy)).toBe(a);
    const b2 = cache.lmer("Reaction ~ 1 + (1 | Subject)", sleepstudy);
    expect(b2).not.toBe(b);
    expect(cache.stats()).toMatchObject({fits: 4, hits: 2, size: 2});
    expect(() => createCache({size: 0})).toThrow("invalid size: 0; give a positive integer such as 32");
  });
});

describe("memoized setx and sim", () => {
  it("same model and overrides give the same profiles; equal profiles give the same simulation", () => {
    const cache = createCache();
    const m = cache.lmer(VOTE, voteincome);
    const x = cache.setx(m, {education: 4});
    expect(cache.setx(m, {education: 4})).toBe(x);
    expect(cache.setx(m, {education: 3})).not.toBe(x);
    const s = cache.sim(m, {x, n: 200, seed: 7});
    expect(cache.sim(m, {x: cache.setx(m, {education: 4}), n: 200, seed: 7})).toBe(s);
    // profiles from plain setx are compared by content
    expect(cache.sim(m, {x: setx(m, {education: 4}), n: 200, seed: 7})).toBe(s);
    expect(cache.sim(m, {x, n: 200, seed: 8})).not.toBe(s);
    expect(cache.sim(m, {x, n: 100, seed: 7})).not.toBe(s);
    expect(cache.stats().setx).toEqual({hits: 2, misses: 2});
    expect(cache.stats().sim).toEqual({hits: 2, misses: 3});
  });

  it("a new quantile(0.8) misses setx by identity but returns the equal profiles, so sim hits", () => {
    const cache = createCache();
    const m = cache.lmer(VOTE, voteincome);
    const q = quantile(0.8);
    const x = cache.setx(m, {education: q});
    expect(cache.setx(m, {education: q})).toBe(x);
    const x2 = cache.setx(m, {education: quantile(0.8)});
    expect(x2).toBe(x);
    expect(cache.stats().setx).toEqual({hits: 1, misses: 2});
    // a function with a description is keyed by it
    const described = (p: number) => Object.assign(quantile(p), {description: `quantile(${p})`});
    const y = cache.setx(m, {education: described(0.2)});
    expect(cache.setx(m, {education: described(0.2)})).toBe(y);
    expect(cache.setx(m, {education: described(0.9)})).not.toBe(y);
    expect(cache.stats().setx).toEqual({hits: 2, misses: 4});
  });

  it("passes data to setx by fingerprint, refuses what setx refuses, never caches a random source", () => {
    const cache = createCache();
    const m = cache.lmer(VOTE, voteincome);
    const x = cache.setx(m, {state: "AR"}, {data: voteincome});
    expect(cache.setx(m, {state: "AR"}, {data: rebuilt(voteincome)})).toBe(x);
    expect(() => cache.setx(m, {state: "XX"}, {data: voteincome})).toThrow(/level "XX" of state is not in the data/);
    expect(() => cache.setx(m, {state: "XX"}, {data: voteincome})).toThrow(/level "XX"/);
    const r = randomSource(1);
    const s1 = cache.sim(m, {x, n: 50, random: r});
    const s2 = cache.sim(m, {x, n: 50, random: r});
    expect(s2).not.toBe(s1);
    expect(s2.qi.ev![0][0]).not.toBe(s1.qi.ev![0][0]);
    // profiles of another model are refused as sim refuses them
    const other = cache.lmer("income ~ education + (1 | state)", voteincome);
    expect(() => cache.sim(other, {x, n: 10, seed: 1})).toThrow("x was made by setx for another model; call setx with this model");
  });

  it("profiles edited in place miss setx and sim: the cache keeps copies (issue 9)", () => {
    const cache = createCache();
    const m = cache.lmer(VOTE, voteincome);
    const x = cache.setx(m, {education: 4});
    const s = cache.sim(m, {x, n: 100, seed: 3});
    const p = m.fixefNames.length;
    const j = m.fixefNames.indexOf("education");
    (x.X as Float64Array)[j] = 1; // profile 1's education, 4 → 1, in place
    const s1 = cache.sim(m, {x, n: 100, seed: 3});
    expect(s1).not.toBe(s);
    expect(s1.qi.ev![0][0]).toBe(sim(m, {x, n: 100, seed: 3}).qi.ev![0][0]);
    expect(s1.qi.ev![0][0]).not.toBe(s.qi.ev![0][0]);
    // setx no longer hands back the edited object: it makes the profiles again
    const again = cache.setx(m, {education: 4});
    expect(again).not.toBe(x);
    expect(again.X[j]).toBe(4);
    expect(again.X.length).toBe(p);
    expect(cache.stats().setx).toEqual({hits: 0, misses: 2});
    // and the table handed to setx as data is fingerprinted afresh on each call: an edit misses
    const data = csv("voteincome");
    const y = cache.setx(m, {state: "AR"}, {data});
    expect(cache.setx(m, {state: "AR"}, {data})).toBe(y);
    (data.column("age") as unknown as number[])[0] += 1;
    // and setx reads the edited table again, which no longer gives the model's design: refused, not stale
    expect(() => cache.setx(m, {state: "AR"}, {data})).toThrow(/^the data does not give the model's design/);
    expect(cache.stats().setx.hits).toBe(1);
  });

  it("forgets profiles and simulations with their model", () => {
    const cache = createCache({size: 1});
    const m = cache.lmer(VOTE, voteincome);
    const x = cache.setx(m, {education: 4});
    cache.lmer("income ~ education + (1 | state)", voteincome);
    const m2 = cache.lmer(VOTE, voteincome);
    expect(m2).not.toBe(m);
    expect(cache.setx(m2, {education: 4})).not.toBe(x);
    cache.clear();
    expect(cache.stats().size).toBe(0);
  });
});

describe("keys", () => {
  it("hashes values, not containers", () => {
    expect(hashValues(Float64Array.of(1, 2, 3.5))).toBe(hashValues([1, 2, 3.5]));
    expect(hashValues(Int32Array.of(1, 2, 3))).toBe(hashValues([1, 2, 3]));
    expect(hashValues(["a", "b"])).not.toBe(hashValues(["b", "a"]));
    expect(hashValues(["ab", "c"])).not.toBe(hashValues(["a", "bc"]));
    expect(hashValues([1, 2])).not.toBe(hashValues(["1", "2"]));
    expect(hashValues([null])).not.toBe(hashValues([undefined]));
    expect(hashValues([null])).not.toBe(hashValues([NaN]));
    expect(hashValues([true])).not.toBe(hashValues([1]));
    expect(hashValues([new Date(0)])).toBe(hashValues([new Date(0)]));
    expect(hashValues([1, 2])).not.toBe(hashValues([1, 2, 0]));
    expect(Number.isSafeInteger(hashValues(["x"]))).toBe(true);
    // integers are one word and other numbers two: the words of one kind cannot pass for the other
    expect(hashValues([0, 1072693248, 1.5])).not.toBe(hashValues([1, 0, 1073217536]));
    expect(hashValues([0])).toBe(hashValues([-0]));
    const shifted = new Float64Array(new ArrayBuffer(40), 8, 3);
    shifted.set([1, 2, 3.5]);
    expect(hashValues(shifted)).toBe(hashValues([1, 2, 3.5]));
  });

  it("fingerprints the used columns only", () => {
    const spec = formula("log(y) ~ I(x^2) + offset(o) + (z | g1/g2)");
    expect(usedColumns(spec, "w")).toEqual(["g1", "g2", "o", "w", "x", "y", "z"]);
    const t = table({y: [1, 2], x: [3, 4], other: ["a", "b"]});
    expect(dataFingerprint(t, ["x", "y"])).toBe(dataFingerprint({x: [3, 4], y: [1, 2]}, ["x", "y"]));
    expect(dataFingerprint(t, ["x", "missing"])).toMatch(/^2\|x:\d+\|missing:absent$/);
  });

  it("keys options by value, functions by description or identity", () => {
    const ids = identities();
    const f = () => 1;
    expect(stableKey({b: [1, 2], a: "x", c: undefined}, ids)).toBe(stableKey({a: "x", b: Float64Array.of(1, 2)}, ids));
    expect(stableKey({a: 0}, ids)).not.toBe(stableKey({a: -0}, ids));
    expect(stableKey({a: "1"}, ids)).not.toBe(stableKey({a: 1}, ids));
    expect(stableKey(f, ids)).toBe(stableKey(f, ids));
    expect(stableKey(f, ids)).not.toBe(stableKey(() => 1, ids));
    expect(stableKey(Object.assign(() => 1, {description: "one"}), ids)).toBe(stableKey(Object.assign(() => 2, {description: "one"}), ids));
  });

  it("an LRU forgets the least recently used entry", () => {
    const lru = new LRU<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3);
    expect([lru.has("a"), lru.has("b"), lru.has("c"), lru.size]).toEqual([true, false, true, 2]);
  });
});

describe("memoized glmer, and setx and sim on its fits (issue 13)", () => {
  const LOGIT = "vote ~ education + age + female + (1 | state)";
  it("returns the same model for a rebuilt equal table; a changed family, link, used value or offset refits", () => {
    const cache = createCache();
    const m = cache.glmer(LOGIT, voteincome, {family: "binomial"});
    expect(cache.glmer(LOGIT, rebuilt(voteincome), {family: "binomial"})).toBe(m);
    expect(cache.stats()).toMatchObject({hits: 1, misses: 1, fits: 1, size: 1});
    const probit = cache.glmer(LOGIT, voteincome, {family: "binomial", link: "probit"});
    expect(probit).not.toBe(m);
    expect(probit.link).toBe("probit");
    expect(cache.glmer(LOGIT, changed(voteincome, "vote", 0, 0), {family: "binomial"})).not.toBe(m);
    const offset = new Float64Array(voteincome.numRows()).fill(0.1);
    const withOffset = cache.glmer(LOGIT, voteincome, {family: "binomial", offset});
    expect(withOffset).not.toBe(m);
    expect(cache.glmer(LOGIT, voteincome, {family: "binomial", offset: offset.slice()})).toBe(withOffset);
    offset[0] = 0.2;
    expect(cache.glmer(LOGIT, voteincome, {family: "binomial", offset})).not.toBe(withOffset);
    expect(cache.stats().fits).toBe(5);
    // a misspelt option is refused with glmer's message, not cached
    expect(() => cache.glmer(LOGIT, voteincome, {famly: "binomial"} as never)).toThrow(/unknown option "famly" of glmer; did you mean "family"/);
  });

  it("setx and sim on a glmer fit hit for equal profiles and options; the draws are sim's", () => {
    const cache = createCache();
    const m = cache.glmer(LOGIT, voteincome, {family: "binomial"});
    const x = cache.setx(m, {education: 4});
    expect(cache.setx(m, {education: 4})).toBe(x);
    const s = cache.sim(m, {x, n: 200, seed: 3, trials: 5});
    expect(cache.sim(m, {x: setx(m, {education: 4}), n: 200, seed: 3, trials: 5})).toBe(s);
    expect(cache.sim(m, {x, n: 200, seed: 3, trials: 6})).not.toBe(s);
    expect(Array.from(s.qi.pr![0])).toEqual(Array.from(sim(m, {x, n: 200, seed: 3, trials: 5}).qi.pr![0]));
    expect(cache.stats().setx).toEqual({hits: 1, misses: 1});
    expect(cache.stats().sim).toEqual({hits: 1, misses: 2});
  });
});
