/**
 * An AbortSignal that aborts when a notebook cell is invalidated: Observable passes each cell an
 * `invalidation` promise that resolves when the cell is about to re-run or be removed.
 *
 * @example
 *   // in a cell: the fit stops (its worker is terminated) when formula or data change
 *   const model = await lmerAsync(formula, data, {signal: invalidationSignal(invalidation)});
 */
export function invalidationSignal(invalidation: PromiseLike<unknown>): AbortSignal {
  const controller = new AbortController();
  invalidation.then(() => controller.abort(abortError("the cell was invalidated")));
  return controller.signal;
}

/**
 * The error an aborted fit rejects with: the signal's reason when it is an Error (by default a DOMException
 * named "AbortError"), else a DOMException named "AbortError".
 *
 * @example
 *   abortError("the fit was aborted").name; // "AbortError"
 */
export function abortError(message: string, signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(reason === undefined ? message : `${message}: ${String(reason)}`, "AbortError");
}
