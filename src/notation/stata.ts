/**
 * Stata's `mixed` command line read as the lme4 formula it means, so that a model written for Stata is fitted
 * by the same formula stages as any other (the reader writes formula text; `formula()` parses it).
 */
import {clip, describeValue, fail} from "../errors.js";
import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import {MAX_FORMULA_LENGTH} from "../formula/limits.js";

/** What a Stata command means for lmm-kit: the lme4 formula, the method, and notes on the translation. */
export interface StataModel {
  /** The lme4 formula, as text. */
  formula: string;
  /** The expanded formula (`formula(text)`). */
  spec: ModelSpec;
  /** Stata fits by ML unless `reml` is given (lmer's `REML` option). */
  REML: boolean;
  /** `residuals(…)` as nlme's correlation structure (lmer's `correlation` option), when it has one. */
  correlation?: string;
  /** `residuals(…)` as nlme's variance function (lmer's `variance` option), when it has one. */
  variance?: string;
}

type Covariance = "independent" | "unstructured" | "exchangeable" | "identity";

/** A parsed option: its name as written, lowercased, and its argument (`cov(un)` → ["cov", "un"]), also as written. */
interface Option {
  name: string;
  argument: string | null;
  raw: string | null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const R_NAME = /^[\p{L}.][\p{L}\p{N}._]*$/u;

/**
 * Whether `written` abbreviates `full` to at least its first `min` letters, as Stata lets options be
 * shortened (`cov` for `covariance`, `nocons` for `noconstant`).
 */
function abbreviates(written: string, full: string, min: number): boolean {
  return written.length >= min && written.length <= full.length && full.startsWith(written);
}

const COVARIANCES: [Covariance, number][] = [["independent", 2], ["unstructured", 2], ["exchangeable", 2], ["identity", 2]];

/**
 * Reads a Stata `mixed` (or `xtmixed`) command line:
 * `mixed depvar [indepvars] [, noconstant] [|| level: [varlist] [, noconstant covariance(vartype)]] … [, reml|mle]`.
 *
 * What each part means in lme4's terms (Stata's defaults):
 * - fixed part: `x` continuous, `i.x` a factor (`factor(x)`), `c.x` continuous, `a#b` the interaction with
 *   both factors unless marked `c.`, `a##b` the full factorial (`a*b`); `noconstant` drops the intercept;
 * - levels left to right are nested, each within the ones before it: `|| school: || class:` is
 *   `(1 | school) + (1 | school:class)`; `|| _all: R.g` is a crossed factor, `(1 | g)`, and levels after it
 *   are not nested in it;
 * - each level has a random intercept unless `noconstant`; its random slopes are independent
 *   (`covariance(independent)`, lme4's `||`) unless `covariance(unstructured)` (lme4's `|`); `exchangeable`
 *   (equal variances, equal covariances) and `identity` (equal variances, no covariances) have no lme4 formula
 *   and lmer cannot fit them: they are refused with the two structures it fits, `unstructured` and `independent`;
 * - the method is ML unless `reml` is given;
 * - `residuals(…)` becomes nlme's correlation structure and variance function within the innermost level
 *   (`correlation` and `variance`, lmer's options of the same names; see residualStructures).
 * Weights, `if`/`in`, time-series operators and base-level prefixes (`ib2.`) are refused by name.
 *
 * Reference: StataCorp, Stata Multilevel Mixed-Effects Reference Manual, `mixed` (syntax, "Remarks and
 * examples": nested and crossed random effects, covariance structures, REML and ML); Bates et al. (2015),
 * JSS 67(1), table 2 (the lme4 formulas).
 *
 * @example
 *   readStata("mixed wage tenure married || occupation: tenure").formula;
 *   // "wage ~ tenure + married + (tenure || occupation)"
 *   readStata("mixed y x || school: || class:, reml").formula; // "y ~ x + (1 | school) + (1 | school:class)"
 */
export function readStata(command: string): StataModel {
  if (typeof command !== "string") fail(`invalid Stata command: ${describeValue(command)}; give text such as "mixed wage tenure || occupation:"`);
  if (command.length > MAX_FORMULA_LENGTH) {
    fail(`Stata command has ${command.length} characters; the limit is ${MAX_FORMULA_LENGTH}: shorten it`);
  }
  const shown = JSON.stringify(clip(command.trim(), 80));
  const segments = command.split("||");
  const global: Option[] = [];
  const [head, headOptions] = splitOptions(segments[0], shown);
  const words = head.trim().split(/\s+/).filter(Boolean);
  if (words[0] === "mixed" || words[0] === "xtmixed") words.shift();
  if (words.length === 0) fail(`Stata command ${shown} names no dependent variable: write mixed depvar indepvars || level:`);
  const depvar = words.shift()!;
  checkPlainName(depvar, "the dependent variable", shown);
  let intercept = true;
  for (const o of headOptions) {
    if (abbreviates(o.name, "noconstant", 4)) intercept = false;
    else global.push(o);
  }
  const fixed = words.map((w) => fixedTerm(w, shown));

  const random: string[] = [];
  let path: string[] = [];
  for (let s = 1; s < segments.length; s++) {
    const [body, options] = splitOptions(segments[s], shown);
    const colon = body.indexOf(":");
    if (colon < 0) fail(`random-effects equation "${clip(body.trim(), 40)}" in ${shown} has no ":": write || level: varlist, as in || occupation: tenure`);
    const level = body.slice(0, colon).trim();
    const vars = body.slice(colon + 1).trim().split(/\s+/).filter(Boolean);
    let levelIntercept = true;
    let covariance: Covariance = "independent";
    for (const o of options) {
      if (abbreviates(o.name, "noconstant", 4)) levelIntercept = false;
      else if (abbreviates(o.name, "covariance", 3)) covariance = covarianceOf(o, shown);
      else global.push(o);
    }
    if (level === "_all") {
      const crossed = vars.length === 1 ? /^R\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(vars[0]) : null;
      if (!crossed) fail(`|| _all: in ${shown} needs one crossed factor written R.varname, as in || _all: R.item`);
      random.push(`(1 | ${rName(crossed[1])})`);
      path = [];
      continue;
    }
    checkPlainName(level, "a level variable", shown);
    path = [...path, level];
    const group = path.map(rName).join(":");
    const terms = vars.map((v) => randomTerm(v, shown));
    if (terms.length === 0) {
      if (!levelIntercept) fail(`level ${level} in ${shown} has neither an intercept nor variables: drop noconstant or list variables`);
      random.push(`(1 | ${group})`);
      continue;
    }
    if ((covariance === "exchangeable" || covariance === "identity") && terms.length + (levelIntercept ? 1 : 0) > 1) {
      const what = covariance === "exchangeable" ? "one common variance and one common covariance" : "one common variance and no covariances";
      const written = `${level}: ${vars.join(" ")}${levelIntercept ? "" : ", nocons"}`;
      fail(`covariance(${covariance}) at level ${level} in ${shown} gives the ${terms.length + (levelIntercept ? 1 : 0)} random effects ${what}; lmm-kit (as lme4) fits only an unstructured or a diagonal covariance: write || ${written}${levelIntercept ? ", " : " "}covariance(unstructured) (lme4's |, which contains the ${covariance} structure) or || ${written} (covariance(independent), lme4's ||)`);
    }
    const lhs = (levelIntercept ? "" : "0 + ") + terms.join(" + ");
    const bar = covariance === "unstructured" || terms.length + (levelIntercept ? 1 : 0) === 1 ? "|" : "||";
    random.push(`(${lhs} ${bar} ${group})`);
  }

  let REML = false;
  let structures: {correlation?: string; variance?: string} = {};
  for (const o of global) {
    if (o.name === "reml") REML = true;
    else if (abbreviates(o.name, "residuals", 5)) structures = residualStructures(o, path.length ? path.map(rName).join("/") : null, shown);
    else if (o.name === "mle" || o.name === "ml") REML = false;
    else if (["variance", "stddeviations", "stddev", "nolog", "noheader", "nogroup", "nostderr", "noretable", "nofetable"].includes(o.name)) continue;
    else fail(`Stata option ${JSON.stringify(clip(o.name, 30))} in ${shown} is not read here: the options understood are noconstant, covariance(independent|unstructured), residuals(), reml and mle (and display options, ignored)`);
  }
  const rhs = [intercept ? "" : "0", ...fixed, ...random].filter(Boolean);
  const text = `${rName(depvar)} ~ ${rhs.length ? rhs.join(" + ") : "1"}`;
  return {formula: text, spec: formula(text), REML, ...structures};
}

/**
 * Stata's `residuals(rstructure [, t(varname) by(varname)])` as nlme's structures within the innermost level:
 * `independent, by(v)` → `varIdent(form = ~ 1 | v)`; `exchangeable` → `corCompSymm`; `ar #, t(v)` → `corAR1`
 * (# = 1) or `corARMA(p = #)`; `ma #, t(v)` → `corARMA(q = #)`; `exponential, t(v)` → `corCAR1`;
 * `unstructured, t(v)` → `corSymm` with `varIdent(form = ~ 1 | v)` (a variance per time, as Stata's). Other
 * structures (banded, toeplitz) and `by()` with a correlation are refused by name.
 *
 * Reference: StataCorp, Stata Multilevel Mixed-Effects Reference Manual, `mixed`, option `residuals()`;
 * Pinheiro & Bates (2000), §5.3 (the same structures in nlme).
 *
 * @example
 *   readStata("mixed y x || id:, residuals(ar 1, t(time))").correlation; // "corAR1(form = ~ time | id)"
 */
function residualStructures(o: Option, group: string | null, shown: string): {correlation?: string; variance?: string} {
  const raw = o.raw ?? "";
  const comma = raw.indexOf(",");
  const head = (comma < 0 ? raw : raw.slice(0, comma)).trim().split(/\s+/);
  const suboptions = comma < 0 ? "" : raw.slice(comma + 1);
  const sub = (name: string) => {
    const m = new RegExp(`\\b${name}\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)`).exec(suboptions);
    if (m) checkPlainName(m[1], `residuals' ${name}()`, shown);
    return m ? rName(m[1]) : null;
  };
  const kind = head[0]?.toLowerCase() ?? "";
  const order = head[1] === undefined ? 1 : Number(head[1]);
  const t = sub("t"), by = sub("by");
  const within = group ? ` | ${group}` : "";
  const needTime = (what: string) => {
    if (!t) fail(`residuals(${clip(raw, 40)}) in ${shown} needs the time variable: write residuals(${what}, t(time))`);
    return t!;
  };
  if (by && !abbreviates(kind, "independent", 3)) {
    fail(`residuals(${clip(raw, 40)}) in ${shown}: by() with a correlation structure gives each group its own parameters, which lmm-kit does not fit; use by() with independent only`);
  }
  if (abbreviates(kind, "independent", 3)) return by ? {variance: `varIdent(form = ~ 1 | ${by})`} : {};
  if (abbreviates(kind, "exchangeable", 3)) return {correlation: `corCompSymm(form = ~ 1${within})`};
  if (kind === "ar" || kind === "ma") {
    if (!(Number.isInteger(order) && order >= 1 && order <= 6)) fail(`residuals(${clip(raw, 40)}) in ${shown}: the order of ${kind} is a whole number from 1 to 6`);
    const time = needTime(`${kind} ${order}`);
    if (kind === "ar" && order === 1) return {correlation: `corAR1(form = ~ ${time}${within})`};
    return {correlation: `corARMA(${kind === "ar" ? "p" : "q"} = ${order}, form = ~ ${time}${within})`};
  }
  if (abbreviates(kind, "exponential", 3)) return {correlation: `corCAR1(form = ~ ${needTime("exponential")}${within})`};
  if (abbreviates(kind, "unstructured", 2)) {
    const time = needTime("unstructured");
    return {correlation: `corSymm(form = ~ ${time}${within})`, variance: `varIdent(form = ~ 1 | ${time})`};
  }
  return fail(`residuals(${clip(raw, 40)}) in ${shown} is not a structure read here: use independent (with by()), exchangeable, ar #, ma #, exponential or unstructured`);
}

/** Splits an equation at its first top-level comma into its text and its options. */
function splitOptions(segment: string, shown: string): [string, Option[]] {
  const comma = segment.indexOf(",");
  if (comma < 0) return [segment, []];
  const options: Option[] = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)(?:\(((?:[^()]|\([^()]*\))*)\))?/y;
  const text = segment.slice(comma + 1);
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m) fail(`cannot read the options "${clip(text.trim(), 40)}" in ${shown}: write them as name or name(argument), separated by spaces`);
    options.push({name: m[1].toLowerCase(), argument: m[2] === undefined ? null : m[2].trim().toLowerCase(), raw: m[2] === undefined ? null : m[2].trim()});
    i = pattern.lastIndex;
  }
  return [segment.slice(0, comma), options];
}

