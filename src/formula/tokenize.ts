/**
 * The tokenizer of the formula language: numbers, names (plain or in backticks), operators, brackets and commas.
 */
import {syntaxError} from "./syntax-error.js";

export type TokenKind = "number" | "name" | "op" | "~" | "(" | ")" | "," | "end";

/** One token; `value` is the bare name for names (backticks removed) and the text as written otherwise. */
export interface Token {
  kind: TokenKind;
  value: string;
  start: number;
  end: number;
}

const numberPattern = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const namePattern = /[\p{L}.][\p{L}\p{N}._]*/uy;
/** Longest first, so that `<=` is not read as `<` then `=`. */
const operators = ["||", "&&", "%in%", "<=", ">=", "==", "!=", "+", "-", "*", "/", "^", ":", "|", "&", "<", ">", "!"];
const punctuation = new Set(["~", "(", ")", ","]);

/**
 * Splits formula text into tokens, ending with an `end` token. Names follow R: letters, digits, `.` and `_`,
 * not starting with a digit, `_` or `.` followed by a digit; any other name goes in backticks.
 *
 * @example
 *   tokenize("log(y) ~ `my col`").map((t) => t.value); // ["log", "(", "y", ")", "~", "my col", ""]
 * @see R Core Team, R Language Definition, section 10.3 "Tokens".
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const number = match(numberPattern, text, i);
    if (number) {
      i += number.length;
      tokens.push({kind: "number", value: number, start, end: i});
      continue;
    }
    const name = match(namePattern, text, i);
    if (name) {
      i += name.length;
      tokens.push({kind: "name", value: name, start, end: i});
      continue;
    }
    if (c === "`") {
      const token = backticked(text, i);
      i = token.end;
      tokens.push(token);
      continue;
    }
    if (punctuation.has(c)) {
      i++;
      tokens.push({kind: c as TokenKind, value: c, start, end: i});
      continue;
    }
    const op = operators.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({kind: "op", value: op, start, end: i});
      continue;
    }
    if (c === "%") {
      const close = text.indexOf("%", i + 1);
      const shown = close < 0 || close - i > 20 ? "%" : text.slice(i, close + 1);
      syntaxError(text, i, `unsupported operator "${shown}"`, 'the only %-operator in formulas is %in%');
    }
    syntaxError(text, i, `unexpected "${c}"`, "put column names with other characters in backticks, as in `my col`");
  }
  tokens.push({kind: "end", value: "", start: text.length, end: text.length});
  return tokens;
}

function match(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/** A name in backticks starting at `start`; a backslash escapes the next character. */
function backticked(text: string, start: number): Token {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      value += text[++i];
    } else if (c === "`") {
      if (value === "") syntaxError(text, start, "empty name ``", "write a column name between the backticks");
      return {kind: "name", value, start, end: i + 1};
    } else {
      value += c;
    }
  }
  syntaxError(text, start, "unclosed backtick", "add the closing ` after the name");
}
