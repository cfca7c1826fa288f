export {modelFrame, type ModelFrame, type RandomTerm, type FrameOptions} from "./frame.js";
export {dataSource, type DataSource} from "./source.js";
export {makeFactor, interaction, type Factor} from "./factor.js";
