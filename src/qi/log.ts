/**
 * The portable natural logarithm now lives in src/math (with exp, pow, sin, cos… built the same way); this
 * name stays for the seeded normal draws and for code that imported it from here.
 */
export {log as portableLog} from "../math/log.js";
