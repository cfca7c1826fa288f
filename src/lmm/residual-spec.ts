/**
 * nlme's spelling of residual structures read as text, never evaluated: correlation structures
 * (`corAR1(form = ~ Days | Subject)`, `corCAR1`, `corCompSymm`, `corARMA(p = 1, q = 1)`, `corSymm`) and
 * variance functions (`varIdent(form = ~ 1 | Sex)`, `varPower`, `varExp`, `varConstPower`, `varFixed`).
 * The call's arguments are split here; each argument's value (the one-sided `form`, numbers, `c(…)`,
 * `TRUE`/`FALSE`) is read by the formula language's own expression parser.
 */
import {describeValue, fail, quote} from "../errors.js";
import type {Expr} from "../formula/ast.js";
import {deparse} from "../formula/deparse.js";
import {MAX_FORMULA_LENGTH} from "../formula/limits.js";
import {parseExpression} from "../formula/parse.js";

/** The correlation structures nlme's `lme` takes that lmm-kit fits. */
export type CorrelationKind = "corAR1" | "corCAR1" | "corCompSymm" | "corARMA" | "corSymm";
/** The variance functions nlme's `lme` takes that lmm-kit fits. */
export type VarianceKind = "varIdent" | "varPower" | "varExp" | "varConstPower" | "varFixed";

/** A one-sided `form = ~ covariate | g1/g2`: the covariate (null for `~ 1`) and the grouping names (outer first). */
export interface StructureForm {
  covariate: Expr | null;
  /** `fitted(.)`: the covariate is the fitted values (nlme's default for varPower, varExp, varConstPower). */
  fitted: boolean;
  groups: string[];
  text: string;
}

/** A correlation structure as written. */
export interface CorrelationSpec {
  kind: CorrelationKind;
  form: StructureForm;
  /** corARMA's orders. */
  p: number;
  q: number;
  /** Start values on the natural scale (nlme's `value`), or null. */
  value: number[] | null;
  /** Held at `value` (nlme's `fixed = TRUE`). */
  fixed: boolean;
  text: string;
}

/** A variance function as written. */
export interface VarianceSpec {
  kind: VarianceKind;
  form: StructureForm;
  /** Start values on the natural scale (varConstPower: `const` then `power`), or null. */
  value: number[] | null;
  /** varConstPower's `const` start. */
  constValue: number[] | null;
  fixed: boolean;
  text: string;
}

const CORRELATIONS: Record<CorrelationKind, string[]> = {
  corAR1: ["value", "form", "fixed"],
  corCAR1: ["value", "form", "fixed"],
  corCompSymm: ["value", "form", "fixed"],
  corARMA: ["value", "form", "p", "q", "fixed"],
  corSymm: ["value", "form", "fixed"]
};
const VARIANCES: Record<VarianceKind, string[]> = {
  varIdent: ["value", "form", "fixed"],
  varPower: ["value", "form", "fixed"],
  varExp: ["value", "form", "fixed"],
  varConstPower: ["const", "power", "form", "fixed"],
  varFixed: ["value"]
};
/** nlme's structures that lmm-kit does not fit, named in the refusal. */
const OTHERS = ["corExp", "corGaus", "corLin", "corRatio", "corSpher", "corNatural", "varComb"];
/** corARMA's largest p and q, and corSymm's largest group. */
export const MAX_ARMA_ORDER = 6;

/**
 * Reads a correlation structure in nlme's spelling.
 *
 * Reference: nlme's `?corClasses`, `?corAR1`, `?corCAR1`, `?corCompSymm`, `?corARMA`, `?corSymm`
 * (Pinheiro & Bates 2000, Mixed-Effects Models in S and S-PLUS, §5.3).
 *
 * @example
 *   readCorrelation("corAR1(form = ~ Days | Subject)"); // {kind: "corAR1", form: {covariate: Days, groups: ["Subject"]}, …}
 *   readCorrelation("corARMA(p = 1, q = 1)");            // {kind: "corARMA", p: 1, q: 1, …}
 */
