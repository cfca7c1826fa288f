import {ColumnTable} from "arquero";
import {formatR, matrixLines} from "../rformat/format-r.js";
import type {QiModel} from "./qi-model.js";

/** What {@link setx} computed: the covariate values, groups and design rows of each profile. */
export interface ProfilesInit {
  model: QiModel;
  length: number;
  values: Map<string, unknown[]>;
  groups: Map<string, string[]>;
  X: Float64Array;
  Z: Float64Array[];
  levels: Int32Array[];
  offset: Float64Array | null;
}

/**
 * Covariate profiles of a fitted model, made by {@link setx}: one row of covariate values per profile, the
 * group of each grouping factor ("new" for a new group, or a level of the data), and the design rows `x` (fixed effects, in
 * the model's `fixefNames` order) and `z` (per random-effects term) that {@link sim} uses. Immutable.
 *
 * @example
 *   const x = setx(m, {education: quantile(0.8)});
 *   x.table().objects(); // [{profile: 1, education: 4, age: 45.2…, female: 0.51…, state: "new"}]
 *   x.design().objects(); // [{profile: 1, "(Intercept)": 1, education: 4, age: 45.2…, female: 0.51…}]
 */
export class Profiles {
  /** The model the profiles belong to. */
  readonly model: QiModel;
  /** Number of profiles. */
  readonly length: number;
  /** Each covariate column's value in each profile. */
  readonly values: ReadonlyMap<string, readonly unknown[]>;
  /**
   * Each grouping factor's group in each profile: a level label, or for a new group "new" ("(new group)"
   * when the factor has a level "new": see `newGroupLabel`); `levels` tells them apart by index.
   */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** Fixed-effect design rows, `length × p` row-major, in the order of `model.fixefNames`. */
  readonly X: Float64Array;
  /** Per random-effects term (the model's order), design rows `length × pᵢ` row-major. */
  readonly Z: readonly Float64Array[];
  /** Per random-effects term, the level index of each profile's group, or −1 for a new group. */
  readonly levels: readonly Int32Array[];
  /** The offset of each profile, or null when the model has none. */
  readonly offset: Float64Array | null;

  constructor(init: ProfilesInit) {
    this.model = init.model;
    this.length = init.length;
    this.values = init.values;
    this.groups = init.groups;
    this.X = init.X;
    this.Z = init.Z;
    this.levels = init.levels;
    this.offset = init.offset;
    Object.freeze(this);
  }

  /** The profiles as an Arquero table: `profile` (1, 2, …), each covariate column, each grouping factor. */
  table(): ColumnTable {
    const data: [string, unknown[]][] = [["profile", Array.from({length: this.length}, (_, j) => j + 1)]];
    for (const [name, values] of this.values) data.push([name, values.slice()]);
    for (const [name, groups] of this.groups) if (!this.values.has(name)) data.push([name, groups.slice()]);
    return new ColumnTable(Object.fromEntries(data), data.map(([name]) => name));
  }

  /** The fixed-effect design rows as an Arquero table: `profile`, then one column per coefficient. */
  design(): ColumnTable {
    const names = this.model.fixefNames;
    const p = names.length;
    const data: [string, Float64Array | Int32Array][] = [["profile", Int32Array.from({length: this.length}, (_, j) => j + 1)]];
    names.forEach((name, a) => data.push([name, Float64Array.from({length: this.length}, (_, j) => this.X[j * p + a])]));
    return new ColumnTable(Object.fromEntries(data), data.map(([name]) => name));
  }

  /** The design rows as R prints a model matrix, with the groups: what Zelig's `print(setx(...))` shows. */
  toString(): string {
    const names = this.model.fixefNames;
    const p = names.length;
    const cells: string[][] = Array.from({length: this.length}, () => []);
    names.forEach((_, a) => {
      const column = formatR(Float64Array.from({length: this.length}, (_, j) => this.X[j * p + a]));
      column.forEach((text, j) => cells[j].push(text));
    });
    for (const groups of this.groups.values()) groups.forEach((g, j) => cells[j].push(g));
    const rowNames = Array.from({length: this.length}, (_, j) => String(j + 1));
    return matrixLines(rowNames, [...names, ...this.groups.keys()], cells, true).join("\n");
  }
}
