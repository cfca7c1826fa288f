import {createCache, type AnalysisCache} from "./cache.js";

/**
 * The shared cache behind {@link memoLmer}, {@link memoGlmer}, {@link memoSetx} and {@link memoSim}, for notebooks: every cell
 * that calls them shares one bounded cache (see {@link createCache} for the key rule). `memo.stats()` counts
 * its hits and fits; `memo.lmerProgress` and `memo.lmerAsync` fit in a worker and share its models.
 *
 * @example
 *   memo.lmerProgress(formula, data); // a cell: progress, then the model (at once when cached)
 */
export const memo: AnalysisCache = createCache();

/**
 * `lmer`, memoized in the shared cache: the same formula, options and used column values return the same
 * model without refitting, also for a rebuilt equal table.
 *
 * @example
 *   const m = memoLmer("income ~ education + age + female + (1 | state)", voteincome);
 */
export const memoLmer = memo.lmer;

/**
 * `setx`, memoized per model in the shared cache.
 *
 * @example
 *   const x = memoSetx(m, {education: 4});
 */
export const memoSetx = memo.setx;

/**
 * `sim`, memoized per model in the shared cache (profiles compared by content).
 *
 * @example
 *   const s = memoSim(m, {x: memoSetx(m, {education: 4}), n: 1000, seed: 7});
 */
export const memoSim = memo.sim;

/**
 * `glmer`, memoized in the shared cache: the same formula, options (family, link, nAGQ, weights, offset) and
 * used column values return the same model without refitting.
 *
 * @example
 *   const m = memoGlmer("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", VerbAgg, {family: "binomial"});
 */
export const memoGlmer = memo.glmer;
