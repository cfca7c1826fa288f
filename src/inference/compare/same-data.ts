import {fail} from "../../errors.js";
import type {ModelFrame} from "../../frame/frame.js";

/**
 * Refuses to compare models fitted to different observations, naming the difference and the fix: a
 * different number of rows used (lme4's check), different rows of the source table (rows dropped for
 * missing values in one model's columns only), a different response, or different weights. Likelihoods of
 * models fitted to different data cannot be compared.
 *
 * Reference: lme4's `anova.merMod` ("models were not all fitted to the same size of dataset"); Pinheiro &
 * Bates (2000), Mixed-Effects Models in S and S-PLUS, §2.4.1 (likelihood-ratio tests need the same data).
 *
 * @example
 *   checkSameData([m0.structure.frame, m1.structure.frame], ["m0", "m1"]); // throws when they differ
 */
export function checkSameData(frames: Pick<ModelFrame, "n" | "rows" | "sourceRows" | "y" | "weights" | "responseName">[], labels: string[]): void {
  const [first, ...rest] = frames;
  rest.forEach((f, k) => {
    const a = labels[0], b = labels[k + 1];
    if (f.n !== first.n) {
      fail(`models were fitted to different numbers of rows: ${first.n} (${a}) and ${f.n} (${b}); fit every model to the same rows, e.g. drop rows with a missing value in any model's columns first`);
    }
    if (f.sourceRows !== first.sourceRows) {
      fail(`models were fitted to different data: tables of ${first.sourceRows} (${a}) and ${f.sourceRows} (${b}) rows; fit every model to the same table`);
    }
    const used = new Set(f.rows);
    const onlyFirst = first.rows.find((r) => !used.has(r));
    if (onlyFirst !== undefined) {
      fail(`models were fitted to different rows: row ${onlyFirst + 1} is used by ${a} but not by ${b}; fit every model to the same rows, e.g. drop rows with a missing value in any model's columns first`);
    }
    const i = f.y.findIndex((y, r) => !Object.is(y, first.y[r]));
    if (i >= 0) {
      fail(`models were fitted to different responses: ${first.responseName} = ${first.y[i]} (${a}) but ${f.responseName} = ${f.y[i]} (${b}) in row ${first.rows[i] + 1}; compare models of the same response on the same data`);
    }
    const w0 = first.weights, w1 = f.weights;
    if ((w0 === null) !== (w1 === null) || (w0 && w1 && w0.some((w, r) => w !== w1[r]))) {
      fail(`models were fitted with different weights (${a}, ${b}); use the same weights in every model`);
    }
  });
}
