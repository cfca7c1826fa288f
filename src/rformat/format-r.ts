/**
 * Numbers, names and tables as R prints them, so that a printout can be compared with R's digit for digit:
 * `format()` of a numeric vector (one layout for all elements: common decimals, or scientific notation when
 * that is narrower), `round()`, `zapsmall()`, `abbreviate()`, and the layout of printed named vectors and
 * character matrices.
 *
 * Rounding works on the exact decimal value of each double with ties to even, as C's `printf` (which R
 * calls) does, so `0.125` to two decimals is `0.12` and `2.5` to none is `2`.
 */
import {log10} from "../math/index.js";

/** |x| = 0.`digits` × 10^`point`; `digits` has no leading or trailing zeros and is empty for zero. */
interface Decimal {
  digits: string;
  point: number;
}

const ZERO: Decimal = {digits: "", point: 0};
const bits = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of |x| for a finite double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return ZERO;
  bits.setFloat64(0, Math.abs(x));
  const high = bits.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(bits.getUint32(4));
  let exponent = -1074;
  if (biased > 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  const text = exponent >= 0 ? (mantissa << BigInt(exponent)).toString() : (mantissa * 5n ** BigInt(-exponent)).toString();
  return {digits: text.replace(/0+$/, ""), point: text.length + Math.min(exponent, 0)};
}

/** `d` rounded to `k` significant digits (k ≤ 0 rounds at or above the leading digit), ties to even. */
function roundSignificant(d: Decimal, k: number): Decimal {
  if (d.digits.length <= k) return d;
  if (k < 0) return ZERO;
  const kept = d.digits.slice(0, k);
  const next = d.digits[k];
  const exactHalf = next === "5" && d.digits.length === k + 1;
  const lastOdd = k > 0 && Number(kept[k - 1]) % 2 === 1;
  const up = next > "5" || (next === "5" && (!exactHalf || lastOdd));
  if (!up) return trim({digits: kept, point: d.point});
  if (k === 0) return {digits: "1", point: d.point + 1};
  const raised = (BigInt(kept) + 1n).toString();
  return trim({digits: raised, point: d.point + raised.length - kept.length});
}

function trim(d: Decimal): Decimal {
  const digits = d.digits.replace(/0+$/, "");
  return digits === "" ? ZERO : {digits, point: d.point};
}

function fixedText(d: Decimal, decimals: number): string {
  const {digits, point} = d;
  const whole = point > 0 ? digits.slice(0, point).padEnd(point, "0") : "0";
  const fraction = (point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits).padEnd(decimals, "0");
  return decimals > 0 ? `${whole}.${fraction.slice(0, decimals)}` : whole;
}

