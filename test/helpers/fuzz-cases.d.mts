// Types of fuzz-cases.mjs (plain JavaScript so that bench/fuzz.mjs runs it without a build).
import type {Arbitrary} from "fast-check";

export const SEEDS: {formula: number; csv: number; api: number};
export const formulaText: Arbitrary<string>;
export function baseCSV(text: string, rows?: number): string;
export function csvText(base: string): Arbitrary<string>;
export const hostileValue: Arbitrary<unknown>;
export const hostileData: Arbitrary<unknown>;
export function materialize(value: unknown): unknown;
export interface ApiCall {
  fn: "lmer formula" | "lmer data" | "lmer options" | "setx overrides" | "setx options" | "sim options" | "predict" | "bootstrap" | "readCSV" | "formula";
  key?: string;
  value: unknown;
}
export const apiCall: Arbitrary<ApiCall>;
export function show(value: unknown, max?: number): string;
