import {table, type ColumnTable} from "arquero";

/** A t test of one linear combination `Lβ` of the fixed effects. */
export interface ContrastTest {
  /** `Lβ̂`. */
  estimate: number;
  /** Its standard error √(L C Lᵀ). */
  se: number;
  /** The denominator degrees of freedom (Satterthwaite's or Kenward–Roger's). */
  df: number;
  /** `Lβ̂ / se`. */
  t: number;
  /** The two-sided p-value `2 P(T_df > |t|)`. */
  p: number;
}

/**
 * The t tests of every fixed effect, by name, with Satterthwaite's or Kenward–Roger's degrees of freedom (the
 * `satterthwaite` field of `lmm fit --json`).
 */
export interface CoefficientTests {
  estimate: Record<string, number>;
  se: Record<string, number>;
  df: Record<string, number>;
  t: Record<string, number>;
  p: Record<string, number>;
  /** Warnings about the Hessian of the variance parameters (none for a well-behaved fit). */
  warnings: string[];
}

/**
 * The t tests of the fixed effects as an Arquero table, one row per coefficient in `terms`' order:
 * `term`, `estimate`, `se`, `df`, `t`, `p` (lmerTest's `coef(summary(m))` layout), for Satterthwaite's
 * or Kenward–Roger's values.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.
 *
 * @example
 *   testsTable(model.fixefNames, satterthwaiteValues(model)).objects()[1]; // {term: "Days", …, p: 3.26e-6}
 */
export function testsTable(terms: readonly string[], v: CoefficientTests): ColumnTable {
  const term = terms.slice();
  return table({
    term,
    estimate: term.map((n) => v.estimate[n]),
    se: term.map((n) => v.se[n]),
    df: term.map((n) => v.df[n]),
    t: term.map((n) => v.t[n]),
    p: term.map((n) => v.p[n])
  });
}

/**
 * A record without a prototype, so that a term named `__proto__` is an ordinary key.
 *
 * @example
 *   const df = termRecord(); df["__proto__"] = 17;
 */
export function termRecord(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

/**
 * The t test of each coefficient in turn (the contrast with a single 1 at its place), by `contrast`
 * (Satterthwaite's or Kenward–Roger's), gathered by name.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §3.
 *
 * @example
 *   coefficientTests(model.fixefNames, (L) => satterthwaiteContrast(model, L), []).df; // {"(Intercept)": 17.0, Days: 17.0}
 */
export function coefficientTests(names: readonly string[], contrast: (L: Float64Array) => ContrastTest, warnings: string[]): CoefficientTests {
  const out: CoefficientTests = {estimate: termRecord(), se: termRecord(), df: termRecord(), t: termRecord(), p: termRecord(), warnings};
  names.forEach((name, a) => {
    const L = new Float64Array(names.length);
    L[a] = 1;
    const test = contrast(L);
    out.estimate[name] = test.estimate;
    out.se[name] = test.se;
    out.df[name] = test.df;
    out.t[name] = test.t;
    out.p[name] = test.p;
  });
  return out;
}
