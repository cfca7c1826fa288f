/**
 * The synthetic data of the DuckDB-Wasm notebook (sql-duckdb.html), as DuckDB SQL: the page runs these
 * statements in DuckDB-Wasm, and test/browser-sql.test.ts runs the very same texts in Node's DuckDB to make
 * the same Parquet files there.
 *
 * The model: y = 1 + 0.5 x + u0[g] + u1[g] x + e, with g one of 10 000 groups, x uniform on (0, 10),
 * u0 ~ sd 1, u1 ~ sd 0.2 (independent), e ~ sd 1; fitted as `y ~ x + (x | g)`.
 *
 * Deterministic, bit for bit, on any DuckDB: DuckDB's random() cannot be seeded reliably (each thread draws
 * from its own generator), so every value is built from DuckDB's hash() of the row number, a 64-bit integer
 * hash (the same values on DuckDB 0.9.1 in the browser and 1.5.6 in Node: checked value by value). A uniform
 * draw is a 16-bit (or, for x, 32-bit) slice of a hash, cast to a double, plus ½, divided by 2¹⁶ (2³²): all
 * exact. An approximately normal draw is Irwin–Hall's: the sum of four such uniforms from the four 16-bit
 * slices of one hash, minus 2, times √3 (mean 0, variance 4 · 1/12 · 3 = 1). Only +, −, ×, ÷ and √ of
 * doubles, which IEEE 754 rounds the same way everywhere, and no ln or cos, whose last bits differ between C
 * libraries (WebAssembly's and glibc's). The group is a 32-bit slice modulo 10 000 as a BIGINT (DuckDB 0.9
 * computes the modulo of a UBIGINT hash differently from 1.5). hash(0) is 0 in DuckDB, so the rows' hashes
 * take 4i + 1, 4i + 2 and 4i + 3 (row i from 0) and the groups' take the negative numbers −1 − 2g and −2 − 2g.
 *
 * Reference: Irwin (1927) and Hall (1927), Biometrika 19 (the distribution of a sum of uniforms).
 *
 * @example
 *   for (const s of syntheticStatements(200_000)) await db.query(s.sql);
 *   // then read_parquet('synthetic-*.parquet') holds 200 000 rows of y, x, g
 */

/** Number of groups (levels of g). */
export const GROUPS = 10_000;
/**
 * Rows written per Parquet file (one COPY statement each, so that the page can report progress). DuckDB-Wasm
 * writes a file into a buffer it grows as it goes, and past a few million rows a file that slows down: in
 * Chromium (bench/sql-browser.mjs, load 6–8), files of 1 and 2 million rows took 5.7 and 11.5 s, 5 million
 * rows as five files of a million 12.7 s, but as one file 123 s, and 50 million as ten files of 5 million
 * 1042 s.
 */
export const CHUNK = 1_000_000;
/** The Parquet files' names: `synthetic-000.parquet`, `synthetic-001.parquet`, …; read them with this glob. */
export const GLOB = "synthetic-*.parquet";
/** Most rows the page generates (the wasm heap is at most 4 GiB; see the notebook). */
export const MAX_ROWS = 200_000_000;

/**
 * A uniform draw on (0, 1) from bits `shift`… of the 64-bit hash `h` (SQL), `bits` wide (16 or 32).
 *
 * @example
 *   uniform("h", 16, 16); // "(CAST((h >> 16) & 65535 AS DOUBLE) + 0.5) / 65536"
 */
export function uniform(h, shift, bits) {
  const mask = 2 ** bits - 1;
  return `(CAST((${h} >> ${shift}) & ${mask} AS DOUBLE) + 0.5) / ${2 ** bits}`;
}

/**
 * An approximately standard normal draw from the hash `h` (SQL): Irwin–Hall with four uniforms, the four
 * 16-bit slices of `h`, centred and scaled to variance 1.
 */
export function normal(h) {
  return `((${[0, 16, 32, 48].map((s) => uniform(h, s, 16)).join(" + ")}) - 2) * SQRT(3.0)`;
}

/**
 * The query of rows `from` ≤ i < `to` (columns y, x, g), as DuckDB SQL.
 *
 * @param {number} from
 * @param {number} to
 * @returns {string}
 */
export function syntheticQuery(from, to) {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from < to && to <= MAX_ROWS)) {
    throw new Error(`invalid rows: ${from} to ${to}; give whole numbers 0 ≤ from < to ≤ ${MAX_ROWS}`);
  }
  return `SELECT 1 + 0.5 * x + ${normal("h0")} + 0.2 * ${normal("h1")} * x + e AS y, x, g
FROM (
  SELECT g, 10 * ${uniform("hx", 0, 32)} AS x, ${normal("he")} AS e,
    hash(CAST(-1 - 2 * g AS BIGINT)) AS h0, hash(CAST(-2 - 2 * g AS BIGINT)) AS h1
  FROM (
    SELECT CAST(CAST((hash(4 * i + 1) >> 32) & 4294967295 AS BIGINT) % ${GROUPS} AS INTEGER) AS g, hash(4 * i + 2) AS hx, hash(4 * i + 3) AS he
    FROM (SELECT CAST(range AS BIGINT) AS i FROM range(${from}, ${to}))
  )
)`;
}

/**
 * The statements that write `n` rows as Parquet files of {@link CHUNK} rows each (the last one shorter), in
 * order: each with the rows it writes and its file's path, `dir` (a folder ending in "/", or "" for DuckDB's
 * working folder, as in the page) followed by the file's name.
 *
 * @param {number} n
 * @param {string} [dir]
 * @returns {{sql: string, from: number, to: number, file: string}[]}
 */
export function syntheticStatements(n, dir = "") {
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= MAX_ROWS)) throw new Error(`invalid number of rows: ${n}; give a whole number from 1 to ${MAX_ROWS}`);
  if (typeof dir !== "string" || /['\0]/.test(dir) || !(dir === "" || dir.endsWith("/"))) throw new Error(`invalid folder: ${JSON.stringify(dir)}; give a path ending in "/" without quotes, or ""`);
  const out = [];
  for (let from = 0, k = 0; from < n; from += CHUNK, k++) {
    const to = Math.min(n, from + CHUNK);
    const file = `${dir}synthetic-${String(k).padStart(3, "0")}.parquet`;
    out.push({sql: `COPY (${syntheticQuery(from, to)}) TO '${file}' (FORMAT parquet)`, from, to, file});
  }
  return out;
}

/** The true group effects u0 and u1 of every group (columns g, u0, u1), as DuckDB SQL. */
export function groupEffectsQuery() {
  return `SELECT g, ${normal("h0")} AS u0, 0.2 * ${normal("h1")} AS u1
FROM (SELECT g, hash(CAST(-1 - 2 * g AS BIGINT)) AS h0, hash(CAST(-2 - 2 * g AS BIGINT)) AS h1
  FROM (SELECT CAST(range AS INTEGER) AS g FROM range(${GROUPS})))`;
}
