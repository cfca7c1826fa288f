import {fail} from "../errors.js";
import {optionNames, readOptions} from "../options.js";
import type {ModelSpec} from "../formula/ast.js";
import {formula} from "../formula/formula.js";
import type {TableInput} from "../frame/table-input.js";
import {lmer, type LmerOptions} from "../lmm/fit.js";
import type {LinearMixedModel} from "../lmm/model.js";
import {glmer, type GlmerOptions} from "../glmm/fit.js";
import {readGlmerOptions} from "../glmm/glmer-options.js";
import {hashValues} from "./hash.js";
import type {GeneralizedLinearMixedModel} from "../glmm/model.js";
import {frameOf, isQiModel, type QiModel} from "../qi/qi-model.js";
import {Profiles} from "../qi/covariate-profiles.js";
import {SETX_OPTIONS, setx, type Override, type SetxOptions} from "../qi/setx.js";
import {SIM_HINTS, SIM_OPTIONS, sim, type SimOptions} from "../qi/sim.js";
import {LMER_HINTS, LMER_OPTIONS} from "../lmm/lmer-options.js";
import {residualColumns} from "../lmm/residual.js";
import type {Simulation} from "../qi/simulation-result.js";
import {dataFingerprint, usedColumns} from "./fingerprint.js";
import {checkAsyncFitOptions, FitJob, jobProgress, runFit, type AsyncFitOptions, type FitProgress} from "./fit-job.js";
import {LRU} from "./lru.js";
import {profilesKey, sameProfiles, snapshotProfiles} from "./covariate-profiles-key.js";
import {identities, stableKey} from "./stable-key.js";

/** Options of {@link createCache}. */
export interface CacheOptions {
  /** How many models the cache keeps, and how many profiles and simulations per model (default 32). */
  size?: number;
}

/** The options {@link createCache} knows. */
export const CACHE_OPTIONS = optionNames<CacheOptions>({size: true});

/** Hits and misses of one memoized function. */
export interface CacheCounts {
  hits: number;
  misses: number;
}

/** What a cache has done, for tests and for curious notebook authors. */
export interface CacheStats extends CacheCounts {
  /** Fits run by the cache (one per `lmer` miss, synchronous or asynchronous). */
  fits: number;
  /** Models held now. */
  size: number;
  setx: CacheCounts;
  sim: CacheCounts;
}

/** Memoized `lmer`, `setx` and `sim` (and asynchronous fits) sharing one bounded cache. */
export interface AnalysisCache {
  /** {@link lmer}, memoized: the same formula, options and used column values give the same model. */
  lmer(formula: string | ModelSpec, data: unknown, options?: LmerOptions): LinearMixedModel;
  /** {@link glmer}, memoized: the same formula, options (family, link, …) and used column values give the same model. */
  glmer(formula: string | ModelSpec, data: unknown, options?: GlmerOptions): GeneralizedLinearMixedModel;
  /** {@link startFit}, memoized with `lmer`: a hit is a job that has already ended; a fit stores its model. */
  startFit(formula: string | ModelSpec, data: unknown, options?: AsyncFitOptions): FitJob;
  /** {@link lmerAsync}, memoized with `lmer`. */
  lmerAsync(formula: string | ModelSpec, data: unknown, options?: AsyncFitOptions): Promise<LinearMixedModel>;
  /** {@link lmerProgress}, memoized with `lmer`: on a hit it yields the model at once. */
  lmerProgress(formula: string | ModelSpec, data: unknown, options?: AsyncFitOptions): AsyncGenerator<FitProgress | LinearMixedModel, LinearMixedModel, unknown>;
  /** {@link setx}, memoized per model: equal overrides and options give the same profiles. */
  setx(model: QiModel, overrides?: Record<string, Override>, options?: SetxOptions): Profiles;
  /** {@link sim}, memoized per model: equal profiles (by content) and options give the same simulation. */
  sim(model: QiModel, options?: SimOptions): Simulation;
  stats(): CacheStats;
  /** Forgets every entry (the counts stay). */
  clear(): void;
}

/** A cached result with copies of the profiles it was made from (or handed out), to check on a hit. */
interface Held<T> {
  value: T;
  x: Profiles | null;
  x1: Profiles | null;
}

interface ModelSlot {
  /** The columns the model reads, for fingerprints of a `data` option. */
  columns: string[];
  /** Profiles by overrides, with a copy of what they held when handed out. */
  setx: LRU<string, Held<Profiles>>;
  /** Profiles by content, so equal profiles from different overrides are one object. */
  profiles: LRU<string, Profiles>;
  /** Simulations by the content of their profiles and options, with copies of the profiles. */
  sim: LRU<string, Held<Simulation>>;
}

/** Whether profiles given now hold what the copy kept when the entry was made (both absent counts). */
const unchanged = (kept: Profiles | null, now: Profiles | undefined) => (kept === null ? now === undefined : now !== undefined && sameProfiles(kept, now));

