/**
 * The interpreter of a variable's expression over data columns; it walks the tree, never compiles text.
 */
import {clip, fail} from "../errors.js";
import type {Expr} from "./ast.js";
import {deparse} from "./deparse.js";
import {transforms, unsupportedFunction, type ColumnScales} from "./functions.js";
import {transformed} from "./transform-cache.js";
import {pow} from "../math/index.js";

/**
 * Evaluates `expr` for rows 0..n-1: numbers, column names (through `column`, which throws for unknown
 * names), unary and binary `+ - * / ^`, parentheses and the transforms `log`, `exp`, `sqrt`, `abs`, `I`.
 * Arithmetic follows IEEE doubles, as R's does (`log(0)` is -Infinity, `sqrt(-1)` is NaN). Comparisons
 * (`== != < > <= >=`), `&`, `|` and `!` give 1 for TRUE and 0 for FALSE, NaN for NA with R's three-valued
 * logic (`FALSE & NA` is FALSE, `TRUE | NA` is TRUE); a number used as a logical is TRUE when it is not 0.
 *
 * @example
 *   evaluate(parseExpression("I(age^2)"), () => [1, 2, 3], 3); // Float64Array [1, 4, 9]
 * @see R Core Team, `?Arithmetic` and `?log`.
 */
export function evaluate(expr: Expr, column: (name: string) => ArrayLike<number>, n: number, scales?: ColumnScales): Float64Array {
  switch (expr.type) {
    case "number":
      return new Float64Array(n).fill(expr.value);
    case "name": {
      const values = column(expr.name);
      if (values.length !== n) fail(`column ${clip(expr.name, 60)} has ${values.length} values, expected ${n}: use columns of one table`);
      return Float64Array.from(values);
    }
    case "paren":
      return evaluate(expr.expr, column, n, scales);
    case "unary": {
      const arg = evaluate(expr.arg, column, n, scales);
      if (expr.op === "!") return arg.map((x) => (Number.isNaN(x) ? NaN : x === 0 ? 1 : 0));
      return expr.op === "-" ? arg.map((x) => -x) : arg;
    }
    case "call": {
      if (expr.fn === "scale") {
        if (expr.args.length !== 1) fail(`scale() takes one argument, got ${expr.args.length}: write scale(x)`);
        return scaleColumn(evaluate(expr.args[0], column, n, scales), deparse(expr), scales);
      }
      const f = transforms.get(expr.fn);
      if (!f) fail(unsupportedFunction(expr.fn, `"${clip(deparse(expr), 60)}"`, [...transforms.keys()]));
      if (expr.args.length !== 1) fail(`${expr.fn}() takes one argument, got ${expr.args.length}: write ${expr.fn}(x)`);
      return transformed(expr.fn, f, evaluate(expr.args[0], column, n, scales));
    }
    case "binary": {
      const op = arithmetic.get(expr.op) ?? logical.get(expr.op);
      if (!op) fail(`operator "${expr.op}" in "${clip(deparse(expr), 60)}" is not arithmetic: use + - * / ^ (or comparisons, & and | inside I()), or I() around them`);
      const left = evaluate(expr.left, column, n, scales);
      const right = evaluate(expr.right, column, n, scales);
      return left.map((x, i) => op(x, right[i]));
    }
  }
}

const arithmetic: ReadonlyMap<string, (a: number, b: number) => number> = new Map([
  ["+", (a: number, b: number) => a + b],
  ["-", (a: number, b: number) => a - b],
  ["*", (a: number, b: number) => a * b],
  ["/", (a: number, b: number) => a / b],
  ["^", (a: number, b: number) => pow(a, b)],
]);

/** NaN for NA, else 1 or 0. */
const truth = (x: number): number => (Number.isNaN(x) ? NaN : x !== 0 ? 1 : 0);
const compare = (test: (a: number, b: number) => boolean) => (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : test(a, b) ? 1 : 0;

/**
 * The comparisons and elementwise logical operators, R's `?Comparison` and `?Logic` (`&&` and `||` are
 * refused before evaluation: they compare only the first element).
 */
const logical: ReadonlyMap<string, (a: number, b: number) => number> = new Map([
  ["==", compare((a, b) => a === b)],
  ["!=", compare((a, b) => a !== b)],
  ["<", compare((a, b) => a < b)],
  [">", compare((a, b) => a > b)],
  ["<=", compare((a, b) => a <= b)],
  [">=", compare((a, b) => a >= b)],
  ["&", (a: number, b: number) => {
    const x = truth(a), y = truth(b);
    return x === 0 || y === 0 ? 0 : Number.isNaN(x) || Number.isNaN(y) ? NaN : 1;
  }],
  ["|", (a: number, b: number) => {
    const x = truth(a), y = truth(b);
    return x === 1 || y === 1 ? 1 : Number.isNaN(x) || Number.isNaN(y) ? NaN : 0;
  }],
]);

/**
 * Whether `expr` is TRUE/FALSE-valued: a comparison, `&`, `|` or `!` at its top (inside parentheses or
 * `I()`). Such a variable enters the model as R's logical does, a factor with levels FALSE and TRUE
 * (column `I(week > 2)TRUE`).
 *
 * @example
 *   isLogical(parseExpression("I(week > 2)")); // true
 *   isLogical(parseExpression("log(x)"));      // false
 */
export function isLogical(expr: Expr): boolean {
  if (expr.type === "paren") return isLogical(expr.expr);
  if (expr.type === "call") return expr.fn === "I" && expr.args.length === 1 && isLogical(expr.args[0]);
  if (expr.type === "unary") return expr.op === "!";
  return expr.type === "binary" && logical.has(expr.op);
}

/**
 * R's `scale(x)`: (x − mean)/sd over the values that are not missing (NaN stays NaN), sd with n − 1. With a
 * record `scales` holding this call (a fitted model's, for new data), its centre and scale are used instead;
 * otherwise the ones computed here are written into it. A column with fewer than two values or no spread is
 * refused, as its scaled values would be NaN or infinite.
 *
 * Reference: R's `scale.default` (center = colMeans(x, na.rm = TRUE), scale = sqrt(sum(x²)/(n − 1)) after
 * centring) and `makepredictcall.default` (the centre and scale kept for predictions).
 *
 * @example
 *   scaleColumn(Float64Array.of(1, 2, 3), "scale(x)"); // [-1, 0, 1]
 */
export function scaleColumn(x: Float64Array, label: string, scales?: ColumnScales): Float64Array {
  let record = scales?.get(label);
  if (!record) {
    let count = 0, sum = 0;
    for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) (count++, (sum += x[i]));
    const center = sum / count;
    let ss = 0;
    for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) ss += (x[i] - center) * (x[i] - center);
    const scale = Math.sqrt(ss / (count - 1));
    if (!(count > 1) || !(scale > 0) || !Number.isFinite(scale)) {
      fail(`${clip(label, 60)} cannot be computed: its column has ${count > 1 ? "no spread (every value the same)" : "fewer than two values"}; leave scale() out for this column`);
    }
    record = {center, scale};
    scales?.set(label, record);
  }
  const {center, scale} = record;
  return x.map((v) => (v - center) / scale);
}
