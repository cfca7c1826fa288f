/**
 * The `lmm` command: `lmm fit DATA.csv "FORMULA" [--ml] [--json]`.
 *
 * Most tests call `main(argv, output)` from src/cli/main.ts and capture what it writes; one test spawns
 * bin/lmm.js (the built dist/cli.js, rebuilt first when src/ is newer) for the real exit code and stderr.
 */
import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {COMMANDS, main} from "../src/cli/main.js";
import {compareWithLme4, loadReference, type FitJSON} from "./helpers/reference.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const sleepstudy = join(root, "datasets", "sleepstudy.csv");
const SLOPE = "Reaction ~ Days + (Days | Subject)";

/** Runs the command in-process, returning its exit code and everything it wrote. */
function run(...argv: string[]): {code: number; stdout: string; stderr: string} {
  let stdout = "", stderr = "";
  const code = main(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, stdout, stderr};
}

/** An error run: exit code 2, nothing on stdout, one line on stderr starting "lmm: ", no stack trace. */
function expectErrorShape(r: {code: number; stdout: string; stderr: string}): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^lmm: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/^\s*at /m);
  expect(r.stderr).not.toMatch(/internal error|TypeError|ReferenceError|undefined/);
  return r.stderr.slice("lmm: ".length, -1);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lmm-cli-test-"));
});
afterAll(() => {
  rmSync(dir, {recursive: true, force: true});
});

/** lmerTest's `print(summary(m))` in R (tools/make-summary.R), as it prints it. */
const rSummary = (name: string) => readFileSync(join(root, "test", "fixtures", "summary", `${name}.txt`), "utf8").replace(/\n+$/, "\n");

describe("lmm fit prints a summary", () => {
  it("prints the one summary, lmerTest's, exactly as R prints print(summary(m)) of sleepstudy", () => {
    const r = run("fit", sleepstudy, SLOPE);
    expect(r.stdout).toBe(rSummary("sleepstudy-slope"));
    expect(r.stdout.split("Fixed effects:").length).toBe(2);
    expect(r.stdout).not.toContain("['lmerMod']");
    expect(run("fit", sleepstudy, SLOPE, "--ddf", "Kenward-Roger").stdout).toBe(rSummary("sleepstudy-slope-kenward-roger"));
    expect(run("fit", join(root, "datasets", "Penicillin.csv"), "diameter ~ 1 + (1 | plate) + (1 | sample)", "--ddf=Kenward-Roger").stdout)
      .toBe(rSummary("Penicillin-crossed-kenward-roger"));
    expect(run("fit", sleepstudy, SLOPE, "--ml").stdout).toBe(rSummary("sleepstudy-slope-ml"));
  });

  it("REML by default, lme4's layout", () => {
    const r = run("fit", sleepstudy, SLOPE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = r.stdout;
    expect(out).toMatch(/^Linear mixed model fit by REML/);
    expect(out).toContain(`Formula: ${SLOPE}`);
    expect(out).toMatch(/Data: sleepstudy/);
    expect(out).toMatch(/REML criterion at convergence: 1743\.6/);
    expect(out).toMatch(/Random effects:/);
    expect(out).toMatch(/Subject\s+\(Intercept\)\s+612\.\d+\s+24\.74/);
    expect(out).toMatch(/Residual\s+654\.9\d*\s+25\.59/);
    expect(out).toMatch(/Number of obs: 180, groups:\s+Subject, 18/);
    expect(out).toMatch(/Fixed effects:/);
    expect(out).toMatch(/\(Intercept\)\s+251\.405\s+6\.825/);
    expect(out).toMatch(/Days\s+10\.467\s+1\.546/);
    expect(out.endsWith("\n")).toBe(true);
  });

  it("--ml fits by maximum likelihood", () => {
    const r = run("fit", sleepstudy, SLOPE, "--ml");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Linear mixed model fit by maximum likelihood/);
    expect(r.stdout).not.toMatch(/REML criterion/);
    // lme4: AIC 1763.9, BIC 1783.1, logLik -876.0, deviance 1751.9
    expect(r.stdout).toMatch(/1763\.9/);
    expect(r.stdout).toMatch(/1751\.9/);
  });
});

