/**
 * The frame's one-pass pieces (issue 15: a million rows): factors coded by one Map pass and renumbered,
 * interactions by mixed-radix keys, the rank screen by XᵀX before Gram–Schmidt, and the block-sparse
 * pattern of the cross-products by a counting sort. Each is checked against the plain definition it
 * replaces, on small seeded data (no timings).
 */
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {interaction, makeFactor, levelLabel} from "../src/frame/factor.js";
import {aliasedColumns} from "../src/frame/rank.js";
import {modelFrame} from "../src/frame/frame.js";
import {formula} from "../src/formula/index.js";
import {crossProductShape} from "../src/lmm/crossproducts.js";

/** The definition: levels are the distinct labels, numerically sorted when all values are numbers. */
function plainFactor(values: unknown[]) {
  const labels = values.map(levelLabel);
  const numbers = values.every((v) => typeof v === "number");
  const first = new Map<string, unknown>();
  labels.forEach((l, i) => first.has(l) || first.set(l, values[i]));
  const levels = [...first.keys()].sort(numbers ? (a, b) => (first.get(a) as number) - (first.get(b) as number) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {levels, codes: Int32Array.from(labels, (l) => levels.indexOf(l))};
}

describe("factors", () => {
  it("makeFactor, with and without rows, is the plain definition (numbers, text, mixed, 0 and −0, sorted runs)", () => {
    const value = fc.oneof(fc.integer({min: -5, max: 5}), fc.constantFrom(0, -0, 1.5, 308), fc.constantFrom("a", "b", "10", "9", "308", "A"), fc.boolean());
    fc.assert(
      fc.property(fc.array(value, {minLength: 1, maxLength: 40}), fc.boolean(), (values, sorted) => {
        const v = sorted ? [...values].sort((a, b) => levelLabel(a).localeCompare(levelLabel(b))) : values;
        expect(makeFactor(v)).toEqual(plainFactor(v));
        const rows = v.map((_, i) => i).filter((i) => i % 3 !== 1);
        expect(makeFactor(v, Int32Array.from(rows))).toEqual(plainFactor(rows.map((i) => v[i])));
      }),
      {seed: 1501, numRuns: 300}
    );
  });

  it("interaction orders combinations with the first factor slowest, by codes or (past 2^53 combinations) by text", () => {
    const a = makeFactor(["b", "a", "b", "a", "c"]), b = makeFactor([2, 1, 1, 2, 1]);
    expect(interaction([a, b])).toEqual({levels: ["a:1", "a:2", "b:1", "b:2", "c:1"], codes: Int32Array.of(3, 0, 2, 1, 4)});
    const wide = Array.from({length: 5}, (_, k) => ({levels: Array.from({length: 2000}, (_, l) => `${k}.${l}`), codes: Int32Array.of(1999, 0, 1999, 7)}));
    const byText = interaction(wide);
    expect(byText.levels).toEqual(["0.0:1.0:2.0:3.0:4.0", "0.7:1.7:2.7:3.7:4.7", "0.1999:1.1999:2.1999:3.1999:4.1999"]);
    expect(byText.codes).toEqual(Int32Array.of(2, 0, 2, 1));
  });
});

describe("rank", () => {
  it("the XᵀX screen keeps Gram–Schmidt's decisions: clear columns kept, exact and near (1e-9) aliases dropped, 1e-5 kept", () => {
    const n = 1000;
    const one = new Float64Array(n).fill(1);
    const x = Float64Array.from({length: n}, (_, i) => Math.sin(i));
    const z = Float64Array.from({length: n}, (_, i) => Math.cos(3 * i));
    const near = (eps: number) => Float64Array.from(x, (v, i) => 2 * v + 3 + eps * z[i]);
    expect(aliasedColumns([one, x, z])).toEqual([]);
    expect(aliasedColumns([one, x, near(0)])).toEqual([2]);
    expect(aliasedColumns([one, x, near(1e-9)])).toEqual([2]);
    expect(aliasedColumns([one, x, near(1e-5)])).toEqual([]);
    expect(aliasedColumns([one, new Float64Array(n), x])).toEqual([1]);
  });
});

describe("cross-products shape", () => {
  it("the block-sparse pattern below term 0 lists each (level of term 0, level of term i) pair that occurs, ascending", () => {
    const g = [3, 1, 2, 1, 3, 2, 1, 2, 3, 3, 1, 2];
    const h = ["b", "a", "a", "b", "b", "c", "c", "a", "a", "b", "a", "c"];
    const y = g.map((v, i) => v + i / 7);
    const frame = modelFrame(formula("y ~ 1 + (1 | g) + (1 | h)"), {y, g, h});
    const A = crossProductShape(frame);
    const [t0, t1] = frame.terms;
    const pairs = new Set(g.map((_, r) => `${t0.refs[r]},${t1.refs[r]}`));
    const S = A.zzBelowFirst[1];
    const listed: string[] = [];
    for (let c = 0; c < t0.levels.length; c++) {
      const rows = Array.from(S.rowLevel.subarray(S.colPtr[c], S.colPtr[c + 1]));
      expect(rows).toEqual([...rows].sort((a, b) => a - b));
      for (const r of rows) listed.push(`${c},${r}`);
    }
    expect(listed.sort()).toEqual([...pairs].sort());
  });
});