function covarianceOf(o: Option, shown: string): Covariance {
  const found = COVARIANCES.find(([full, min]) => o.argument !== null && abbreviates(o.argument, full, min));
  if (!found) {
    fail(`covariance(${clip(o.argument ?? "", 20)}) in ${shown} is not a covariance structure Stata's mixed knows: use independent, unstructured, exchangeable or identity`);
  }
  return found[0];
}

/** Stata's variable name in an lme4 formula: bare when R reads it as a name, in backticks otherwise. */
function rName(name: string): string {
  return R_NAME.test(name) ? name : `\`${name}\``;
}

function checkPlainName(name: string, what: string, shown: string): void {
  if (!NAME.test(name)) fail(`${JSON.stringify(clip(name, 30))} in ${shown} is not a Stata variable name for ${what}: use letters, digits and _`);
}

/** One variable of a factor-variable expression: `x`, `i.x` or `c.x`, and whether it is a factor. */
function variable(word: string, factorByDefault: boolean, shown: string): string {
  const m = /^(?:([A-Za-z0-9]+)\.)?(.*)$/.exec(word)!;
  const prefix = m[1]?.toLowerCase(), name = m[2];
  if (prefix && prefix !== "i" && prefix !== "c") {
    const what = /^(l|f|d|s)\d*$/.test(prefix) ? "a time-series operator" : /^ib/.test(prefix) ? "a base level" : "an operator";
    fail(`${JSON.stringify(clip(word, 30))} in ${shown} uses ${what} (${prefix}.), which is not read here: use i.x, c.x or x`);
  }
  checkPlainName(name, "a covariate", shown);
  return prefix === "i" || (prefix === undefined && factorByDefault) ? `factor(${rName(name)})` : rName(name);
}