/**
 * A cache of fitted models, covariate profiles and simulations for reactive notebooks: cells call its
 * functions as they would call `lmer`, `setx` and `sim`, and get the same result object back, without
 * refitting, whenever the inputs are equal, even when a cell has rebuilt an equal table.
 *
 * The key rule (GUIDE.md §5): a WeakMap on the table object would miss a rebuilt table, and Arquero's
 * `params()` mutates a table in place, so a model is keyed on the formula text, the options (not
 * `onProgress`, `signal` or `worker`) and a fingerprint of the values of the columns the formula uses (and
 * the weights column): rows and a 53-bit hash per column ({@link dataFingerprint}). Other columns of the
 * table do not matter; a changed value in a used column, a changed formula or option refits. The values are
 * hashed on every call, so a value edited in place (`t.column("Reaction")[0] = 10000`) refits too.
 *
 * `setx` and `sim` are cached per model (a WeakMap: they go when the model goes). `setx` keys on its
 * overrides and options: functions by their string `description` property if they have one, otherwise by
 * identity, so `quantile(0.8)` written in a cell makes a new function and misses; but profiles equal in
 * content are returned as one object, so `sim` on them still hits. `sim` keys on the content of its profiles,
 * `n`, `seed`, `treatment` and a fingerprint of `data`; a call with a `random` source is never cached (drawing
 * consumes the source). A `sim` without a seed is cached too: the same call returns the same draws. Profiles
 * are frozen objects over arrays that can still be edited in place, so each entry keeps a copy of its
 * profiles and a hit is taken only when they are still equal element by element: edited profiles miss.
 *
 * Each map is an LRU of `size` entries (32 by default). Errors are never cached.
 *
 * @example
 *   const cache = createCache();
 *   const m = cache.lmer("Reaction ~ Days + (Days | Subject)", sleepstudy);
 *   cache.lmer("Reaction ~ Days + (Days | Subject)", aq.table(sleepstudy.data())) === m; // true: equal columns
 *   cache.stats(); // {hits: 1, misses: 1, fits: 1, size: 1, setx: {…}, sim: {…}}
 */