describe("lmm fit --family: a generalized model (glmer)", () => {
  const cbpp = join(root, "datasets", "cbpp.csv");
  const CBPP = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)";
  const rGlmerSummary = (id: string) => readFileSync(join(root, "test", "fixtures", "glmer-summary", `${id}.txt`), "utf8").replace(/\n+$/, "\n");
  /**
   * R's printout, line for line, but for one number a line one unit off in its last printed digit (a p-value: the Hessian's noise;
   * test/glmer-summary.test.ts holds the rules for every column).
   */
  const asR = (ours: string, id: string) => {
    const theirs = rGlmerSummary(id).split("\n"), mine = ours.split("\n");
    expect(mine.length).toBe(theirs.length);
    theirs.forEach((line, i) => {
      if (mine[i] === line) return;
      const [a, b] = [mine[i].trim().split(/\s+/), line.trim().split(/\s+/)];
      const k = b.findIndex((v, j) => v !== a[j]);
      const pOnly = a.length === b.length && a.every((v, j) => j === k || v === b[j]) && Math.abs(Number(a[k]) - Number(b[k])) <= 1.0000001 * 10 ** -(b[k].split(".")[1]?.length ?? 0);
      expect(pOnly, `line ${i + 1}:\n  R:    ${line}\n  ours: ${mine[i]}`).toBe(true);
    });
  };
  const fixture = (id: string) => JSON.parse(readFileSync(join(root, "test", "fixtures", "glmer", `${id}.json`), "utf8"));

  it("prints lme4's summary of the glmer fit, as R prints it for cbpp (Laplace and nAGQ = 25)", () => {
    const r = run("fit", cbpp, CBPP, "--family", "binomial");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    asR(r.stdout, "cbpp-binomial");
    asR(run("fit", cbpp, CBPP, "--family=binomial", "--nagq", "25").stdout, "cbpp-binomial-agq25");
  });

  it("--link chooses the link", () => {
    const lines = run("fit", cbpp, CBPP, "--family", "binomial", "--link", "probit").stdout.split("\n");
    expect(lines[2]).toBe(" Family: binomial  ( probit )");
    expect(lines[0]).toBe("Generalized linear mixed model fit by maximum likelihood (Laplace");
  });

  it("--weights gives a binomial proportion's trials: the fit of cbind(successes, failures)", () => {
    const a = JSON.parse(run("fit", cbpp, "incidence / size ~ factor(period) + (1 | herd)", "--family", "binomial", "--weights", "size", "--json").stdout);
    const ref = fixture("cbpp-proportion-weights");
    expect(a.weights).toBe("size");
    expect(Math.abs(a.logLik - ref.logLik) / Math.abs(ref.logLik)).toBeLessThan(1e-6);
    asR(run("fit", cbpp, "incidence / size ~ factor(period) + (1 | herd)", "--family", "binomial", "--weights", "size").stdout, "cbpp-proportion-weights");
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--weights", "sise"))).toMatch(/sise/);
  });

  it("predict, anova and confint take --family: glmer's predictions, likelihood-ratio tests and intervals", () => {
    const newdata = join(dir, "cbpp-new.csv");
    writeFileSync(newdata, "herd,period,incidence,size\n1,1,2,14\nnew,2,0,10\n");
    const p = JSON.parse(run("predict", cbpp, CBPP, "--family", "binomial", "--newdata", newdata, "--allow-new-levels", "--type", "response", "--json").stdout);
    const ref = JSON.parse(readFileSync(join(root, "test", "fixtures", "glmer-downstream", "cbpp-binomial.json"), "utf8")).predict;
    expect(Math.abs(p.fit[0] - ref.response[0]) / ref.response[0]).toBeLessThan(1e-3);
    const population = JSON.parse(run("predict", cbpp, CBPP, "--family", "binomial", "--newdata", newdata, "--re", "none", "--se", "--json").stdout);
    expect(Math.abs(population.fit[1] - ref.link_population[1])).toBeLessThan(1e-3);
    expect(Math.abs(population.se[1] - ref.se_population[1]) / ref.se_population[1]).toBeLessThan(1e-3);
    expect(expectErrorShape(run("predict", cbpp, CBPP, "--family", "binomial", "--newdata", newdata))).toMatch(/new levels in newdata: "new" of herd; pass --allow-new-levels/);
    expect(expectErrorShape(run("predict", cbpp, CBPP, "--type", "response"))).toMatch(/^--type is for a generalized model/);
    expect(expectErrorShape(run("predict", cbpp, CBPP, "--family", "binomial", "--type", "mean"))).toMatch(/^invalid --type "mean"; use --type link or --type response/);

    const a = JSON.parse(run("anova", cbpp, "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", CBPP, "--family", "binomial", "--json").stdout);
    const anovaRef = fixture("cbpp-binomial").anova;
    expect(a.npar).toEqual(anovaRef.npar);
    expect(Math.abs(a.Chisq[1] - anovaRef.Chisq[1])).toBeLessThan(1e-4);
    expect(run("anova", cbpp, "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", CBPP, "--family", "binomial").stdout).toMatch(/^Models:\nm1: .*\nm2: /);
    expect(expectErrorShape(run("anova", cbpp, CBPP, "--family", "binomial"))).toMatch(/^the F tests of one model's terms are for linear models/);

    const c = JSON.parse(run("confint", cbpp, CBPP, "--family", "binomial", "--method", "Wald", "--json").stdout);
    expect(c.parameters).toEqual(["(Intercept)", "factor(period)2", "factor(period)3", "factor(period)4"]);
    expect(run("confint", cbpp, CBPP, "--family", "binomial", "--method", "Wald").stdout).toMatch(/^ +2\.5 % +97\.5 %\n\(Intercept\) /);
    for (const command of ["predict", "anova", "confint"]) {
      const formulas = command === "anova" ? [CBPP, CBPP] : [CBPP];
      expect(expectErrorShape(run(command, cbpp, ...formulas, "--family", "binomial", "--ml")), command).toMatch(/^--ml makes no sense with --family/);
      expect(expectErrorShape(run(command, cbpp, CBPP, "--link", "probit")), command).toMatch(/^--link is for a generalized model/);
    }
  });

  it("--json prints the glmer model's JSON: lmer's fields that apply, and family, link, nAGQ", () => {
    const r = run("fit", cbpp, CBPP, "--family", "binomial", "--nagq", "25", "--json");
    expect(r.code).toBe(0);
    const fit = JSON.parse(r.stdout);
    for (const k of ["nobs", "ngrps", "fixef", "se", "vcov", "theta", "theta_names", "sigma", "varcorr", "logLik", "df", "AIC", "BIC",
      "deviance", "isSingular", "ranef", "fitted", "residuals", "warnings", "optimizer", "timings", "family", "link", "nAGQ", "coefficients"]) expect(fit, k).toHaveProperty(k);
    expect(fit).not.toHaveProperty("REML");
    expect([fit.family, fit.link, fit.nAGQ, fit.nobs, fit.df, fit.sigma]).toEqual(["binomial", "logit", 25, 56, 5, 1]);
    const ref = fixture("cbpp-binomial-agq25");
    expect(Math.abs(fit.logLik - ref.logLik)).toBeLessThan(1e-5);
    for (const [name, b] of Object.entries(ref.beta as Record<string, number>)) expect(Math.abs(fit.fixef[name] - b) / ref.se[name], name).toBeLessThan(1e-3);
    expect(fit.coefficients.statisticName).toBe("z value");
    expect(fit.fitted).toHaveLength(56);
  });

  it("refuses options that make no sense for a generalized model, and bad values, in one line", () => {
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--ml"))).toMatch(/^--ml makes no sense with --family/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--ddf", "Satterthwaite"))).toMatch(/^--ddf makes no sense with --family/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--link", "probit"))).toBe("--link is for a generalized model: add --family, such as --family binomial");
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--nagq", "9"))).toMatch(/^--nagq is for a generalized model/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--nagq", "nine"))).toMatch(/^invalid --nagq "nine"; use a whole number/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--nagq", "30"))).toBe("invalid --nagq \"30\"; use a whole number from 0 to 25 (1, the default, is the Laplace approximation)");
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomal"))).toMatch(/^family "binomal" is not one glmer fits/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--link", "sqrt"))).toMatch(/sqrt/);
    expect(expectErrorShape(run("fit", cbpp, CBPP, "--family", "binomial", "--family", "poisson"))).toBe("--family given 2 times; give it once");
    expect(expectErrorShape(run("fit", cbpp, "mixed incidence period || herd:", "--syntax", "stata", "--family", "binomial"))).toMatch(/^--syntax stata reads Stata's mixed command/);
  });
});

