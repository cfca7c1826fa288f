export {createCache, type AnalysisCache, type CacheCounts, type CacheOptions, type CacheStats} from "./cache.js";
export {memo, memoGlmer, memoLmer, memoSetx, memoSim} from "./memo.js";
export {FitJob, startFit, lmerAsync, lmerProgress, type AsyncFitOptions, type FitProgress, type FitThread} from "./fit-job.js";
export {fitWorkers} from "./worker-host.js";
export {invalidationSignal} from "./abort.js";
export {defineAnalysis, type AnalysisChartContext, type AnalysisInputs, type AnalysisNames, type AnalysisOptions, type RuntimeModule, type RuntimeVariable} from "./analysis.js";
export {dataFingerprint, usedColumns} from "./fingerprint.js";
export {hashValues} from "./hash.js";
