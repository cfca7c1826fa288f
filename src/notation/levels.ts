/**
 * The level-1/level-2 equations of the multilevel literature, read as the lme4 formula they mean and
 * written back from a model specification, in a plain-text form (ASCII or Unicode subscripts):
 *
 *   j = school
 *   y_ij = β0j + β1j·standLRT_ij + β2·sex_ij + e_ij
 *   β0j = γ00 + γ01·schavg_j + u0j
 *   β1j = γ10 + u1j
 *
 * is `y ~ standLRT + sex + schavg + standLRT:schavg + (1 + standLRT | school)`. Three levels (i in j in k)
 * are in three-levels.ts.
 */
import {clip, describeValue, fail} from "../errors.js";
import type {ModelSpec, RandomSpec, Term} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import {MAX_FORMULA_LENGTH} from "../formula/limits.js";
import {optionNames, readOptions} from "../options.js";
import {nestedPair, readThreeLevels, threeLevelEquations} from "./three-levels.js";

/** Options of {@link writeLevels}. */
export interface WriteLevelsOptions {
  /** The fixed variables that are level-2 (group-level) covariates. */
  level2?: readonly string[];
  /** The grouping column, when no random-effects term names it. */
  group?: string;
  /** The school-level (level-3) covariates of a three-level model. */
  level3?: readonly string[];
}

const WRITE_LEVELS_OPTIONS = optionNames<WriteLevelsOptions>({level2: true, group: true, level3: true});

/** What level equations mean for lmm-kit. */
export interface LevelsModel {
  formula: string;
  spec: ModelSpec;
  /** The grouping column (j), or null for a model with no coefficient varying over j. */
  group: string | null;
  /** The level-2 covariates (the w's of the level-2 equations), for {@link writeLevels}. */
  level2: string[];
  /** The level-3 covariates of three-level equations (none for two levels). */
  level3: string[];
}

const SUBSCRIPTS: Record<string, string> = {"ᵢ": "i", "ⱼ": "j", "ₖ": "k", "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9"};
const NAME = /^[\p{L}.][\p{L}\p{N}._]*$/u;
const MAX_EQUATIONS = 200;

/** Unicode subscripts to ASCII, `{}` and `[…]` subscripts to `_…`, spaces around operators normalized. */
function normalize(text: string): string {
  return text
    .replace(/[ᵢⱼₖ₀-₉]+/gu, (s) => "_" + [...s].map((c) => SUBSCRIPTS[c]).join(""))
    .replace(/_\{([^}]*)\}/g, (_, s: string) => "_" + s.replace(/[\s,]/g, ""))
    .replace(/\[([ijk, ]+)\]/g, (_, s: string) => "_" + s.replace(/[\s,]/g, ""))
    .replace(/[·×]/g, "*");
}

/** A coefficient symbol: β/b/beta, γ/g/gamma, u, with its digits and whether it carries j. */
function coefficient(word: string, letters: string[]): {index: string; j: boolean} | null {
  const m = /^([^\d_]+)_?(\d+)(?:_?(j))?$/u.exec(word);
  if (!m || !letters.includes(m[1])) return null;
  return {index: m[2], j: m[3] === "j"};
}

/** A variable with its subscript: `x_ij` (level 1), `w_j` (level 2), or a bare name (level 1). */
function variable(word: string, shown: string): {name: string; level: 1 | 2} {
  const m = /^(.*?)_(ij|i|j)$/.exec(word);
  const name = m ? m[1] : word;
  if (!NAME.test(name)) fail(`"${clip(word, 30)}" in ${shown} is not a variable name: use a column's name with _ij (or ᵢⱼ) for a row's value and _j for the group's`);
  return {name, level: m && m[2] === "j" ? 2 : 1};
}

const BETA = ["β", "b", "beta"];
const GAMMA = ["γ", "g", "gamma"];
const U = ["u"];
const ERRORS = /^(e|ε|r)_(ij|i)$/u;

