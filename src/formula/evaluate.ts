/**
 * The interpreter of a variable's expression over data columns; it walks the tree, never compiles text.
 */
import {clip, fail} from "../errors.js";
import type {Expr} from "./ast.js";
import {deparse} from "./deparse.js";
import {transforms, unsupportedFunction} from "./functions.js";
import {pow} from "../math/index.js";

/**
 * Evaluates `expr` for rows 0..n-1: numbers, column names (through `column`, which throws for unknown
 * names), unary and binary `+ - * / ^`, parentheses and the transforms `log`, `exp`, `sqrt`, `abs`, `I`.
 * Arithmetic follows IEEE doubles, as R's does (`log(0)` is -Infinity, `sqrt(-1)` is NaN).
 *
 * @example
 *   evaluate(parseExpression("I(age^2)"), () => [1, 2, 3], 3); // Float64Array [1, 4, 9]
 * @see R Core Team, `?Arithmetic` and `?log`.
 */
export function evaluate(expr: Expr, column: (name: string) => ArrayLike<number>, n: number): Float64Array {
  switch (expr.type) {
    case "number":
      return new Float64Array(n).fill(expr.value);
    case "name": {
      const values = column(expr.name);
      if (values.length !== n) fail(`column ${clip(expr.name, 60)} has ${values.length} values, expected ${n}: use columns of one table`);
      return Float64Array.from(values);
    }
    case "paren":
      return evaluate(expr.expr, column, n);
    case "unary": {
      const arg = evaluate(expr.arg, column, n);
      return expr.op === "-" ? arg.map((x) => -x) : arg;
    }
    case "call": {
      const f = transforms.get(expr.fn);
      if (!f) fail(unsupportedFunction(expr.fn, `"${clip(deparse(expr), 60)}"`, [...transforms.keys()]));
      if (expr.args.length !== 1) fail(`${expr.fn}() takes one argument, got ${expr.args.length}: write ${expr.fn}(x)`);
      return evaluate(expr.args[0], column, n).map(f);
    }
    case "binary": {
      const op = arithmetic.get(expr.op);
      if (!op) fail(`operator "${expr.op}" in "${clip(deparse(expr), 60)}" is not arithmetic: use + - * / ^, or I() around them`);
      const left = evaluate(expr.left, column, n);
      const right = evaluate(expr.right, column, n);
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