describe("lmm fit --json", () => {
  const fields = [
    "nobs", "ngrps", "fixef", "se", "vcov", "theta", "sigma", "varcorr", "logLik", "df", "AIC", "BIC",
    "deviance", "REMLcrit", "isSingular", "ranef", "fitted", "residuals", "warnings", "optimizer", "timings"
  ];

  function jsonOf(...argv: string[]): Record<string, any> {
    const r = run(...argv);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.endsWith("\n")).toBe(true);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    return JSON.parse(r.stdout);
  }

  it("prints one JSON object with the contract's fields, matching lme4", () => {
    const fit = jsonOf("fit", sleepstudy, SLOPE, "--json");
    for (const k of fields) expect(fit, k).toHaveProperty(k);
    expect(fit.nobs).toBe(180);
    expect(fit.ngrps).toEqual({Subject: 18});
    expect(Object.keys(fit.fixef)).toEqual(["(Intercept)", "Days"]);
    expect(fit.vcov).toHaveLength(2);
    expect(fit.theta).toHaveLength(3);
    expect(typeof fit.REMLcrit).toBe("number");
    expect(fit.isSingular).toBe(false);
    expect(fit.df).toBe(6);
    expect(fit.fitted).toHaveLength(180);
    expect(fit.residuals).toHaveLength(180);
    expect(fit.warnings).toEqual([]);
    expect(Object.keys(fit.ranef).sort()).toEqual(["condsd", "condval", "grp", "grpvar", "term"]);
    expect(fit.ranef.condval).toHaveLength(36);
    const opt = fit.optimizer;
    expect(typeof opt.name).toBe("string");
    expect(opt.name.length).toBeGreaterThan(0);
    expect(Number.isInteger(opt.evaluations) && opt.evaluations > 0).toBe(true);
    expect(typeof opt.seconds === "number" && opt.seconds >= 0).toBe(true);
    expect(opt.converged).toBe(true);
    // the whole call's stages in ms (their sizes are not asserted: wall-clock time varies)
    const stages = ["formula", "frame", "crossProducts", "optimization", "checks"];
    expect(Object.keys(fit.timings).sort()).toEqual([...stages, "total"].sort());
    for (const k of [...stages, "total"]) expect(Number.isFinite(fit.timings[k]) && fit.timings[k] >= 0, k).toBe(true);
    expect(stages.reduce((s, k) => s + fit.timings[k], 0)).toBeLessThanOrEqual(fit.timings.total * (1 + 1e-12));
    expect(compareWithLme4(loadReference("sleepstudy-slope"), fit as FitJSON).bad).toEqual([]);
  });

  it("--syntax stata reads a Stata mixed command (ML unless reml) and matches lme4's fit of the formula it means", () => {
    const cps = join(root, "datasets", "CPS1985.csv");
    const stataRef = (id: string) => JSON.parse(readFileSync(join(root, "test", "fixtures", "stata", `${id}.json`), "utf8"));
    const ml = stataRef("guide-both");
    const fit = jsonOf("fit", cps, ml.stata, "--syntax", "stata", "--json");
    expect(fit.REMLcrit).toBeNull();
    expect(compareWithLme4(ml, fit as FitJSON).bad).toEqual([]);
    const reml = stataRef("unstructured-reml");
    expect(compareWithLme4(reml, jsonOf("fit", cps, reml.stata, "--syntax", "stata", "--json") as FitJSON).bad).toEqual([]);
    const printed = run("fit", cps, ml.stata, "--syntax", "stata").stdout;
    expect(printed).toContain("Formula: wage ~ experience + married + (experience || occupation)");
    expect(expectErrorShape(run("fit", cps, ml.stata))).toBe('"mixed wage experience married || occupat" is a Stata command, not an lme4 formula: add --syntax stata');
    expect(expectErrorShape(run("fit", cps, SLOPE, "--syntax", "spss"))).toBe('unknown --syntax "spss"; use lme4, stata, zelig or levels');
    expect(expectErrorShape(run("fit", cps, "mixed wage x || g", "--syntax", "stata"))).toContain('has no ":"');
  });

  it("--syntax zelig reads Zelig's formula or its {mu, gamma} list as JSON and matches lme4's fit of the expansion", () => {
    const exam = join(root, "datasets", "Exam.csv");
    const ref = JSON.parse(readFileSync(join(root, "test", "fixtures", "zelig", "Exam-slopes-as-outcomes.json"), "utf8"));
    const fit = jsonOf("fit", exam, JSON.stringify(ref.zelig), "--syntax", "zelig", "--json");
    expect(compareWithLme4(ref, fit as FitJSON).bad).toEqual([]);
    expect(run("fit", exam, "normexam ~ standLRT + tag(1 | school)", "--syntax", "zelig").code).toBe(0);
    expect(expectErrorShape(run("fit", exam, "{mu: normexam}", "--syntax", "zelig"))).toContain("is not JSON: write it as");
    const levels = "j = school; normexam_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij; β0j = γ00 + γ01·schavg_j + u0j; β1j = γ10 + γ11·schavg_j + u1j";
    expect(compareWithLme4(ref, jsonOf("fit", exam, levels, "--syntax", "levels", "--json") as FitJSON).bad).toEqual([]);
  });

  it("--ml gives REMLcrit null and lme4's ML fit", () => {
    const fit = jsonOf("fit", sleepstudy, SLOPE, "--ml", "--json");
    expect(fit.REMLcrit).toBeNull();
    expect(fit.logLik).toBeCloseTo(-fit.deviance / 2, 10);
    expect(compareWithLme4(loadReference("sleepstudy-slope-ml"), fit as FitJSON).bad).toEqual([]);
  });

  it("options may come anywhere after the command", () => {
    const fit = jsonOf("fit", "--json", sleepstudy, SLOPE, "--ml");
    expect(fit.REMLcrit).toBeNull();
  });

  it("a singular fit reports its warning in the JSON", () => {
    const fit = jsonOf("fit", join(root, "datasets", "Dyestuff2.csv"), "Yield ~ 1 + (1 | Batch)", "--json");
    expect(fit.isSingular).toBe(true);
    expect(fit.warnings.some((w: string) => /singular/.test(w))).toBe(true);
    expect(compareWithLme4(loadReference("Dyestuff2-singular"), fit as FitJSON).bad).toEqual([]);
  });
});

