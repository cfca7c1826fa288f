import {fail} from "../errors.js";
import {LinearMixedModel} from "../lmm/model.js";

/**
 * Fails unless `model` is a fitted model from `lmer`.
 *
 * @example
 *   checkModel(m, "sim"); // passes
 *   checkModel({}, "sim"); // throws "sim needs a model fitted by lmer, got an object; …"
 */
export function checkModel(model: unknown, verb: string): asserts model is LinearMixedModel {
  if (!(model instanceof LinearMixedModel)) {
    const got = model === null || typeof model !== "object" ? String(model) : "an object";
    fail(`${verb} needs a model fitted by lmer, got ${got}; call ${verb}(lmer(formula, data), …)`);
  }
}
