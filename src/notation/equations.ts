/**
 * A model written as equations, in plain text or TeX (for Notebook Kit's `tex`): its lme4 formula, its Stata
 * command, its level-1/level-2 equations or its matrix form, with the estimates filled in when it is fitted.
 */
import {describeValue, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {deparse} from "../formula/deparse.js";
import {optionNames, readOptions} from "../options.js";
import {formatR} from "../rformat/format-r.js";
import {levelEquations} from "./levels.js";
import {writeStata} from "./stata.js";

/** What a fitted model gives the equations (a LinearMixedModel has all of it). */
export interface FittedEquations {
  formulaSpec: ModelSpec;
  fixef: Record<string, number>;
  varCorr: {grp: string; var1: string | null; var2: string | null; vcov: number; sdcor: number}[];
  sigma: number;
  REML: boolean;
}

/** Options of {@link equations}. */
export interface EquationsOptions {
  /** Which notation: "levels" (default), "matrix", "lme4" or "stata". */
  form?: "levels" | "matrix" | "lme4" | "stata";
  /** "text" (default, Unicode) or "tex". */
  format?: "text" | "tex";
  /** The level-2 (group-level) covariates, for the level equations. */
  level2?: readonly string[];
  /** The grouping column, for level equations of a model without random terms. */
  group?: string;
  /** The level-3 (school-level) covariates, for the equations of a three-level model. */
  level3?: readonly string[];
  /** Significant digits of the estimates (default 4). */
  digits?: number;
}

const EQUATIONS_OPTIONS = optionNames<EquationsOptions>({form: true, format: true, level2: true, group: true, level3: true, digits: true});
const FORMS = ["levels", "matrix", "lme4", "stata"];

const isFitted = (m: ModelSpec | FittedEquations): m is FittedEquations =>
  typeof m === "object" && m !== null && "formulaSpec" in m && "fixef" in m;

/**
 * The model as equations. `form: "levels"` gives the level-1 and level-2 equations (one grouping factor,
 * as {@link levelEquations}), with each γ (and each fixed β) replaced by its estimate, the level-2 residuals'
 * covariance G and the residual variance σ² when the model is fitted; for a model grouped by k and k:j
 * (`(1 | school/class)`) the three-level equations (π, β, γ; `level3` names the school-level covariates), with
 * T_β the covariance of the schools' u's and T_π that of the classes' r's; `"matrix"` gives
 * y = Xβ + Zb + ε, b ~ N(0, G), ε ~ N(0, σ²I) with β̂, each term's block of G and σ̂²; `"lme4"` the formula;
 * `"stata"` the `mixed` command. `format: "tex"` writes TeX (an `aligned` block for equations) for
 * Notebook Kit's `tex` or KaTeX; `"text"` plain Unicode lines.
 *
 * Reference: Raudenbush & Bryk (2002), Hierarchical Linear Models, ch. 2 and 5; Laird & Ware (1982),
 * Biometrics 38, 963–974 (the matrix form); Bates et al. (2015), JSS 67(1), §1.
 *
 * @example
 *   equations(lmer("normexam ~ standLRT + (standLRT | school)", Exam), {form: "levels"});
 *   // "j = school\nnormexam_ij = β0j + β1j·standLRT_ij + e_ij\nβ0j = -0.01165 + u0j\n…"
 */
export function equations(model: ModelSpec | FittedEquations, given?: EquationsOptions): string {
  const options = readOptions(given, EQUATIONS_OPTIONS, "equations");
  const form = options.form ?? "levels";
  const format = options.format ?? "text";
  if (!FORMS.includes(form)) fail(`invalid form: ${describeValue(form)}; use "levels", "matrix", "lme4" or "stata"`);
  if (format !== "text" && format !== "tex") fail(`invalid format: ${describeValue(format)}; use "text" or "tex"`);
  const digits = options.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) fail(`invalid digits: ${describeValue(digits)}; give a whole number from 1 to 15`);
  if (typeof model !== "object" || model === null) fail(`invalid model: ${describeValue(model)}; give a fitted model or a formula's spec`);
  const fitted = isFitted(model) ? model : null;
  const spec = fitted ? fitted.formulaSpec : (model as ModelSpec);
  const number = (x: number) => formatR([x], {digits})[0].trim();
  if (form === "lme4") {
    const text = spec.tree ? `${deparse(spec.tree.response)} ~ ${deparse(spec.tree.rhs)}` : spec.text;
    return format === "tex" ? `\\texttt{${texEscape(text)}}` : text;
  }
  if (form === "stata") {
    const text = writeStata(spec, fitted ? fitted.REML : true);
    return format === "tex" ? `\\texttt{${texEscape(text)}}` : text;
  }
  if (form === "matrix" && format === "tex") return aligned(matrixTex(spec, fitted, number));
  const lines = form === "levels" ? levelLines(spec, fitted, options, number) : matrixLines(spec, fitted, number);
  return format === "tex" ? aligned(lines.map(toTex)) : lines.join("\n");
}

