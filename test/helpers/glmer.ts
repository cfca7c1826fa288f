import {readFileSync} from "node:fs";
import {glmer, type GlmerOptions} from "../../src/glmm/index.js";
import type {GeneralizedLinearMixedModel} from "../../src/glmm/model.js";
import {dataset} from "./fits.js";

/** The fields of a glmer fixture (test/fixtures/glmer, tools/make-glmer-reference.R) that say how it was fitted. */
export interface GlmerCall {
  id: string;
  dataset: string;
  formula: string;
  family: string;
  link: string;
  nAGQ: number;
  /** A column of the data, or null. */
  weights: string | null;
  /** glmer's `offset` argument as R wrote it (`log(expected)`), "in the formula", or null. */
  offset: string | null;
}

/** A glmer fixture by id. */
export function loadGlmerFixture<T extends GlmerCall = GlmerCall>(id: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/glmer/${id}.json`, import.meta.url), "utf8")) as T;
}

/**
 * glmer's options as the fixture's R call gave them: family, link, nAGQ, weights by column, and an `offset`
 * argument as the expression R was given (`log(expected)`), which glmer evaluates as a formula would.
 */
export function glmerOptionsOf(fx: GlmerCall): GlmerOptions {
  const options: GlmerOptions = {family: fx.family, link: fx.link, nAGQ: fx.nAGQ};
  if (fx.weights) options.weights = fx.weights;
  if (fx.offset && fx.offset !== "in the formula") options.offset = fx.offset;
  return options;
}

const fits = new Map<string, GeneralizedLinearMixedModel>();

/** The glmer fit of a fixture's call, made once per test process. */
export function glmerFitOf(fx: GlmerCall): GeneralizedLinearMixedModel {
  if (!fits.has(fx.id)) fits.set(fx.id, glmer(fx.formula, dataset(fx.dataset), glmerOptionsOf(fx)));
  return fits.get(fx.id)!;
}
