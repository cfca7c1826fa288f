export {tidy, type TidyOptions, type TidyEffect} from "./tidy.js";
export {glance} from "./glance.js";
export {augment} from "./augment.js";
export {hatValues, cooksDistance} from "./hat-values.js";
