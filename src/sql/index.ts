export {lmer, lmerSql, type LmerSqlOptions} from "./lmer.js";
export {duckdb, duckdbWasm, postgres, sqlConnection, type DuckDBWasmLike, type SqlConnection, type SqlResult, type SqlType, type PostgresSettings, type DuckDBSettings} from "./connection.js";
export {quoteIdentifier, type SqlSource} from "./source.js";
export {sqlStructure} from "./structure.js";
