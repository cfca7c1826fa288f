/**
 * lmm-kit/plot: composite Observable Plot marks for fitted models and simulations, built only from Plot's
 * public marks. The core of the kit needs no DOM; this module is imported apart:
 *
 * @example
 *   import * as Plot from "@observablehq/plot";
 *   import {caterpillar} from "lmm-kit/plot";
 *   Plot.plot({marks: [caterpillar(m, {group: "Subject", term: "Days"})]});
 */
export {fixedEffects, fixedEffectRows, type FixedEffectsOptions, type FixedEffectRow} from "./fixed-effects.js";
export {caterpillar, caterpillarRows, type CaterpillarOptions, type CaterpillarRow} from "./caterpillar.js";
export {groupLines, groupLineRows, type GroupLinesOptions, type GroupLinesRow} from "./group-lines.js";
export {shrinkage, shrinkageRows, groupLeastSquares, type ShrinkageOptions, type ShrinkagePoint, type ShrinkageArrow} from "./shrinkage.js";
export {residualsFitted, residualRows, type ResidualsFittedOptions, type ResidualRow} from "./residuals-fitted.js";
export {qqNormal, qqRows, type QqNormalOptions, type QqRow} from "./qq-normal.js";
export {qiDistribution, qiDraws, type QiDistributionOptions} from "./qi-distribution.js";
export {kernelDensity, silvermanBandwidth, densityAt, type DensityPoint} from "./kernel-density.js";
export {histogramBins, type HistogramBin, type Thresholds, type ThresholdFunction} from "./histogram-bins.js";
export {binnedResiduals, binnedResidualRows, binResiduals, type BinnedResidualsOptions, type BinnedResidualRow} from "./binned-residuals.js";
export {predictedCurves, predictedCurveRows, type PredictedCurvesOptions, type PredictedCurveRow} from "./predicted-curves.js";
