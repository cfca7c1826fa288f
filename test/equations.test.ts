/**
 * Models written back as equations (src/notation/equations.ts): level-1/level-2 equations and the matrix
 * form, in Unicode text and TeX, with the estimates of a fit filled in (Exam's slopes-as-outcomes model, whose
 * lme4 fit is test/fixtures/zelig/Exam-slopes-as-outcomes.json), the lme4 formula and the Stata command.
 */
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {lmer} from "../src/lmm/fit.js";
import {equations} from "../src/notation/equations.js";
import {readLevels} from "../src/notation/levels.js";
import {dataset} from "./helpers/fits.js";

const TEXT = "j = school; normexam_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij; β0j = γ00 + γ01·schavg_j + u0j; β1j = γ10 + γ11·schavg_j + u1j";
const model = readLevels(TEXT);
const ref = JSON.parse(readFileSync(new URL("./fixtures/zelig/Exam-slopes-as-outcomes.json", import.meta.url), "utf8"));
/** lme4's estimate to four significant digits, as the equations print it. */
const four = (x: number) => Number(x.toPrecision(4));

describe("equations", () => {
  const fit = lmer(model.spec, dataset("Exam"));

  it("write an unfitted spec's level equations with their distributions", () => {
    expect(equations(model.spec, {level2: model.level2})).toBe(
      "j = school\nnormexam_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij\nβ0j = γ00 + γ01·schavg_j + u0j\nβ1j = γ10 + γ11·schavg_j + u1j\n(u0j, u1j) ~ N(0, G)\ne_ij ~ N(0, σ²)"
    );
  });

  it("fill a fit's estimates into the level equations: each γ, a fixed β (a two-level factor's indicator), G and σ²", () => {
    const text = equations(fit, {level2: ["schavg"]});
    expect(text).toBe(
      "j = school\nnormexam_ij = β0j + β1j·standLRT_ij - 0.1732·sexM_ij + e_ij\nβ0j = 0.06682 + 0.3567·schavg_j + u0j\nβ1j = 0.5543 + 0.1638·schavg_j + u1j\n" +
        "(u0j, u1j) ~ N(0, G), G = [0.07344, 0.01202; 0.01202, 0.01232]\ne_ij ~ N(0, σ²), σ² = 0.5503"
    );
    // the printed numbers are lme4's to four significant digits
    expect([0.06682, 0.3567, 0.5543, 0.1638, -0.1732]).toEqual(["(Intercept)", "schavg", "standLRT", "standLRT:schavg", "sexM"].map((n) => four(ref.fixef[n])));
    expect(0.5503).toBe(four(ref.sigma ** 2));
    const vc = (v1: string, v2: string | null) => ref.varcorr.find((r: {var1: string; var2: string | null}) => r.var1 === v1 && r.var2 === v2).vcov;
    expect([0.07344, 0.01202, 0.01232]).toEqual([vc("(Intercept)", null), vc("(Intercept)", "standLRT"), vc("standLRT", null)].map(four));
  });

  it("write TeX for KaTeX and Notebook Kit's tex: an aligned block, Greek subscripts, variables as text", () => {
    expect(equations(fit, {level2: ["schavg"], format: "tex"})).toBe([
      "\\begin{aligned}",
      "&j = \\text{school} \\\\",
      "\\text{normexam}_{ij} & = \\beta_{0j} + \\beta_{1j}\\,\\text{standLRT}_{ij} - 0.1732\\,\\text{sexM}_{ij} + e_{ij} \\\\",
      "\\beta_{0j} & = 0.06682 + 0.3567\\,\\text{schavg}_{j} + u_{0j} \\\\",
      "\\beta_{1j} & = 0.5543 + 0.1638\\,\\text{schavg}_{j} + u_{1j} \\\\",
      "(u_{0j}, u_{1j}) & \\sim N(0, G), G = \\begin{bmatrix}0.07344 & 0.01202 \\\\ 0.01202 & 0.01232\\end{bmatrix} \\\\",
      "e_{ij} & \\sim N(0, \\sigma^2), \\sigma^2 = 0.5503",
      "\\end{aligned}"
    ].join("\n"));
  });

  it("write the matrix form with β̂, Ĝ and σ̂², the lme4 formula and the Stata command", () => {
    expect(equations(fit, {form: "matrix"})).toBe(
      "y = Xβ + Zb + ε\nb ~ N(0, G), ε ~ N(0, σ²I), b and ε independent\n" +
        "β = ((Intercept): 0.06682, standLRT: 0.5543, sexM: -0.1732, schavg: 0.3567, standLRT:schavg: 0.1638)\n" +
        "G[school] = [0.07344, 0.01202; 0.01202, 0.01232], one block per level\nσ² = 0.5503"
    );
    const tex = equations(fit, {form: "matrix", format: "tex"});
    expect(tex).toContain("\\hat\\beta_{\\text{standLRT:schavg}} &= 0.1638");
    expect(tex).toContain("\\hat G_{\\text{school}} &= \\begin{bmatrix}0.07344 & 0.01202 \\\\ 0.01202 & 0.01232\\end{bmatrix}");
    expect(equations(fit, {form: "lme4"})).toBe("normexam ~ standLRT + sex + schavg + standLRT:schavg + (1 + standLRT | school)");
    expect(equations(fit, {form: "lme4", format: "tex"})).toBe("\\texttt{normexam \\textasciitilde{} standLRT + sex + schavg + standLRT:schavg + (1 + standLRT | school)}");
    expect(equations(fit, {form: "stata"})).toBe("mixed normexam standLRT sex schavg c.standLRT#c.schavg || school: standLRT, cov(un) reml");
  });

  it("balances every TeX brace and environment", () => {
    for (const form of ["levels", "matrix", "lme4", "stata"] as const) {
      const tex = equations(fit, {form, format: "tex", level2: ["schavg"]});
      let depth = 0;
      for (const c of tex.replace(/\\[{}]/g, "")) {
        depth += c === "{" ? 1 : c === "}" ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth, form).toBe(0);
      expect(tex.split("\\begin{").length).toBe(tex.split("\\end{").length);
    }
  });

  it("refuses unknown options and values, naming the fix", () => {
    expect(() => equations(fit, {form: "latex" as "levels"})).toThrow('invalid form: the string "latex"; use "levels", "matrix", "lme4" or "stata"');
    expect(() => equations(fit, {format: "html" as "tex"})).toThrow('invalid format: the string "html"; use "text" or "tex"');
    expect(() => equations(fit, {digits: 0})).toThrow("invalid digits: the number 0; give a whole number from 1 to 15");
    expect(() => equations(fit, {levels: 2} as never)).toThrow('unknown option "levels" of equations');
    expect(() => equations(lmer("normexam ~ vr + (1 | school)", dataset("Exam")))).toThrow("the fitted model has 2 columns for vr");
  });
});
