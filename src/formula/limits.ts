/**
 * The limits of the formula language. Every formula within them is parsed, expanded, deparsed and evaluated
 * without deep recursion trouble or runaway work; one beyond them is refused with a message naming the limit.
 *
 * The recursive stages (parse, term expansion, deparse, evaluate) recurse once or twice per level of the
 * syntax tree. A tree is at most {@link MAX_NESTING} levels of parentheses, calls, signs and powers deep,
 * plus one level per binary operator ({@link MAX_OPERATORS}), so about 1 200 levels: a few thousand stack
 * frames, well inside the default stack of Node and browsers.
 */

/** Characters in a formula. */
export const MAX_FORMULA_LENGTH = 10_000;

/** Parentheses, function calls, unary signs and `^` nested in one another. */
export const MAX_NESTING = 200;

/** Binary operators (`+ - * / : ^ %in% | ||`) in a formula. */
export const MAX_OPERATORS = 1_000;

/** Fixed-effect terms after expansion. */
export const MAX_TERMS = 1_000;

/**
 * Random-effects terms after `||` and `/` are split. Each is a block of the model's covariance with its own
 * θ parameters; a thousand of them took 7.5 s just to frame on sleepstudy, and the optimizer far longer.
 */
export const MAX_RANDOM_TERMS = 100;

/** The largest `n` of `(a + b)^n`. Interactions of more variables than that would exceed {@link MAX_TERMS}. */
export const MAX_POWER = 100;
