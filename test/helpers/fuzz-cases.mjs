// Generators of hostile input for the fuzz tests (test/fuzz-*.test.ts) and bench/fuzz.mjs: formulas from a
// random grammar, mutated CSV text and hostile API values, all as fast-check arbitraries, so that the tests
// and the bench draw the same cases from the same seeds. Plain JavaScript (types in fuzz-cases.d.mts) so
// that the bench runs it without a build. Nothing here calls the library.
import fc from "fast-check";

/** The seeds of the fuzz runs: the tests and the bench use these. */
export const SEEDS = {formula: 20261202, csv: 20261203, api: 20261204};

/** Deep-nesting sizes: just under, at and over the formula limits (200 levels, 1 000 operators), and far over. */
const DEPTHS = [1, 2, 10, 150, 199, 200, 201, 250, 1800, 2250];
const CHAINS = [2, 50, 500, 999, 1000, 1001, 3500];

const known = ["Reaction", "Days", "Subject"];
const unknown = ["x", "g", "Dayz", "`my col`", "`__proto__`", "constructor", "toString", ".", "a.b_c", "`Reaction`", "`ünï`", "`" + "n".repeat(300) + "`"];
const functions = ["log", "exp", "sqrt", "abs", "I", "factor", "offset", "tag", "poly", "scale", "ns", "`log`", "eval", "Function"];
const numbers = ["0", "1", "2", "3", "0.5", ".5", "1e9", "1e300", "1e-300", "1e999", "2147483648", "1e-3", "10", "100", "101", "4e5", "99999999999999999999"];
const operators = ["+", "-", "*", "/", ":", "^", "%in%", "|", "||", "+", "+", ":"];
const junk = ["", " ", "(", ")", "~", ",", "`", "%", "%%", "&", "$", "@", "#", "!", "\\", "\"", "'", "\u0000", "\u00a0", "\ud800", "😀", "\n", "\t", "[", "]", "{", "}", ";", "=", "<-"];

const variable = fc.oneof({weight: 3, arbitrary: fc.constantFrom(...known)}, {weight: 1, arbitrary: fc.constantFrom(...unknown)});

/** Expressions of the formula grammar, `depth` levels at most. */
const expression = fc.letrec((tie) => ({
  expr: fc.oneof(
    {depthSize: "small", withCrossShrink: true},
    {weight: 4, arbitrary: variable},
    {weight: 2, arbitrary: fc.constantFrom(...numbers)},
    {weight: 3, arbitrary: fc.tuple(tie("expr"), fc.constantFrom(...operators), tie("expr")).map(([a, op, b]) => `${a} ${op} ${b}`)},
    {weight: 1, arbitrary: fc.tuple(tie("expr"), fc.constantFrom(...operators), tie("expr")).map(([a, op, b]) => `${a}${op}${b}`)},
    {weight: 2, arbitrary: tie("expr").map((e) => `(${e})`)},
    {weight: 1, arbitrary: tie("expr").map((e) => `-${e}`)},
    {weight: 2, arbitrary: fc.tuple(fc.constantFrom(...functions), fc.array(tie("expr"), {maxLength: 3})).map(([f, args]) => `${f}(${args.join(", ")})`)},
    {weight: 2, arbitrary: fc.tuple(tie("expr"), variable).map(([e, g]) => `(${e} | ${g})`)},
    {weight: 1, arbitrary: fc.tuple(tie("expr"), fc.constantFrom(...numbers)).map(([e, k]) => `(${e})^${k}`)}
  )
})).expr;

/** A formula made deep or long on purpose: nesting and chains near and over the limits. */
const deep = fc.tuple(
  fc.constantFrom("paren", "I", "minus", "plus", "colon", "power", "caret", "star", "bars", "nested groups", "length"),
  fc.constantFrom(...DEPTHS),
  fc.constantFrom(...CHAINS),
  variable
).map(([kind, depth, chain, v]) => {
  const many = (k, sep, name = (i) => `a${i}`) => Array.from({length: k}, (_, i) => name(i)).join(sep);
  switch (kind) {
    case "paren": return `Reaction ~ ${"(".repeat(depth)}${v}${")".repeat(depth)} + (1 | Subject)`;
    case "I": return `Reaction ~ ${"I(".repeat(depth)}Days${")".repeat(depth)} + (1 | Subject)`;
    case "minus": return `Reaction ~ Days + ${"-".repeat(depth)}${v} + (1 | Subject)`;
    case "plus": return `Reaction ~ ${Array(chain).fill("Days").join(" + ")} + (1 | Subject)`;
    case "colon": return `Reaction ~ ${Array(chain).fill("Days").join(":")} + (1 | Subject)`;
    case "power": return `Reaction ~ (Days + ${v})^${[1e9, 1e300, 2 ** 31, 100, 101, depth][chain % 6]} + (1 | Subject)`;
    case "caret": return `Reaction ~ I(${many(Math.min(chain, 400), "^", () => "Days")}) + (1 | Subject)`;
    case "star": return `Reaction ~ ${many(Math.min(12, 2 + (chain % 11)), "*")} + (1 | Subject)`;
    case "bars": return `Reaction ~ Days + (${many(Math.min(chain, 60), " + ")} || ${many(Math.min(depth, 60), "/", (i) => `g${i}`)})`;
    case "nested groups": return `Reaction ~ 1 | ${many(Math.min(chain, 1000), "/", (i) => `g${i}`)}`;
    case "length": return `Reaction ~ Days + (1 | Subject) + ${"x".repeat(9990 + (depth % 20))}`;
  }
});

