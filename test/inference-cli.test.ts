/**
 * The command line's Satterthwaite output: the `satterthwaite` field of `lmm fit --json` and the lmerTest
 * table after the summary.
 */
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {loadReference} from "./helpers/reference.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const data = (name: string) => join(root, "datasets", `${name}.csv`);

function run(...argv: string[]): {code: number; stdout: string; stderr: string} {
  let stdout = "", stderr = "";
  const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
}

describe("satterthwaite in lmm fit", () => {
  it("--json has satterthwaite: {df, p} matching lmerTest", () => {
    const ref = loadReference("Exam-factors");
    const r = run("fit", data("Exam"), ref.formula, "--json");
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout);
    expect(Object.keys(fit.satterthwaite)).toEqual(["df", "p"]);
    for (const [name, df] of Object.entries(ref.satterthwaite!.df)) {
      expect(Math.abs(fit.satterthwaite.df[name] - df) / df).toBeLessThan(1e-3);
    }
    expect(fit.satterthwaite.p.standLRT).toBeLessThan(1e-300);
  });
  it("the summary's fixed effects are lmerTest's table of t-tests", () => {
    const r = run("fit", data("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
    expect(r.code).toBe(0);
    const tail = r.stdout.slice(r.stdout.indexOf("Fixed effects:"));
    expect(tail.split("\n").slice(1, 4)).toEqual([
      "            Estimate Std. Error      df t value Pr(>|t|)    ",
      "(Intercept)  251.405      6.825  17.000  36.838  < 2e-16 ***",
      "Days          10.467      1.546  17.000   6.771 3.26e-06 ***"
    ]);
    expect(r.stdout).toContain("‘ ’ 1\n\nCorrelation of Fixed Effects:");
  });
});
