export {fitStructure, lmer, type FitOptions, type LmerOptions} from "./fit.js";
export {LinearMixedModel, type OptimizerRecord, type RanefColumns, type VarCorrRow} from "./model.js";
export {modelStructure, criterionFunction, factorAt} from "./objective.js";
export type {MixedModelStructure} from "./structure.js";
export type {FitTimings} from "./timings.js";
export {Evaluator, termCovariances} from "./evaluator.js";
export {withResponse} from "./with-response.js";