/** Inserts, deletes or replaces characters of `text` at random places. */
const mutate = (text) => fc.array(
  fc.tuple(fc.constantFrom("insert", "delete", "replace"), fc.nat(), fc.oneof(fc.constantFrom(...junk, ...operators, ...numbers), fc.string({unit: "binary", maxLength: 3})))
, {minLength: 1, maxLength: 4}).map((edits) => {
  let t = text;
  for (const [kind, at, s] of edits) {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    if (kind === "insert") t = t.slice(0, i) + s + t.slice(i);
    else if (kind === "delete") t = t.slice(0, i) + t.slice(i + 1 + (at % 3));
    else t = t.slice(0, i) + s + t.slice(i + s.length);
  }
  return t;
});

const plain = fc.tuple(fc.option(expression, {nil: undefined, freq: 8}), expression).map(([response, rhs]) =>
  response === undefined ? `~ ${rhs}` : `${response} ~ ${rhs}`);

const fitting = fc.tuple(fc.array(fc.constantFrom("Days", "I(Days^2)", "log(Days + 1)", "factor(Days)", "exp(Days)", "Days:Subject", "0", "1", "-1"), {maxLength: 3}),
  fc.constantFrom("(1 | Subject)", "(Days | Subject)", "(Days || Subject)", "(0 + Days | Subject)", "1 | Subject", "Days + 1 | Subject", "(1 | Days)"),
  fc.constantFrom("Reaction", "log(Reaction)", "I(Reaction/1000)", "sqrt(Reaction)", "exp(Reaction)", "Days", "I(Reaction * 1e300)", "I(Reaction^1e9)")
).map(([terms, random, response]) => `${response} ~ ${[...terms, random].join(" + ")}`);

/** Formulas: random grammar, lme4-like ones over sleepstudy, deep or long ones, and mutations of all three. */
export const formulaText = fc.oneof(
  {weight: 4, arbitrary: plain},
  {weight: 3, arbitrary: fitting},
  {weight: 2, arbitrary: deep},
  {weight: 3, arbitrary: fc.oneof(plain, fitting).chain(mutate)},
  {weight: 1, arbitrary: fc.string({unit: "grapheme", maxLength: 40})}
);

/** sleepstudy's first rows as CSV text, the base of the CSV mutations. */
export function baseCSV(text, rows = 60) {
  return text.split(/\r?\n/).slice(0, rows + 1).join("\n") + "\n";
}

const csvEdit = fc.oneof(
  fc.tuple(fc.constant("truncate"), fc.nat()),
  fc.tuple(fc.constant("insert"), fc.nat(), fc.constantFrom('"', '""', '"a,b"', ",", "\n", "\r", "\r\n", "\ufeff", "\u0000", "\u00ff", "\ufffd", "NA", "Inf", "-Inf", "NaN", "1e309", "-1e309", "1e-400", "9".repeat(400), "TRUE", "2020-01-01", "\t", " ", "__proto__", "x".repeat(100_000))),
  fc.tuple(fc.constant("binary"), fc.nat(), fc.string({unit: "binary", minLength: 1, maxLength: 20})),
  fc.tuple(fc.constant("empty cell"), fc.nat()),
  fc.tuple(fc.constant("duplicate header"), fc.nat()),
  fc.tuple(fc.constant("header"), fc.nat(), fc.constantFrom("Reaction,Days,Subject\n", "Reaction,Reaction,Subject\n", ",Days,Subject\n", "__proto__,Days,Subject\n", "Reaction,Days\n", "Reaction,Days,Subject,Extra\n", "")),
  fc.tuple(fc.constant("long line"), fc.nat()),
  fc.tuple(fc.constant("bom"), fc.nat()),
  fc.tuple(fc.constant("drop rows"), fc.nat())
);

/** Mutations of a CSV text: truncation, quotes, BOMs, binary bytes, huge numbers, empty cells, duplicate headers, long lines. */
export function csvText(base) {
  return fc.array(csvEdit, {minLength: 1, maxLength: 5}).map((edits) => {
    let t = base;
    for (const [kind, at, s] of edits) {
      const i = at % (t.length + 1);
      const lines = () => t.split("\n");
      switch (kind) {
        case "truncate": t = t.slice(0, i); break;
        case "insert": case "binary": t = t.slice(0, i) + s + t.slice(i); break;
        case "empty cell": { let k = at; t = t.replace(/(^|\n)([^,\n]*),/g, (m, a) => (k++ % 7 === 0 ? `${a},` : m)); break; }
        case "duplicate header": { const l = lines(); l[0] = l[0] + "," + (l[0].split(",")[at % 3] ?? "Reaction"); t = l.join("\n"); break; }
        case "header": { const l = lines(); l[0] = s.replace(/\n$/, ""); t = l.join("\n"); break; }
        case "long line": { const l = lines(); const k = 1 + (at % Math.max(1, l.length - 1)); l[k] = (l[k] ?? "") + ",".repeat(at % 5) + "7".repeat(50_000); t = l.join("\n"); break; }
        case "bom": t = "\ufeff" + t; break;
        case "drop rows": t = lines().slice(0, 1 + (at % 4)).join("\n"); break;
      }
    }
    return t;
  });
}