/** TeX lines in an `aligned` block. */
function aligned(lines: string[]): string {
  return `\\begin{aligned}\n${lines.join(" \\\\\n")}\n\\end{aligned}`;
}

/** The matrix form in TeX, with β̂, each term's Ĝ block and σ̂² when fitted. */
function matrixTex(spec: ModelSpec, fitted: FittedEquations | null, number: (x: number) => string): string[] {
  const lines = ["y &= X\\beta + Zb + \\varepsilon", "b &\\sim N(0, G), \\quad \\varepsilon \\sim N(0, \\sigma^2 I)"];
  if (!fitted) return lines;
  for (const [name, v] of Object.entries(fitted.fixef)) lines.push(`\\hat\\beta_{\\text{${texEscape(name)}}} &= ${number(v)}`);
  if (spec.random.length) {
    const groups = [...new Set(fitted.varCorr.filter((r) => r.grp !== "Residual").map((r) => r.grp))];
    for (const g of groups) {
      const G = groupCovariance(fitted, g);
      lines.push(`\\hat G_{\\text{${texEscape(g)}}} &= ${G.length === 1 ? number(G[0][0]) : `\\begin{bmatrix}${G.map((row) => row.map(number).join(" & ")).join(" \\\\ ")}\\end{bmatrix}`}`);
    }
  }
  lines.push(`\\hat\\sigma^2 &= ${number(fitted.sigma * fitted.sigma)}`);
  return lines;
}

/** The level equations, estimates substituted for the γ's and fixed β's, with G and σ² after them. */
function levelLines(spec: ModelSpec, fitted: FittedEquations | null, options: Partial<EquationsOptions>, number: (x: number) => string): string[] {
  const eq = levelEquations(spec, {level2: options.level2, group: options.group, level3: options.level3});
  const groupLines = eq.lines.filter((l) => /^[jk] = /.test(l));
  let lines = eq.lines.filter((l) => !/^[jk] = /.test(l));
  const three = groupLines.length === 2;
  if (fitted) {
    /** The estimate behind a symbol, and its column's name: a two-level factor's one indicator column (sexM). */
    const estimate = (symbol: string): [number, string] => {
      const name = eq.symbols.get(symbol)!;
      if (fitted.fixef[name] !== undefined) return [fitted.fixef[name], name];
      const columns = Object.keys(fitted.fixef).filter((c) => c.startsWith(name) && !c.slice(name.length).includes(":"));
      if (columns.length !== 1) fail(`the fitted model has ${columns.length ? `${columns.length} columns for ${name} (${columns.join(", ")})` : `no coefficient ${name}`}: level equations write a variable or a two-level factor's indicator`);
      return [fitted.fixef[columns[0]], columns[0]];
    };
    lines = lines.map((line) => {
      const [left, right] = line.split(" = ");
      const terms = right.split(" + ").map((t) => {
        const [symbol, rest] = t.split("·");
        if (!eq.symbols.has(symbol)) return {sign: 1, text: t};
        const [v, column] = estimate(symbol);
        const label = eq.symbols.get(symbol)!;
        const variable = rest === undefined ? "" : "·" + (column !== label && rest.startsWith(label + "_") ? column + rest.slice(label.length) : rest);
        return {sign: v < 0 ? -1 : 1, text: `${number(Math.abs(v))}${variable}`};
      });
      return `${left} = ${terms.map((t, i) => (i === 0 ? (t.sign < 0 ? "-" : "") + t.text : `${t.sign < 0 ? "-" : "+"} ${t.text}`)).join(" ")}`;
    });
  }
  // the residuals' covariances: G for two levels; T_β (schools' u's) and T_π (classes' r's) for three, as
  // Raudenbush & Bryk name them
  eq.random.forEach(({group, residuals}, i) => {
    const u = residuals.length === 1 ? residuals[0] : `(${residuals.join(", ")})`;
    const name = three ? (i === 0 ? "T_β" : "T_π") : "G";
    lines.push(`${u} ~ N(0, ${name})${fitted ? `, ${name} = ${matrixText(groupCovariance(fitted, group), number)}` : ""}`);
  });
  lines.push(`${three ? "e_ijk" : "e_ij"} ~ N(0, σ²)${fitted ? `, σ² = ${number(fitted.sigma * fitted.sigma)}` : ""}`);
  return [...groupLines, ...lines];
}