/**
 * Reads level equations: a line `j = group` naming the grouping column, a level-1 equation
 * `y_ij = β0j + β1j·x_ij + β2·z_ij + e_ij` and one level-2 equation per coefficient that varies over j,
 * `β0j = γ00 + γ01·w_j + u0j` (without `u` the coefficient varies only with the w's). Equations are separated by
 * new lines or `;`; `·`, `×` or `*` multiply; subscripts are `_ij`, `[ij]`, `_{ij}` or Unicode `ᵢⱼ`; β may be
 * written b or beta, γ g or gamma, the residual e, ε or r. Each coefficient's level-2 covariates enter the
 * fixed part as cross-level interactions with its variable (alone for the intercept), the coefficients with
 * a u enter `(… | group)` with an unstructured covariance (lme4's `|`), as the level-2 residuals are
 * usually taken. Three levels (pupils i in classes j in schools k) are read when a line `k = school` names the
 * third: see {@link readThreeLevels} (π's, β's and γ's, lme4's `(… | school/class)`).
 *
 * Reference: Raudenbush & Bryk (2002), Hierarchical Linear Models (2nd ed.), eqs. 2.1–2.3 and ch. 5 (the
 * combined model); Snijders & Bosker (2012), Multilevel Analysis (2nd ed.), §5.2.
 *
 * @example
 *   readLevels("j = state; y_ij = β0j + β1·x_ij + e_ij; β0j = γ00 + u0j").formula; // "y ~ x + (1 | state)"
 */
