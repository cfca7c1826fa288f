import {optionNames} from "../options.js";
import type {SummaryOptions} from "./summary.js";

/**
 * The options `model.summary(options)` knows, checked by the compiler against {@link SummaryOptions}: an
 * option added there must be added here, or the build fails (rather than the option being refused).
 *
 * @example
 *   readOptions({digits: 5}, SUMMARY_OPTIONS, "summary"); // {digits: 5}
 */
export const SUMMARY_OPTIONS = optionNames<SummaryOptions>({digits: true, dataName: true, correlation: true});
