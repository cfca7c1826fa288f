/**
 * The worker of {@link startFit}: receives one {@link FitRequest}, fits, posts progress and the result
 * (see {@link serveFitRequest}). Built as `dist/fit-worker.js` and started by URL, as a worker thread in Node
 * or a module Web Worker in browsers; the main thread terminates it when the fit is done or aborted.
 *
 * In a browser page that is cross-origin isolated, the worker starts the kernels' helper thread (a Web
 * Worker of its own, which starts only while this one is idle: see helperReady) and waits for it before its
 * first fit, so that the large dense blocks of crossed models are factored on two threads.
 */
import {helperReady} from "../linalg/helper-thread.js";
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
    void helper.then(() => serveFitRequest(event.data, (message, transfer) => scope.postMessage(message, transfer)));
  });
}