/** A term of the fixed part: `x`, `i.x`, `c.x`, `a#b` (factors unless `c.`), `a##b` (full factorial). */
function fixedTerm(word: string, shown: string): string {
  if (word.includes("(") || word.includes(")")) fail(`${JSON.stringify(clip(word, 30))} in ${shown}: grouped factor variables i.(a b) are not read here; write each term`);
  if (word.includes("##")) return word.split("##").map((w) => variable(w, true, shown)).join(" * ");
  if (word.includes("#")) return word.split("#").map((w) => variable(w, true, shown)).join(":");
  return variable(word, false, shown);
}

/** A random slope's variable; `R.` (crossed factors) belongs to `_all` only. */
function randomTerm(word: string, shown: string): string {
  if (/^R\./.test(word)) fail(`${word} in ${shown}: R.varname is read only at the level _all (|| _all: ${word})`);
  return fixedTerm(word, shown);
}

/** A Stata variable in a command: names Stata cannot write are refused. */
function stataName(name: string, what: string): string {
  if (!NAME.test(name)) fail(`${what} ${JSON.stringify(clip(name, 30))} is not a Stata variable name (letters, digits and _): rename the column`);
  return name;
}

/** A fixed term as Stata's factor-variable notation: `x`, `i.x`, `i.a#c.x`. */
function stataTerm(term: ModelSpec["terms"][number]): string {
  const parts = term.vars.map((v) => {
    if (v.expr.type !== "name") fail(`the term ${term.label} is not a column or factor(column): Stata needs it generated as a variable first (generate)`);
    return {name: stataName(v.expr.name, "the variable"), factor: v.factor};
  });
  if (parts.length === 1) return parts[0].factor ? `i.${parts[0].name}` : parts[0].name;
  return parts.map((p) => (p.factor ? `i.${p.name}` : `c.${p.name}`)).join("#");
}

