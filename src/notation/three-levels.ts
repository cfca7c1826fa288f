/**
 * Three-level equations (pupils i within classes j within schools k), in the notation of Raudenbush & Bryk's
 * three-level model: π's at level 1, β's at level 2, γ's at level 3, read as the lme4 formula they mean and
 * written back from a model specification:
 *
 *   k = school
 *   j = class
 *   y_ijk = π0jk + π1·x_ijk + e_ijk
 *   π0jk = β00k + r0jk
 *   β00k = γ000 + γ001·w_k + u00k
 *
 * is `y ~ x + w + (1 | school) + (1 | school:class)`, lme4's `(1 | school/class)` with a school-level covariate.
 */
import {clip, fail} from "../errors.js";
import type {ModelSpec, RandomSpec, Term} from "../formula/ast.js";
import {formula} from "../formula/formula.js";

/** A coefficient symbol: its letter's level (π 1, β 2, γ 3, r, u), its digits and its subscript (jk, k or none). */
interface Symbol {
  letter: "π" | "β" | "γ" | "r" | "u";
  index: string;
  sub: "" | "k" | "jk";
}

const LETTERS: Record<string, Symbol["letter"]> = {π: "π", p: "π", pi: "π", β: "β", b: "β", beta: "β", γ: "γ", g: "γ", gamma: "γ", r: "r", u: "u"};
const NAME = /^[\p{L}.][\p{L}\p{N}._]*$/u;
const ERROR = /^(e|ε)_ijk$/u;

function symbol(word: string): Symbol | null {
  const m = /^([^\d_]+)_?(\d+)(?:_?(jk|k))?$/u.exec(word);
  if (!m || !(m[1] in LETTERS)) return null;
  return {letter: LETTERS[m[1]], index: m[2], sub: (m[3] ?? "") as Symbol["sub"]};
}

/** A variable with its subscript: `x_ijk` (level 1), `x_jk` (level 2), `w_k` (level 3). */
function variable(word: string, shown: string): {name: string; level: 1 | 2 | 3} {
  const m = /^(.*?)_(ijk|jk|k)$/.exec(word);
  if (!m || !NAME.test(m[1])) fail(`"${clip(word, 30)}" in ${shown} is not a variable of three-level equations: write x_ijk for a pupil's value, x_jk for a class's, w_k for a school's`);
  return {name: m[1], level: m[2] === "ijk" ? 1 : m[2] === "jk" ? 2 : 3};
}

/** One equation's right side: terms `coefficient` or `coefficient·variable`, and the residual if any. */
function terms(right: string, shown: string): {coefficient: Symbol; variable: string | null; text: string}[] {
  return right.split("+").map((t) => t.trim()).map((t) => {
    if (t === "") fail(`${shown} has an empty term: write terms joined by +`);
    const [c, v, extra] = t.split("*").map((s) => s.trim());
    const s = symbol(c);
    if (!s || extra !== undefined) fail(`${JSON.stringify(clip(t, 30))} in ${shown} is not a term of three-level equations: write π0jk, π1·x_ijk, β01k·x_jk, γ001·w_k, r0jk, u00k or e_ijk`);
    return {coefficient: s, variable: v ?? null, text: t};
  });
}

/**
 * Reads three-level equations (lines already normalized by `readLevels`: ASCII subscripts, `*` for `·`):
 * `k = school` and `j = class` name the grouping columns (classes nested in schools); the level-1 equation
 * `y_ijk = π0jk + π1jk·x_ijk + π2·z_ijk + e_ijk`; for each π that varies (`jk`) a level-2 equation
 * `π1jk = β10k + β11·x_jk + r1jk` (β's that vary over schools end in k, r is the class-level residual); for each
 * β that varies a level-3 equation `β10k = γ100 + γ101·w_k + u10k` (u the school-level residual). Substituted,
 * each γ_pqs multiplies x_p·x_q·w_s (the cross-level interactions), the r's form one correlated term
 * `(… | school:class)` and the u's one `(… | school)`.
 *
 * Reference: Raudenbush & Bryk (2002), Hierarchical Linear Models (2nd ed.), ch. 8 (the three-level model,
 * eqs. 8.1–8.3).
 *
 * @example
 *   readThreeLevels(["k = school", "j = class", "y_ijk = π0jk + e_ijk", "π0jk = β00k + r0jk", "β00k = γ000 + u00k"]).formula;
 *   // "y ~ (1 | school) + (1 | school:class)"
 */