export function readCorrelation(text: unknown): CorrelationSpec {
  const call = readCall(text, "correlation", Object.keys(CORRELATIONS), "corAR1(form = ~ Days | Subject)");
  const kind = call.name as CorrelationKind;
  const args = namedArguments(call, CORRELATIONS[kind]);
  const form = args.form !== undefined ? readForm(args.form, call.text, "form") : {covariate: null, fitted: false, groups: [], text: "~1"};
  if (form.fitted) fail(`invalid form in ${quote(call.text)}: a correlation structure's covariate cannot be fitted(.); give a time or position column, as in ~ Days | Subject`);
  const p = args.p !== undefined ? readOrder(args.p, call.text, "p") : 0;
  const q = args.q !== undefined ? readOrder(args.q, call.text, "q") : 0;
  if (kind === "corARMA" && p + q === 0) fail(`${quote(call.text)} has p = 0 and q = 0: give corARMA an order, as in corARMA(p = 1, q = 1, form = ~ 1 | Subject)`);
  const value = args.value !== undefined ? readNumbers(args.value, call.text, "value") : null;
  const expected = kind === "corARMA" ? p + q : kind === "corSymm" ? null : 1;
  if (value && expected !== null && value.length !== expected) fail(`invalid value in ${quote(call.text)}: ${value.length} numbers for ${expected} parameters of ${kind}`);
  if (value) checkCorrelationValue(kind, value, call.text);
  const fixed = args.fixed !== undefined ? readLogical(args.fixed, call.text, "fixed") : false;
  if (fixed && !value && kind !== "corSymm") fail(`${quote(call.text)} has fixed = TRUE without value: give the value to hold, as in ${kind}(0.5, fixed = TRUE)`);
  return {kind, form, p, q, value, fixed, text: call.text};
}

/**
 * Reads a variance function in nlme's spelling.
 *
 * Reference: nlme's `?varClasses`, `?varIdent`, `?varPower`, `?varExp`, `?varConstPower`, `?varFixed`
 * (Pinheiro & Bates 2000, §5.2).
 *
 * @example
 *   readVariance("varIdent(form = ~ 1 | Sex)"); // {kind: "varIdent", form: {covariate: null, groups: ["Sex"]}, …}
 *   readVariance("varFixed(~ x)");              // {kind: "varFixed", form: {covariate: x, groups: []}, …}
 */
export function readVariance(text: unknown): VarianceSpec {
  const call = readCall(text, "variance", Object.keys(VARIANCES), "varIdent(form = ~ 1 | Sex)");
  const kind = call.name as VarianceKind;
  const args = namedArguments(call, VARIANCES[kind]);
  const defaultForm = kind === "varIdent" ? "~1" : "~fitted(.)";
  const formText = kind === "varFixed" ? args.value : args.form;
  if (kind === "varFixed" && formText === undefined) fail(`${quote(call.text)} has no formula: give the variance covariate, as in varFixed(~ x)`);
  const form = readForm(formText ?? defaultForm, call.text, kind === "varFixed" ? "value" : "form");
  if (form.fitted && (kind === "varIdent" || kind === "varFixed")) fail(`invalid formula in ${quote(call.text)}: ${kind} takes no fitted values; give ${kind === "varIdent" ? "strata, as in varIdent(form = ~ 1 | Sex)" : "a covariate column, as in varFixed(~ x)"}`);
  if (form.fitted && form.text.split("|")[0].trim() !== "~fitted(.)") fail(`invalid form in ${quote(call.text)}: write the fitted values as fitted(.) (the innermost level's), as in ${kind}(form = ~ fitted(.))`);
  if (kind === "varIdent" && form.covariate) fail(`invalid form in ${quote(call.text)}: varIdent takes strata only, as in varIdent(form = ~ 1 | Sex)`);
  if (kind === "varIdent" && form.groups.length === 0) fail(`${quote(call.text)} has no strata: give them after "|", as in varIdent(form = ~ 1 | Sex)`);
  if (kind !== "varIdent" && !form.covariate && !form.fitted) fail(`${quote(call.text)} has no covariate: give it in form, as in ${kind}(form = ~ x)`);
  if (kind === "varFixed" && form.groups.length) fail(`invalid formula in ${quote(call.text)}: varFixed takes no strata; write varFixed(~ x)`);
  const value = kind === "varFixed" ? null : args.value !== undefined ? readNumbers(args.value, call.text, "value") : args.power !== undefined ? readNumbers(args.power, call.text, "power") : null;
  const constValue = args.const !== undefined ? readNumbers(args.const, call.text, "const") : null;
  const fixed = args.fixed !== undefined ? readLogical(args.fixed, call.text, "fixed") : false;
  if (fixed && !value && !constValue) fail(`${quote(call.text)} has fixed = TRUE without a value: give the value to hold`);
  return {kind, form, value, constValue, fixed, text: call.text};
}

