/**
 * The GLMM marks of lmm-kit/plot (issue 13): binned residuals (Gelman & Hill §5.6) and predicted curves by
 * group, rendered by Plot in jsdom without warnings; their rows checked against sums computed here from the
 * fit's fitted values and residuals and from lme4's β̂ and conditional modes (test/fixtures/glmer).
 */
import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import * as Plot from "@observablehq/plot";
// @ts-expect-error jsdom ships no type declarations (and the project has no @types/jsdom)
import {JSDOM} from "jsdom";
import {afterEach, beforeEach, describe, expect, it, vi, type MockInstance} from "vitest";
import {binResiduals, binnedResidualRows, binnedResiduals, predictedCurveRows, predictedCurves} from "../src/plot/index.js";
import {dataset, fitOf} from "./helpers/fits.js";
import {glmerFitOf, loadGlmerFixture, type GlmerCall} from "./helpers/glmer.js";
import {refusal} from "./helpers/refusal.js";

interface Fixture extends GlmerCall {
  beta: Record<string, number>;
  ranef: {grpvar: string[]; grp: string[]; condval: number[]};
}
const fx = loadGlmerFixture<Fixture>("voteincome-logit");
const m = () => glmerFitOf(fx);

let warn: MockInstance;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

function render(options: Plot.PlotOptions) {
  const document = new JSDOM("").window.document;
  return Plot.plot({document, ...options}) as unknown as {outerHTML: string; querySelectorAll(s: string): {length: number}};
}

const galleryDir = fileURLToPath(new URL("../docs/gallery/", import.meta.url));

/** As test/plot.test.ts: rendered without warnings, numbers of three or more decimals rounded to two, snapshotted and written to the gallery. */
async function gallery(name: string, options: Plot.PlotOptions) {
  const svg = render(options);
  expect(warn).not.toHaveBeenCalled();
  const text = svg.outerHTML
    .replace(/^<svg /, `<svg xmlns="http://www.w3.org/2000/svg" `)
    .replace(/-?\d+\.\d{3,}/g, (m: string) => {
      const v = Number(m).toFixed(2);
      return v === "-0.00" ? "0.00" : v;
    });
  await expect(text).toMatchFileSnapshot(`./__snapshots__/plot/${name}.svg`);
  mkdirSync(galleryDir, {recursive: true});
  writeFileSync(`${galleryDir}${name}.svg`, text + "\n");
  return svg;
}

describe("the gallery: the GLMM marks rendered in jsdom", () => {
  it("binned residuals of the voteincome logit fit", async () => {
    const svg = await gallery("binned-residuals", {height: 300, y: {grid: true}, marks: [binnedResiduals(m())]});
    expect(svg.querySelectorAll('g[aria-description="binnedResiduals bin"] circle').length).toBe(38);
  });
  it("predicted seizure rates by subject (epil, Poisson)", async () => {
    const epil = dataset("epil");
    const model = glmerFitOf(loadGlmerFixture<Fixture>("epil-poisson-interaction"));
    const svg = await gallery("predicted-curves", {height: 320, y: {type: "log", grid: true}, marks: [predictedCurves(model, {x: "lbase", group: "subject", at: {trt: "placebo"}, data: epil, points: 20})]});
    expect(svg.querySelectorAll('g[aria-description="predictedCurves group"] path').length).toBe(59);
  });
});

describe("binnedResiduals", () => {
  it("bins: ⌊√n⌋ by default, every row once, means and 2 sd/√n computed here", () => {
    const model = m();
    const rows = binnedResidualRows(model);
    expect(rows.length).toBe(Math.floor(Math.sqrt(model.nobs)));
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(model.nobs);
    // each bin: the rows whose fitted value lies in [min, max]; fitted values increase from bin to bin
    for (let b = 1; b < rows.length; b++) expect(rows[b].min).toBeGreaterThan(rows[b - 1].max);
    for (const r of rows.slice(0, 3)) {
      const items = Array.from(model.fitted.keys()).filter((i) => model.fitted[i] >= r.min && model.fitted[i] <= r.max);
      expect(items.length).toBe(r.n);
      const res = items.map((i) => model.y[i] - model.fitted[i]);
      const mean = res.reduce((a, b) => a + b, 0) / res.length;
      const sd = Math.sqrt(res.reduce((a, b) => a + (b - mean) ** 2, 0) / (res.length - 1));
      expect(r.residual).toBeCloseTo(mean, 12);
      expect(r.bound).toBeCloseTo((2 * sd) / Math.sqrt(res.length), 12);
    }
  });
  it("renders a dot per bin and two bound lines without Plot warnings; takes bins", () => {
    const svg = render({marks: [binnedResiduals(m(), {bins: 12})]});
    expect(svg.querySelectorAll("circle").length).toBe(12);
    expect(svg.querySelectorAll('g[aria-description="binnedResiduals upper bound"] path').length).toBe(1);
    expect(warn).not.toHaveBeenCalled();
  });
  it("works on an lmer fit (residuals y − ŷ)", () => {
    const lm = fitOf("sleepstudy", "Reaction ~ Days + (Days | Subject)");
    const rows = binnedResidualRows(lm, {bins: 10});
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(180);
  });
  it("refuses bad bins, an unknown option, and what is not a model", () => {
    expect(refusal(() => binnedResidualRows(m(), {bins: 0}))).toMatch(/^invalid bins: 0; give a whole number of bins from 1 to the \d+ rows/);
    expect(refusal(() => binnedResiduals(m(), {binz: 3} as never))).toMatch(/unknown option "binz".*did you mean "bins"/);
    expect(refusal(() => binnedResiduals({} as never))).toBe("binnedResiduals needs a model fitted by glmer or lmer, got an object; call binnedResiduals(glmer(formula, data, {family}), …)");
  });
});

