export {satterthwaite, satterthwaiteContrast, satterthwaiteJSON, satterthwaiteValues, type ContrastTest, type SatterthwaiteModel, type SatterthwaiteValues} from "./satterthwaite.js";
export {varparCovariance, type VarparCovariance} from "./varpar-covariance.js";
export {varparDeviance} from "./varpar-deviance.js";
export {tTestP, studentTCdf} from "./student-t.js";
export {chiSquareUpper} from "./chi-square.js";
export {satterthwaiteLines, satterthwaiteSection} from "./satterthwaite-text.js";
