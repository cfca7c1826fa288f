import {Profiles} from "../qi/covariate-profiles.js";
import {hashValues} from "./hash.js";

/**
 * A key for the contents of covariate profiles (their design rows, groups and covariate values), computed
 * afresh on each call: a Profiles object is frozen but its arrays are not (`x.X[0] = 2` edits it in place),
 * so a key remembered by object would hand back the simulation of the old values. Profiles are small (a row
 * per profile), so hashing them costs microseconds. Equal profiles made by separate `setx` calls, say with a
 * new `quantile(0.8)` function each time, get the same key, so `sim` on them hits the cache.
 *
 * @example
 *   profilesKey(setx(m, {education: quantile(0.8)})) === profilesKey(setx(m, {education: quantile(0.8)})); // true
 */
export function profilesKey(p: Profiles): string {
  const parts = [String(p.length), hashValues(p.X), p.offset ? hashValues(p.offset) : "-"];
  for (const z of p.Z) parts.push(hashValues(z));
  for (const l of p.levels) parts.push(hashValues(l));
  for (const [name, values] of p.values) parts.push(`${JSON.stringify(name)}=${hashValues(values)}`);
  for (const [name, groups] of p.groups) parts.push(`${JSON.stringify(name)}=${hashValues(groups)}`);
  return parts.join("|");
}

/**
 * A copy of profiles whose arrays the caller cannot reach, for checking later that the profiles a cache
 * handed out still hold what setx made ({@link sameProfiles}).
 *
 * @example
 *   const kept = snapshotProfiles(x); sameProfiles(kept, x); // true until x's arrays are edited
 */
export function snapshotProfiles(p: Profiles): Profiles {
  return new Profiles({
    model: p.model,
    length: p.length,
    values: new Map([...p.values].map(([name, v]) => [name, v.slice()])),
    groups: new Map([...p.groups].map(([name, g]) => [name, g.slice()])),
    X: p.X.slice(),
    Z: p.Z.map((z) => z.slice()),
    levels: p.levels.map((l) => l.slice()),
    offset: p.offset ? p.offset.slice() : null
  });
}

/**
 * Whether two profiles of the same model hold the same values, compared element by element (the check
 * behind a {@link profilesKey} match, so a hash collision can never hand back the wrong profiles).
 *
 * @example
 *   sameProfiles(setx(m, {age: 30}), setx(m, {age: 30})); // true
 */
export function sameProfiles(a: Profiles, b: Profiles): boolean {
  if (a.model !== b.model || a.length !== b.length || !same(a.X, b.X)) return false;
  if ((a.offset === null) !== (b.offset === null) || (a.offset && !same(a.offset, b.offset!))) return false;
  if (a.Z.length !== b.Z.length || a.Z.some((z, i) => !same(z, b.Z[i]))) return false;
  if (a.levels.length !== b.levels.length || a.levels.some((l, i) => !same(l, b.levels[i]))) return false;
  return sameMaps(a.values, b.values) && sameMaps(a.groups, b.groups);
}

function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameMaps(a: ReadonlyMap<string, ArrayLike<unknown>>, b: ReadonlyMap<string, ArrayLike<unknown>>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, values] of a) if (!b.has(name) || !same(values, b.get(name)!)) return false;
  return true;
}
