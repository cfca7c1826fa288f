export {predict, type PredictOptions, type Prediction} from "./predict.js";
export {predictGlmer, type GlmerPredictRequest} from "./predict-glmer.js";
export {frameDesign, newdataDesign, type PredictionDesign, type DesignOptions} from "./newdata-design.js";
export {trainingLevels, formulaVariables} from "./levels.js";
export {linearPredictorVariance, forwardSolveZ} from "./joint-covariance.js";