describe("predictedCurves", () => {
  const plogis = (e: number) => 1 / (1 + Math.exp(-e));
  it("rows: plogis(xβ̂ + b̃_state) along education's range, other covariates at their means (lme4's β̂ and modes, 1e-3)", () => {
    const model = m();
    const data = dataset("voteincome");
    const rows = predictedCurveRows(model, {x: "education", levels: ["SC"], points: 3});
    const edu = Array.from(data.array("education") as ArrayLike<number>);
    const age = data.array("age") as ArrayLike<number>, fem = data.array("female") as ArrayLike<number>;
    const avg = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    const lo = Math.min(...edu), hi = Math.max(...edu);
    const b = fx.beta;
    const sc = fx.ranef.condval[fx.ranef.grp.indexOf("SC")];
    expect(rows.map((r) => [r.group, r.x])).toEqual([[null, lo], [null, (lo + hi) / 2], [null, hi], ["SC", lo], ["SC", (lo + hi) / 2], ["SC", hi]]);
    rows.forEach((r) => {
      const eta = b["(Intercept)"] + b.education * r.x + b.age * avg(age) + b.female * avg(fem) + (r.group ? sc : 0);
      expect(Math.abs(r.value - plogis(eta))).toBeLessThan(1e-3);
    });
  });
  it("renders one line per level plus the population's, without warnings", () => {
    const svg = render({marks: [predictedCurves(m(), {x: "education", group: "state", points: 10})]});
    expect(svg.querySelectorAll('g[aria-description="predictedCurves group"] path').length).toBe(m().ngrps.state);
    expect(svg.querySelectorAll('g[aria-description="predictedCurves population"] path').length).toBe(1);
    expect(warn).not.toHaveBeenCalled();
  });
  it("refuses a missing x, an unknown group or level", () => {
    expect(refusal(() => predictedCurveRows(m(), {}))).toBe("invalid x: undefined; give the name of a numeric covariate of the model, such as {x: \"Anger\"}");
    expect(refusal(() => predictedCurveRows(m(), {x: "education", group: "county"}))).toBe("invalid group: \"county\"; the model's grouping factors are state");
    expect(refusal(() => predictedCurveRows(m(), {x: "education", levels: ["XX"]}))).toMatch(/^invalid levels: "XX"; it is not a level of state/);
  });
});

describe("binning against arm's binned.resids (R: test/fixtures/glmer-qi/make-binned.R)", () => {
  interface Binned {id: string; nclass: number; xbar: number[]; ybar: number[]; n: number[]; x_lo: number[]; x_hi: number[]; se2: number[]; x?: number[]; y?: number[]}
  const load = (id: string) => JSON.parse(readFileSync(new URL(`./fixtures/glmer-qi/binned-${id}.json`, import.meta.url), "utf8")) as Binned;

  it("binResiduals on R's own fitted values and residuals (voteincome, 38 bins, ties among the fitted values): arm's bins to 1e-12", () => {
    const R = load("voteincome-logit");
    const rows = binResiduals(R.x!, R.y!, R.nclass);
    expect(rows.map((r) => r.n)).toEqual(R.n);
    rows.forEach((r, b) => {
      expect(Math.abs(r.fitted - R.xbar[b])).toBeLessThan(1e-12);
      expect(Math.abs(r.residual - R.ybar[b])).toBeLessThan(1e-12);
      expect(Math.abs(r.bound - R.se2[b])).toBeLessThan(1e-12);
      expect([r.min, r.max]).toEqual([R.x_lo[b], R.x_hi[b]]);
    });
  });

  // R's fit is glmer's default stop, ours the optimum: fitted values differ by about 1e-5, so the means are
  // compared to 1e-4. On voteincome the bins hold the same rows; on VerbAgg, rows whose fitted values lie
  // within that difference of a break can change bin, so only the bins' number and total are compared there.
  it("binnedResidualRows of our voteincome fit: arm's bins of lme4's fit to 1e-4, the same counts", () => {
    const R = load("voteincome-logit");
    const rows = binnedResidualRows(glmerFitOf(fx));
    expect(rows.map((r) => r.n)).toEqual(R.n);
    rows.forEach((r, b) => {
      expect(Math.abs(r.fitted - R.xbar[b])).toBeLessThan(1e-4);
      expect(Math.abs(r.residual - R.ybar[b])).toBeLessThan(1e-4);
      expect(Math.abs(r.bound - R.se2[b])).toBeLessThan(1e-4);
    });
  });
  it("binnedResidualRows of our VerbAgg fit: as many bins as arm's (87), every row once", () => {
    const R = load("VerbAgg-crossed");
    const rows = binnedResidualRows(glmerFitOf(loadGlmerFixture<Fixture>("VerbAgg-crossed")));
    expect(rows.length).toBe(R.n.length);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(R.n.reduce((a, b) => a + b, 0));
  }, 60_000);
});
