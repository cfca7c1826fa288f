/**
 * Zelig's model formulas read as the lme4 formula they mean: one formula with `tag(z | g)` random terms, or
 * the two-equation list `{mu, gamma}` whose `tag(z, gamma | g)` points at a group-level equation
 * `~ tag(w | g)`. The second form is the level-2 model of the multilevel literature, and it expands into
 * the cross-level interactions its equations imply.
 */
import {clip, describeValue, fail} from "../errors.js";
import type {Expr, ModelSpec} from "../formula/ast.js";
import {deparse} from "../formula/deparse.js";
import {formula} from "../formula/formula.js";
import {MAX_FORMULA_LENGTH} from "../formula/limits.js";
import {parseExpression, parseFormula} from "../formula/parse.js";
import {optionNames, readOptions} from "../options.js";
import {expandTerms} from "../formula/terms.js";

/** What a Zelig formula means for lmm-kit. */
export interface ZeligModel {
  /** The lme4 formula, as text. */
  formula: string;
  /** The expanded formula (`formula(text)`). */
  spec: ModelSpec;
  /** Zelig's `na.action` default, `na.fail`: a missing value is an error, not a dropped row. */
  naAction: "fail";
  /** The group-level covariates of the level-2 equations (none for a single formula). */
  level2: string[];
}

/** The most equations besides `mu`. */
const MAX_EQUATIONS = 20;

/**
 * Reads a Zelig `ls.mixed` formula. A string is an lme4 formula in Zelig's spelling (`tag(1 | state)`), read
 * as it is. A list `{mu, gamma, …}` has the individual-level equation `mu`, whose random terms
 * `tag(z, gamma | g)` name a group-level equation, `gamma = "~ tag(w₁ + … + wₙ | g)"`. Each random coefficient
 * c of z (the intercept unless `0 +`, and each term of z) then follows the level-2 model
 * `β_c,g = γ_c0 + γ_c1 w₁ + … + γ_cn wₙ + u_c,g`, which puts into the fixed part c and c:wₖ for every k (wₖ
 * alone for the intercept) and into the random part `(z | g)`:
 *
 *   {mu: "y ~ x + tag(1 + x, gamma | g)", gamma: "~ tag(w | g)"}  →  y ~ x + w + x:w + (1 + x | g)
 *
 * The grouping of `tag(w | g)` must be the one of the `tag(z, gamma | g)` that names it. Zelig's
 * `na.action` default (`na.fail`) comes with the result as `naAction: "fail"`.
 *
 * Reference: Zelig's `ls.mixed` documentation (the formula list and `tag()`); Raudenbush & Bryk (2002),
 * Hierarchical Linear Models (2nd ed.), ch. 2 and 5 (level-2 equations and the combined model).
 *
 * @example
 *   readZelig({mu: "income ~ education + tag(1, gamma | state)", gamma: "~ tag(south | state)"}).formula;
 *   // "income ~ education + south + (1 | state)"
 */
export function readZelig(model: string | Record<string, string>): ZeligModel {
  if (typeof model === "string") {
    const spec = formula(model);
    return {formula: model, spec, naAction: "fail", level2: []};
  }
  if (model === null || typeof model !== "object" || Array.isArray(model)) {
    fail(`invalid Zelig formula: ${describeValue(model)}; give a formula such as "y ~ x + tag(1 | g)", or {mu: "y ~ x + tag(1, gamma | g)", gamma: "~ tag(w | g)"}`);
  }
  const names = Object.keys(model);
  if (!names.includes("mu")) fail(`Zelig's formula list has no mu (it has ${names.map((n) => JSON.stringify(clip(n, 20))).join(", ") || "nothing"}): give mu, the individual-level equation`);
  if (names.length > MAX_EQUATIONS + 1) fail(`Zelig's formula list has ${names.length} equations; the limit is ${MAX_EQUATIONS + 1}`);
  for (const name of names) {
    if (typeof model[name] !== "string") fail(`equation ${JSON.stringify(clip(name, 20))} of Zelig's formula list is ${describeValue(model[name])}; give it as text`);
  }
  const mu = model.mu;
  const tree = parseFormula(mu);
  const used = new Set<string>();
  const level2: string[] = [];
  const replacements: {start: number; end: number; text: string}[] = [];
  const visit = (e: Expr): void => {
    if (e.type === "call" && e.fn === "tag" && e.args.length === 2) {
      replacements.push({start: e.start, end: e.end, text: levelTwo(e.args[0], e.args[1], model, mu, used, level2)});
      return;
    }
    if (e.type === "binary") (visit(e.left), visit(e.right));
    else if (e.type === "paren") visit(e.expr);
    else if (e.type === "unary") visit(e.arg);
  };
  visit(tree.rhs);
  const unused = names.filter((n) => n !== "mu" && !used.has(n));
  if (unused.length) fail(`equation ${JSON.stringify(clip(unused[0], 20))} of Zelig's formula list is named by no tag(z, ${clip(unused[0], 20)} | g) in mu: name it there or leave it out`);
  let text = mu;
  for (const r of replacements.sort((a, b) => b.start - a.start)) text = text.slice(0, r.start) + r.text + text.slice(r.end);
  if (text.length > MAX_FORMULA_LENGTH) fail(`the expanded Zelig formula has ${text.length} characters; the limit is ${MAX_FORMULA_LENGTH}: write fewer terms`);
  const expanded = withoutRepeats(text);
  return {formula: expanded, spec: formula(expanded), naAction: "fail", level2: [...new Set(level2)]};
}