/** y = Xβ + Zb + ε with its distributions, and the estimates when fitted. */
function matrixLines(spec: ModelSpec, fitted: FittedEquations | null, number: (x: number) => string): string[] {
  const lines = ["y = Xβ + Zb + ε", "b ~ N(0, G), ε ~ N(0, σ²I), b and ε independent"];
  if (!fitted) return lines;
  const names = Object.keys(fitted.fixef);
  lines.push(`β = (${names.map((n) => `${n}: ${number(fitted.fixef[n])}`).join(", ")})`);
  const groups = [...new Set(fitted.varCorr.filter((r) => r.grp !== "Residual").map((r) => r.grp))];
  for (const g of groups) lines.push(`G[${g}] = ${matrixText(groupCovariance(fitted, g), number)}, one block per level`);
  lines.push(`σ² = ${number(fitted.sigma * fitted.sigma)}`);
  return spec.random.length ? lines : lines.filter((l) => !l.startsWith("G["));
}

/** The covariance matrix of a group's random effects from VarCorr's rows (variances and covariances). */
function groupCovariance(fitted: FittedEquations, group: string): number[][] {
  const rows = fitted.varCorr.filter((r) => r.grp === group);
  const names = rows.filter((r) => r.var2 === null).map((r) => r.var1!);
  const G = names.map(() => names.map(() => 0));
  for (const r of rows) {
    const a = names.indexOf(r.var1!);
    if (r.var2 === null) G[a][a] = r.vcov;
    else {
      const b = names.indexOf(r.var2);
      G[a][b] = G[b][a] = r.vcov;
    }
  }
  return G;
}

function matrixText(G: number[][], number: (x: number) => string): string {
  return G.length === 1 ? number(G[0][0]) : `[${G.map((row) => row.map(number).join(", ")).join("; ")}]`;
}

function texEscape(text: string): string {
  return text.replace(/[\\{}&%$#_^~]/g, (c) => (c === "\\" ? "\\textbackslash{}" : c === "~" ? "\\textasciitilde{}" : c === "^" ? "\\textasciicircum{}" : `\\${c}`));
}

const TEX_LETTERS: Record<string, string> = {π: "\\pi", β: "\\beta", γ: "\\gamma", u: "u", r: "r"};

/** One plain-text equation line as TeX: Greek symbols with subscripts, variables in \text, N(0, G). */
function toTex(line: string): string {
  if (/^[jk] = /.test(line)) return `&${line[0]} = \\text{${texEscape(line.slice(4))}}`;
  const tex = line
    .replace(/\[([^\]]*;[^\]]*)\]/g, (_, m: string) => `\\begin{bmatrix}${m.split(";").map((r) => r.split(",").map((c) => c.trim()).join(" & ")).join(" \\\\ ")}\\end{bmatrix}`)
    .replace(/(?<![\p{L}\p{N}_.])([πβγur])(\d+(?:jk|j|k)?)(?![\p{L}\p{N}_.])/gu, (_, g: string, sub: string) => `${TEX_LETTERS[g]}_{${sub}}`)
    .replace(/([\p{L}.][\p{L}\p{N}._:()]*?)_(ijk|ij|jk|j|k)\b/gu, (_, name: string, sub: string) => (name === "e" ? `e_{${sub}}` : `\\text{${texEscape(name)}}_{${sub}}`))
    .replace(/T_([βπ])/g, (_, g: string) => `T_{${TEX_LETTERS[g]}}`)
    .replace(/σ²/g, "\\sigma^2")
    .replace(/ε/g, "\\varepsilon")
    .replace(/β/g, "\\beta")
    .replace(/·/g, "\\,")
    .replace(/ ~ /g, " \\sim ")
    .replace(/-(?=\d)/g, "-");
  const eq = tex.indexOf(" = ");
  const sim = tex.indexOf(" \\sim ");
  const at = eq >= 0 && (sim < 0 || eq < sim) ? eq : sim;
  return at >= 0 ? `${tex.slice(0, at)} &${tex.slice(at)}` : `&${tex}`;
}
