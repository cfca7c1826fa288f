import {expect} from "vitest";
import {LmmError} from "../../src/errors.js";

/** The LmmError message of `f`, which must refuse. */
export function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(LmmError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}
