import * as Plot from "@observablehq/plot";
import {fail} from "../errors.js";
import {isQiModel, type QiModel} from "../qi/qi-model.js";
import {describe} from "../qi/describe-value.js";
import {invalid, labelled} from "./options.js";
import {markOwnOptions, readMarkOptions, readRowOptions} from "./mark-options.js";

/** The options of {@link binnedResiduals} that are its own (the rest are Plot's mark options). */
const BINNED_RESIDUALS_OPTIONS = markOwnOptions<BinnedResidualsOptions>({bins: true, r: true});

/** Options of {@link binnedResiduals}; other options (`fx`, `fy`, `clip`, `tip`, …) go to every mark. */
export interface BinnedResidualsOptions extends Omit<Plot.MarkOptions, "stroke"> {
  /** Number of bins (default as arm's binnedplot: ⌊√n⌋ for n ≥ 100 rows, 10 for 10 < n < 100, else ⌊n/2⌋). */
  bins?: number;
  /** Color of the dots (default currentColor). */
  stroke?: string;
  /** Radius of the dots (default 3). */
  r?: number;
}

/** One bin of fitted values: its mean fitted value, mean residual and ±2 standard errors. */
export interface BinnedResidualRow {
  bin: number;
  /** Rows in the bin. */
  n: number;
  /** Mean fitted value (response scale) in the bin. */
  fitted: number;
  /** Mean response residual y − μ̂ in the bin. */
  residual: number;
  /** 2 sd / √n of the residuals in the bin (0 for a bin of one row). */
  bound: number;
  /** Smallest and largest fitted value in the bin. */
  min: number;
  max: number;
}

const defaults = {stroke: "currentColor", r: 3};

/**
 * Gelman and Hill's binned residual plot for a binary (or any) response: the rows are binned by their fitted
 * value, and each bin shows its mean residual against its mean fitted value, with lines at ±2 standard errors
 * (2 sd/√n of the bin's residuals); about 95% of the dots should fall between the lines if the model fits.
 * Raw residuals of a 0/1 response are uninformative dot by dot; binned, they show a mean structure the model
 * misses.
 *
 * Reference: Gelman & Hill (2007), Data Analysis Using Regression and Multilevel/Hierarchical Models, §5.6
 * (Figure 5.13); arm's `binnedplot` and `binned.resids` (the bins and their breaks).
 *
 * @example
 *   const m = glmer("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", VerbAgg, {family: "binomial"});
 *   Plot.plot({marks: [binnedResiduals(m)]});
 */
export function binnedResiduals(model: QiModel, options: BinnedResidualsOptions = {}): Plot.CompoundMark {
  checkQiModel(model, "binnedResiduals");
  readMarkOptions(options, "binnedResiduals", BINNED_RESIDUALS_OPTIONS);
  const {bins, stroke, r, ...rest} = {...defaults, ...options};
  const rows = binnedResidualRows(model, {bins});
  const x = labelled<BinnedResidualRow>("fitted", "Mean fitted value");
  return Plot.marks(
    Plot.ruleY([0], {...rest, stroke: "currentColor", strokeOpacity: 0.5, ariaDescription: "binnedResiduals zero"}),
    Plot.line(rows, {...rest, x, y: (d: BinnedResidualRow) => d.bound, stroke: "gray", ariaDescription: "binnedResiduals upper bound"}),
    Plot.line(rows, {...rest, x, y: (d: BinnedResidualRow) => -d.bound, stroke: "gray", ariaDescription: "binnedResiduals lower bound"}),
    Plot.dot(rows, {...rest, x, y: labelled<BinnedResidualRow>("residual", "Mean residual"), fill: stroke, stroke, r, ariaDescription: "binnedResiduals bin"})
  );
}

/** The rows {@link binnedResidualRows} knows. */
const ROW_OPTIONS = ["bins"] as const;

/**
 * The bins of {@link binnedResiduals}: the model rows sorted by fitted value μ̂ and cut as arm's
 * `binned.resids` cuts them: with k bins, breaks halfway between the ⌊n i/k⌋-th and next sorted fitted values
 * (i = 1 … k − 1; a tie moves the break down to the largest smaller value, and repeated breaks merge bins);
 * a row at a break goes to the bin below. Residuals are response residuals y − μ̂ (for lmer fits, y − ŷ).
 *
 * Reference: Gelman & Hill (2007), §5.6; arm 1.13's `binned.resids`.
 *
 * @example
 *   binnedResidualRows(m, {bins: 20})[0]; // {bin: 1, n: 379, fitted: 0.031…, residual: 0.004…, bound: 0.017…, …}
 */