export function readThreeLevels(lines: string[]): {formula: string; spec: ModelSpec; groups: [string, string]; level2: string[]; level3: string[]} {
  let school: string | null = null, klass: string | null = null, response: string | null = null;
  const level1: {p: string; varies: boolean; x: string | null}[] = [];
  const level2 = new Map<string, {q: string; varies: boolean; x: string | null}[]>();
  const random2 = new Set<string>();
  const level3 = new Map<string, {s: string; w: string | null}[]>();
  const random3 = new Set<string>();
  const shownOf = new Map<string, string>();
  for (const line of lines) {
    const shown = JSON.stringify(clip(line, 80));
    const eq = line.indexOf("=");
    if (eq < 0) fail(`${shown} is not an equation: write left = right`);
    const left = line.slice(0, eq).trim(), right = line.slice(eq + 1).trim();
    if (left === "k" || left === "j") {
      if (!NAME.test(right)) fail(`${shown} must name a grouping column: k = school, j = class`);
      if ((left === "k" ? school : klass) !== null) fail(`${shown}: ${left} is named twice`);
      if (left === "k") school = right;
      else klass = right;
      continue;
    }
    const lhs = symbol(left);
    if (lhs?.letter === "π") {
      if (lhs.sub !== "jk" || lhs.index.length !== 1) fail(`${shown}: a level-2 equation is for a coefficient π that varies over classes, π${lhs.index.slice(0, 1)}jk`);
      if (level2.has(lhs.index)) fail(`${shown}: π${lhs.index}jk has two equations`);
      const row: {q: string; varies: boolean; x: string | null}[] = [];
      for (const t of terms(right, shown)) {
        const c = t.coefficient;
        if (c.letter === "r" && c.index === lhs.index && c.sub === "jk" && t.variable === null) random2.add(lhs.index);
        else if (c.letter === "β" && c.index.length === 2 && c.index[0] === lhs.index && c.sub !== "jk") {
          const x = t.variable === null ? null : variable(t.variable, shown);
          if (x && x.level !== 2) fail(`${JSON.stringify(clip(t.variable!, 30))} in ${shown} is a class-level covariate: write it with _jk, as ${x.name}_jk`);
          if ((c.index[1] === "0") !== (x === null)) fail(`${JSON.stringify(clip(t.text, 30))} in ${shown}: β${lhs.index}0 is the constant, β${lhs.index}1, β${lhs.index}2, … multiply class-level covariates`);
          row.push({q: c.index[1], varies: c.sub === "k", x: x?.name ?? null});
        } else fail(`${JSON.stringify(clip(t.text, 30))} in ${shown} is not a term of π${lhs.index}jk's equation: write β${lhs.index}0k, β${lhs.index}1·x_jk, …, r${lhs.index}jk`);
      }
      if (!row.some((r) => r.q === "0")) fail(`${shown} has no β${lhs.index}0: the level-2 equation starts with its constant`);
      level2.set(lhs.index, row);
      shownOf.set(`π${lhs.index}`, shown);
      continue;
    }
    if (lhs?.letter === "β") {
      if (lhs.sub !== "k" || lhs.index.length !== 2) fail(`${shown}: a level-3 equation is for a coefficient β that varies over schools, β${clip(lhs.index, 2)}k`);
      if (level3.has(lhs.index)) fail(`${shown}: β${lhs.index}k has two equations`);
      const row: {s: string; w: string | null}[] = [];
      for (const t of terms(right, shown)) {
        const c = t.coefficient;
        if (c.letter === "u" && c.index === lhs.index && c.sub === "k" && t.variable === null) random3.add(lhs.index);
        else if (c.letter === "γ" && c.index.length === 3 && c.index.startsWith(lhs.index) && c.sub === "") {
          const w = t.variable === null ? null : variable(t.variable, shown);
          if (w && w.level !== 3) fail(`${JSON.stringify(clip(t.variable!, 30))} in ${shown} is a school-level covariate: write it with _k, as ${w.name}_k`);
          if ((c.index[2] === "0") !== (w === null)) fail(`${JSON.stringify(clip(t.text, 30))} in ${shown}: γ${lhs.index}0 is the constant, γ${lhs.index}1, … multiply school-level covariates`);
          row.push({s: c.index[2], w: w?.name ?? null});
        } else fail(`${JSON.stringify(clip(t.text, 30))} in ${shown} is not a term of β${lhs.index}k's equation: write γ${lhs.index}0, γ${lhs.index}1·w_k, …, u${lhs.index}k`);
      }
      if (!row.some((r) => r.s === "0")) fail(`${shown} has no γ${lhs.index}0: the level-3 equation starts with its constant`);
      level3.set(lhs.index, row);
      shownOf.set(`β${lhs.index}`, shown);
      continue;
    }
    if (lhs) fail(`${shown}: an equation's left side is the response y_ijk, a π…jk or a β…k`);
    const y = variable(left, shown);
    if (response !== null) fail(`${shown}: a second level-1 equation; give one, for ${response}`);
    if (y.level !== 1) fail(`${shown}: the response is a pupil-level variable, ${y.name}_ijk`);
    response = y.name;
    let residual = false;
    for (const t of right.split("+").map((s) => s.trim())) {
      if (ERROR.test(t)) {
        residual = true;
        continue;
      }
      const [term] = terms(t, shown);
      const c = term.coefficient;
      if (c.letter !== "π" || c.index.length !== 1 || c.sub === "k") fail(`${JSON.stringify(clip(t, 30))} in ${shown} is not a level-1 term: write π0jk, π1jk·x_ijk or π2·x_ijk`);
      if (level1.some((l) => l.p === c.index)) fail(`${shown}: π${c.index} appears twice`);
      const x = term.variable === null ? null : variable(term.variable, shown);
      if (x && x.level !== 1) fail(`${JSON.stringify(clip(term.variable!, 30))} in ${shown} is a pupil-level variable: write it with _ijk`);
      level1.push({p: c.index, varies: c.sub === "jk", x: x?.name ?? null});
    }
    if (!residual) fail(`${shown} has no residual: end it with + e_ijk`);
  }
  if (response === null) fail("no level-1 equation: write y_ijk = π0jk + π1·x_ijk + e_ijk");
  if (school === null || klass === null) fail("three-level equations name both groupings: add the lines k = school and j = class");
  if (level1.filter((l) => l.x === null).length > 1) fail("the level-1 equation has two intercepts: one coefficient stands alone");
  for (const l of level1) if (l.varies && !level2.has(l.p)) fail(`π${l.p}jk varies over classes but has no level-2 equation: add π${l.p}jk = β${l.p}0 + r${l.p}jk`);
  for (const p of level2.keys()) if (!level1.some((l) => l.p === p && l.varies)) fail(`${shownOf.get(`π${p}`)}: π${p}jk is not a coefficient of the level-1 equation that varies over classes`);
  for (const [p, row] of level2) for (const r of row) if (r.varies && !level3.has(p + r.q)) fail(`β${p}${r.q}k varies over schools but has no level-3 equation: add β${p}${r.q}k = γ${p}${r.q}0 + u${p}${r.q}k`);
  for (const pq of level3.keys()) if (!level2.get(pq[0])?.some((r) => r.q === pq[1] && r.varies)) fail(`${shownOf.get(`β${pq}`)}: β${pq}k is not a coefficient of a level-2 equation that varies over schools`);

  // substitute: each (π_p, β_pq, γ_pqs) gives the fixed term x_p:x_q:w_s (1's left out)
  const product = (...vars: (string | null)[]) => vars.filter((v): v is string => v !== null).join(":");
  const fixed: string[] = [];
  const r2: string[] = [], u3: string[] = [];
  let intercept = false;
  for (const l of level1) {
    const row2 = l.varies ? level2.get(l.p)! : [{q: "0", varies: false, x: null}];
    for (const b of row2) {
      const row3 = b.varies ? level3.get(l.p + b.q)! : [{s: "0", w: null}];
      for (const g of row3) {
        const term = product(l.x, b.x, g.w);
        if (term === "") intercept = true;
        else fixed.push(term);
      }
      if (random3.has(l.p + b.q)) u3.push(product(l.x, b.x) || "1");
    }
    if (random2.has(l.p)) r2.push(l.x ?? "1");
  }
  const randomTerm = (lhs: string[], group: string) => `(${lhs.includes("1") ? "" : "0 + "}${lhs.join(" + ")} | ${group})`;
  const rhs = [intercept ? "" : "0", ...fixed, ...(u3.length ? [randomTerm(u3, school)] : []), ...(r2.length ? [randomTerm(r2, `${school}:${klass}`)] : [])].filter(Boolean);
  const text = `${response} ~ ${rhs.length ? rhs.join(" + ") : "1"}`;
  const level2Names = [...new Set([...level2.values()].flatMap((row) => row.map((r) => r.x).filter((x): x is string => x !== null)))];
  const level3Names = [...new Set([...level3.values()].flatMap((row) => row.map((r) => r.w).filter((w): w is string => w !== null)))];
  return {formula: text, spec: formula(text), groups: [school, klass], level2: level2Names, level3: level3Names};
}