export function createCache(given: CacheOptions = {}): AnalysisCache {
  const size = readOptions(given, CACHE_OPTIONS, "createCache").size ?? 32;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1) fail(`invalid size: ${String(size)}; give a positive integer such as 32`);
  const identity = identities();
  const specs = new LRU<string, ModelSpec>(64);
  const models = new LRU<string, LinearMixedModel>(size);
  const generalized = new LRU<string, GeneralizedLinearMixedModel>(size);
  let slots = new WeakMap<QiModel, ModelSlot>();
  const counts = {hits: 0, misses: 0, fits: 0, setx: {hits: 0, misses: 0}, sim: {hits: 0, misses: 0}};

  const specOf = (formulaOrSpec: string | ModelSpec): ModelSpec => {
    if (typeof formulaOrSpec !== "string") return formulaOrSpec;
    let spec = specs.get(formulaOrSpec);
    if (!spec) specs.set(formulaOrSpec, (spec = formula(formulaOrSpec)));
    return spec;
  };

  /** The model key, or null when the inputs cannot make one (lmer then reports what is wrong). */
  const modelKey = (formula: string | ModelSpec, data: unknown, options: AsyncFitOptions): string | null => {
    try {
      const spec = specOf(formula);
      const keyed = {...options, onProgress: undefined, signal: undefined, worker: undefined};
      const columns = usedColumns(spec, options.weights).concat(residualColumns({correlation: options.correlation, variance: options.variance}));
      return `${spec.text}\n${stableKey(keyed, identity)}\n${dataFingerprint(data, columns)}`;
    } catch {
      return null;
    }
  };

  const keep = (key: string | null, model: LinearMixedModel): LinearMixedModel => {
    if (key === null) return model;
    const held = models.get(key);
    if (held) return held;
    models.set(key, model);
    return model;
  };

  const slotOf = (model: QiModel): ModelSlot => {
    let slot = slots.get(model);
    if (!slot) {
      slot = {columns: usedColumns(frameOf(model).spec), setx: new LRU(size), profiles: new LRU(size), sim: new LRU(size)};
      slots.set(model, slot);
    }
    return slot;
  };

  const dataKey = (data: unknown, slot: ModelSlot) => (data === undefined || data === null ? "-" : dataFingerprint(data, slot.columns));

  const cache: AnalysisCache = {
    lmer(formula, data, options = {}) {
      // names first: a misspelt option set to undefined keys as no option, and must not hit
      readOptions(options, LMER_OPTIONS, "lmer", LMER_HINTS);
      const key = modelKey(formula, data, options);
      const held = key === null ? undefined : models.get(key);
      if (held) {
        counts.hits++;
        return held;
      }
      counts.misses++;
      counts.fits++;
      return keep(key, lmer(formula, data as TableInput, options));
    },

    glmer(formula, data, options = {}) {
      readGlmerOptions(options);
      let key: string | null = null;
      try {
        const spec = specOf(formula);
        const {weights, offset, onProgress: _p, signal: _s, ...rest} = options;
        const keyed = {...rest, weights, offset: offset === undefined || typeof offset === "string" ? offset : hashValues(offset)};
        key = `${spec.text}\n${stableKey(keyed, identity)}\n${dataFingerprint(data, usedColumns(spec, typeof weights === "string" ? weights : undefined).concat(typeof offset === "string" ? [offset] : []))}`;
      } catch {
        key = null;
      }
      const held = key === null ? undefined : generalized.get(key);
      if (held) {
        counts.hits++;
        return held;
      }
      counts.misses++;
      counts.fits++;
      const model = glmer(formula, data as TableInput, options);
      if (key !== null) generalized.set(key, model);
      return model;
    },

    startFit(formula, data, options = {}) {
      checkAsyncFitOptions(options, "startFit");
      const key = modelKey(formula, data, options);
      const held = key === null ? undefined : models.get(key);
      if (held) {
        counts.hits++;
        return new FitJob(async (control) => {
          control.runsOn("cache");
          control.report({evaluations: held.optimizer.evaluations, criterion: held.optimizer.criterion, theta: held.theta});
          return held;
        }, options);
      }
      counts.misses++;
      counts.fits++;
      return new FitJob(async (control) => keep(key, await runFit(formula, data, options, control)), options);
    },

    lmerAsync: (formula, data, options) => (checkAsyncFitOptions(options, "lmerAsync"), cache.startFit(formula, data, options).model),

    lmerProgress: (formula, data, options) => (checkAsyncFitOptions(options, "lmerProgress"), jobProgress(cache.startFit(formula, data, options))),

    setx(model, overrides = {}, options = {}) {
      readOptions(options, SETX_OPTIONS, "setx");
      if (!isQiModel(model)) return setx(model, overrides, options);
      const slot = slotOf(model);
      let key: string | null = null;
      try {
        const {data, ...rest} = options ?? {};
        key = `${stableKey(overrides, identity)}\n${stableKey(rest, identity)}\n${dataKey(data, slot)}`;
      } catch {
        key = null;
      }
      const held = key === null ? undefined : slot.setx.get(key);
      // profiles handed out earlier and edited in place since (x.X[0] = 2) are not what setx makes
      if (held && sameProfiles(held.value, held.x!)) {
        counts.setx.hits++;
        return held.value;
      }
      counts.setx.misses++;
      const fresh = setx(model, overrides, options);
      const content = profilesKey(fresh);
      const equal = slot.profiles.get(content);
      const profiles = equal && sameProfiles(equal, fresh) ? equal : fresh;
      if (profiles === fresh) slot.profiles.set(content, fresh);
      if (key !== null) slot.setx.set(key, {value: profiles, x: snapshotProfiles(profiles), x1: null});
      return profiles;
    },

    sim(model, options = {}) {
      readOptions(options, SIM_OPTIONS, "sim", SIM_HINTS);
      const plain = isQiModel(model) && options !== null && typeof options === "object" && options.random === undefined;
      const own = (p: unknown) => p === undefined || (p instanceof Profiles && p.model === model);
      if (!plain || !own(options.x) || !own(options.x1)) {
        counts.sim.misses++;
        return sim(model, options);
      }
      const slot = slotOf(model);
      let key: string | null = null;
      try {
        const {x, x1, data, ...rest} = options;
        key = `${x ? profilesKey(x) : "-"}\n${x1 ? profilesKey(x1) : "-"}\n${stableKey(rest, identity)}\n${dataKey(data, slot)}`;
      } catch {
        key = null;
      }
      const held = key === null ? undefined : slot.sim.get(key);
      // the key hashes the profiles' contents; the copies make a hit certain, not only likely
      if (held && unchanged(held.x, options.x) && unchanged(held.x1, options.x1)) {
        counts.sim.hits++;
        return held.value;
      }
      counts.sim.misses++;
      const simulation = sim(model, options);
      if (key !== null) {
        const copy = (p: Profiles | undefined) => (p === undefined ? null : snapshotProfiles(p));
        slot.sim.set(key, {value: simulation, x: copy(options.x), x1: copy(options.x1)});
      }
      return simulation;
    },

    stats: () => ({
      hits: counts.hits,
      misses: counts.misses,
      fits: counts.fits,
      size: models.size + generalized.size,
      setx: {...counts.setx},
      sim: {...counts.sim}
    }),

    clear() {
      models.clear();
      generalized.clear();
      specs.clear();
      slots = new WeakMap();
    }
  };
  return cache;
}