export function readLevels(text: string): LevelsModel {
  if (typeof text !== "string") fail(`invalid level equations: ${describeValue(text)}; give text such as "j = g; y_ij = β0j + e_ij; β0j = γ00 + u0j"`);
  if (text.length > MAX_FORMULA_LENGTH) fail(`level equations have ${text.length} characters; the limit is ${MAX_FORMULA_LENGTH}: shorten them`);
  const lines = normalize(text).split(/[\n;]/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > MAX_EQUATIONS) fail(`${lines.length} level equations; the limit is ${MAX_EQUATIONS}`);
  if (lines.some((l) => /^k\s*=/.test(l))) {
    const three = readThreeLevels(lines);
    return {formula: three.formula, spec: three.spec, group: three.groups.join(":"), level2: three.level2, level3: three.level3};
  }
  let group: string | null = null;
  let response: string | null = null;
  /** Level-1 terms: a coefficient's index, whether it varies over j, and its variable (null: intercept). */
  const level1: {index: string; j: boolean; variable: string | null}[] = [];
  const level2 = new Map<string, {covariates: string[]; random: boolean; shown: string}>();
  for (const line of lines) {
    const shown = JSON.stringify(clip(line, 80));
    const eq = line.indexOf("=");
    if (eq < 0) fail(`${shown} is not an equation: write left = right`);
    const left = line.slice(0, eq).trim(), right = line.slice(eq + 1).trim();
    if (left === "j") {
      if (!NAME.test(right)) fail(`${shown} must name the grouping column: j = school`);
      if (group !== null) fail(`${shown}: j is named twice; give one grouping column (two levels, i within j)`);
      group = right;
      continue;
    }
    const terms = right.split("+").map((t) => t.trim());
    if (terms.some((t) => t === "")) fail(`${shown} has an empty term: write terms joined by +`);
    const lhsCoefficient = coefficient(left, BETA);
    if (lhsCoefficient) {
      if (!lhsCoefficient.j) fail(`${shown}: a level-2 equation is for a coefficient that varies over j, β${lhsCoefficient.index}j`);
      if (level2.has(lhsCoefficient.index)) fail(`${shown}: β${lhsCoefficient.index}j has two equations`);
      const covariates: string[] = [];
      let random = false, constant = false;
      for (const t of terms) {
        const [c, v, extra] = t.split("*").map((s) => s.trim());
        const g = coefficient(c, GAMMA), u = coefficient(c, U);
        if (extra !== undefined) fail(`${JSON.stringify(clip(t, 30))} in ${shown} multiplies more than a coefficient and a variable`);
        if (u && v === undefined && u.j && u.index === lhsCoefficient.index) random = true;
        else if (g && v === undefined && !g.j && g.index === lhsCoefficient.index + "0") constant = true;
        else if (g && v !== undefined && !g.j && g.index.startsWith(lhsCoefficient.index)) {
          const w = variable(v, shown);
          if (w.level !== 2) fail(`${JSON.stringify(clip(v, 30))} in ${shown} is a level-2 covariate: write it with _j, as ${w.name}_j`);
          covariates.push(w.name);
        } else fail(`${JSON.stringify(clip(t, 30))} in ${shown} is not a term of β${lhsCoefficient.index}j's equation: write γ${lhsCoefficient.index}0, γ${lhsCoefficient.index}1·w_j, …, u${lhsCoefficient.index}j`);
      }
      if (!constant) fail(`${shown} has no γ${lhsCoefficient.index}0: the level-2 equation starts with its constant`);
      level2.set(lhsCoefficient.index, {covariates, random, shown});
      continue;
    }
    const y = variable(left, JSON.stringify(clip(line, 80)));
    if (response !== null) fail(`${shown}: a second level-1 equation; give one, for ${response}`);
    if (y.level !== 1) fail(`${shown}: the response is a level-1 variable, ${y.name}_ij`);
    response = y.name;
    let residual = false;
    for (const t of terms) {
      if (ERRORS.test(t)) {
        residual = true;
        continue;
      }
      const [c, v, extra] = t.split("*").map((s) => s.trim());
      const b = coefficient(c, BETA);
      if (!b || extra !== undefined) fail(`${JSON.stringify(clip(t, 30))} in ${shown} is not a level-1 term: write β0j, β1j·x_ij or β2·x_ij`);
      if (level1.some((l) => l.index === b.index)) fail(`${shown}: β${b.index} appears twice`);
      let name: string | null = null;
      if (v !== undefined) {
        const x = variable(v, shown);
        if (x.level !== 1) fail(`${JSON.stringify(clip(v, 30))} in ${shown} is a level-1 variable: write it with _ij`);
        name = x.name;
      }
      level1.push({index: b.index, j: b.j, variable: name});
    }
    if (!residual) fail(`${shown} has no residual: end it with + e_ij`);
  }
  if (response === null) fail(`no level-1 equation: write y_ij = β0j + β1j·x_ij + e_ij`);
  if (level1.filter((l) => l.variable === null).length > 1) fail("the level-1 equation has two intercepts: one coefficient stands alone");
  const varying = level1.filter((l) => l.j);
  if (varying.length > 0 && group === null) fail("coefficients vary over j but j names no column: add a line j = group");
  for (const l of varying) if (!level2.has(l.index)) fail(`β${l.index}j varies over j but has no level-2 equation: add β${l.index}j = γ${l.index}0 + u${l.index}j`);
  for (const [index, eq] of level2) {
    if (!varying.some((l) => l.index === index)) fail(`${eq.shown}: β${index}j is not a coefficient of the level-1 equation that varies over j`);
  }

  const fixed: string[] = [];
  const randomLhs: string[] = [];
  const intercept = level1.find((l) => l.variable === null);
  // R's order: the level-1 variables, the intercept's level-2 covariates, then the cross-level interactions
  for (const l of level1) if (l.variable !== null) fixed.push(l.variable);
  for (const l of level1) if (l.variable === null) fixed.push(...(level2.get(l.index)?.covariates ?? []));
  for (const l of level1) if (l.variable !== null) for (const w of level2.get(l.index)?.covariates ?? []) fixed.push(`${l.variable}:${w}`);
  for (const l of level1) if (level2.get(l.index)?.random) randomLhs.push(l.variable ?? "1");
  const random = randomLhs.length ? [`(${randomLhs.includes("1") ? "" : "0 + "}${randomLhs.join(" + ")} | ${group})`] : [];
  const rhs = [intercept ? "" : "0", ...fixed, ...random].filter(Boolean);
  const text2 = `${response} ~ ${rhs.length ? rhs.join(" + ") : "1"}`;
  const level2Names = [...new Set([...level2.values()].flatMap((eq) => eq.covariates))];
  return {formula: text2, spec: formula(text2), group, level2: level2Names, level3: []};
}

