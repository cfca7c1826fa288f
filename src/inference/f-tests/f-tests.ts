import {table, type ColumnTable} from "arquero";
import {fail} from "../../errors.js";
import {optionNames, readOptions} from "../../options.js";
import {LinearMixedModel} from "../../lmm/model.js";
import {checkDdf, type Ddf} from "../ddf.js";
import type {AnovaType, FTest, FTestsValues} from "./f-test.js";
import {typeOneHypotheses} from "./hypotheses-type1.js";
import {typeTwoHypotheses} from "./hypotheses-type2.js";
import {typeThreeHypotheses} from "./hypotheses-type3.js";
import {kenwardRogerF} from "./kenward-roger-f.js";
import {satterthwaiteF} from "./satterthwaite-f.js";
import {varparCovariance} from "../../varpar/varpar-covariance.js";

/** Options of {@link fTests}. */
export interface FTestsOptions {
  /** Type of the hypotheses: 3 (default), 2 or 1; also `"III"`, `"II"`, `"I"` as lmerTest spells them. */
  type?: AnovaType | "1" | "2" | "3" | "I" | "II" | "III";
  /** Denominator degrees of freedom: `"Satterthwaite"` (default) or `"Kenward-Roger"` (REML fits only). */
  ddf?: Ddf;
}

/** The options {@link fTests} and {@link fTestsValues} know. */
export const F_TESTS_OPTIONS = optionNames<FTestsOptions>({type: true, ddf: true});

const TYPES: Record<string, AnovaType> = {1: 1, 2: 2, 3: 3, I: 1, II: 2, III: 3};
const ROMAN = ["", "I", "II", "III"];

/**
 * Checks a `type` option: 1, 2 or 3, or lmerTest's `"I"`, `"II"`, `"III"`.
 *
 * @example
 *   checkAnovaType("III"); // 3
 *   checkAnovaType(4); // throws: invalid type: 4; use 1, 2 or 3 (or "I", "II", "III")
 */
export function checkAnovaType(value: unknown): AnovaType {
  const type = (typeof value === "number" || typeof value === "string") && Object.hasOwn(TYPES, String(value)) ? TYPES[String(value)] : undefined;
  if (type === undefined) fail(`invalid type: ${JSON.stringify(value) ?? String(value)}; use 1, 2 or 3 (or "I", "II", "III")`);
  return type;
}

/**
 * F tests of every fixed-effect term, as lmerTest's `anova(m, type, ddf)` for one model (lmerTest 3.1): the
 * hypotheses of the chosen type (type III by default: {@link typeThreeHypotheses}; type II:
 * {@link typeTwoHypotheses}; type I, sequential: {@link typeOneHypotheses}), each tested by Satterthwaite's
 * multi-df F test ({@link satterthwaiteF}, the default) or Kenward–Roger's ({@link kenwardRogerF}; REML fits
 * only). The intercept is not a term and is not tested.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), "lmerTest package: tests in linear mixed effects
 * models", JSS 82(13), §3–4; Kenward & Roger (1997), Biometrics 53(3); Goodnight (1980), Comm. Statist. A 9(2).
 *
 * @example
 *   const a = fTestsValues(lmer("angle ~ recipe * temp + (1 | recipe:replicate)", cake));
 *   a.terms; // ["recipe", "temp", "recipe:temp"]
 *   a.denDF; // [254.02, 222, 222]
 */
export function fTestsValues(model: LinearMixedModel, given: FTestsOptions = {}): FTestsValues {
  if (!(model instanceof LinearMixedModel)) fail(`invalid model: ${typeof model === "object" ? "not a fitted model" : String(model)}; pass a model from lmer()`);
  const options = readOptions(given, F_TESTS_OPTIONS, "fTests");
  const type = checkAnovaType(options.type ?? 3);
  const ddf = checkDdf(options.ddf ?? "Satterthwaite");
  if (ddf === "Kenward-Roger" && !model.REML) fail("Kenward-Roger's method is only available for REML fits; refit with REML: true (the default) or use ddf: \"Satterthwaite\"");
  const warnings: string[] = [];
  const frame = model.structure.frame;
  const hypotheses = type === 1 ? typeOneHypotheses(frame) : type === 2 ? typeTwoHypotheses(frame) : typeThreeHypotheses(frame, warnings);
  const test = (L: number[][]) => (ddf === "Kenward-Roger" ? kenwardRogerF(model, L) : satterthwaiteF(model, L));
  const results = hypotheses.map((h) => ({...h, result: test(h.L)}));
  const rows = [...results.filter((r) => r.result), ...results.filter((r) => !r.result)];
  if (ddf === "Satterthwaite" && results.some((r) => r.result)) warnings.push(...varparCovariance(model).warnings);
  const column = (key: keyof FTest) => rows.map((r) => (r.result ? r.result[key] : null));
  return {
    heading: `Type ${ROMAN[type]} Analysis of Variance Table with ${ddf}'s method`,
    type,
    ddf,
    terms: rows.map((r) => r.term),
    sumSq: column("sumSq"),
    meanSq: column("meanSq"),
    numDF: column("numDF"),
    denDF: column("denDF"),
    F: column("F"),
    p: column("p"),
    hypotheses: rows.map((r) => r.L),
    columns: model.fixefNames.slice(),
    warnings
  };
}

/**
 * {@link fTestsValues} as an Arquero table, one row per fixed-effect term: `term`, `sumSq`, `meanSq`, `numDF`,
 * `denDF`, `F`, `p` (lmerTest's Sum Sq, Mean Sq, NumDF, DenDF, F value and Pr(>F)); null where a term has no
 * testable hypothesis.
 *
 * Reference: Kuznetsova, Brockhoff & Christensen (2017), JSS 82(13), §4.
 *
 * @example
 *   fTests(model, {type: 2, ddf: "Kenward-Roger"}).objects()[0];
 *   // {term: "recipe", sumSq: 4.00, meanSq: 2.00, numDF: 2, denDF: 254.02, F: 0.0957, p: 0.9088}
 */
export function fTests(model: LinearMixedModel, options: FTestsOptions = {}): ColumnTable {
  const v = fTestsValues(model, options);
  return table({term: v.terms, sumSq: v.sumSq, meanSq: v.meanSq, numDF: v.numDF, denDF: v.denDF, F: v.F, p: v.p});
}