/**
 * The formula with a term written twice in its sum of terms kept once (a level-2 equation adds a random
 * coefficient's main effect that mu may already have); any other formula as it is.
 */
function withoutRepeats(text: string): string {
  const tree = parseFormula(text);
  const terms: Expr[] = [];
  let node: Expr = tree.rhs;
  while (node.type === "binary" && node.op === "+") {
    terms.unshift(node.right);
    node = node.left;
  }
  if (node.type === "binary" && node.op === "-") return text;
  terms.unshift(node);
  const seen = new Set<string>();
  const kept = terms.map(deparse).filter((t) => !seen.has(t) && (seen.add(t), true));
  return kept.length === terms.length ? text : `${deparse(tree.response)} ~ ${kept.join(" + ")}`;
}

/** `tag(z, gamma | g)` with gamma's `~ tag(w | g)`: the fixed terms its level-2 equations add, then `(z | g)`. */
function levelTwo(z: Expr, bar: Expr, equations: Record<string, string>, mu: string, used: Set<string>, level2: string[]): string {
  while (bar.type === "paren") bar = bar.expr;
  if (bar.type !== "binary" || bar.op !== "|" || bar.left.type !== "name") {
    fail(`tag(${clip(deparse(z), 30)}, …) in ${JSON.stringify(clip(mu, 80))} needs the equation's name and the grouping: write tag(z, gamma | g)`);
  }
  const key = bar.left.name;
  const group = deparse(bar.right);
  const equation = equations[key];
  if (equation === undefined || key === "mu") {
    fail(`tag(${clip(deparse(z), 30)}, ${clip(key, 20)} | ${clip(group, 30)}) names the equation ${JSON.stringify(clip(key, 20))}, which Zelig's formula list does not have: add ${clip(key, 20)}: "~ tag(w | ${clip(group, 30)})"`);
  }
  used.add(key);
  const oneSided = equation.trim();
  if (!oneSided.startsWith("~")) fail(`equation ${key} = ${JSON.stringify(clip(equation, 60))} must be one-sided: write "~ tag(w | ${clip(group, 30)})"`);
  let inner = parseExpression(oneSided.slice(1));
  while (inner.type === "paren") inner = inner.expr;
  if (inner.type !== "call" || inner.fn !== "tag" || inner.args.length !== 1) {
    fail(`equation ${key} = ${JSON.stringify(clip(equation, 60))} must be ~ tag(w₁ + … + wₙ | ${clip(group, 30)})`);
  }
  let wBar = inner.args[0];
  while (wBar.type === "paren") wBar = wBar.expr;
  if (wBar.type !== "binary" || wBar.op !== "|") fail(`equation ${key} = ${JSON.stringify(clip(equation, 60))} must be ~ tag(w₁ + … + wₙ | ${clip(group, 30)})`);
  if (deparse(wBar.right) !== group) {
    fail(`equation ${key} groups by ${clip(deparse(wBar.right), 30)} but tag(…, ${clip(key, 20)} | ${clip(group, 30)}) in mu groups by ${clip(group, 30)}: give both the same grouping`);
  }
  const zText = deparse(z);
  const zTerms = expandTerms(z, zText);
  const wTerms = expandTerms(wBar.left, deparse(wBar.left)).terms.map((t) => t.label);
  level2.push(...wTerms);
  const coefficients = [...(zTerms.intercept ? ["1"] : []), ...zTerms.terms.map((t) => t.label)];
  const fixed: string[] = [];
  for (const c of coefficients) {
    if (c !== "1") fixed.push(c);
    for (const w of wTerms) fixed.push(c === "1" ? w : `${c}:${w}`);
  }
  return [...fixed, `(${zText} | ${group})`].join(" + ");
}

