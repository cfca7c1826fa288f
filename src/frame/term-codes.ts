import type {Term} from "../formula/ast.js";

/** How a variable enters a term: 1, by contrasts (when it is a factor); 2, by all its level indicators. */
export type TermCode = 1 | 2;

/**
 * R's coding of the variables of each term, the `factors` attribute of `terms.formula` (its `TermCode`): in
 * term T, variable v has code 1 when T without v is empty or is contained in (is a subset of the variables
 * of) a term before T, and code 2 otherwise. Terms are taken in R's order (by degree, then as written), so a
 * margin written later still counts; `a:c + a:b` codes b by 1 in a:b (a is in the earlier a:c) and a by 2.
 * The intercept plays no part here: {@link designColumns} codes the first factor of a model without one by
 * indicators, as `model.matrix` does, and lmerTest's containment reads these codes unchanged.
 *
 * Reference: Chambers & Hastie (1992), Statistical Models in S, §2.4.1 (the `factors` attribute of terms);
 * R Core Team, src/library/stats/src/model.c (`TermCode`).
 *
 * @example
 *   termCodes(formula("y ~ a + a:b + (1 | g)").terms); // [[1], [1, 1]]
 *   termCodes(formula("y ~ a:c + a:b + (1 | g)").terms); // [[2, 2], [2, 1]]
 */
export function termCodes(terms: readonly Term[]): TermCode[][] {
  const vars = terms.map((t) => t.vars.map((v) => v.label));
  return vars.map((own, t) =>
    own.map((v): TermCode => {
      const rest = own.filter((w) => w !== v);
      return rest.length === 0 || vars.slice(0, t).some((before) => rest.every((w) => before.includes(w))) ? 1 : 2;
    })
  );
}
