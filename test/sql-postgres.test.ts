import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {formula} from "../src/formula/formula.js";
import {duckdb, postgres, type SqlConnection} from "../src/sql/connection.js";
import {lmer} from "../src/sql/lmer.js";
import {sqlStructure} from "../src/sql/structure.js";
import {fitOf} from "./helpers/fits.js";
import {startPostgres, type TestServer} from "./helpers/postgres.js";
import {fitReferences} from "./helpers/reference.js";
import {blockDifferences, duckdbTable, fitDifferences, postgresTable} from "./helpers/sql.js";

// The same SQL on a PostgreSQL server (Debian's, started by this file in a temporary folder and stopped at
// the end): for every lme4 reference case, the queries lmm-kit sends to PostgreSQL are the very texts and
// bound values it sends to DuckDB, and the cross-products they give are equal to 1e-13 relative to each
// block's largest entry (sums in another order differ in the last bits).
const cases = fitReferences().filter((r) => r.dataset && r.formula);

let server: TestServer;
let pg: SqlConnection;
let duck: SqlConnection;
beforeAll(async () => {
  server = startPostgres();
  pg = await postgres(server.settings);
  duck = await duckdb(":memory:", {threads: 1});
  for (const name of new Set(cases.map((r) => r.dataset))) {
    await duckdbTable(duck, name);
    await postgresTable(pg, duck, name, server.settings.host);
  }
}, 120_000);
afterAll(async () => {
  await pg?.close?.();
  await duck?.close?.();
  server?.stop();
});

describe("PostgreSQL runs the same queries and gives the same cross-products", () => {
  for (const ref of cases) {
    it(ref.id, async () => {
      const spec = formula(ref.formula);
      const onDuck = await sqlStructure(spec, {connection: duck, table: ref.dataset}, {REML: ref.REML});
      const onPg = await sqlStructure(spec, {connection: pg, table: ref.dataset}, {REML: ref.REML});
      const texts = (s: typeof onPg) => s.frame.aggregated!.queries.map((q) => [q.sql, q.params]);
      expect(texts(onPg)).toEqual(texts(onDuck));
      expect(onPg.frame.aggregated!.engine).toBe("postgres");
      expect(onPg.frame.n).toBe(onDuck.frame.n);
      expect(onPg.frame.terms.map((t) => t.levels)).toEqual(onDuck.frame.terms.map((t) => t.levels));
      expect(onPg.frame.xNames).toEqual(onDuck.frame.xNames);
      expect(blockDifferences(onDuck.A, onPg.A, 1e-13)).toEqual([]);
    }, 60_000);
  }

  it("a fit on PostgreSQL equals the fit in memory (sleepstudy, Penicillin, Pastes: 1e-9 relative)", async () => {
    for (const [dataset, f] of [["sleepstudy", "Reaction ~ Days + (Days | Subject)"], ["Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)"], ["Pastes", "strength ~ 1 + (1 | batch/cask)"]]) {
      const model = await lmer(f, {connection: pg, table: dataset});
      expect(model.frame).toBe("sql");
      expect(fitDifferences(fitOf(dataset, f), model, 1e-9)).toEqual([]);
    }
  }, 60_000);
});