describe("errors: one line on stderr starting `lmm: `, exit code 2, no stack trace", () => {
  it("a missing file", () => {
    const msg = expectErrorShape(run("fit", join(dir, "nope.csv"), SLOPE));
    expect(msg).toMatch(/cannot read csv file .*nope\.csv: no such file/);
  });

  it("a directory instead of a file", () => {
    expect(expectErrorShape(run("fit", dir, SLOPE))).toMatch(/is a directory/);
  });

  it("a bad formula", () => {
    const msg = expectErrorShape(run("fit", sleepstudy, "Reaction ~ Days + (Days | Subject"));
    expect(msg).toMatch(/formula syntax error at position 19/);
  });

  it("a formula the data cannot fit (unknown column)", () => {
    expect(expectErrorShape(run("fit", sleepstudy, "Reaction ~ Dayz + (1 | Subject)"))).toMatch(/unknown column: Dayz/);
  });

  it("an unknown option", () => {
    const msg = expectErrorShape(run("fit", sleepstudy, SLOPE, "--reml"));
    expect(msg).toMatch(/unknown option --reml/);
    expect(msg).toMatch(/--ml, --json/);
  });

  it("a flag given a value", () => {
    expect(expectErrorShape(run("fit", sleepstudy, SLOPE, "--json=yes"))).toMatch(/--json takes no value/);
  });

  it("missing arguments", () => {
    expect(expectErrorShape(run("fit", sleepstudy))).toMatch(/fit needs a CSV file and a formula/);
    expect(expectErrorShape(run("fit"))).toMatch(/usage: lmm fit/);
  });

  it("no command at all is a usage error on stderr", () => {
    expect(expectErrorShape(run())).toMatch(/usage: lmm fit/);
  });

  it("an unknown command and an unquoted formula", () => {
    expect(expectErrorShape(run("fitt", sleepstudy, SLOPE))).toMatch(/unknown command: fitt/);
    const msg = expectErrorShape(run("fit", sleepstudy, "Reaction", "~", "Days + (1 | Subject)"));
    expect(msg).toMatch(/unexpected argument/);
    expect(msg).toMatch(/quote the formula/);
  });

  it("a malformed CSV file", () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, 'y,g\n1,"a\n2,b\n');
    const msg = expectErrorShape(run("fit", bad, "y ~ (1 | g)"));
    expect(msg).toMatch(/bad\.csv/);
    expect(msg).toMatch(/unterminated quoted field/);
  });
});