/** Options of {@link writeZelig}. */
export interface WriteZeligOptions {
  /** The fixed variables that are group-level covariates, which a `gamma` equation may carry. */
  level2?: readonly string[];
}

const WRITE_ZELIG_OPTIONS = optionNames<WriteZeligOptions>({level2: true});

/**
 * Writes a model specification in Zelig's notation (the inverse of {@link readZelig}). Each random-effects
 * term `(z | g)` is written `tag(z | g)` (lme4's `||` split into its terms, which is what it means). When
 * `level2` names group-level covariates and, for a term `(z | g)`, a set W of them enters the fixed part
 * exactly as a level-2 equation puts it there (every w alone for z's intercept, c:w for each slope c of z,
 * each slope c with its main effect), the term is written `tag(z, gamma | g)` with the equation
 * `gamma: "~ tag(w₁ + … + wₙ | g)"` and those fixed terms leave mu: the result is then the list
 * `{mu, gamma, …}` (`gamma`, `gamma2`, … for several terms). Otherwise, and without `level2`, it is the single
 * formula. A covariate is given to the first term that can carry it; reading the list gives the same model.
 *
 * Reference: Zelig's `ls.mixed` documentation (the formula list and `tag()`); Raudenbush & Bryk (2002),
 * Hierarchical Linear Models (2nd ed.), ch. 5 (the combined model).
 *
 * @example
 *   writeZelig(formula("income ~ education + (1 | state)")); // "income ~ education + tag(1 | state)"
 *   writeZelig(formula("y ~ x + w + x:w + (1 + x | g)"), {level2: ["w"]});
 *   // {mu: "y ~ x + tag(1 + x, gamma | g)", gamma: "~ tag(w | g)"}
 */
export function writeZelig(spec: ModelSpec, given?: WriteZeligOptions): string | Record<string, string> {
  const options = readOptions(given, WRITE_ZELIG_OPTIONS, "writeZelig");
  if (options.level2 !== undefined && !(Array.isArray(options.level2) && options.level2.every((v) => typeof v === "string"))) {
    fail(`invalid level2: ${describeValue(options.level2)}; give the group-level covariates' names as an array of text, such as ["schavg"]`);
  }
  const level2 = options.level2 ?? [];
  /** A fixed term as its set of variables (R names x:w and w:x alike). */
  const key = (vars: readonly string[]) => [...vars].sort().join("\u0000");
  const fixedKeys = spec.terms.map((t) => key(t.vars.map((v) => v.label)));
  const consumed = new Set<number>();
  const equations: {name: string; covariates: string[]; group: string}[] = [];
  const tags = spec.random.map((r) => {
    const slopes = r.terms.map((t) => t.vars.map((v) => v.label));
    const lhs = randomLhs(r.intercept, r.terms.map((t) => t.label));
    // a slope's main effect stays in the fixed part (reading adds it back), so it must be there
    const slopesHaveMainEffects = slopes.every((c) => fixedKeys.includes(key(c)));
    const covariates: string[] = [];
    if (slopesHaveMainEffects) {
      for (const w of level2) {
        if (slopes.some((c) => c.includes(w))) continue;
        const needed = [...(r.intercept ? [key([w])] : []), ...slopes.map((c) => key([...c, w]))].map((k) => fixedKeys.indexOf(k));
        if (needed.length === 0 || needed.some((i) => i < 0) || needed.every((i) => consumed.has(i))) continue;
        needed.forEach((i) => consumed.add(i));
        covariates.push(w);
      }
    }
    if (covariates.length === 0) return `tag(${lhs} | ${r.groupLabel})`;
    const name = equations.length === 0 ? "gamma" : `gamma${equations.length + 1}`;
    equations.push({name, covariates, group: r.groupLabel});
    return `tag(${lhs}, ${name} | ${r.groupLabel})`;
  });
  const fixed = spec.terms.filter((_, i) => !consumed.has(i)).map((t) => t.label);
  const offsets = spec.offsets.map((o) => `offset(${o.label})`);
  const rhs = [spec.intercept ? (fixed.length || offsets.length || tags.length ? "" : "1") : "0", ...fixed, ...offsets, ...tags].filter(Boolean);
  const mu = `${spec.response.label} ~ ${rhs.join(" + ")}`;
  if (equations.length === 0) return mu;
  const list: Record<string, string> = {mu};
  for (const e of equations) list[e.name] = `~ tag(${e.covariates.join(" + ")} | ${e.group})`;
  return list;
}

/** The left side of a random term: `1`, `1 + x`, `0 + x`. */
function randomLhs(intercept: boolean, terms: string[]): string {
  return intercept ? (terms.length ? `1 + ${terms.join(" + ")}` : "1") : `0 + ${terms.join(" + ")}`;
}
