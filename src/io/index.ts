export {readCSV} from "./csv.js";
export type {CSVColumn} from "./csv.js";
export {tableRows, type ColumnReader} from "./table-rows.js";
