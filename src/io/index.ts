export {readCSV} from "./csv.js";
export type {CSVColumn} from "./csv.js";
