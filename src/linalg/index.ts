export {cholesky} from "./cholesky.js";
export {solveLower, solveLowerTranspose, rightSolveLowerTranspose} from "./triangular.js";
