export {setx, NEW_GROUP, type Override, type SetxOptions} from "./setx.js";
export {sim, type SimOptions} from "./sim.js";
export {Profiles} from "./covariate-profiles.js";
export {Simulation, QI_ORDER, type QiName, type SummaryRow} from "./simulation-result.js";
export {quantile, quantileSorted, type ColumnFunction} from "../stats/quantile.js";
export {randomSource, type RandomSource} from "../stats/random.js";
export {portableLog} from "./log.js";
export {summarizeDraws, type DrawSummary} from "./summarize.js";
export {type QiModel} from "./qi-model.js";
