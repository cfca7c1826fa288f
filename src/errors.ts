/**
 * The one error type of lmm-kit: a lowercase message that names the bad value and the fix.
 *
 * @example
 *   throw new LmmError("unknown column: Dayz (columns are Reaction, Days, Subject)");
 */
export class LmmError extends Error {
  override name = "LmmError";
}

/** Throws an {@link LmmError} with `message`. */
export function fail(message: string): never {
  throw new LmmError(message);
}
