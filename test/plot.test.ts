/**
 * The composite Plot marks of lmm-kit/plot (issue 4, "must show" 2): every mark rendered by Plot in jsdom
 * from real fits and seeded draws, snapshotted with numbers rounded; each snapshot is also written to
 * docs/gallery/ as a standalone SVG. Also: no Plot warnings, the marks' data, and option validation.
 */
import {mkdirSync, writeFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import * as Plot from "@observablehq/plot";
// @ts-expect-error jsdom ships no type declarations (and the project has no @types/jsdom)
import {JSDOM} from "jsdom";
import {afterEach, beforeEach, describe, expect, it, vi, type MockInstance} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {quantile, setx, sim} from "../src/qi/index.js";
import type {LinearMixedModel} from "../src/lmm/model.js";
import {
  caterpillar,
  caterpillarRows,
  fixedEffectRows,
  fixedEffects,
  groupLeastSquares,
  groupLineRows,
  densityAt,
  groupLines,
  histogramBins,
  kernelDensity,
  qiDistribution,
  qqNormal,
  qqRows,
  residualsFitted,
  shrinkage,
  shrinkageRows,
  silvermanBandwidth
} from "../src/plot/index.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {refusal} from "./helpers/refusal.js";

const galleryDir = fileURLToPath(new URL("../docs/gallery/", import.meta.url));

const sleep = () => fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
const vote = () => fitOf("voteincome", "income ~ education + age + female + tag(1 | state)");
const voteSim = () => {
  const m = vote();
  return sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
};

let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

/** The part of the DOM that the tests read (the project type-checks without the DOM library). */
interface Element {
  tagName: string;
  outerHTML: string;
  textContent: string | null;
  querySelectorAll(selector: string): Iterable<Element> & {length: number};
}

/** Plot.plot in a fresh jsdom document. */
function render(options: Plot.PlotOptions): Element {
  const document = new JSDOM("").window.document;
  return Plot.plot({document, ...options}) as unknown as Element;
}

/** The SVG's markup with every number of three or more decimals rounded to two, so that snapshots are stable. */
function stable(svg: Element): string {
  return svg.outerHTML
    .replace(/^<svg /, `<svg xmlns="http://www.w3.org/2000/svg" `)
    .replace(/-?\d+\.\d{3,}/g, (m: string) => {
      const v = Number(m).toFixed(2);
      return v === "-0.00" ? "0.00" : v;
    });
}

/** Renders, checks that Plot warned of nothing, snapshots and writes the gallery's SVG. */
async function gallery(name: string, options: Plot.PlotOptions) {
  const svg = render(options);
  expect(svg.tagName.toLowerCase()).toBe("svg");
  expect(warn).not.toHaveBeenCalled();
  const text = stable(svg);
  await expect(text).toMatchFileSnapshot(`./__snapshots__/plot/${name}.svg`);
  mkdirSync(galleryDir, {recursive: true});
  writeFileSync(`${galleryDir}${name}.svg`, text + "\n");
  return svg;
}

/** The texts of the SVG's elements matching a selector. */
const texts = (svg: Element, selector: string) => Array.from(svg.querySelectorAll(selector), (e: Element) => e.textContent);
const axisLabel = (svg: Element, axis: "x" | "y") => texts(svg, `[aria-label="${axis}-axis label"] text`)[0];
const count = (svg: Element, description: string) => svg.querySelectorAll(`[aria-description="${description}"] > *`).length;

describe("the gallery: each mark rendered in jsdom, without warnings", () => {
  it("fixedEffects: estimates with 95% Wald intervals", async () => {
    const svg = await gallery("fixed-effects", {
      marginLeft: 90,
      height: 160,
      marks: [fixedEffects(fitOf("Exam", "normexam ~ standLRT + sex + schgend + (1 | school)"), {intercept: false})]
    });
    expect(texts(svg, `[aria-label="y-axis tick label"] text`)).toEqual(["standLRT", "sexM", "schgendgirls", "schgendmixed"]);
    expect(axisLabel(svg, "x")).toMatch(/^Estimate ± 95% Wald interval/);
    expect(count(svg, "fixedEffects interval")).toBe(4);
  });

  it("caterpillar: conditional modes of the Days slopes, sorted", async () => {
    const svg = await gallery("caterpillar", {marginLeft: 50, height: 360, marks: [caterpillar(sleep(), {group: "Subject", term: "Days"})]});
    const {rows} = caterpillarRows(sleep(), {group: "Subject", term: "Days"});
    expect(texts(svg, `[aria-label="y-axis tick label"] text`)).toEqual(rows.map((d) => d.grp));
    expect(count(svg, "caterpillar mode")).toBe(18);
    expect(axisLabel(svg, "x")).toMatch(/^Conditional mode of Days ± 95% interval/);
  });

  it("caterpillar: the intercepts of Penicillin's plates (crossed with samples)", async () => {
    const m = fitOf("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)");
    const svg = await gallery("caterpillar-penicillin", {marginLeft: 40, height: 420, marks: [caterpillar(m, {group: "plate"})]});
    expect(count(svg, "caterpillar mode")).toBe(24);
  });

  it("groupLines: each subject's fitted line against the population line", async () => {
    const svg = await gallery("group-lines", {marks: [groupLines(sleep(), dataset("sleepstudy"), {x: "Days", group: "Subject"})]});
    expect(count(svg, "groupLines group")).toBe(18);
    expect(count(svg, "groupLines population")).toBe(1);
    expect(count(svg, "groupLines observation")).toBe(180);
    expect(axisLabel(svg, "x")).toMatch(/^Days/);
    expect(axisLabel(svg, "y")).toMatch(/Reaction/);
  });

  it("groupLines: faceted by group with Plot's fx option", async () => {
    const m = sleep();
    const levels = m.structure.frame.terms[0].levels;
    const column = (d: {group: string}) => levels.indexOf(d.group) % 6;
    const row = (d: {group: string}) => Math.floor(levels.indexOf(d.group) / 6);
    const svg = await gallery("group-lines-facets", {
      width: 720,
      height: 480,
      fx: {axis: null},
      fy: {axis: null},
      x: {ticks: [0, 3, 6, 9]},
      marks: [
        Plot.frame({strokeOpacity: 0.2}),
        Plot.text(levels, {fx: (d: string) => column({group: d}), fy: (d: string) => row({group: d}), text: (d: string) => d, frameAnchor: "top-left", dx: 4, dy: 4}),
        groupLines(m, dataset("sleepstudy"), {fx: column, fy: row})
      ]
    });
    expect(svg.querySelectorAll(`[aria-description="groupLines group"] path`).length).toBe(18);
  });

  it("shrinkage: no pooling against partial pooling, with arrows", async () => {
    const svg = await gallery("shrinkage", {
      marks: [shrinkage(sleep(), dataset("sleepstudy"), {group: "Subject", x: "Days"})]
    });
    expect(count(svg, "shrinkage arrow")).toBe(18);
    expect(count(svg, "shrinkage no pooling")).toBe(18);
    expect(count(svg, "shrinkage partial pooling")).toBe(18);
    expect(count(svg, "shrinkage population")).toBe(1);
    expect(axisLabel(svg, "x")).toMatch(/^Intercept/);
    expect(axisLabel(svg, "y")).toMatch(/Slope on Days/);
  });

  it("residualsFitted: residuals against fitted values with a zero rule", async () => {
    const svg = await gallery("residuals-fitted", {marks: [residualsFitted(sleep())]});
    expect(count(svg, "residualsFitted residual")).toBe(180);
    expect(axisLabel(svg, "x")).toMatch(/^Fitted values/);
    expect(axisLabel(svg, "y")).toMatch(/Residuals/);
  });

  it("qqNormal: the scaled residuals against normal quantiles", async () => {
    const svg = await gallery("qq-normal", {width: 420, height: 420, marks: [qqNormal(sleep())]});
    expect(count(svg, "qqNormal residual")).toBe(180);
    expect(count(svg, "qqNormal line")).toBe(1);
    expect(axisLabel(svg, "x")).toMatch(/^Standard normal quantiles/);
  });

  it("qiDistribution: the density of first differences (seed 7) with the 95% interval shaded", async () => {
    const s = voteSim();
    const svg = await gallery("qi-density", {height: 260, marks: [qiDistribution(s, {qi: "fd"})]});
    expect(count(svg, "qiDistribution density")).toBe(1);
    expect(count(svg, "qiDistribution interval end")).toBe(2);
    expect(axisLabel(svg, "x")).toMatch(/^First difference \(fd\); 95% interval shaded/);
  });

  it("qiDistribution: a histogram of predicted values (seed 7)", async () => {
    const svg = await gallery("qi-histogram", {height: 260, marks: [qiDistribution(voteSim(), {qi: "pr", type: "histogram"})]});
    // one step area, not a rect per bin: its outline steps through every bin (two vertices each, and the end)
    expect(count(svg, "qiDistribution histogram")).toBe(1);
    const bins = histogramBins(voteSim().qi.pr![0].slice().sort());
    const path = svg.querySelectorAll(`[aria-description="qiDistribution histogram"] path`);
    expect(Array.from(path)[0].outerHTML.match(/[ML]/g)!.length).toBeGreaterThanOrEqual(2 * bins.length);
    expect(axisLabel(svg, "y")).toMatch(/Frequency/);
  });
});

describe("the marks' data", () => {
  it("fixedEffects: β̂ ± 1.96 se, from the model or its table", () => {
    const m = sleep();
    const rows = fixedEffectRows(m, 0.95);
    expect(rows.map((d) => d.term)).toEqual(["(Intercept)", "Days"]);
    expect(rows[1].estimate).toBeCloseTo(10.46729, 4);
    expect(rows[1].upper - rows[1].estimate).toBeCloseTo(1.959964 * m.se.Days, 6);
    expect(fixedEffectRows(m.fixedEffectsTable(), 0.95)).toEqual(rows);
    expect(fixedEffectRows(m.fixedEffectsTable().objects(), 0.9, false, ["Days"])[0].lower).toBeCloseTo(m.fixef.Days - 1.6448536 * m.se.Days, 6);
  });

  it("caterpillar: lme4's conditional modes sorted by value, from the model or its ranef table", () => {
    const m = sleep();
    const {rows, group, term} = caterpillarRows(m);
    expect([group, term]).toEqual(["Subject", "(Intercept)"]);
    expect(rows.map((d) => d.condval)).toEqual([...rows.map((d) => d.condval)].sort((a, b) => b - a));
    // lme4 1.1-31, as.data.frame(ranef(m, condVar = TRUE)): Subject 308 has (Intercept) 2.258551 (condsd
    // 12.070857) and Days 9.198976 (condsd 2.304839)
    const r308 = rows.find((d) => d.grp === "308")!;
    expect(r308.condval).toBeCloseTo(2.258551, 3);
    expect(r308.condsd).toBeCloseTo(12.070857, 3);
    const d308 = caterpillarRows(m, {term: "Days"}).rows.find((d) => d.grp === "308")!;
    expect([d308.condval, d308.condsd]).toEqual([expect.closeTo(9.198976, 4), expect.closeTo(2.304839, 4)]);
    expect(d308.upper).toBeCloseTo(9.198976 + 1.959964 * 2.304839, 3);
    expect(d308.rank).toBe(17);
    expect(caterpillarRows(m.ranefTable(), {term: "(Intercept)"}).rows).toEqual(rows);
  });

  it("groupLines: model rows mapped to the source table's rows", () => {
    const m = sleep();
    const rows = groupLineRows(m, dataset("sleepstudy"), {x: "Days"});
    expect(rows).toHaveLength(180);
    const first = rows[0];
    expect(first.group).toBe("308");
    expect(first.x).toBe(0);
    expect(first.population).toBeCloseTo(m.fixef["(Intercept)"], 8);
    // rows dropped for missing values: x still comes from the right source rows
    const data = dataset("sleepstudy").objects().map((d, i) => (i === 0 ? {...d, Reaction: null} : d));
    const dropped = refit(data);
    expect(dropped.nobs).toBe(179);
    const rows2 = groupLineRows(dropped, data, {x: "Days"});
    expect(rows2).toHaveLength(179);
    expect(rows2.filter((d) => d.group === "308").map((d) => d.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("shrinkage: per-group least squares against β̂ + b̃", () => {
    expect(groupLeastSquares([0, 1, 0, 1], [1, 3, 2, 2], Int32Array.of(0, 0, 1, 1), 2)).toEqual([{intercept: 1, slope: 2}, {intercept: 2, slope: 0}]);
    expect(groupLeastSquares([0, 0, 1, 2], [1, 3, 2, 4], Int32Array.of(0, 0, 1, 1), 2)[0]).toBeNull();
    const m = sleep();
    const {points, arrows} = shrinkageRows(m, dataset("sleepstudy"), {x: "Days"});
    // lm(Reaction ~ Days, subset = Subject == 308): 244.1927 + 21.7647 Days
    const a308 = arrows.find((d) => d.group === "308")!;
    expect(a308.intercept1).toBeCloseTo(244.1927, 3);
    expect(a308.slope1).toBeCloseTo(21.7647, 3);
    expect(a308.slope2).toBeCloseTo(m.fixef.Days + m.ranef.condval[m.ranef.grp.indexOf("308") + 18], 8);
    expect(points.filter((d) => d.estimate === "population")).toEqual([{group: "", estimate: "population", intercept: m.fixef["(Intercept)"], slope: m.fixef.Days}]);
    // partial pooling pulls the subjects' slopes together
    const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
    expect(spread(arrows.map((d) => d.slope2))).toBeLessThan(spread(arrows.map((d) => d.slope1)));
    expect(spread(arrows.map((d) => d.intercept2))).toBeLessThan(spread(arrows.map((d) => d.intercept1)));
  });

  it("shrinkage of a slope that is random but not fixed: population slope 0, partial pooling b̃ alone (issue 11)", () => {
    // Reaction ~ 1 + (Days | Subject), a formula the sleepstudy notebook offers: Days is no fixed effect
    const m = fitOf("sleepstudy", "Reaction ~ 1 + (Days | Subject)");
    const data = dataset("sleepstudy");
    const {x, points, arrows} = shrinkageRows(m, data);
    expect(x).toBe("Days");
    expect(points.filter((d) => d.estimate === "population")).toEqual([{group: "", estimate: "population", intercept: m.fixef["(Intercept)"], slope: 0}]);
    const slopes = m.ranef.condval.slice(18, 36);
    expect(m.ranef.term[18]).toBe("Days");
    expect(arrows.map((d) => d.slope2)).toEqual(Array.from(slopes));
    // the no-pooling lines do not depend on the model: lm(Reaction ~ Days, subset = Subject == 308)
    expect(arrows.find((d) => d.group === "308")!.slope1).toBeCloseTo(21.7647, 3);
    expect(count(render({marks: [shrinkage(m, data)]}), "shrinkage arrow")).toBe(18);
    // a column that is neither a fixed effect nor a random slope is still refused
    const intercepts = fitOf("sleepstudy", "Reaction ~ 1 + (1 | Subject)");
    expect(refusal(() => shrinkage(intercepts, data, {x: "Days"}))).toBe(
      'invalid x: "Days"; x must be a numeric column that is a fixed effect of the model or a random slope by Subject (the model has neither)'
    );
  });

  it("qqNormal: R's ppoints and the scaled residuals", () => {
    const m = sleep();
    const rows = qqRows(m);
    expect(rows).toHaveLength(180);
    expect(rows[0].theoretical).toBeCloseTo(-2.772921, 5); // qnorm(0.5 / 180)
    expect(rows[179].sample).toBeCloseTo(Math.max(...m.residuals) / m.sigma, 10);
  });

  it("qiDistribution: Silverman's bandwidth and a density that integrates to one", () => {
    expect(silvermanBandwidth(Float64Array.of(1, 2, 3, 4, 5))).toBeCloseTo(0.9 * Math.min(Math.sqrt(2.5), 2 / 1.34) * 5 ** -0.2, 12);
    expect(silvermanBandwidth(Float64Array.of(2, 2, 2))).toBeCloseTo(0.9 * 2 * 3 ** -0.2, 12);
    const draws = voteSim().qi.fd![0].slice().sort();
    const h = silvermanBandwidth(draws);
    const curve = kernelDensity(draws, h);
    let area = 0;
    for (let k = 1; k < curve.length; k++) area += ((curve[k].density + curve[k - 1].density) / 2) * (curve[k].value - curve[k - 1].value);
    expect(area).toBeCloseTo(1, 4);
    expect(curve).toHaveLength(512);
    expect(curve[0].value).toBeCloseTo(draws[0] - 3 * h, 12);
    // binned on the grid, as R's density: close to the exact sum over the draws everywhere
    const exact = (v: number) => draws.reduce((a, x) => a + Math.exp(-0.5 * ((v - x) / h) ** 2), 0) / (draws.length * h * Math.sqrt(2 * Math.PI));
    const peak = Math.max(...curve.map((d) => d.density));
    const error = Math.max(...curve.map((d) => Math.abs(d.density - exact(d.value))));
    expect(error / peak).toBeLessThan(2e-4);
    expect(densityAt(curve, curve[10].value)).toBeCloseTo(curve[10].density, 14);
    expect(densityAt(curve, (curve[10].value + curve[11].value) / 2)).toBeCloseTo((curve[10].density + curve[11].density) / 2, 14);
    expect(densityAt(curve, curve[0].value - 1)).toBe(0);
    const one = kernelDensity(Float64Array.of(0), 1, 3);
    expect(one.map((d) => d.value)).toEqual([-3, 0, 3]);
    one.forEach((d) => expect(d.density).toBeCloseTo(Math.exp(-0.5 * d.value ** 2) / Math.sqrt(2 * Math.PI), 14));
  });
});

describe("histogram bins: counted here, as Plot's bin transform counts them", () => {
  /** The bars' rectangles as drawn (x, y, width, height), rounded. */
  const bars = (svg: Element) => Array.from(svg.querySelectorAll(`[aria-label="rect"] rect`), (r: Element) => stable(r));

  it.each([undefined, 40, 7, "sturges", "scott", "freedman-diaconis", [8, 10, 12, 14, 16, 18], (v: ArrayLike<number>, lo: number, hi: number) => Math.round((hi - lo) / 2)] as const)(
    "thresholds %s: the same bins as Plot.binX",
    (thresholds) => {
      const s = voteSim();
      let total = 0;
      for (const qi of ["ev", "pr", "fd"] as const) {
        const draws = Array.from(s.qi[qi]![0]);
        const bins = histogramBins(Float64Array.from(draws).sort(), thresholds as never);
        // one x domain for both (given thresholds may leave draws out)
        const scales = {x: {label: null, domain: [Math.min(...draws, bins[0].x1), Math.max(...draws, bins[bins.length - 1].x2)]}, y: {label: null}};
        const inset = {insetLeft: 0.5, insetRight: 0.5};
        const ours = render({...scales, marks: [Plot.rect(bins.filter((b) => b.count > 0), {x1: "x1", x2: "x2", y1: 0, y2: "count", ...inset})]});
        const plot = render({...scales, marks: [Plot.rectY(draws, Plot.binX<Plot.RectYOptions>({y: "count"}, {x: (d: number) => d, thresholds: thresholds as never, ...inset}))]});
        const drawn = bars(ours);
        expect(drawn).toEqual(bars(plot));
        total += drawn.length;
      }
      expect(total).toBeGreaterThan(5);
      expect(warn).not.toHaveBeenCalled();
    }
  );

  it("bins of a count, an array, a function; every value in one bin when all are equal; refusals", () => {
    const v = Float64Array.of(0.2, 0.7, 1.1, 1.4, 2.9);
    expect(histogramBins(v, 3)).toEqual([{x1: 0, x2: 1, count: 2}, {x1: 1, x2: 2, count: 2}, {x1: 2, x2: 3, count: 1}]);
    // a width below 1 keeps exact thresholds (0.3, not 0.30000000000000004)
    expect(histogramBins(v, 10).map((b) => b.x1)).toEqual([0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.4, 2.6, 2.8]);
    expect(histogramBins(Float64Array.of(0.31, 0.34, 0.36), 3).map((b) => [b.x1, b.x2])).toEqual([[0.3, 0.32], [0.32, 0.34], [0.34, 0.36], [0.36, 0.38]]);
    // values outside given thresholds are left out, as Plot leaves them out
    expect(histogramBins(v, [0.5, 1, 2])).toEqual([{x1: 0.5, x2: 1, count: 1}, {x1: 1, x2: 2, count: 2}]);
    expect(histogramBins(v, (values, lo, hi) => [lo, (lo + hi) / 2, hi + 1])).toEqual([{x1: 0.2, x2: 1.55, count: 4}, {x1: 1.55, x2: 3.9, count: 1}]);
    // ⌈log₂ 5⌉ + 1 = 4 bins asked: width 2.7/4 = 0.675, made nice: 0.5
    expect(histogramBins(v, "sturges").map((b) => b.count)).toEqual([1, 1, 2, 0, 0, 1]);
    expect(histogramBins(Float64Array.of(2, 2, 2))).toEqual([{x1: 2, x2: 2, count: 3}]);
    expect(histogramBins(new Float64Array(0))).toEqual([]);
    expect(refusal(() => histogramBins(v, "rice" as never))).toBe('invalid thresholds: "rice"; use a number of bins, an array of thresholds, a function, or "auto", "scott", "sturges" or "freedman-diaconis"');
    expect(refusal(() => histogramBins(v, -2))).toBe("invalid thresholds: -2; give a positive number of bins, such as 40");
    expect(refusal(() => histogramBins(v, [3, 1]))).toMatch(/^invalid thresholds: .*; give a number of bins, an ascending array of finite thresholds/);
  });
});

describe("warnings, counted", () => {
  it("shrinkage warns once for levels whose x does not vary, and draws them without an arrow", () => {
    const data = (dataset("sleepstudy").objects() as Record<string, unknown>[]).filter((d) => d.Subject !== 308 || d.Days === 0);
    const m = refit(data);
    const marks = shrinkage(m, data, {x: "Days"});
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe(
      "shrinkage: 1 level of Subject (308) with fewer than two values of Days have no no-pooling estimate and are drawn without an arrow"
    );
    const svg = render({marks: [marks]});
    expect(count(svg, "shrinkage arrow")).toBe(17);
    expect(count(svg, "shrinkage partial pooling")).toBe(18);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("the caterpillar of a big factor leaves out the level names, without a warning", () => {
    const rows = Array.from({length: 400}, (_, i) => ({grpvar: "g", term: "(Intercept)", grp: `level ${i}`, condval: Math.sin(i), condsd: 0.1}));
    const svg = render({height: 300, marks: [caterpillar(rows)]});
    expect(texts(svg, `[aria-label="y-axis tick label"] text`)).toEqual([]);
    expect(axisLabel(svg, "y")).toMatch(/g \(400 levels\)/);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("option validation", () => {
  it("names the bad option value and the fix", () => {
    const m = sleep(), data = dataset("sleepstudy");
    expect(refusal(() => caterpillar(m, {group: "Subj"}))).toBe('invalid group: "Subj"; the grouping factors are Subject');
    expect(refusal(() => caterpillar(m, {term: "Dayz"}))).toBe('invalid term: "Dayz"; the random effects of Subject are (Intercept), Days');
    expect(refusal(() => caterpillar(m, {level: 95}))).toBe("invalid level: 95; give a probability between 0 and 1, such as 0.95");
    expect(refusal(() => caterpillar(m, {labels: "yes" as never}))).toBe('invalid labels: "yes"; use true or false');
    expect(refusal(() => fixedEffects(m, {terms: ["Dayz"]}))).toBe('invalid terms: "Dayz"; the terms are (Intercept), Days');
    expect(refusal(() => fixedEffects(m, {intercept: 0 as never}))).toBe("invalid intercept: 0; use true or false");
    expect(refusal(() => fixedEffects({term: ["a"]}))).toBe(
      'invalid data: "a table of term"; fixedEffects needs a fitted model or a table with the columns term, estimate, se'
    );
    expect(refusal(() => groupLines(m, data, {group: "Subj"}))).toBe("invalid group: \"Subj\"; the model's grouping factors are Subject");
    expect(refusal(() => groupLines(m, data, {x: "Dayz"}))).toBe('invalid x: "Dayz"; the data has the columns Reaction, Days, Subject');
    expect(refusal(() => groupLines(m, data.slice(0, 10)))).toBe('invalid data: "a table of 10 rows"; the model was fit to a table of 180 rows; pass that table');
    expect(refusal(() => groupLines(m, undefined))).toBe("groupLines needs the table the model was fit to; pass it as groupLines(model, data, {…})");
    expect(refusal(() => groupLines({} as LinearMixedModel, data))).toBe("groupLines needs a model fitted by lmer, got an object; call groupLines(lmer(formula, data), …)");
    expect(refusal(() => shrinkage(m, data, {x: "Subject"}))).toBe('invalid x: "Subject"; x must be a numeric column that is a fixed effect of the model or a random slope by Subject (Days)');
    expect(refusal(() => shrinkage(m, data, {key: "middle" as never}))).toBe('invalid key: "middle"; use "auto", "top-left", "top-right", "bottom-left", "bottom-right" or false');
    const exam = fitOf("Exam", "normexam ~ standLRT + (1 | school)");
    expect(refusal(() => shrinkage(exam, dataset("Exam"), {x: "sex"}))).toBe('invalid x: "sex"; x must be a numeric column, and it holds "F" (model row 1)');
    expect(refusal(() => shrinkage(m, {...data.objects().map((d) => d)}, {x: "Days"}))).toMatch(/^invalid data: /);
    expect(refusal(() => residualsFitted(m, {scaled: 1 as never}))).toBe("invalid scaled: 1; use true or false");
    expect(refusal(() => qqNormal(m, {line: "no" as never}))).toBe('invalid line: "no"; use true or false');
    expect(refusal(() => residualsFitted(m, null as never))).toBe("invalid options of residualsFitted: null; pass an object such as {scaled: …}, or nothing");
  });

  it("qiDistribution names the quantities and profiles there are", () => {
    const s = voteSim();
    expect(refusal(() => qiDistribution(s, {qi: "att.ev"}))).toBe('invalid qi: "att.ev"; this simulation has ev, pr, ev1, pr1, fd');
    expect(refusal(() => qiDistribution(s, {qi: "ev", profile: 2}))).toBe("invalid profile: 2; ev has one profile: 1");
    expect(refusal(() => qiDistribution(s, {type: "violin" as never}))).toBe('invalid type: "violin"; use "density" or "histogram"');
    expect(refusal(() => qiDistribution(s, {bandwidth: -1}))).toBe("invalid bandwidth: -1; give a positive number, or leave it out for Silverman's rule");
    expect(refusal(() => qiDistribution({} as never))).toBe("qiDistribution needs a simulation from sim, got an object; call qiDistribution(sim(model, {x: setx(model)}), …)");
  });
});

/** sleepstudy's model fitted to a table made in a test (not cached). */
function refit(data: object[]): LinearMixedModel {
  return lmer("Reaction ~ Days + (Days | Subject)", data);
}
