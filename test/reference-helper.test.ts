import {describe, expect, test} from "vitest";
import {compareWithLme4, fitReferences, loadReference, referenceIds, type FitJSON} from "./helpers/reference.js";

/** A reference fit as a fit, deep-copied so a test may change it. */
const asFit = (id: string): FitJSON & ReturnType<typeof loadReference> => structuredClone(loadReference(id));

describe("compareWithLme4", () => {
  test("the fixtures are all there", () => {
    expect(referenceIds()).toHaveLength(22);
    expect(fitReferences().map((r) => r.id)).toHaveLength(20);
  });

  test.each(fitReferences().map((r) => r.id))("%s compared with itself has nothing off", (id) => {
    const {bad, worst} = compareWithLme4(loadReference(id), asFit(id));
    expect(bad).toEqual([]);
    expect(Math.max(...Object.values(worst))).toBe(0);
  });

  test("sigma off by 2e-4 of itself is reported, 5e-5 is not", () => {
    const ref = loadReference("sleepstudy-slope");
    const far = asFit("sleepstudy-slope");
    far.sigma = ref.sigma * (1 + 2e-4);
    const {bad, worst} = compareWithLme4(ref, far);
    expect(bad).toEqual([`sigma: ${far.sigma} vs lme4 ${ref.sigma}`]);
    expect(worst.sigma).toBeCloseTo(2, 6);
    const near = asFit("sleepstudy-slope");
    near.sigma = ref.sigma * (1 + 5e-5);
    expect(compareWithLme4(ref, near).bad).toEqual([]);
  });

  test("the criterion may be lower than lme4's, not higher", () => {
    const ref = loadReference("sleepstudy-slope-ml");
    const better = asFit("sleepstudy-slope-ml");
    better.deviance = ref.deviance - 1e-4;
    expect(compareWithLme4(ref, better).bad).toEqual([]);
    const worse = asFit("sleepstudy-slope-ml");
    worse.deviance = ref.deviance + 1e-4;
    expect(compareWithLme4(ref, worse).bad).toEqual([`deviance ${worse.deviance} worse than lme4 ${ref.deviance}`]);
  });

  test("term and group names match in any order of their parts, and without .1 suffixes", () => {
    const ref = loadReference("cake-interaction");
    const fit = asFit("cake-interaction");
    fit.fixef = Object.fromEntries(Object.entries(ref.fixef).map(([k, v]) => [k.split(":").reverse().join(":"), v]));
    fit.se = Object.fromEntries(Object.entries(ref.se).map(([k, v]) => [k.split(":").reverse().join(":"), v]));
    fit.ngrps = {"replicate:recipe": 45};
    expect(compareWithLme4(ref, fit).bad).toEqual([]);

    const uncorrelated = loadReference("sleepstudy-uncorrelated");
    const renamed = asFit("sleepstudy-uncorrelated");
    renamed.varcorr = uncorrelated.varcorr.map((v) => ({...v, grp: v.grp.replace(/\.\d+$/, "")}));
    expect(compareWithLme4(uncorrelated, renamed).bad).toEqual([]);
  });

  test("missing and non-finite quantities are reported", () => {
    const ref = loadReference("Dyestuff");
    const fit: FitJSON = {...asFit("Dyestuff"), fitted: undefined, logLik: NaN, fixef: {}};
    fit.ranef = {...ref.ranef!, condval: ref.ranef!.condval.map((v, i) => (i === 0 ? NaN : v))};
    expect(compareWithLme4(ref, fit).bad).toEqual([
      "fixef[(Intercept)]: missing or not finite (undefined)",
      "fixef names  vs (Intercept)",
      "logLik: missing or not finite (NaN)",
      `ranef A/(Intercept) NaN vs ${ref.ranef!.condval[0]}`,
      "fitted missing"
    ]);
  });

  test("an unknown fixture id names the ones there are", () => {
    expect(() => loadReference("sleepstudy")).toThrow(/no reference fixture "sleepstudy"; the ids are Dyestuff, Dyestuff-ml, /);
  });
});
