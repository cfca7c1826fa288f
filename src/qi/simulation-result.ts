import {ColumnTable} from "arquero";
import {fail} from "../errors.js";
import {formatR, matrixLines} from "../rformat/format-r.js";
import type {Profiles} from "./covariate-profiles.js";
import {summarizeDraws, type DrawSummary} from "./summarize.js";

/**
 * The quantities of interest: `ev` and `pr` for `x`, `ev1` and `pr1` for `x1`, `fd` = ev1 − ev, `att.ev` and
 * `att.pr` for a treatment. Profile quantities hold one array of draws per profile; ATT holds one.
 */
export type QiName = "ev" | "pr" | "ev1" | "pr1" | "fd" | "att.ev" | "att.pr";

/** The order quantities are listed in. */
export const QI_ORDER: readonly QiName[] = ["ev", "pr", "ev1", "pr1", "fd", "att.ev", "att.pr"];

/** What {@link sim} computed. */
export interface SimulationInit {
  n: number;
  seed: number | null;
  x: Profiles | null;
  x1: Profiles | null;
  treatment: string | null;
  qi: Partial<Record<QiName, Float64Array[]>>;
}

/** One row of {@link Simulation.summary}. */
export interface SummaryRow extends DrawSummary {
  qi: QiName;
  /** The profile (1, 2, …), or null for ATT. */
  profile: number | null;
}

/**
 * The draws of a simulation, made by {@link sim}: typed arrays per quantity and profile (`s.qi.ev[0]`), a
 * summary table, a long table of draws for Plot, and a printout like Zelig's `summary(s.out)`.
 *
 * @example
 *   const s = sim(m, {x, x1, n: 1000, seed: 7});
 *   s.qi.fd![0];                       // Float64Array of 1000 first differences
 *   s.summary().objects();             // [{qi: "ev", profile: 1, mean: …, sd: …, p2_5: …, p50: …, p97_5: …}, …]
 *   Plot.rectY(s.draws().filter((d) => d.qi === "fd"), Plot.binX({y: "count"}, {x: "value"}));
 */
export class Simulation {
  /** Number of draws. */
  readonly n: number;
  /** The seed that reproduces the draws, or null when a random source was passed in. */
  readonly seed: number | null;
  readonly x: Profiles | null;
  readonly x1: Profiles | null;
  readonly treatment: string | null;
  /** Draws per quantity, one Float64Array of n per profile (one for ATT). */
  readonly qi: Readonly<Partial<Record<QiName, readonly Float64Array[]>>>;
  #rows: SummaryRow[] | null = null;

  constructor(init: SimulationInit) {
    this.n = init.n;
    this.seed = init.seed;
    this.x = init.x;
    this.x1 = init.x1;
    this.treatment = init.treatment;
    this.qi = Object.freeze({...init.qi});
  }

  /** The quantities present, in {@link QI_ORDER}. */
  get names(): QiName[] {
    return QI_ORDER.filter((q) => this.qi[q]);
  }

  /** Summary rows (computed once): for each quantity and profile, mean, sd and the 2.5/50/97.5% quantiles. */
  rows(): SummaryRow[] {
    if (!this.#rows) {
      this.#rows = this.names.flatMap((q) => this.qi[q]!.map((draws, j) => ({qi: q, profile: q.startsWith("att") ? null : j + 1, ...summarizeDraws(draws)})));
    }
    return this.#rows;
  }

  /**
   * The summary of one quantity and profile (profile 1 by default).
   *
   * @example
   *   s.summaryOf("fd"); // {mean: …, sd: …, p2_5: …, p50: …, p97_5: …}
   */
  summaryOf(qi: QiName, profile = 1): DrawSummary {
    const draws = this.qi[qi];
    if (!draws) fail(`no ${qi} in this simulation; it has ${this.names.join(", ")}`);
    if (!Number.isInteger(profile) || profile < 1 || profile > draws.length) {
      fail(`invalid profile: ${profile}; ${qi} has profiles 1 to ${draws.length}`);
    }
    const {mean, sd, p2_5, p50, p97_5} = this.rows().find((r) => r.qi === qi && (r.profile ?? 1) === profile)!;
    return {mean, sd, p2_5, p50, p97_5};
  }

  /** The summary as an Arquero table: `qi, profile, mean, sd, p2_5, p50, p97_5`. */
  summary(): ColumnTable {
    const rows = this.rows();
    const col = <K extends keyof SummaryRow>(k: K) => rows.map((r) => r[k]);
    const names = ["qi", "profile", "mean", "sd", "p2_5", "p50", "p97_5"] as const;
    return new ColumnTable(Object.fromEntries(names.map((k) => [k, col(k)])), [...names]);
  }

  /** Every draw as a long Arquero table, ready for Plot: `qi, profile, draw (1…n), value`. */
  draws(): ColumnTable {
    const blocks = this.names.flatMap((q) => this.qi[q]!.map((draws, j) => ({q, profile: q.startsWith("att") ? null : j + 1, draws})));
    const size = blocks.length * this.n;
    const qi = new Array<string>(size);
    const profile = new Array<number | null>(size);
    const draw = new Int32Array(size);
    const value = new Float64Array(size);
    blocks.forEach((b, k) => {
      const o = k * this.n;
      for (let d = 0; d < this.n; d++) {
        qi[o + d] = b.q;
        profile[o + d] = b.profile;
        draw[o + d] = d + 1;
        value[o + d] = b.draws[d];
      }
    });
    return new ColumnTable({qi, profile, draw, value}, ["qi", "profile", "draw", "value"]);
  }

  /**
   * The printout of Zelig's `summary(s.out)`: a block per setx object (`sim x`, `sim x1`, and `sim att` for
   * ATT), each quantity as a small table of mean, sd, 50%, 2.5% and 97.5% with a row per profile.
   */
  toString(): string {
    const sections: [string, QiName[]][] = [["x", ["ev", "pr"]], ["x1", ["ev1", "pr1", "fd"]], ["att", ["att.ev", "att.pr"]]];
    const lines: string[] = [];
    for (const [title, names] of sections) {
      const present = names.filter((q) => this.qi[q]);
      if (!present.length) continue;
      lines.push("", ` sim ${title} :`, " -----");
      for (const q of present) {
        const rows = this.rows().filter((r) => r.qi === q);
        const stats = [rows.map((r) => r.mean), rows.map((r) => r.sd), rows.map((r) => r.p50), rows.map((r) => r.p2_5), rows.map((r) => r.p97_5)].map((v) => formatR(v));
        const cells = rows.map((_, i) => stats.map((column) => column[i].trim()));
        lines.push(q.replace(/1$/, ""), ...matrixLines(rows.map((_, i) => String(i + 1)), ["mean", "sd", "50%", "2.5%", "97.5%"], cells, true));
      }
    }
    return lines.join("\n");
  }
}