/** A row object whose getter throws, one with a null prototype, one with odd cell types. */
function oddRows(kind) {
  const rows = Array.from({length: 30}, (_, i) => ({Reaction: 250 + ((i * 37) % 50), Days: i % 10, Subject: `S${i % 5}`}));
  switch (kind) {
    case "getter": Object.defineProperty(rows[3], "Reaction", {get() { throw new Error("boom"); }, enumerable: true}); return rows;
    case "null proto": return rows.map((r) => Object.assign(Object.create(null), r));
    case "bigint": rows[2].Reaction = 10n; return rows;
    case "symbol": rows[2].Days = Symbol("d"); return rows;
    case "date": rows[2].Days = new Date(0); return rows;
    case "nested": rows[2].Subject = {toString() { throw new Error("boom"); }}; return rows;
    case "holes": { const a = rows.slice(); delete a[4]; a.length = 40; return a; }
    case "proxy": return new Proxy(rows, {get(t, k) { if (k === "length") throw new Error("boom"); return Reflect.get(t, k); }});
    case "table-like": return {numRows: () => NaN, columnNames: () => ["Reaction", "Days", "Subject"], column: () => null, array: () => null};
    case "huge numRows": return {numRows: () => 1e12, columnNames: () => ["Reaction"], array: () => [1, 2]};
    default: return rows;
  }
}

const primitive = fc.constantFrom(
  null, undefined, 0, -1, 1.5, NaN, Infinity, -Infinity, 1e300, -1e300, 2 ** 53, 1e7, 1e9, "", "x", "1000", "Reaction ~ Days", true, false,
  10n, -5n, 2n ** 70n, Symbol("s"), [], [NaN], [1, , 3], new Date(0), new Date(NaN), () => 1, Object.create(null), {}, new Map(), /re/
);

/** Hostile values of any type for options and arguments. */
export const hostileValue = fc.oneof(
  {weight: 4, arbitrary: primitive},
  {weight: 1, arbitrary: fc.constantFrom("getter", "null proto", "bigint", "symbol", "date", "nested", "holes", "proxy", "table-like", "huge numRows").map((k) => ({odd: k}))},
  {weight: 1, arbitrary: fc.anything({maxDepth: 2, withBigInt: true, withDate: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withMap: true, withSet: true})}
);

/** Data arguments for lmer: hostile values and row arrays with odd cells. */
export const hostileData = fc.oneof(
  hostileValue,
  fc.constantFrom("getter", "null proto", "bigint", "symbol", "date", "nested", "holes", "proxy", "table-like", "huge numRows", "plain").map((k) => ({rows: k}))
);

/** The value a case describes: `{odd: kind}` and `{rows: kind}` become row arrays built fresh (getters, proxies…). */
export function materialize(value) {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === "odd" || keys[0] === "rows") && typeof value[keys[0]] === "string") return oddRows(value[keys[0]]);
  }
  return value;
}

/** One hostile API call: which function, and the arguments in place of its formula, data, options or n. */
export const apiCall = fc.oneof(
  fc.record({fn: fc.constant("lmer formula"), value: hostileValue}),
  fc.record({fn: fc.constant("lmer data"), value: hostileData}),
  fc.record({fn: fc.constant("lmer options"), key: fc.constantFrom("REML", "start", "weights", "naAction", "offset", "checkConvergence", "onProgress", "signal", "contrasts", "whole"), value: hostileValue}),
  fc.record({fn: fc.constant("setx overrides"), key: fc.constantFrom("Days", "Subject", "x", "__proto__", "whole"), value: hostileValue}),
  fc.record({fn: fc.constant("setx options"), key: fc.constantFrom("data", "center", "whole"), value: hostileValue}),
  fc.record({fn: fc.constant("sim options"), key: fc.constantFrom("n", "seed", "x", "x1", "random", "treatment", "data", "whole"), value: hostileValue}),
  fc.record({fn: fc.constant("predict"), key: fc.constantFrom("newdata", "re", "allowNewLevels", "seFit", "whole"), value: hostileData}),
  fc.record({fn: fc.constant("bootstrap"), key: fc.constantFrom("nsim", "seed", "whole"), value: hostileValue}),
  fc.record({fn: fc.constant("readCSV"), key: fc.constantFrom("text", "options"), value: hostileValue}),
  fc.record({fn: fc.constant("formula"), value: hostileValue})
);

/** A short, printable description of a case for reports. */
export function show(value, max = 120) {
  let text;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : fc.stringify(value);
  } catch {
    text = String(typeof value);
  }
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
