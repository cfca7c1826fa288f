import {fail} from "../errors.js";
import {isQiModel, type QiModel} from "./qi-model.js";

/**
 * Fails unless `model` is a fitted model from `lmer` or `glmer`.
 *
 * @example
 *   checkModel(m, "sim"); // passes
 *   checkModel({}, "sim"); // throws "sim needs a model fitted by lmer or glmer, got an object; …"
 */
export function checkModel(model: unknown, verb: string): asserts model is QiModel {
  if (!isQiModel(model)) {
    const got = model === null || typeof model !== "object" ? String(model) : "an object";
    fail(`${verb} needs a model fitted by lmer or glmer, got ${got}; call ${verb}(lmer(formula, data), …)`);
  }
}
