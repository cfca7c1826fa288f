import {fail} from "../errors.js";
import type {ModelFrame} from "../frame/frame.js";
import type {Blocked} from "./blocks.js";

/**
 * Refuses a model whose numbers cannot give a finite criterion: a response, fixed-effect, random-effect,
 * offset or weight value that is not finite (row and column named), or cross-products that overflow
 * (values whose squares sum past the largest double). lme4 stops on these too (R's "NA/NaN/Inf in 'y'",
 * or a factorization that fails); here the message names the column and the fix.
 *
 * Reference: IEEE 754-2008 §7.4 (overflow to infinity); lme4's `lFormula` and `mkLmerDevfun`.
 *
 * @example
 *   checkFinite(frame, crossProducts(frame)); // throws "the cross-products of the model overflow: …"
 */
export function checkFinite(frame: ModelFrame, A: Blocked): void {
  const where = (i: number) => `row ${frame.rows[i] + 1}`;
  const scan = (values: Float64Array, what: string, stride = 1, offset = 0) => {
    for (let i = offset, r = 0; i < values.length; i += stride, r++) {
      if (!Number.isFinite(values[i])) fail(`${what} is ${values[i]} in ${where(r)}; give finite values or leave that row out`);
    }
  };
  scan(frame.y, `the response ${frame.responseName}`);
  frame.X.forEach((x, j) => scan(x, `the fixed-effect column ${frame.xNames[j]}`));
  if (frame.offset) scan(frame.offset, "the offset");
  if (frame.weights) scan(frame.weights, "the weight");
  for (const t of frame.terms) for (let c = 0; c < t.p; c++) scan(t.Z, `the random-effect column ${t.names[c]} of (${t.text})`, t.p, c);

  const arrays = [A.zzFirst, A.xyXy, ...A.zzDiagonal.slice(1), ...A.xyZ, ...A.zzBelowFirst.slice(1).map((s) => s.values), ...A.zzOffDiagonal.flat()].filter((a) => a !== undefined);
  if (arrays.every((a) => a.every(Number.isFinite))) return;
  const columns: [string, Float64Array][] = [[frame.responseName, frame.y], ...frame.X.map((x, j): [string, Float64Array] => [frame.xNames[j], x])];
  for (const t of frame.terms) columns.push(...t.names.map((name, c): [string, Float64Array] => [`${name} in (${t.text})`, strided(t.Z, t.p, c)]));
  let worst = columns[0];
  let largest = 0;
  for (const column of columns) {
    for (const v of column[1]) if (Math.abs(v) > largest) (largest = Math.abs(v)), (worst = column);
  }
  fail(
    `the cross-products of the model overflow: ${worst[0]} reaches ${largest.toPrecision(3)}, and its squares ` +
      `(times the weights) sum past the largest double; rescale it, e.g. divide it by a power of ten`
  );
}

function strided(values: Float64Array, stride: number, offset: number): Float64Array {
  const out = new Float64Array(values.length / stride);
  for (let i = 0; i < out.length; i++) out[i] = values[i * stride + offset];
  return out;
}
