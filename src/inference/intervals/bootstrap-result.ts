/** The replicates of a parametric bootstrap, one column per parameter. */
export interface BootstrapResult {
  /** Parameter names: lme4's SD/correlation names, `sigma` (not for a glmer fit without a dispersion), then the fixed effects. */
  names: string[];
  /** The fitted model's values of the parameters. */
  estimates: Float64Array;
  /** `replicates[k]`: the n bootstrap values of parameter k. */
  replicates: Float64Array[];
  /** The seed used. */
  seed: number;
  /** Seconds per refit (mean). */
  secondsPerRefit: number;
}
