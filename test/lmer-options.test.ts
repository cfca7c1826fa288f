import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {lmer, readCSV} from "../src/index.js";
import {LmmError} from "../src/errors.js";

// Issue 9: hostile API values give LmmErrors that name the option and the fix, never a TypeError.
const sleepstudy = readCSV(readFileSync(new URL("../datasets/sleepstudy.csv", import.meta.url), "utf8"));
const F = "Reaction ~ Days + (Days | Subject)";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(LmmError);
    expect((e as Error).message.length).toBeLessThan(500);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("lmer's options", () => {
  it("refuses a formula that is not text or a parsed formula", () => {
    expect(refusal(() => lmer(42 as never, sleepstudy))).toMatch(/the number 42/);
    expect(refusal(() => lmer(null as never, sleepstudy))).toMatch(/null/);
  });
  it("refuses options that are not an object, and unknown options", () => {
    expect(refusal(() => lmer(F, sleepstudy, null as never))).toMatch(/^invalid options of lmer: null; pass an object/);
    expect(refusal(() => lmer(F, sleepstudy, 5 as never))).toMatch(/^invalid options of lmer: the number 5/);
    expect(refusal(() => lmer(F, sleepstudy, {reml: false} as never))).toBe(
      'unknown option "reml" of lmer; did you mean "REML"? The options are REML, weights, naAction, start, onProgress, signal, checkConvergence, correlation, variance'
    );
    expect(refusal(() => lmer(F, sleepstudy, {family: "binomial"} as never))).toMatch(
      /^option "family" is glmer's: lmm-kit fits linear mixed models only so far; generalized \(glmer\) models are not yet available\. Do not fit a Gaussian model to 0\/1/
    );
    expect(refusal(() => lmer(F, sleepstudy, {nAGQ: 1} as never))).toMatch(/^option "nAGQ" is glmer's/);
    expect(refusal(() => lmer(F, sleepstudy, {"na.action": "omit"} as never))).toMatch(/^unknown option "na.action" of lmer; did you mean "naAction"\?/);
    expect(refusal(() => lmer(F, sleepstudy, {checkConvergance: false} as never))).toMatch(/^unknown option "checkConvergance" of lmer; did you mean "checkConvergence"\?/);
    expect(refusal(() => lmer(F, sleepstudy, {colour: "red"} as never))).toMatch(/^unknown option "colour" of lmer; the options are REML, /);
  });
  it("refuses options of the wrong type, naming them", () => {
    expect(refusal(() => lmer(F, sleepstudy, {REML: "no" as never}))).toMatch(/^invalid REML: the string "no"; use true or false/);
    expect(refusal(() => lmer(F, sleepstudy, {onProgress: 3 as never}))).toMatch(/^invalid onProgress: the number 3; pass a function/);
    expect(refusal(() => lmer(F, sleepstudy, {signal: {} as never}))).toMatch(/^invalid signal: .*pass an AbortSignal/);
    expect(refusal(() => lmer(F, sleepstudy, {checkConvergence: 1 as never}))).toMatch(/^invalid checkConvergence: the number 1/);
    expect(refusal(() => lmer(F, sleepstudy, {start: "1,0,1" as never}))).toMatch(/^invalid start: the string/);
    expect(refusal(() => lmer(F, sleepstudy, {start: [1, NaN, 1]}))).toMatch(/^invalid start\[1\]: the number NaN; θ values are finite numbers/);
    expect(refusal(() => lmer(F, sleepstudy, {start: [1, 0]}))).toMatch(/^invalid start: 2 values for 3 θ parameters/);
  });
  it("reads each option once and reports a getter that throws", () => {
    let reads = 0;
    const options = {
      get REML() {
        reads++;
        return false;
      }
    };
    expect(lmer(F, sleepstudy, options).REML).toBe(false);
    expect(reads).toBe(1);
    const bad = {
      get REML(): boolean {
        throw new Error("boom");
      }
    };
    expect(refusal(() => lmer(F, sleepstudy, bad))).toMatch(/^reading the option REML of lmer failed \(boom\)/);
  });
  it("fits with a real AbortSignal and a progress callback", () => {
    let calls = 0;
    const m = lmer(F, sleepstudy, {signal: new AbortController().signal, onProgress: () => calls++});
    expect(calls).toBe(m.optimizer.evaluations);
  });
});
