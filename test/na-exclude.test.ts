import {describe, expect, it} from "vitest";
import {augment, glance, tidy} from "../src/broom/index.js";
import {summary} from "../src/inference/summary.js";
import {LmmError} from "../src/errors.js";
import {lmer} from "../src/lmm/fit.js";
import {predict} from "../src/predict/predict.js";
import {dataSource} from "../src/frame/source.js";
import {fitRequest, serveFitRequest, type FitMessage} from "../src/reactive/fit-request.js";
import {modelAtTheta, type FitOutcome} from "../src/reactive/rebuild.js";
import {dataset} from "./helpers/fits.js";

// naAction "exclude" (lme4's na.exclude): the rows with a missing value are dropped from the fit exactly as
// with "omit", but per-row results come back one per input row, NaN at the dropped rows.
type Row = Record<string, unknown>;
const F = "Reaction ~ Days + (Days | Subject)";
const DROPPED = [3, 50, 77, 120];
const withMissing = (): Row[] => (dataset("sleepstudy").objects() as Row[]).map((r, i) => {
  if (i === 3 || i === 50) return {...r, Reaction: null};
  if (i === 77) return {...r, Days: NaN};
  if (i === 120) return {...r, Subject: undefined};
  return r;
});

describe('naAction "exclude"', () => {
  const data = withMissing();
  const omit = lmer(F, data);
  const exclude = lmer(F, data, {naAction: "exclude"});
  const kept = Array.from({length: 180}, (_, i) => i).filter((i) => !DROPPED.includes(i));

  it("fits the same model as omit, with the same warning", () => {
    expect(exclude.nobs).toBe(176);
    expect(Array.from(exclude.theta)).toEqual(Array.from(omit.theta));
    expect(exclude.REMLcrit).toBe(omit.REMLcrit);
    expect(exclude.warnings).toEqual(omit.warnings);
    expect(exclude.warnings).toContain("4 rows with missing values dropped");
    expect(summary(exclude)).toBe(summary(omit));
    expect(glance(exclude).objects()).toEqual(glance(omit).objects());
    expect(tidy(exclude).objects()).toEqual(tidy(omit).objects());
  });

  it("records which input rows were used", () => {
    expect(Array.from(exclude.rows)).toEqual(kept);
    expect(Array.from(omit.rows)).toEqual(kept);
  });

  it("pads fitted values and residuals with NaN at the dropped rows: 180 rows in, 180 out", () => {
    expect(omit.fitted.length).toBe(176);
    expect(exclude.fitted.length).toBe(180);
    expect(exclude.residuals.length).toBe(180);
    for (const i of DROPPED) {
      expect(exclude.fitted[i]).toBeNaN();
      expect(exclude.residuals[i]).toBeNaN();
    }
    expect(kept.map((i) => exclude.fitted[i])).toEqual(Array.from(omit.fitted));
    expect(kept.map((i) => exclude.residuals[i])).toEqual(Array.from(omit.residuals));
    // the values per row used stay available whatever the naAction
    expect(Array.from(exclude.usedFitted)).toEqual(Array.from(omit.fitted));
    // each padded value belongs to its input row: fitted + residual = the row's Reaction
    for (const i of kept) expect(exclude.fitted[i] + exclude.residuals[i]).toBeCloseTo(data[i].Reaction as number, 9);
  });

  it("predicts the training rows one per input row", () => {
    const p = predict(exclude, undefined, {seFit: true});
    expect(p.fit.length).toBe(180);
    expect(p.se!.length).toBe(180);
    for (const i of DROPPED) expect([p.fit[i], p.se![i]]).toEqual([NaN, NaN]);
    const q = predict(omit, undefined, {seFit: true});
    expect(q.fit.length).toBe(176);
    expect(kept.map((i) => p.fit[i])).toEqual(q.fit);
    expect(kept.map((i) => p.se![i])).toEqual(q.se);
  });

  it("augment keeps every input row with exclude, and only the rows used with omit", () => {
    const a = augment(exclude, data);
    expect(a.numRows()).toBe(180);
    expect(a.array("Reaction")[3]).toBeNull();
    expect(a.array(".fitted")[3]).toBeNaN();
    expect(a.array(".hat")[120]).toBeNaN();
    const b = augment(omit, data);
    expect(b.numRows()).toBe(176);
    for (const name of b.columnNames()) {
      expect(kept.map((i) => a.array(name)[i]), name).toEqual(Array.from(b.array(name) as ArrayLike<unknown>));
    }
    // without data: the added columns only, aligned as fitted
    expect(augment(exclude).numRows()).toBe(180);
    expect(augment(omit).numRows()).toBe(176);
  });

  it("is accepted only by name; a wrong value names the three choices", () => {
    expect(() => lmer(F, data, {naAction: "exlude" as "exclude"})).toThrow(LmmError);
    expect(() => lmer(F, data, {naAction: "exlude" as "exclude"})).toThrow(/use "omit", "exclude" or "fail"/);
    expect(() => lmer(F, data, {naAction: "fail"})).toThrow(/missing value in row 4 of Reaction/);
  });

  it("a worker's fit, rebuilt on the page, pads as lmer does", () => {
    const {request} = fitRequest(F, dataSource(data), ["Reaction", "Days", "Subject"], {naAction: "exclude"});
    let done: FitMessage | null = null;
    serveFitRequest(request, (message) => {
      if (message.type !== "progress") done = message;
    });
    expect(done!.type).toBe("done");
    const rebuilt = modelAtTheta(done as unknown as FitOutcome);
    expect(Array.from(rebuilt.fitted)).toEqual(Array.from(exclude.fitted));
    expect(Array.from(rebuilt.residuals)).toEqual(Array.from(exclude.residuals));
    expect(summary(rebuilt)).toBe(summary(exclude));
  });
});
