/**
 * `lmm sim DATA.csv "FORMULA" --x NAME=VALUE --x1 NAME=VALUE [--n] [--seed] [--json]` (issue 3).
 */
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {main} from "../src/cli/main.js";
import {setting} from "../src/cli/sim.js";
import {quantile, setx, sim} from "../src/qi/index.js";
import {dataset, datasetsDir, fitOf} from "./helpers/fits.js";
import {glmer} from "../src/glmm/index.js";

const VOTE = "income ~ education + age + female + tag(1 | state)";
const voteincome = join(datasetsDir, "voteincome.csv");

function run(...argv: string[]) {
  let stdout = "", stderr = "";
  const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
}

describe("lmm sim", () => {
  it("prints {qi: {ev, pr, ev1, pr1, fd}, n, seed} with --json, the same figures as the library", () => {
    const r = run("sim", voteincome, VOTE, "--x", "education=p80", "--x1", "education=p20", "--seed", "7", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["qi", "n", "seed"]);
    expect(Object.keys(out.qi)).toEqual(["ev", "pr", "ev1", "pr1", "fd"]);
    expect(Object.keys(out.qi.fd)).toEqual(["mean", "sd", "p2_5", "p50", "p97_5"]);
    expect(out.n).toBe(1000);
    expect(out.seed).toBe(7);
    const m = fitOf("voteincome", VOTE);
    const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
    expect(out.qi.fd).toEqual(s.summaryOf("fd"));
    expect(out.qi.ev).toEqual(s.summaryOf("ev"));
  });

  it("prints Zelig's summary without --json, and takes --n, levels and ATT", () => {
    const r = run("sim", voteincome, VOTE, "--x", "state=SC", "--x", "age=30", "--n", "200", "--seed", "1", "--treatment", "female");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ sim x :\n -----\nev\n/);
    expect(r.stdout).toMatch(/\n sim att :\n -----\natt\.ev\n/);
    const json = JSON.parse(run("sim", voteincome, VOTE, "--n", "200", "--json", "--seed", "3").stdout);
    expect(Object.keys(json.qi)).toEqual(["ev", "pr"]);
    expect(json.n).toBe(200);
  });

  it("reads NAME=VALUE settings: pNN percentiles, numbers, levels", () => {
    const [name, fn] = setting("education=p80");
    expect(name).toBe("education");
    expect((fn as (v: number[]) => number)([1, 2, 3, 4, 5, 6])).toBe(5);
    expect(setting("age=30")).toEqual(["age", 30]);
    expect(setting("age=-2.5e1")).toEqual(["age", -25]);
    expect(setting("state=SC")).toEqual(["state", "SC"]);
    expect((setting("x=p2.5")[1] as (v: number[]) => number)([0, 100])).toBeCloseTo(2.5, 12);
  });

  it("refuses bad settings and options with one line on stderr and exit code 2", () => {
    const cases: [string[], string][] = [
      [["--x", "education"], "lmm: invalid setting: \"education\"; write NAME=VALUE, such as education=p80 or age=30\n"],
      [["--x", "educ=3"], "lmm: unknown variable in setx: educ; the model's variables are education, age, female and its grouping factors state\n"],
      [["--x", "education=p120"], "lmm: invalid percentile: p120 for education; use p0 to p100\n"],
      [["--n", "ten"], "lmm: invalid --n: ten; give an integer, such as 1000\n"],
      [["--n", "0"], "lmm: invalid n: 0; n is the number of draws, a positive integer such as 1000\n"],
      [["--x", "age=1", "--x", "age=2"], "lmm: age is set twice; give each variable once per profile\n"],
      [["--treatment", "education"], "lmm: treatment column education is not 0/1: row 1 holds 2; code it 0 for control and 1 for treated\n"]
    ];
    for (const [args, message] of cases) {
      const r = run("sim", voteincome, VOTE, ...args);
      expect(r).toEqual({code: 2, stdout: "", stderr: message});
    }
    expect(run("sim", voteincome).stderr).toMatch(/^lmm: sim needs a CSV file and a formula; usage: lmm sim DATA\.csv/);
  });
});

describe("lmm sim --family (issue 13)", () => {
  const VOTE_LOGIT = "vote ~ education + age + female + (1 | state)";
  it("fits glmer and gives the library's figures on the response scale, with the family and link", () => {
    const r = run("sim", voteincome, VOTE_LOGIT, "--family", "binomial", "--x", "education=p80", "--x1", "education=p20", "--seed", "7", "--json");
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["qi", "n", "seed", "family", "link"]);
    expect([out.family, out.link]).toEqual(["binomial", "logit"]);
    const m = glmer(VOTE_LOGIT, dataset("voteincome"), {family: "binomial"});
    const s = sim(m, {x: setx(m, {education: quantile(0.8)}), x1: setx(m, {education: quantile(0.2)}), n: 1000, seed: 7});
    expect(out.qi.fd).toEqual(s.summaryOf("fd"));
    expect(out.qi.ev.p50).toBeGreaterThan(0);
    expect(out.qi.ev.p97_5).toBeLessThan(1);
  });

  it("--link and --trials: probit, successes out of 10", () => {
    const r = run("sim", voteincome, VOTE_LOGIT, "--family", "binomial", "--link", "probit", "--trials", "10", "--n", "200", "--seed", "3", "--json");
    const out = JSON.parse(r.stdout);
    expect(out.link).toBe("probit");
    expect(out.qi.pr.p97_5).toBeLessThanOrEqual(10);
    expect(Number.isInteger(out.qi.pr.p50)).toBe(true);
  });

  it("refuses --link or --trials without --family, --ml with it, and --trials for another family", () => {
    expect(run("sim", voteincome, VOTE_LOGIT, "--link", "probit").stderr).toBe("lmm: --link is for a generalized model: add --family, such as --family binomial\n");
    expect(run("sim", voteincome, VOTE_LOGIT, "--trials", "3").stderr).toBe("lmm: --trials is for a generalized model: add --family, such as --family binomial\n");
    expect(run("sim", voteincome, VOTE_LOGIT, "--family", "binomial", "--ml").stderr).toBe("lmm: --ml makes no sense with --family: a generalized model is always fitted by maximum likelihood; leave out --ml\n");
    expect(run("sim", voteincome, "income ~ education + (1 | state)", "--family", "poisson", "--trials", "3").stderr).toBe(
      "lmm: trials is for a binomial model fitted by glmer; this model's family is poisson: leave out trials\n");
  });
});
