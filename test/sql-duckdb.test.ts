import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {duckdb, type SqlConnection} from "../src/sql/connection.js";
import {lmer} from "../src/sql/lmer.js";
import {fitOf} from "./helpers/fits.js";
import {fitReferences} from "./helpers/reference.js";
import {blockDifferences, duckdbTable, fitDifferences} from "./helpers/sql.js";

// Every lme4 reference case fitted through DuckDB (its CSV loaded as a table) against the same fit in memory:
// the cross-products equal bit for bit, and the estimates (θ, β, SEs, σ,
// deviance, REML criterion, variance components, conditional modes and SDs) to 1e-9 relative. DuckDB runs on
// one thread here, so its sums add the rows in the file's order, as the fit in memory does, and the formula's
// log() is correctly rounded as DuckDB's LN is: the blocks are equal bit for bit. (With a log one ulp off in 8
// of Produc's 6528 values, one sum by region differed by 2.5e-16, and on that case's flat optimum the
// optimizer stopped 1.4e-5 away in θ.)
const cases = fitReferences().filter((r) => r.dataset && r.formula);

let db: SqlConnection;
beforeAll(async () => {
  db = await duckdb(":memory:", {threads: 1});
  for (const name of new Set(cases.map((r) => r.dataset))) await duckdbTable(db, name);
});
afterAll(async () => db?.close?.());

describe("a fit from DuckDB equals the fit in memory", () => {
  for (const ref of cases) {
    it(ref.id, async () => {
      const memory = fitOf(ref.dataset, ref.formula, {REML: ref.REML});
      const model = await lmer(ref.formula, {connection: db, table: ref.dataset}, {REML: ref.REML});
      expect(model.frame).toBe("sql");
      expect(memory.frame).toBe("memory");
      expect(model.queries.length).toBeGreaterThan(2);
      expect(model.warnings).toEqual(memory.warnings);
      expect(model.thetaNames).toEqual(memory.thetaNames);
      expect(model.ngrps).toEqual(memory.ngrps);
      expect(model.fitted.length + model.residuals.length).toBe(0);
      expect(blockDifferences(memory.structure.A, model.structure.A, 0)).toEqual([]);
      expect(fitDifferences(memory, model, 1e-9)).toEqual([]);
    }, 300_000);
  }
});
