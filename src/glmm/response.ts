/**
 * The response of a generalized model as glmer takes it, checked against its family: the values y, the prior
 * weights and the binomial trials, and the starting means R's family `initialize` expressions give.
 */
import {fail} from "../errors.js";
import type {ModelFrame} from "../frame/frame.js";
import type {Family} from "./families.js";

/** The response of a generalized model, at the model's rows. */
export interface GlmResponse {
  /** y: 0/1, a proportion (binomial), a count (Poisson) or a positive value (Gamma, inverse Gaussian). */
  y: Float64Array;
  /** The prior weights (all 1 without `weights`); for binomial proportions the numbers of trials. */
  weights: Float64Array;
  /** The binomial `n` of R's family `aic`: the trials of `cbind(successes, failures)`, else all 1. */
  trials: Float64Array;
  /** Starting means: R's `mustart` of the family's `initialize`. */
  muStart: Float64Array;
  warnings: string[];
}

/** The row of the source table a model row came from, 1-based, for messages. */
const rowOf = (frame: ModelFrame, r: number) => frame.rows[r] + 1;

/**
 * The response of `frame` for `family`, refusing values outside the family's support with the value, its row
 * and the fix: a binomial response outside [0, 1]; a negative Poisson count (a count that is not whole gives a
 * warning, as lme4's deviance then warns, and is used as it is); a value that is not positive for Gamma and
 * the inverse Gaussian. Starting means are those of R's family `initialize`: `(w y + ½)/(w + 1)` (binomial),
 * `y + 0.1` (Poisson), y (Gamma, inverse Gaussian, gaussian).
 *
 * Reference: R's `binomial()`, `poisson()`, `Gamma()`, `inverse.gaussian()` and `gaussian()` (their
 * `initialize` expressions and messages); lme4's `glmer` (the binomial response as 0/1, a two-level factor
 * or proportions with weights).
 *
 * @example
 *   glmResponse(frame, family("poisson")).muStart; // y + 0.1
 */
export function glmResponse(frame: ModelFrame, fam: Family): GlmResponse {
  const {n} = frame;
  const y = frame.y;
  const weights = frame.weights ? Float64Array.from(frame.weights) : new Float64Array(n).fill(1);
  const trials = frame.trials ? Float64Array.from(frame.trials) : new Float64Array(n).fill(1);
  const muStart = new Float64Array(n);
  const warnings: string[] = [];
  const name = frame.responseName;
  switch (fam.name) {
    case "binomial": {
      let nonInteger = false;
      for (let r = 0; r < n; r++) {
        const v = y[r];
        if (!(v >= 0 && v <= 1)) {
          fail(`the binomial response ${name} is ${v} in row ${rowOf(frame, r)}, outside [0, 1]; give 0/1 values, a two-level factor, proportions with weights = trials, or cbind(successes, failures)`);
        }
        const m = weights[r] * v;
        if (Math.abs(m - Math.round(m)) > 1e-3) nonInteger = true;
        // R: (w y + ½)/(w + 1) for 0/1 and proportions, (n y + ½)/(n + 1) with n the trials of cbind()
        const m0 = frame.trials ? trials[r] : weights[r];
        muStart[r] = (m0 * v + 0.5) / (m0 + 1);
      }
      if (nonInteger) warnings.push("non-integer #successes in a binomial glm!");
      break;
    }
    case "poisson": {
      for (let r = 0; r < n; r++) {
        const v = y[r];
        if (v < 0) fail(`the Poisson response ${name} is ${v} in row ${rowOf(frame, r)}; counts cannot be negative: fix the value or choose another family`);
        if (v !== Math.round(v)) {
          fail(`the Poisson response ${name} is ${v} in row ${rowOf(frame, r)}, not a whole number: the Poisson log-likelihood is −∞ there (lme4 warns "non-integer x" and its deviance is infinite); round the counts, or model a continuous response with the Gamma family or lmer`);
        }
        muStart[r] = v + 0.1;
      }
      break;
    }
    case "Gamma":
    case "inverse.gaussian": {
      const which = fam.name === "Gamma" ? "Gamma" : "inverse Gaussian";
      for (let r = 0; r < n; r++) {
        if (!(y[r] > 0)) fail(`the ${which} response ${name} is ${y[r]} in row ${rowOf(frame, r)}; the ${which} family needs positive values: fix the value or choose another family`);
        muStart[r] = y[r];
      }
      break;
    }
    case "gaussian":
      muStart.set(y);
      break;
  }
  if (frame.responseLevels && fam.name !== "binomial") {
    fail(`the response ${name} is a factor (levels ${frame.responseLevels.join(", ")}); only the binomial family takes a factor response: use family "binomial" or a numeric response`);
  }
  return {y, weights, trials, muStart, warnings};
}
