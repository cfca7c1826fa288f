/**
 * The worker of {@link startFit}: receives one {@link FitRequest}, fits, posts progress and the result
 * (see {@link serveFitRequest}). Built as `dist/fit-worker.js` and started by URL, as a worker thread in Node
 * or a module Web Worker in browsers; the main thread terminates it when the fit is done or aborted.
 *
 * In a browser page that is cross-origin isolated, the worker starts the kernels' helper thread (a Web
 * Worker of its own, which starts only while this one is idle: see helperReady) and, before its first fit
 * of data large enough to have a block for two threads (PARALLEL_MIN rows or more), waits for it (about
 * 50 ms), so that the large dense blocks of crossed models are factored on two threads. A smaller fit does
 * not wait.
 */
import {helperReady, PARALLEL_MIN} from "../linalg/helper-thread.js";
import {serveFitRequest, type FitMessage, type FitRequest} from "./fit-request.js";

interface Port {
  on(event: "message", listener: (request: FitRequest) => void): void;
  postMessage(message: FitMessage, transfer?: ArrayBuffer[]): void;
}

interface WebWorkerScope {
  addEventListener(event: "message", listener: (event: {data: FitRequest}) => void): void;
  postMessage(message: FitMessage, transfer?: ArrayBuffer[]): void;
}

const threads = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process?.getBuiltinModule?.("node:worker_threads") as
  | {parentPort: Port | null}
  | undefined;

if (threads?.parentPort) {
  const port = threads.parentPort;
  port.on("message", (request) => serveFitRequest(request, (message, transfer) => port.postMessage(message, transfer)));
} else if (typeof (globalThis as Partial<WebWorkerScope>).postMessage === "function") {
  const scope = globalThis as unknown as WebWorkerScope;
  const helper = helperReady();
  scope.addEventListener("message", (event) => {
    const serve = () => serveFitRequest(event.data, (message, transfer) => scope.postMessage(message, transfer));
    const rows = event.data.columns[0]?.[1].length ?? 0;
    if (rows >= PARALLEL_MIN) void helper.then(serve);
    else serve();
  });
}