/**
 * Writes a model specification as Stata's `mixed` command line (the inverse of {@link readStata}): fixed terms
 * that are columns, `factor(column)`s and their interactions; random terms whose groupings nest in one chain
 * (`(1 | a) + (1 | a:b)` → `|| a: || b:`), with crossed intercept-only factors before it as `|| _all: R.g`;
 * one correlated term per level (`covariance(unstructured)` when it has slopes) or lme4's `||` split
 * (independent, Stata's default); `reml` for a REML fit. What Stata's `mixed` cannot say is refused by name.
 *
 * Reference: StataCorp, Stata Multilevel Mixed-Effects Reference Manual, `mixed`.
 *
 * @example
 *   writeStata(formula("wage ~ tenure + married + (tenure || occupation)"), false);
 *   // "mixed wage tenure married || occupation: tenure"
 */
export function writeStata(spec: ModelSpec, REML: boolean): string {
  if (spec.response.expr.type !== "name") fail(`the response ${spec.response.label} is not a column: Stata's mixed needs it generated as a variable first`);
  if (spec.offsets.length) fail("the model has an offset, which Stata's mixed does not take");
  if (spec.random.length === 0) fail("the model has no random-effects term: Stata's mixed needs a level (|| g:)");
  const fixed = spec.terms.map(stataTerm);
  const byGroup = new Map<string, RandomSpecLike[]>();
  for (const r of spec.random) {
    const key = [...r.group].sort().join("\u0000");
    if (!byGroup.has(key)) byGroup.set(key, []);
    byGroup.get(key)!.push(r);
  }
  type Level = {columns: string[]; intercept: boolean; slopes: string[]; correlated: boolean};
  const levels: Level[] = [...byGroup.values()].map((specs) => {
    const columns = specs[0].group;
    const slopeOf = (t: ModelSpec["terms"][number]) => {
      if (t.vars.length !== 1 || t.vars[0].factor || t.vars[0].expr.type !== "name") fail(`the random slope ${t.label} is not a column: Stata's mixed takes columns at a level`);
      return stataName(t.vars[0].expr.name, "the random slope");
    };
    if (specs.length === 1) {
      const s = specs[0];
      return {columns, intercept: s.intercept, slopes: s.terms.map(slopeOf), correlated: s.terms.length + (s.intercept ? 1 : 0) > 1};
    }
    // lme4's || split: at most one intercept-only term, the rest single slopes without intercept
    const intercept = specs.filter((s) => s.intercept && s.terms.length === 0).length;
    const singles = specs.filter((s) => !s.intercept && s.terms.length === 1);
    if (intercept > 1 || intercept + singles.length !== specs.length) {
      fail(`the random terms of ${specs[0].groupLabel} are neither one correlated term nor lme4's || split: Stata's mixed has one covariance structure a level`);
    }
    return {columns, intercept: intercept === 1, slopes: singles.map((s) => slopeOf(s.terms[0])), correlated: false};
  });
  // the nested chain: each level's columns are the previous level's and one more
  // its root is the one-column level that the longer levels contain, or else the one with slopes (a crossed
  // factor has an intercept only), or else the last written
  const singles = levels.filter((l) => l.columns.length === 1);
  const longer = levels.filter((l) => l.columns.length > 1).sort((a, b) => a.columns.length - b.columns.length);
  const root = longer.length
    ? singles.find((l) => longer[0].columns.includes(l.columns[0]))
    : singles.find((l) => !l.intercept || l.slopes.length) ?? singles[singles.length - 1];
  const chain: Level[] = root ? [root] : [];
  const crossed: Level[] = singles.filter((l) => l !== root);
  for (const level of longer) {
    const previous = chain[chain.length - 1];
    if (previous && level.columns.length === previous.columns.length + 1 && previous.columns.every((c) => level.columns.includes(c))) chain.push(level);
    else crossed.push(level);
  }
  // single-column levels that did not start the chain are crossed factors, written first as _all: R.g
  const lines: string[] = [];
  for (const level of crossed) {
    if (level.columns.length !== 1 || !level.intercept || level.slopes.length) {
      fail(`the random term of ${level.columns.join(":")} is neither nested in the others nor a crossed random intercept: Stata's mixed writes crossed factors as || _all: R.g, intercepts only`);
    }
    lines.push(`_all: R.${stataName(level.columns[0], "the grouping")}`);
  }
  let path: string[] = [];
  for (const level of chain) {
    const added = level.columns.find((c) => !path.includes(c))!;
    path = [...path, added];
    const options = [...(level.intercept ? [] : ["nocons"]), ...(level.correlated && level.slopes.length ? ["cov(un)"] : [])];
    lines.push(`${stataName(added, "the grouping")}:${level.slopes.length ? " " + level.slopes.join(" ") : ""}${options.length ? ", " + options.join(" ") : ""}`);
  }
  const head = `mixed ${stataName(spec.response.expr.name, "the response")}${fixed.length ? " " + fixed.join(" ") : ""}${spec.intercept ? "" : ", noconstant"}`;
  const tail = REML ? (lines.length && lines[lines.length - 1].includes(",") ? " reml" : ", reml") : "";
  return [head, ...lines].join(" || ") + tail;
}

type RandomSpecLike = ModelSpec["random"][number];