interface Call {
  name: string;
  /** The arguments' texts, with their names when given (`form = ~ x`). */
  args: {name: string | null; text: string}[];
  text: string;
}

/** `name(arg, name = arg, …)`: the name checked against the known structures, the arguments split at top-level commas. */
function readCall(text: unknown, what: string, known: string[], example: string): Call {
  if (typeof text !== "string") fail(`invalid ${what}: ${describeValue(text)}; give nlme's spelling as text, such as "${example}"`);
  if (text.length > MAX_FORMULA_LENGTH) fail(`${what} ${quote(text)} has ${text.length} characters; the limit is ${MAX_FORMULA_LENGTH}`);
  const trimmed = text.trim();
  const head = /^([A-Za-z][A-Za-z0-9.]*)\s*\(/.exec(trimmed);
  if (!head || !trimmed.endsWith(")")) fail(`invalid ${what} ${quote(text)}: write a structure as nlme spells it, such as "${example}"`);
  const name = head[1];
  if (!known.includes(name)) {
    const other = OTHERS.includes(name) || Object.keys(CORRELATIONS).includes(name) || Object.keys(VARIANCES).includes(name);
    fail(`unknown ${what} structure ${quote(name)} in ${quote(text)}${other ? ` (nlme has it, but it is not a ${what} structure lmm-kit fits)` : ""}; ` +
      `the ${what} structures are ${known.join(", ")}`);
  }
  const inner = trimmed.slice(head[0].length, -1);
  const parts = splitTopLevel(inner, text);
  const args = parts.filter((part) => part.trim() !== "" || parts.length > 1).map((part) => {
    if (part.trim() === "") fail(`empty argument in ${quote(text)}: remove the extra comma`);
    const eq = topLevelEquals(part);
    if (eq < 0) return {name: null, text: part.trim()};
    const argName = part.slice(0, eq).trim();
    if (!/^[A-Za-z.][A-Za-z0-9._]*$/.test(argName)) fail(`invalid argument name ${quote(argName)} in ${quote(text)}`);
    return {name: argName, text: part.slice(eq + 1).trim()};
  });
  return {name, args, text: trimmed};
}

/** Matches arguments to names as R does for these calls: named ones exactly, the others by position in `formals`. */
function namedArguments(call: Call, formals: string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const arg of call.args) {
    if (arg.name === null) continue;
    if (!formals.includes(arg.name)) fail(`unknown argument ${quote(arg.name)} of ${call.name} in ${quote(call.text)}; its arguments are ${formals.join(", ")}`);
    if (arg.name in out) fail(`argument ${quote(arg.name)} given twice in ${quote(call.text)}`);
    out[arg.name] = arg.text;
  }
  const free = formals.filter((f) => !(f in out));
  for (const arg of call.args) {
    if (arg.name !== null) continue;
    const next = free.shift();
    if (next === undefined) fail(`too many arguments in ${quote(call.text)}; ${call.name}'s arguments are ${formals.join(", ")}`);
    out[next] = arg.text;
  }
  return out;
}

/** Splits at commas outside brackets, backticks and quotes. */
function splitTopLevel(text: string, whole: string): string[] {
  const parts: string[] = [];
  let depth = 0, from = 0;
  let quoteChar: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoteChar) {
      if (c === quoteChar) quoteChar = null;
      continue;
    }
    if (c === "`" || c === '"' || c === "'") quoteChar = c;
    else if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth < 0) fail(`unbalanced ")" in ${quote(whole)}`);
    } else if (c === "," && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  if (depth !== 0 || quoteChar) fail(`unbalanced brackets or quotes in ${quote(whole)}`);
  parts.push(text.slice(from));
  return parts;
}

/** The position of an argument's `=` (not `==`, `<=`, `>=`, `!=`) before any bracket or `~`, or −1. */
function topLevelEquals(part: string): number {
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === "(" || c === "~" || c === "`") return -1;
    if (c === "=" && part[i + 1] !== "=" && !"<>!=".includes(part[i - 1] ?? "")) return i;
  }
  return -1;
}