function scientificText(d: Decimal, decimals: number): string {
  const mantissa = d.digits === "" ? "0" : d.digits;
  const exponent = d.digits === "" ? 0 : d.point - 1;
  const head = decimals > 0 ? `${mantissa[0]}.${mantissa.slice(1).padEnd(decimals, "0")}` : mantissa[0];
  return `${head}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Inf" : "-Inf";
}

/**
 * R's `round(x, digits)`: to `digits` decimals (negative: to tens, hundreds…), ties to even on the exact value.
 *
 * @example
 *   roundR(2.5, 0);      // 2
 *   roundR(0.15, 1);     // 0.1 (the double 0.15 is slightly below 0.15)
 *   roundR(1234.5, -2);  // 1200
 * @see R Core Team, `?round` ("round half to even" on the represented value).
 */
export function roundR(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const d = exactDecimal(x);
  const r = roundSignificant(d, d.point + digits);
  if (r.digits === "") return 0;
  return (x < 0 ? -1 : 1) * Number(`0.${r.digits}e${r.point}`);
}

/**
 * R's `zapsmall(x, digits)`: rounds every value to `digits − log10(max |x|)` decimals (to the nearest whole
 * number of decimals, at least 0), so values negligible beside the largest become 0.
 *
 * @example
 *   zapsmall([1, 1e-20], 7);                 // [1, 0]
 *   zapsmall([-3.95357, 0.0231177, 5.17926], 5); // [-3.9536, 0.0231, 5.1793] (4.29 → 4 decimals)
 *   zapsmall([-1.47978, 0.0094981, 1.38970], 5); // [-1.47978, 0.0095, 1.3897] (4.83 → 5 decimals)
 * @see R Core Team, `?zapsmall` and `?round` (a non-integer number of digits is rounded to the nearest);
 *   the rule that the residual quantiles of lme4's printed summaries show.
 */
export function zapsmall(values: ArrayLike<number>, digits = 7): number[] {
  const xs = Array.from(values);
  const mx = Math.max(0, ...xs.filter(Number.isFinite).map(Math.abs));
  const d = mx > 0 ? Math.max(0, Math.floor(digits - log10(mx) + 0.5)) : digits;
  return xs.map((x) => roundR(x, d));
}

/** How R's `format()` lays out a numeric vector: fixed or scientific, decimals, common width. */
export interface RealLayout {
  scientific: boolean;
  /** Decimals in fixed notation, or mantissa decimals in scientific notation. */
  decimals: number;
  width: number;
}

/**
 * The layout R's `format(x, digits, nsmall)` gives a numeric vector: every element is rounded to `digits`
 * significant digits; fixed notation uses the most decimals any element then needs; scientific notation is
 * used when it is narrower than fixed (R's `scipen = 0`), with as many mantissa digits as the element that
 * needs most.
 *
 * @example
 *   realLayout([612.0897, 35.0717, 654.9408], 4); // {scientific: false, decimals: 2, width: 6}
 * @see R Core Team, `?format` and `?options` (digits, scipen); R Internals, "formatReal".
 */
export function realLayout(values: ArrayLike<number>, digits = 7, nsmall = 0): RealLayout {
  let finite = 0, neg = 0, mxsl = 1, rgt = 0, mxe = -Infinity, mne = Infinity, mxns = 1, other = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) {
      other = Math.max(other, nonFinite(x).length);
      continue;
    }
    finite++;
    let kpower = 0, nsig = 1;
    const negative = x < 0 ? 1 : 0;
    if (x !== 0) {
      const r = roundSignificant(exactDecimal(x), digits);
      kpower = r.point - 1;
      nsig = r.digits.length;
    }
    neg = Math.max(neg, negative);
    const left = kpower + 1;
    mxsl = Math.max(mxsl, negative + Math.max(1, left));
    rgt = Math.max(rgt, nsig - left);
    mxe = Math.max(mxe, kpower);
    mne = Math.min(mne, kpower);
    mxns = Math.max(mxns, nsig);
  }
  if (finite === 0) return {scientific: false, decimals: 0, width: other};
  const fixedWidth = mxsl + rgt + (rgt > 0 ? 1 : 0);
  const expWidth = mxe >= 100 || mne <= -100 ? 3 : 2;
  const sciDecimals = mxns - 1;
  const sciWidth = neg + (sciDecimals > 0 ? 1 : 0) + sciDecimals + 3 + expWidth;
  if (fixedWidth <= sciWidth) {
    const decimals = Math.max(rgt, nsmall);
    return {scientific: false, decimals, width: Math.max(mxsl + decimals + (decimals > 0 ? 1 : 0), other)};
  }
  return {scientific: true, decimals: sciDecimals, width: Math.max(sciWidth, other)};
}

/**
 * One number in a {@link realLayout}, without padding; a value that rounds to zero has no sign.
 *
 * @example
 *   formatWithLayout(35.0717, {scientific: false, decimals: 2, width: 6});  // "35.07"
 *   formatWithLayout(-8.945e-8, {scientific: true, decimals: 3, width: 10}); // "-8.945e-08"
 * @see R Core Team, `?sprintf` (the `%.*f` and `%.*e` conversions R's printing uses).
 */
export function formatWithLayout(x: number, layout: RealLayout): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const d = exactDecimal(x);
  const r = roundSignificant(d, layout.scientific ? layout.decimals + 1 : d.point + layout.decimals);
  const text = layout.scientific ? scientificText(r, layout.decimals) : fixedText(r, layout.decimals);
  return (x < 0 && r.digits !== "" ? "-" : "") + text;
}

/**
 * R's `format(x, digits = digits, nsmall = nsmall)` of a numeric vector: common layout, right-justified to a
 * common width. NaN prints as `NaN`, infinities as `Inf` and `-Inf`.
 *
 * @example
 *   formatR([612.0897, 35.0717, 654.9408], {digits: 4}); // ["612.10", " 35.07", "654.94"]
 *   formatR([0, 6.36e-13, 1.819e-12], {digits: 4});     // ["0.000e+00", "6.360e-13", "1.819e-12"]
 *   formatR([1, -0.138], {nsmall: 3});                    // [" 1.000", "-0.138"]
 * @see R Core Team, `?format`, `?print.default`.
 */
export function formatR(values: ArrayLike<number>, options: {digits?: number; nsmall?: number} = {}): string[] {
  const layout = realLayout(values, options.digits ?? 7, options.nsmall ?? 0);
  return Array.from(values, (x) => formatWithLayout(x, layout).padStart(layout.width));
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const isLower = (c: string) => c >= "a" && c <= "z";
const isVowel = (c: string) => "aeiou".includes(c);

/** One name shortened towards `minlength` characters (R's `abbreviate`, method "left.kept"). */
function abbreviateOne(name: string, minlength: number): string {
  const s = [...name];
  let nspace = 0;
  const done = () => {
    if (s.length > minlength) for (let i = s.length - 1; i > 0; i--) if (isSpace(s[i])) s.splice(i, 1);
    return s.join("");
  };
  if (s.length < minlength) return done();
  let trailing = true;
  for (let i = s.length - 1; i > 0; i--) {
    if (isSpace(s[i])) {
      if (trailing) s.length = i;
      else nspace++;
    } else trailing = false;
    if (s.length - nspace <= minlength) return done();
  }
  const wordStart = (i: number) => isSpace(s[i - 1]);
  const wordEnd = (i: number) => !isSpace(s[i - 1]) && (i + 1 >= s.length || isSpace(s[i + 1]));
  const passes: ((i: number) => boolean)[] = [
    (i) => isVowel(s[i]) && wordEnd(i),
    (i) => isVowel(s[i]) && !wordStart(i),
    (i) => isLower(s[i]) && wordEnd(i),
    (i) => isLower(s[i]) && !wordStart(i),
    (i) => !wordStart(i) && !isSpace(s[i])
  ];
  for (const drop of passes) {
    for (let i = s.length - 1; i > 0; i--) {
      if (drop(i)) s.splice(i, 1);
      if (s.length - nspace <= minlength) return done();
    }
  }
  return done();
}

/**
 * R's `abbreviate(names, minlength)`: drops lower-case vowels from the right (never a word's first letter),
 * then lower-case letters, then anything, until a name is `minlength` long; names whose abbreviations
 * collide are abbreviated again with a larger `minlength` until all are distinct.
 *
 * @example
 *   abbreviate(["(Intercept)", "Days"], 6);         // ["(Intr)", "Days"]
 *   abbreviate(["schgendboys", "schgendgirls"], 6); // ["schgndb", "schgndg"]
 *   abbreviate(["conditionproperty"], 11);          // ["cndtnprprty"]
 * @see R Core Team, `?abbreviate` (the order in which characters are dropped).
 */
export function abbreviate(names: readonly string[], minlength = 4): string[] {
  const trimmed = names.map((n) => n.trim());
  const longest = Math.max(0, ...trimmed.map((n) => [...n].length));
  const out = trimmed.slice();
  let redo = trimmed.map(() => true);
  for (let min = minlength; ; min++) {
    trimmed.forEach((n, i) => {
      if (redo[i]) out[i] = abbreviateOne(n, min);
    });
    const counts = new Map<string, number>();
    for (const a of out) counts.set(a, (counts.get(a) ?? 0) + 1);
    redo = out.map((a) => counts.get(a)! > 1);
    if (!redo.some(Boolean) || min >= longest) return out;
  }
}

/** Width of printed lines, R's default `options(width = 80)`. */
export const LINE_WIDTH = 80;

/**
 * A named vector as R prints it: names above values, both right-justified to one common width, each
 * followed by a space, wrapped to {@link LINE_WIDTH}.
 *
 * @example
 *   namedVectorLines(["Min", "Max"], ["-3.9536", "5.1793"]); // ["    Min     Max ", "-3.9536  5.1793 "]
 * @see R Core Team, `?print.default` (named vectors).
 */
export function namedVectorLines(names: readonly string[], values: readonly string[]): string[] {
  const width = Math.max(...names.map((n) => n.length), ...values.map((v) => v.length));
  const perLine = Math.max(1, Math.floor(LINE_WIDTH / (width + 1)));
  const lines: string[] = [];
  for (let start = 0; start < names.length; start += perLine) {
    const cells = (xs: readonly string[]) => xs.slice(start, start + perLine).map((x) => x.padStart(width) + " ").join("");
    lines.push(cells(names), cells(values));
  }
  return lines;
}

/**
 * A character matrix as R's `print(x, quote = FALSE, right)` shows it: row names left-justified, each column
 * as wide as its header and entries, one space before each column, headers justified as the entries;
 * columns that do not fit in {@link LINE_WIDTH} continue in a further block with the row names repeated.
 *
 * @example
 *   matrixLines(["Days"], ["(Intr)"], [["-0.138"]], false); // ["     (Intr)", "Days -0.138"]
 * @see R Core Team, `?print.default`.
 */
export function matrixLines(rowNames: readonly string[], columns: readonly string[], cells: readonly string[][], right: boolean): string[] {
  const nameWidth = Math.max(0, ...rowNames.map((r) => r.length));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const pad = (text: string, width: number) => (right ? text.padStart(width) : text.padEnd(width));
  const lines: string[] = [];
  let start = 0;
  do {
    let end = start + 1;
    let used = nameWidth + 1 + (widths[start] ?? 0);
    while (end < columns.length && used + 1 + widths[end] <= LINE_WIDTH) used += 1 + widths[end++];
    const block = widths.slice(start, end).map((w, k) => [start + k, w] as const);
    const line = (name: string, texts: readonly string[]) => name.padEnd(nameWidth) + block.map(([j, w]) => " " + pad(texts[j], w)).join("");
    lines.push(line("", columns));
    rowNames.forEach((name, i) => lines.push(line(name, cells[i])));
    start = end;
  } while (start < columns.length);
  return lines;
}