export function binnedResidualRows(model: QiModel, options: {bins?: number} = {}): BinnedResidualRow[] {
  checkQiModel(model, "binnedResiduals");
  const {bins} = readRowOptions(options, ROW_OPTIONS, "binnedResidualRows");
  const fitted = "usedFitted" in model ? model.usedFitted : model.fitted;
  const residuals = "usedResiduals" in model ? model.usedResiduals : model.residuals.response;
  const n = fitted.length;
  if (bins !== undefined && (typeof bins !== "number" || !Number.isInteger(bins) || bins < 1 || bins > n)) {
    invalid("bins", bins, `give a whole number of bins from 1 to the ${n} rows, such as ${Math.max(1, Math.floor(Math.sqrt(n)))}`);
  }
  return binResiduals(fitted, residuals, bins ?? (n >= 100 ? Math.floor(Math.sqrt(n)) : n > 10 ? 10 : Math.floor(n / 2)));
}

/**
 * arm's `binned.resids(x, y, nclass)`: x cut into about `bins` bins of equal counts and, per bin, the mean of
 * x and of y, the count, the range of x and 2 sd(y)/√n. With k bins, the breaks lie halfway between the
 * ⌊n i/k⌋-th and next sorted x (i = 1 … k − 1); where those two are tied, the lower one moves down to the
 * largest smaller x (−∞ at the minimum); equal breaks merge bins; bins are right-closed, as R's `cut`.
 *
 * Reference: Gelman & Hill (2007), §5.6; arm 1.13's `binned.resids`.
 *
 * @example
 *   binResiduals([0.1, 0.2, 0.3, 0.4], [0.1, -0.2, 0.3, -0.4], 2); // [{bin: 1, n: 2, fitted: 0.15, …}, {bin: 2, …}]
 */
export function binResiduals(fitted: ArrayLike<number>, residuals: ArrayLike<number>, bins: number): BinnedResidualRow[] {
  const n = fitted.length;
  const k = Math.max(1, Math.min(bins, n));
  const sorted = Float64Array.from(fitted).sort();
  const breaks: number[] = [-Infinity];
  const index = Array.from({length: k - 1}, (_, i) => Math.floor((n * (i + 1)) / k));
  if (index.every((j) => j > 0)) {
    for (const j of index) {
      let lo = sorted[j - 1];
      const hi = sorted[j];
      if (lo === hi) {
        if (lo === sorted[0]) lo = -Infinity;
        else {
          let below = -Infinity;
          for (let a = j - 1; a >= 0; a--) if (sorted[a] < lo) (below = sorted[a]), (a = -1);
          lo = below;
        }
      }
      breaks.push((lo + hi) / 2);
    }
  }
  breaks.push(Infinity);
  const cuts = [...new Set(breaks)];
  const groups: number[][] = Array.from({length: cuts.length - 1}, () => []);
  for (let i = 0; i < n; i++) {
    // (cuts[b], cuts[b + 1]]: R's cut, right-closed
    let b = 0;
    while (fitted[i] > cuts[b + 1]) b++;
    groups[b].push(i);
  }
  return groups.filter((g) => g.length > 0).map((items, b) => {
    let sx = 0, sy = 0, min = Infinity, max = -Infinity;
    for (const i of items) {
      sx += fitted[i];
      sy += residuals[i];
      min = Math.min(min, fitted[i]);
      max = Math.max(max, fitted[i]);
    }
    const m = items.length;
    const ybar = sy / m;
    let ss = 0;
    for (const i of items) ss += (residuals[i] - ybar) * (residuals[i] - ybar);
    const sdev = m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
    return {bin: b + 1, n: m, fitted: sx / m, residual: ybar, bound: (2 * sdev) / Math.sqrt(m), min, max};
  });
}

/** Fails unless `value` is a model fitted by lmer or glmer. */
export function checkQiModel(value: unknown, mark: string): asserts value is QiModel {
  if (!isQiModel(value)) fail(`${mark} needs a model fitted by glmer or lmer, got ${describe(value)}; call ${mark}(glmer(formula, data, {family}), …)`);
}
