export {setx, NEW_GROUP, type Override, type SetxOptions} from "./setx.js";
export {sim, type SimOptions} from "./sim.js";
export {Profiles} from "./profiles.js";
export {Simulation, QI_ORDER, type QiName, type SummaryRow} from "./simulation.js";
export {quantile, quantileSorted, type ColumnFunction} from "./quantile.js";
export {randomSource, type RandomSource} from "./random.js";
export {portableLog} from "./log.js";
export {summarizeDraws, type DrawSummary} from "./summarize.js";
