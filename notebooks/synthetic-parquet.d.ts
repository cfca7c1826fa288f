/** Number of groups (levels of g). */
export const GROUPS: number;
/** Rows written per Parquet file. */
export const CHUNK: number;
/** The glob that reads every file {@link syntheticStatements} writes. */
export const GLOB: string;
/** Most rows the page generates. */
export const MAX_ROWS: number;
/** A uniform draw on (0, 1) from `bits` bits of the hash `h` from bit `shift` on, as SQL. */
export function uniform(h: string, shift: number, bits: number): string;
/** An approximately standard normal draw (Irwin–Hall, four 16-bit slices) from the hash `h`, as SQL. */
export function normal(h: string): string;
/** The query of rows `from` ≤ i < `to` (columns y, x, g), as DuckDB SQL. */
export function syntheticQuery(from: number, to: number): string;
/** The COPY statements that write `n` rows as Parquet files in `dir` ("" or a folder ending in "/"). */
export function syntheticStatements(n: number, dir?: string): {sql: string; from: number; to: number; file: string}[];
/** The true group effects (g, u0, u1) of every group, as DuckDB SQL. */
export function groupEffectsQuery(): string;