/**
 * The files of src/cli and what each imports from its folder (`from "./x.js"`, `import "./x.js"` and
 * `import("./x.js")`, type-only imports included), read from the source text.
 */
function cliImports(): Map<string, string[]> {
  const folder = join(root, "src", "cli");
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts")).sort()) {
    const text = readFileSync(join(folder, file), "utf8");
    const local = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']\.\/([^"'/]+)\.js["']/g;
    graph.set(file, [...new Set([...text.matchAll(local)].map((m) => `${m[1]}.ts`))]);
  }
  return graph;
}

/** A cycle of the graph as a path that ends where it starts, or null when there is none (depth-first search). */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("the CLI's files: main dispatches, commands share args.ts, no import circle", () => {
  it("finds a circle when there is one (the check below is not vacuous)", () => {
    expect(findCycle(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]))).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
    expect(findCycle(new Map([["a.ts", ["b.ts", "c.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]]))).toBeNull();
  });

  it("src/cli/*.ts import each other without a circle; main imports every command and nothing imports main", () => {
    const graph = cliImports();
    expect(findCycle(graph)).toBeNull();
    for (const [file, imports] of graph) {
      for (const target of imports) expect(graph.has(target), `${file} imports ./${target}, which is not in src/cli`).toBe(true);
      expect(imports, `${file} imports main.ts`).not.toContain("main.ts");
    }
    const commands = [...COMMANDS.keys()].map((name) => `${name}.ts`);
    expect(commands.sort()).toEqual(["anova.ts", "confint.ts", "fit.ts", "predict.ts", "sim.ts", "translate.ts"]);
    expect([...graph.get("main.ts")!].sort()).toEqual(["args.ts", ...commands].sort());
    for (const command of commands) expect(graph.get(command), command).toEqual(["args.ts"]);
    expect(graph.get("args.ts")).toEqual([]);
  });

  // for each command, one option it reads once; the refusal comes before the data are read or a model fitted
  const once: Record<string, string> = {fit: "ddf", sim: "n", anova: "type", confint: "method", predict: "re", translate: "to"};
  const values: Record<string, [string, string]> = {ddf: ["Satterthwaite", "Kenward-Roger"], n: ["10", "20"], type: ["1", "2"],
    method: ["Wald", "profile"], re: ["all", "none"], to: ["lme4", "stata"]};

  it("every command has a case below", () => {
    expect(Object.keys(once).sort()).toEqual([...COMMANDS.keys()].sort());
  });

  for (const [command, option] of Object.entries(once)) {
    it(`lmm ${command}: an option given twice is refused in the one wording`, () => {
      const [a, b] = values[option];
      const r = run(command, sleepstudy, SLOPE, `--${option}`, a, `--${option}=${b}`);
      expect(expectErrorShape(r)).toBe(`--${option} given 2 times; give it once`);
      expect(run(command, sleepstudy, SLOPE, `--${option}`, a, `--${option}`, a, `--${option}`, b).stderr).toBe(`lmm: --${option} given 3 times; give it once\n`);
    });
  }

  it("an unknown option is refused by every command", () => {
    for (const command of COMMANDS.keys()) expect(expectErrorShape(run(command, sleepstudy, SLOPE, "--reml")), command).toMatch(/^unknown option --reml; the options are --ml, --json/);
  });
});

describe("awkward CSV files fit like the clean one", () => {
  it("a byte-order mark, CRLF line ends and quoted fields holding commas", () => {
    const clean = readFileSync(sleepstudy, "utf8").trimEnd().split("\n");
    const header = clean[0];
    const rows = clean.slice(1).map((line) => {
      const [reaction, days, subject] = line.split(",");
      return `${reaction},${days},"subject ${subject}, group ""${Number(subject) % 3}"""`;
    });
    const messy = join(dir, "messy sleepstudy.csv");
    writeFileSync(messy, "\uFEFF" + [header, ...rows].join("\r\n") + "\r\n");
    const a = JSON.parse(run("fit", messy, SLOPE, "--json").stdout);
    const b = JSON.parse(run("fit", sleepstudy, SLOPE, "--json").stdout);
    expect(a.nobs).toBe(180);
    expect(a.ngrps).toEqual({Subject: 18});
    expect(a.fixef).toEqual(b.fixef);
    expect(a.theta).toEqual(b.theta);
    expect(a.sigma).toBe(b.sigma);
    expect(a.REMLcrit).toBe(b.REMLcrit);
    expect(a.ranef.grp[0]).toBe('subject 308, group "2"');
    expect(a.ranef.condval).toEqual(b.ranef.condval);

    // CR-only line ends and a trailing blank line, too
    const cr = join(dir, "cr.csv");
    writeFileSync(cr, readFileSync(sleepstudy, "utf8").replace(/\n/g, "\r") + "\r");
    const c = JSON.parse(run("fit", cr, SLOPE, "--json").stdout);
    expect(c.fixef).toEqual(b.fixef);
    expect(c.REMLcrit).toBe(b.REMLcrit);
  });

  it("a file name with spaces and the summary's data name", () => {
    const spaced = join(dir, "my data.csv");
    writeFileSync(spaced, readFileSync(sleepstudy, "utf8"));
    const r = run("fit", spaced, SLOPE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Data: my data/);
  });
});

describe("bin/lmm.js", () => {

  it("exits 2 with one `lmm: ` line on stderr on an error, 0 with JSON on stdout on success", () => {
    const bad = spawnSync(process.execPath, ["bin/lmm.js", "fit", "no-such-file.csv", SLOPE], {cwd: root, encoding: "utf8"});
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^lmm: cannot read csv file no-such-file\.csv: no such file[^\n]*\n$/);
    expect(bad.stderr).not.toMatch(/^\s*at /m);

    const good = spawnSync(process.execPath, ["bin/lmm.js", "fit", "datasets/sleepstudy.csv", SLOPE, "--json"], {cwd: root, encoding: "utf8"});
    expect(good.status).toBe(0);
    expect(good.stderr).toBe("");
    expect(JSON.parse(good.stdout).nobs).toBe(180);
  });

  it("is one module: dist/cli.js imports only Node's built-ins, and holds no plot, notebook or worker code, nor arquero's parser or Arrow", () => {
    const code = readFileSync(join(root, "dist", "cli.js"), "utf8");
    const imports = [...code.matchAll(/^import\s[^;]*?from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]);
    expect(imports.filter((id) => !id.startsWith("node:"))).toEqual([]);
    const sources: string[] = JSON.parse(readFileSync(join(root, "dist", "cli.js.map"), "utf8")).sources;
    expect(sources.some((s) => s.endsWith("src/lmm/fit.ts"))).toBe(true);
    expect(sources.filter((s) => /src\/(plot|reactive)\/|helper-worker|fit-worker|@observablehq|flechette|\/acorn\//.test(s))).toEqual([]);
  });
});

describe("hostile input: every limit is one `lmm: ` line and exit code 2", () => {
  it("a device such as /dev/urandom is refused before it is read (was: read forever)", () => {
    const message = expectErrorShape(run("fit", "/dev/urandom", SLOPE));
    expect(message).toBe("cannot read csv file /dev/urandom: it is not a regular file (a device, pipe or socket); save the data to a .csv file first");
  });

  it("a binary file, a file in another encoding and a header without rows", () => {
    const binary = join(dir, "binary.csv");
    writeFileSync(binary, Buffer.from([0x52, 0x2c, 0x44, 0x0a, 0x00, 0x01, 0x02, 0xff, 0xfe]));
    expect(expectErrorShape(run("fit", binary, SLOPE))).toMatch(/it has a NUL byte at byte 5, so it is a binary file, not csv text/);
    const latin1 = join(dir, "latin1.csv");
    writeFileSync(latin1, Buffer.from("Reaction,Days,Subject\n1,2,caf\xe9\n", "latin1"));
    expect(expectErrorShape(run("fit", latin1, SLOPE))).toMatch(/it is not UTF-8 text .*; save it as UTF-8 csv$/);
    const header = join(dir, "header.csv");
    writeFileSync(header, "Reaction,Days,Subject\n");
    expect(expectErrorShape(run("fit", header, SLOPE))).toBe(
      `${header}: the csv has no data rows, only the header (Reaction, Days, Subject); add the data below the header line`,
    );
  });

  it("sim --n over 1e6 draws (was 3.5 GB for --n 1000000000), confint --nsim over 1e5 refits", () => {
    const vote = join(root, "datasets", "voteincome.csv");
    expect(expectErrorShape(run("sim", vote, "income ~ education + (1 | state)", "--n", "1000000000", "--seed", "1"))).toBe(
      "n = 1000000000 draws is over the limit of 1000000; use fewer draws (1000 is usually enough)",
    );
    const dyes = join(root, "datasets", "Dyestuff.csv");
    expect(expectErrorShape(run("confint", dyes, "Yield ~ 1 + (1 | Batch)", "--method", "boot", "--nsim", "1000000", "--seed", "1"))).toBe(
      "nsim = 1000000 refits is over the limit of 100000; use fewer refits (lme4's confint uses 500)",
    );
  });

  it("a formula over the limits is refused with the limit named and quoted cut", () => {
    const message = expectErrorShape(run("fit", sleepstudy, "Reaction ~ " + "(".repeat(3000) + "Days" + ")".repeat(3000) + " + (1 | Subject)"));
    expect(message).toMatch(/^formula syntax error at position 212: nesting deeper than 200 levels in "…\(+…": the limit is 200 levels/);
    expect(message.length).toBeLessThan(500);
  });

  it("lme4's Yield ~ 1 | Batch fits", () => {
    const r = run("fit", join(root, "datasets", "Dyestuff.csv"), "Yield ~ 1 | Batch");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Formula: Yield ~ 1 | Batch");
    expect(r.stdout).toMatch(/\(Intercept\)\s+1527\.5/);
  });

  it("a file too big for the JavaScript heap is refused with `lmm: `, not a V8 out-of-memory crash (exit 134)", () => {
    // 1 million rows (16 MB, 3 million cells) under a 100 MB heap: measured to die of out-of-memory before the limits
    const big = join(dir, "big.csv");
    const rows = Array.from({length: 1_000_000}, (_, i) => `${250 + (i % 97) / 7},${i % 10},S${i % 1000}`);
    writeFileSync(big, "Reaction,Days,Subject\n" + rows.join("\n") + "\n");
    const r = spawnSync(process.execPath, ["--max-old-space-size=100", "bin/lmm.js", "fit", big, "Reaction ~ Days + (1 | Subject)"], {cwd: root, encoding: "utf8"});
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lmm: \S+big\.csv: the csv has 3000003 cells \(header included\), over the limit of \d+ cells: use fewer rows or columns; the cell limit follows the JavaScript heap \([\d.]+ MB\): node --max-old-space-size raises it\n$/);
  });
});

describe("lmm translate", () => {
  const translate = (...argv: string[]) => {
    const r = run("translate", ...argv);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r.stdout.trimEnd();
  };
  const LEVELS = "j = school\nnormexam_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij\nβ0j = γ00 + γ01·schavg_j + u0j\nβ1j = γ10 + γ11·schavg_j + u1j";

  it("writes the model of one notation in another", () => {
    expect(translate("mixed wage tenure married || occupation: tenure || age: tenure", "--from", "stata", "--to", "lme4")).toBe("wage ~ tenure + married + (tenure || occupation) + (tenure || occupation:age)");
    expect(translate("wage ~ tenure + married + (tenure || occupation)", "--from", "lme4", "--to", "stata", "--ml")).toBe("mixed wage tenure married || occupation: tenure");
    expect(translate("wage ~ tenure + married + (tenure || occupation)", "--from", "lme4", "--to", "stata")).toBe("mixed wage tenure married || occupation: tenure, reml");
    expect(translate('{"mu": "normexam ~ standLRT + sex + tag(1 + standLRT, gamma | school)", "gamma": "~ tag(schavg | school)"}', "--from", "zelig", "--to", "levels")).toBe(LEVELS);
    expect(translate(LEVELS, "--from", "levels", "--to", "levels")).toBe(LEVELS);
    expect(translate("mixed wage tenure || occupation: tenure, cov(un)", "--from", "stata", "--to", "zelig")).toBe("wage ~ tenure + tag(1 + tenure | occupation)");
    // three levels: Stata's nested levels as π/β/γ equations, with school-level covariates from --level3
    const three = "k = school\nj = class\ny_ijk = π0jk + π1·x_ijk + e_ijk\nπ0jk = β00k + r0jk\nβ00k = γ000 + γ001·w_k + u00k";
    expect(translate("mixed y x w || school: || class:", "--from", "stata", "--to", "levels", "--level3", "w")).toBe(three);
    expect(translate(three, "--from", "levels", "--to", "stata")).toBe("mixed y w x || school: || class:, reml");
    expect(translate(three, "--from", "levels", "--to", "levels")).toBe(three);
    // level-2 covariates (from the level equations, or --level2) go back into Zelig's gamma equation, as JSON
    const list = {mu: "normexam ~ standLRT + sex + tag(1 + standLRT, gamma | school)", gamma: "~ tag(schavg | school)"};
    expect(JSON.parse(translate(LEVELS, "--from", "levels", "--to", "zelig"))).toEqual(list);
    expect(JSON.parse(translate(JSON.stringify(list), "--from", "zelig", "--to", "zelig"))).toEqual(list);
    expect(JSON.parse(translate("normexam ~ standLRT + sex + schavg + standLRT:schavg + (standLRT | school)", "--from", "lme4", "--to", "zelig", "--level2", "schavg"))).toEqual(list);
    expect(translate("normexam ~ standLRT + schavg + standLRT:schavg + (standLRT | school)", "--from", "lme4", "--to", "levels", "--level2", "schavg")).toBe("j = school\nnormexam_ij = β0j + β1j·standLRT_ij + e_ij\nβ0j = γ00 + γ01·schavg_j + u0j\nβ1j = γ10 + γ11·schavg_j + u1j");
  });

  it("refuses an unknown notation, a missing one and what the target cannot say, in one line", () => {
    expect(expectErrorShape(run("translate", "y ~ x + (1 | g)", "--from", "spss", "--to", "lme4"))).toBe('--from "spss" is not a notation; use lme4, zelig, stata, levels');
    expect(expectErrorShape(run("translate", "y ~ x + (1 | g)", "--from", "lme4"))).toBe("--to is needed; use lme4, zelig, stata, levels");
    expect(expectErrorShape(run("translate", "y ~ log(x) + (1 | g)", "--from", "lme4", "--to", "stata"))).toContain("the term log(x) is not a column or factor(column)");
    expect(expectErrorShape(run("translate", "--from", "lme4", "--to", "stata"))).toContain("translate needs a model");
  });
});

describe("lmm fit --correlation / --variance (nlme's residual structures)", () => {
  const nlme = (id: string) => JSON.parse(readFileSync(join(root, "test", "fixtures", "nlme", `${id}.json`), "utf8"));
  it("give the fit of lmer's correlation and variance options, with corStruct and varStruct in the JSON", () => {
    const ref = nlme("BodyWeight-varPower-CAR1-reml");
    const a = JSON.parse(run("fit", join(root, "datasets", "BodyWeight.csv"), ref.formula, "--correlation", ref.correlation, "--variance", ref.variance, "--json").stdout);
    expect(a.logLik).toBeGreaterThanOrEqual(ref.logLik - 1e-6 * Math.abs(ref.logLik));
    expect(Math.abs(a.corStruct.Phi / ref.corStruct.Phi - 1)).toBeLessThan(2e-3);
    expect(Math.abs(a.varStruct.power / ref.varStruct.power - 1)).toBeLessThan(2e-3);
    expect(a.correlation).toBe("corCAR1(form = ~ Time | Rat)");
    const ortho = join(root, "datasets", "Orthodont.csv");
    expect(run("fit", ortho, "distance ~ age + (1 | Subject)", "--variance", "varIdent(form = ~ 1 | Sex)").stdout).toMatch(/Linear mixed model/);
    expect(expectErrorShape(run("fit", ortho, "distance ~ age + (1 | Subject)", "--variance", "varIdnet(form = ~ 1 | Sex)"))).toMatch(/^unknown variance structure "varIdnet"/);
    expect(expectErrorShape(run("fit", ortho, "distance ~ age + (1 | Subject)", "--correlation", "corAR1()", "--family", "gaussian"))).toMatch(/^--correlation and --variance are for linear models/);
  });
});