/** `~ covariate | g1/g2` read by the formula parser. */
function readForm(text: string, whole: string, name: string): StructureForm {
  const t = text.trim();
  if (!t.startsWith("~")) fail(`invalid ${name} ${quote(t)} in ${quote(whole)}: give a one-sided formula, as in ~ Days | Subject`);
  const body = t.slice(1);
  const bar = topLevelBar(body);
  const left = (bar < 0 ? body : body.slice(0, bar)).trim();
  const right = bar < 0 ? "" : body.slice(bar + 1).trim();
  if (left === "") fail(`invalid ${name} ${quote(t)} in ${quote(whole)}: write ~ 1 for no covariate`);
  const expr = parseExpression(left);
  let covariate: Expr | null = expr;
  let fitted = false;
  if (expr.type === "number") {
    if (expr.value !== 1) fail(`invalid ${name} ${quote(t)} in ${quote(whole)}: write ~ 1 or a covariate before "|"`);
    covariate = null;
  } else if (expr.type === "call" && expr.fn === "fitted") {
    fitted = true;
    covariate = null;
  }
  const groups = right === "" ? [] : groupNames(parseExpression(right), t, whole);
  if (bar >= 0 && groups.length === 0) fail(`invalid ${name} ${quote(t)} in ${quote(whole)}: give the grouping after "|"`);
  return {covariate, fitted, groups, text: `~${deparse(expr)}${groups.length ? ` | ${groups.join("/")}` : ""}`};
}

function topLevelBar(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0 && text[i + 1] !== "|" && text[i - 1] !== "|") return i;
  }
  return -1;
}

/** `g` or `g1/g2/…` (nlme's nesting, outer first) as column names. */
function groupNames(expr: Expr, form: string, whole: string): string[] {
  if (expr.type === "paren") return groupNames(expr.expr, form, whole);
  if (expr.type === "name") return [expr.name];
  if (expr.type === "binary" && expr.op === "/") return [...groupNames(expr.left, form, whole), ...groupNames(expr.right, form, whole)];
  return fail(`invalid grouping ${quote(deparse(expr))} in ${quote(whole)}: give a column, or nested columns g1/g2`);
}

function readOrder(text: string, whole: string, name: string): number {
  const v = readNumbers(text, whole, name);
  if (v.length !== 1 || !Number.isInteger(v[0]) || v[0] < 0 || v[0] > MAX_ARMA_ORDER) {
    fail(`invalid ${name} = ${text} in ${quote(whole)}: give a whole number from 0 to ${MAX_ARMA_ORDER}`);
  }
  return v[0];
}

/** A number, a negated number or `c(…)` of them. */
function readNumbers(text: string, whole: string, name: string): number[] {
  const bad = (): never => fail(`invalid ${name} ${quote(text)} in ${quote(whole)}: give a number or c(…) of unnamed numbers`);
  let expr: Expr;
  try {
    expr = parseExpression(text);
  } catch {
    return bad();
  }
  const one = (e: Expr): number => {
    if (e.type === "number") return e.value;
    if (e.type === "unary" && e.op === "-") return -one(e.arg);
    if (e.type === "unary" && e.op === "+") return one(e.arg);
    if (e.type === "paren") return one(e.expr);
    return bad();
  };
  const values = expr.type === "call" && expr.fn === "c" ? expr.args.map(one) : [one(expr)];
  if (values.length > 100 || values.some((v) => !Number.isFinite(v))) bad();
  return values;
}

function readLogical(text: string, whole: string, name: string): boolean {
  const t = text.trim();
  if (t === "TRUE" || t === "T") return true;
  if (t === "FALSE" || t === "F") return false;
  return fail(`invalid ${name} = ${quote(t)} in ${quote(whole)}: give TRUE or FALSE`);
}

/** nlme's ranges of natural values: correlations strictly inside (−1, 1), corCAR1's φ in (0, 1). */
function checkCorrelationValue(kind: CorrelationKind, value: number[], whole: string): void {
  for (const v of value) {
    if (kind === "corCAR1" ? !(v > 0 && v < 1) : kind !== "corARMA" && !(v > -1 && v < 1)) {
      fail(`invalid value ${v} in ${quote(whole)}: ${kind === "corCAR1" ? "φ of corCAR1 is between 0 and 1" : "a correlation is between −1 and 1"}`);
    }
  }
}