/**
 * Writes a model specification as level equations (the inverse of {@link readLevels}): one grouping factor,
 * its random-effects term correlated (`(1 + x | g)`), fixed terms that are level-1 variables, level-2
 * covariates (w alone, for the intercept's equation) and their cross-level interactions x:w. Which fixed
 * variables are level-2 is given (`level2`), as a specification does not know the data, and so is the
 * grouping column when no random term names it (`group`). A model whose random terms group by k and by k:j
 * (`(1 | school/class)`) is written as three-level equations, with `level2` its class-level and `level3` its
 * school-level covariates ({@link threeLevelEquations}). What this form cannot write is refused by name.
 *
 * @example
 *   writeLevels(formula("y ~ x + w + x:w + (1 + x | g)"), {level2: ["w"]});
 *   // "j = g\ny_ij = β0j + β1j·x_ij + e_ij\nβ0j = γ00 + γ01·w_j + u0j\nβ1j = γ10 + γ11·w_j + u1j"
 */
export function writeLevels(spec: ModelSpec, given?: WriteLevelsOptions): string {
  return levelEquations(spec, readOptions(given, WRITE_LEVELS_OPTIONS, "writeLevels")).lines.join("\n");
}

/** Level equations as lines, with what each coefficient symbol estimates. */
export interface LevelEquations {
  lines: string[];
  /** Each fixed coefficient's symbol (γ00, γ01, β2, …) and the fixed-effect column it is (`(Intercept)`, `x:w`). */
  symbols: Map<string, string>;
  /** Each random term's grouping and its residuals (u0j, u1j, …) in the order of the term's columns. */
  random: {group: string; residuals: string[]}[];
}

/**
 * The level equations of a spec and the fixed-effect column behind each symbol ({@link writeLevels} prints
 * the lines; `equations` fills in estimates through the symbols).
 *
 * @example
 *   levelEquations(formula("y ~ x + (1 | g)"), {}).symbols; // Map {"γ00" => "(Intercept)", "β1" => "x"}
 */
