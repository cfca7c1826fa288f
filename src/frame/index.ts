export {modelFrame, type ModelFrame, type RandomTerm, type FrameOptions, type NaAction} from "./frame.js";
export {dataSource, type DataSource} from "./source.js";
export {makeFactor, interaction, type Factor} from "./factor.js";
export type {TableInput, TableLike} from "./table-input.js";
