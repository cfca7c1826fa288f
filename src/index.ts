export const version = "0.1.0";
export {lmer, LinearMixedModel, type LmerOptions, type OptimizerRecord, type RanefColumns, type VarCorrRow} from "./lmm/index.js";
export {formula, parseFormula} from "./formula/index.js";
export {modelFrame, type ModelFrame, type FrameOptions} from "./frame/index.js";
export {LmmError} from "./errors.js";
export {readCSV} from "./io/csv.js";
export * from "./qi/index.js";
export {satterthwaite, satterthwaiteValues, satterthwaiteContrast, satterthwaiteJSON, anova, anovaValues, refit, confint, confintValues, varianceExplained, iccTable, bootstrap, simulate, type SatterthwaiteValues, type ContrastTest, type AnovaValues, type RefitOptions, type ConfintOptions, type ConfintValues, type VarianceExplained, type BootstrapOptions, type BootstrapResult, type SimulateOptions} from "./inference/index.js";
export {predict, type PredictOptions, type Prediction} from "./predict/index.js";
