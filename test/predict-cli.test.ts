/**
 * `lmm predict DATA.csv "F" --newdata NEW.csv [--re all|none] [--allow-new-levels] [--se] [--json]`.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {loadReference} from "./helpers/reference.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const csv = (name: string) => join(root, "datasets", `${name}.csv`);
const dir = mkdtempSync(join(tmpdir(), "lmm-predict-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const run = (...argv: string[]) => {
  let stdout = "", stderr = "";
  const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
};
const SLOPE = "Reaction ~ Days + (Days | Subject)";

describe("lmm predict", () => {
  const ref = loadReference("sleepstudy-slope");
  const first = file("first.csv", "Reaction,Days,Subject\n249.56,0,308\n258.7047,1,308\n250.8006,2,308\n321.4398,3,308\n356.8519,4,308\n");
  it("--json: conditional predictions as lme4's on the first rows", () => {
    const r = run("predict", csv("sleepstudy"), SLOPE, "--newdata", first, "--json");
    expect(r.code).toBe(0);
    const {fit, se} = JSON.parse(r.stdout);
    expect(se).toBeUndefined();
    fit.forEach((v: number, i: number) => expect(Math.abs(v - ref.predict_conditional[i])).toBeLessThan(1e-4 * ref.sigma));
  });
  it("--re none --se --json: population level with standard errors", () => {
    const r = run("predict", csv("sleepstudy"), SLOPE, "--newdata", first, "--re", "none", "--se", "--json");
    expect(r.code).toBe(0);
    const {fit, se} = JSON.parse(r.stdout);
    fit.forEach((v: number, i: number) => expect(Math.abs(v - ref.predict_population[i])).toBeLessThan(1e-4 * ref.sigma));
    expect(se[0]).toBeCloseTo(ref.se["(Intercept)"], 3);
  });
  it("new levels: refused naming them and the flag; predicted with --allow-new-levels; a missing value is null", () => {
    const fresh = file("new.csv", "Days,Subject\n3,999\n,308\n");
    const refused = run("predict", csv("sleepstudy"), SLOPE, "--newdata", fresh);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`lmm: new levels in newdata: "999" of Subject; pass --allow-new-levels to predict them at the population level (their random effects 0)\n`);
    const r = run("predict", csv("sleepstudy"), SLOPE, "--newdata", fresh, "--allow-new-levels", "--se", "--json");
    expect(r.code).toBe(0);
    const {fit, se} = JSON.parse(r.stdout);
    expect(fit[0]).toBeCloseTo(ref.fixef["(Intercept)"] + 3 * ref.fixef.Days, 3);
    expect(fit[1]).toBeNull();
    expect(se[1]).toBeNull();
  });
  it("a table by default; the data's own rows without --newdata", () => {
    const r = run("predict", csv("sleepstudy"), SLOPE, "--newdata", first, "--se");
    expect(r.stdout.split("\n")[0]).toMatch(/^\s+fit\s+se$/);
    expect(r.stdout.split("\n")[1]).toMatch(/^1 253\.66\d+ +\d+\.\d+$/);
    const all = JSON.parse(run("predict", csv("sleepstudy"), SLOPE, "--json").stdout);
    expect(all.fit).toHaveLength(180);
  });
  it("a missing column and a bad --re are usage errors", () => {
    const noGroup = file("nogroup.csv", "Days\n1\n");
    expect(run("predict", csv("sleepstudy"), SLOPE, "--newdata", noGroup).stderr).toMatch(/^lmm: newdata has no column Subject, .*with --re none need only the fixed-effect columns\)\n$/);
    expect(run("predict", csv("sleepstudy"), SLOPE, "--re", "some").stderr).toBe("lmm: invalid --re some; use --re all (conditional) or --re none (population level)\n");
  });
});