/** Three-level equations as lines, with the fixed-effect column behind each symbol and the residuals by grouping. */
export interface ThreeLevelEquations {
  lines: string[];
  symbols: Map<string, string>;
  /** Each random term's residuals (u00k, u10k, … at the school; r0jk, … at the class), in its columns' order. */
  random: {group: string; residuals: string[]}[];
}

/**
 * The three-level equations of a spec whose random terms group by one column k and by k and one more column j
 * (`(… | k) + (… | k:j)`, lme4's `(… | k/j)`): `level2` names the class-level covariates, `level3` the
 * school-level ones; each fixed term is a product of at most one variable of each level. The inverse of
 * {@link readThreeLevels}; what the form cannot write is refused by name.
 *
 * @example
 *   threeLevelEquations(formula("y ~ x + w + (1 | school/class)"), {level3: ["w"]}).lines;
 *   // ["k = school", "j = class", "y_ijk = π0jk + π1·x_ijk + e_ijk", "π0jk = β00k + r0jk", "β00k = γ000 + γ001·w_k + u00k"]
 */
export function threeLevelEquations(spec: ModelSpec, options: {level2?: readonly string[]; level3?: readonly string[]}): ThreeLevelEquations {
  const pair = nestedPair(spec.random);
  if (!pair) fail(`the model's random terms ${spec.random.map((r) => `(${r.text})`).join(" + ")} are not one term over k and one over k:j: three-level equations nest classes j in schools k, as (1 | school/class)`);
  const [outer, inner] = pair;
  const school = outer.group[0];
  const klass = inner.group.find((c) => c !== school)!;
  if (spec.response.expr.type !== "name") fail(`the response ${spec.response.label} is not a column: level equations name a column`);
  const l2 = new Set(options.level2 ?? []), l3 = new Set(options.level3 ?? []);
  const plain = (t: Term, where: string) => {
    if (!t.vars.every((v) => !v.factor && v.expr.type === "name")) fail(`the term ${t.label} ${where} is not a product of columns: three-level equations write columns`);
    return t.vars.map((v) => v.label);
  };
  /** A product of columns as its (pupil, class, school) variables, at most one of each. */
  const split = (vars: string[], label: string): [string | null, string | null, string | null] => {
    const by = [vars.filter((v) => !l2.has(v) && !l3.has(v)), vars.filter((v) => l2.has(v)), vars.filter((v) => l3.has(v))];
    if (by.some((b) => b.length > 1)) fail(`the term ${label} multiplies two variables of one level: three-level equations write at most one pupil-, one class- and one school-level variable a term`);
    return [by[0][0] ?? null, by[1][0] ?? null, by[2][0] ?? null];
  };
  const fixed = spec.terms.map((t) => ({label: t.label, parts: split(plain(t, "of the fixed part"), t.label)}));
  if (spec.intercept) fixed.unshift({label: "(Intercept)", parts: [null, null, null]});
  const u3 = [...(outer.intercept ? [[null, null, null] as [null, null, null]] : []), ...outer.terms.map((t) => split(plain(t, `in (${outer.text})`), t.label))];
  const r2 = [...(inner.intercept ? [[null, null, null] as [null, null, null]] : []), ...inner.terms.map((t) => split(plain(t, `in (${inner.text})`), t.label))];
  for (const [x, X, w] of u3) if (w !== null) fail(`the school-level variable ${w} has a random slope over schools: it is constant within a school`);
  for (const [x, X, w] of r2) if (X !== null || w !== null) fail(`the random slope ${[x, X, w].filter(Boolean).join(":")} over classes is not a pupil-level variable`);
  const key = (...v: (string | null)[]) => v.map((s) => s ?? "").join("\u0000");
  const fixedKeys = new Map(fixed.map((f) => [key(...f.parts), f.label]));
  for (const [x, X] of u3) if (!fixedKeys.has(key(x, X, null))) fail(`the random slope ${[x, X].filter(Boolean).join(":") || "intercept"} over ${school} has no fixed effect: level equations give every coefficient its constant`);
  for (const [x] of r2) if (!fixedKeys.has(key(x, null, null))) fail(`the random slope ${x ?? "intercept"} over ${klass} has no fixed effect: level equations give every coefficient its constant`);
  for (const f of fixed) {
    const [x, X, w] = f.parts;
    if ((X !== null || w !== null) && !fixedKeys.has(key(x, X === null ? null : X, null)) && w !== null) fail(`the term ${f.label} has no ${[x, X].filter(Boolean).join(":") || "intercept"} beside it: level equations give every coefficient its constant`);
    if (X !== null && w === null && !fixedKeys.has(key(x, null, null))) fail(`the term ${f.label} has no ${x ?? "intercept"} beside it: level equations give every coefficient its constant`);
  }
  // π_p for each pupil-level variable (the intercept first), β_pq for each class-level covariate of it, γ_pqs
  const pupils = [...new Set(fixed.map((f) => f.parts[0]))].sort((a, b) => (a === null ? -1 : b === null ? 1 : 0));
  if (pupils.length > 10) fail(`the model has ${pupils.length} level-1 coefficients: three-level equations number them 0–9`);
  const lines = [`k = ${school}`, `j = ${klass}`];
  const symbols = new Map<string, string>();
  const level1: string[] = [], level2Lines: string[] = [], level3Lines: string[] = [];
  const uOf = new Map<string, string>(), rOf = new Map<string, string>();
  pupils.forEach((x, p) => {
    const classes = [...new Set(fixed.filter((f) => f.parts[0] === x).map((f) => f.parts[1]))].sort((a, b) => (a === null ? -1 : b === null ? 1 : 0));
    const hasR = r2.some(([rx]) => rx === x);
    const betaVaries = (X: string | null) => u3.some(([ux, uX]) => ux === x && uX === X) || fixed.some((f) => f.parts[0] === x && f.parts[1] === X && f.parts[2] !== null);
    const piVaries = hasR || classes.length > 1 || betaVaries(null);
    if (classes.length > 10) fail(`π${p} has ${classes.length} class-level terms: three-level equations number them 0–9`);
    level1.push(`π${p}${piVaries ? "jk" : ""}${x === null ? "" : `·${x}_ijk`}`);
    if (!piVaries) {
      symbols.set(`π${p}`, fixedKeys.get(key(x, null, null))!);
      return;
    }
    const betas = classes.map((X, q) => {
      const varies = betaVaries(X);
      const name = `β${p}${q}`;
      if (varies) {
        const schools = fixed.filter((f) => f.parts[0] === x && f.parts[1] === X).map((f) => f.parts[2]).sort((a, b) => (a === null ? -1 : b === null ? 1 : 0));
        if (schools.length > 10) fail(`${name}k has ${schools.length} school-level terms: three-level equations number them 0–9`);
        const gammas = schools.map((w, s) => {
          symbols.set(`γ${p}${q}${s}`, fixedKeys.get(key(x, X, w))!);
          return `γ${p}${q}${s}${w === null ? "" : `·${w}_k`}`;
        });
        const hasU = u3.some(([ux, uX]) => ux === x && uX === X);
        if (hasU) uOf.set(key(x, X), `u${p}${q}k`);
        level3Lines.push(`${name}k = ${[...gammas, ...(hasU ? [`u${p}${q}k`] : [])].join(" + ")}`);
      } else symbols.set(name, fixedKeys.get(key(x, X, null))!);
      return `${name}${varies ? "k" : ""}${X === null ? "" : `·${X}_jk`}`;
    });
    if (hasR) rOf.set(key(x), `r${p}jk`);
    level2Lines.push(`π${p}jk = ${[...betas, ...(hasR ? [`r${p}jk`] : [])].join(" + ")}`);
  });
  if (!spec.intercept && (outer.intercept || inner.intercept)) fail("the model has a random intercept without a fixed one: level equations give π0jk its constant");
  lines.push(`${spec.response.label}_ijk = ${[...level1, "e_ijk"].join(" + ")}`, ...level2Lines, ...level3Lines);
  const random = [
    {group: outer.groupLabel, residuals: u3.map(([x, X]) => uOf.get(key(x, X))!)},
    {group: inner.groupLabel, residuals: r2.map(([x]) => rOf.get(key(x))!)}
  ];
  return {lines, symbols, random};
}

/**
 * The spec's random terms as [the term over a column k, the term over k and a column j] (the nesting of
 * three-level equations, lme4's `(… | k/j)`), or null when they are not that.
 *
 * @example
 *   nestedPair(formula("y ~ 1 + (1 | school/class)").random)?.map((r) => r.groupLabel); // ["school", "class:school"]
 */
export function nestedPair(randoms: readonly RandomSpec[]): [RandomSpec, RandomSpec] | null {
  const pair = randoms.length === 2 ? [...randoms].sort((a, b) => a.group.length - b.group.length) : null;
  if (!pair || pair[0].group.length !== 1 || pair[1].group.length !== 2 || !pair[1].group.includes(pair[0].group[0])) return null;
  return [pair[0], pair[1]];
}