export function levelEquations(spec: ModelSpec, options: WriteLevelsOptions): LevelEquations {
  if (options.level2 !== undefined && !(Array.isArray(options.level2) && options.level2.every((v) => typeof v === "string"))) {
    fail(`invalid level2: ${describeValue(options.level2)}; give the level-2 covariates' names as an array of text`);
  }
  if (options.group !== undefined && typeof options.group !== "string") fail(`invalid group: ${describeValue(options.group)}; give the grouping column's name`);
  if (options.level3 !== undefined && !(Array.isArray(options.level3) && options.level3.every((v) => typeof v === "string"))) {
    fail(`invalid level3: ${describeValue(options.level3)}; give the level-3 covariates' names as an array of text`);
  }
  if (nestedPair(spec.random)) return threeLevelEquations(spec, options);
  const plain = (t: Term): string[] | null => (t.vars.every((v) => !v.factor && v.expr.type === "name") ? t.vars.map((v) => v.label) : null);
  const randoms: RandomSpec[] = spec.random;
  if (randoms.length > 1) {
    const oneGroup = randoms.every((x) => x.groupLabel === randoms[0].groupLabel);
    fail(oneGroup
      ? `the model's random effects of ${randoms[0].groupLabel} are independent (||); level equations give the u's one covariance G: write them correlated, (x | ${randoms[0].groupLabel})`
      : `the model has ${randoms.length} random-effects terms; level equations have one grouping factor with one correlated term, or two nested ones (school and class within school, as (1 | school/class))`);
  }
  const r = randoms[0];
  if (r && r.group.length !== 1) fail(`the grouping ${r.groupLabel} is not one column: level equations here have i within one j`);
  const responseName = spec.response.expr.type === "name" ? spec.response.label : null;
  if (!responseName) fail(`the response ${spec.response.label} is not a column: level equations name a column`);
  const level2 = new Set(options.level2 ?? []);
  const slopes: string[] = [];
  const interceptCovariates: string[] = [];
  const slopeCovariates = new Map<string, string[]>();
  const interactionLabel = new Map<string, string>();
  for (const t of spec.terms) {
    const vars = plain(t);
    if (!vars || vars.length > 2) fail(`the term ${t.label} is not a column, a level-2 column or a cross-level interaction`);
    if (vars.length === 1) {
      if (level2.has(vars[0])) interceptCovariates.push(vars[0]);
      else slopes.push(vars[0]);
      continue;
    }
    const [a, b] = vars;
    const [x, w] = level2.has(b) && !level2.has(a) ? [a, b] : level2.has(a) && !level2.has(b) ? [b, a] : [null, null];
    if (!x || !w) fail(`the interaction ${t.label} is not a level-1 variable with a level-2 covariate`);
    if (!slopeCovariates.has(x)) slopeCovariates.set(x, []);
    slopeCovariates.get(x)!.push(w);
    interactionLabel.set(`${x}\u0000${w}`, t.label);
  }
  for (const x of slopeCovariates.keys()) if (!slopes.includes(x)) fail(`the interaction of ${x} has no main effect ${x}: level equations keep γ${""}x0`);
  const randomSlopes = r ? r.terms.map((t) => {
    const vars = plain(t);
    if (!vars || vars.length !== 1) fail(`the random term (${r.text}) has ${t.label}, not a column`);
    return vars[0];
  }) : [];
  for (const x of randomSlopes) if (!slopes.includes(x)) fail(`the random slope ${x} has no fixed effect ${x}: level equations give every β a γ constant`);
  const lines: string[] = [];
  const group = r?.groupLabel ?? options.group;
  if (group !== undefined) lines.push(`j = ${group}`);
  else if (interceptCovariates.length || slopeCovariates.size) fail("the model has level-2 covariates but no grouping column: give options.group");
  const coefficients: {name: string | null; index: number}[] = [];
  let k = 0;
  if (spec.intercept) coefficients.push({name: null, index: k++});
  for (const x of slopes) coefficients.push({name: x, index: k++});
  const varies = (name: string | null) => (name === null ? (r?.intercept ?? false) || interceptCovariates.length > 0 : randomSlopes.includes(name) || slopeCovariates.has(name));
  const level1 = coefficients.map((c) => `β${c.index}${varies(c.name) ? "j" : ""}${c.name === null ? "" : `·${c.name}_ij`}`);
  lines.push(`${responseName}_ij = ${[...level1, "e_ij"].join(" + ")}`);
  const symbols = new Map<string, string>();
  const residualOf = new Map<string | null, string>();
  for (const c of coefficients) {
    if (!varies(c.name)) {
      symbols.set(`β${c.index}`, c.name ?? "(Intercept)");
      continue;
    }
    const ws = c.name === null ? interceptCovariates : slopeCovariates.get(c.name) ?? [];
    const random = c.name === null ? r?.intercept ?? false : randomSlopes.includes(c.name);
    const terms = [`γ${c.index}0`, ...ws.map((w, m) => `γ${c.index}${m + 1}·${w}_j`), ...(random ? [`u${c.index}j`] : [])];
    symbols.set(`γ${c.index}0`, c.name ?? "(Intercept)");
    ws.forEach((w, m) => symbols.set(`γ${c.index}${m + 1}`, c.name === null ? w : interactionLabel.get(`${c.name}\u0000${w}`)!));
    if (random) residualOf.set(c.name, `u${c.index}j`);
    lines.push(`β${c.index}j = ${terms.join(" + ")}`);
  }
  if (!spec.intercept && r?.intercept) fail("the model has a random intercept without a fixed one: level equations give β0j its γ00");
  if (!spec.intercept && interceptCovariates.length) fail("level-2 covariates without an intercept: level equations put them in β0j's equation");
  const residuals = r ? [...(r.intercept ? [residualOf.get(null)!] : []), ...randomSlopes.map((x) => residualOf.get(x)!)] : [];
  return {lines, symbols, random: r ? [{group: r.groupLabel, residuals}] : []};
}
