/**
 * Elementary functions that give the same double in every JavaScript engine: built only from the operations
 * ECMAScript specifies exactly (+, −, ×, ÷, Math.sqrt, and the exact Math functions such as abs, floor,
 * round, min, max), unlike Math.log, Math.exp, Math.pow, Math.sin… which are "implementation-approximated"
 * and differ in the last bit between engines. Each is within one ulp of the exact value over the whole
 * double range.
 */
export {log, logDD, logRounded} from "./log.js";
export {log10, log2} from "./log-bases.js";
export {exp, expDD} from "./exp.js";
export {log1p, expm1} from "./log1p.js";
export {pow} from "./pow.js";
export {sin} from "./sin.js";
export {cos} from "./cos.js";
export {atan2} from "./atan2.js";
export {acos} from "./acos.js";
export {hypot, norm} from "./hypot.js";
export {cbrt} from "./cbrt.js";
