export {bobyqa, type OptimizeOptions, type OptimizeResult} from "./bobyqa";
