import {readFileSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import type {ColumnTable} from "arquero";
import {describe, expect, it} from "vitest";
import {readCSV} from "../src/io/csv.js";
import {lmer} from "../src/lmm/fit.js";
import type {LinearMixedModel} from "../src/lmm/model.js";

// Issue 10's corpus: lme4 fits of real data sets at the optimum (test/fixtures/corpus, made by
// tools/make-corpus.R; see its README). For every case not marked large, our fit must
//   - reach the optimum: criterion (REMLcrit for REML, deviance for ML) at most max(1e-6, 1e-10 |optimum|)
//     above the optimum's (and not below it by more than max(1e-5, 1e-9 |optimum|): a check of the fixture);
//   - not call an interior optimum singular: no isSingular and no singular-fit warning when the optimum's
//     bounded θ are all at or above 1e-4;
//   - give one verdict: optimizer.converged true exactly when no warning says the fit failed to converge;
// and over all those cases together we spend no more criterion evaluations than lme4's default fits did.
// Large cases (more than 20 000 rows) are run by bench/corpus.mjs only.

interface CorpusCase {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  weights: string | null;
  rows: number;
  nobs: number;
  large: boolean;
  criterion: number;
  theta: number[];
  isSingular: boolean;
  lme4_default: {criterion: number; evaluations: number; stopped_short_by: number; isSingular: boolean};
}

const corpusDir = fileURLToPath(new URL("./fixtures/corpus/", import.meta.url));
const cases: CorpusCase[] = readdirSync(`${corpusDir}cases`)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(`${corpusDir}cases/${f}`, "utf8")) as CorpusCase)
  .filter((c) => !c.large);

const tables = new Map<string, ColumnTable>();
function table(name: string): ColumnTable {
  if (!tables.has(name)) tables.set(name, readCSV(readFileSync(`${corpusDir}data/${name}.csv`, "utf8")));
  return tables.get(name)!;
}

const fits = new Map<string, LinearMixedModel>();
function fit(c: CorpusCase): LinearMixedModel {
  if (!fits.has(c.id)) fits.set(c.id, lmer(c.formula, table(c.dataset), {REML: c.REML, ...(c.weights ? {weights: c.weights} : {})}));
  return fits.get(c.id)!;
}

const criterion = (m: LinearMixedModel): number => (m.REML ? m.REMLcrit! : m.deviance);
const notConverged = (w: string): boolean => /failed to converge|did not converge/i.test(w);
const singularWarning = (w: string): boolean => /singular/i.test(w);

describe("corpus: lme4 fits at the optimum", () => {
  it("holds the small cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  for (const c of cases) {
    it(c.id, () => {
      const m = fit(c);
      expect(m.nobs).toBe(c.nobs);
      const above = criterion(m) - c.criterion;
      expect(above, `criterion above the optimum by ${above}`).toBeLessThanOrEqual(Math.max(1e-6, 1e-10 * Math.abs(c.criterion)));
      // and the fixture is the optimum: a fit far below it means make-corpus.R missed a lower point (as it
      // once did on Fatigue-slope, by 8.4); lme4's and our criteria agree to ~1e-7 on these data
      expect(above, `criterion below the fixture's optimum by ${-above}`).toBeGreaterThanOrEqual(-Math.max(1e-5, 1e-9 * Math.abs(c.criterion)));
      if (!c.isSingular) {
        expect(m.isSingular, "singular fit where the optimum is interior").toBe(false);
        expect(m.warnings.filter(singularWarning)).toEqual([]);
      }
      expect(m.optimizer.converged).toBe(!m.warnings.some(notConverged));
    });
  }

  it("spends no more evaluations than lme4's default fits, in total", () => {
    let ours = 0;
    let lme4 = 0;
    for (const c of cases) {
      ours += fit(c).optimizer.evaluations;
      lme4 += c.lme4_default.evaluations;
    }
    expect(ours).toBeLessThanOrEqual(lme4);
  });
});
