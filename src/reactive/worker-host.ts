import type {FitMessage, FitRequest} from "./fit-request.js";

/** A fit worker lent to one fit: post the request, listen, then give it back or stop it. */
export interface FitWorker {
  /** `"node"` for a worker thread, `"web"` for a module Web Worker. */
  readonly kind: "node" | "web";
  /** Whether the worker had fitted before (it was idle, its code already loaded). */
  readonly warm: boolean;
  post(request: FitRequest, transfer: ArrayBuffer[]): void;
  /**
   * Listens to this fit's messages and to the worker failing (its script did not load, it crashed, or it
   * exited before it answered).
   */
  listen(onMessage: (message: FitMessage) => void, onFailure: (error: Error) => void): void;
  /** The fit is done: the worker waits, idle, for the next fit (at most one waits; others stop). */
  release(): Promise<void>;
  /** Stops the worker (an abort: a fit cannot be interrupted otherwise); resolves once it has stopped. */
  terminate(): Promise<void>;
}

/** How a worker is driven, whatever runs it. */
interface Thread {
  kind: "node" | "web";
  post(message: unknown, transfer: ArrayBuffer[]): void;
  /** Keeps the process alive while fitting (Node); an idle worker does not. */
  hold(busy: boolean): void;
  stop(): Promise<void>;
}

type NodeWorker = {
  on(event: "message", listener: (message: FitMessage) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
};
type WorkerThreads = {Worker: new (url: URL) => NodeWorker};

interface WebWorker {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(event: "message", listener: (event: {data: FitMessage}) => void): void;
  addEventListener(event: "error" | "messageerror", listener: (event: {message?: string}) => void): void;
  terminate(): void;
}
declare const Worker: (new (url: URL, options: {type: "module"}) => WebWorker) | undefined;

/** A worker and what it is doing. */
interface Slot {
  thread: Thread;
  state: "busy" | "idle" | "stopped";
  onMessage: ((message: FitMessage) => void) | null;
  onFailure: ((error: Error) => void) | null;
}

let running = 0;
let idle: Slot | null = null;

/**
 * Fit workers now: `running` lent to fits (0 once every fit has ended or been aborted) and `idle` (0 or 1),
 * the one kept after a fit so the next fit need not load the library into a new worker.
 *
 * @example
 *   fitWorkers(); // {running: 0, idle: 1} after a fit
 */
export function fitWorkers(): {running: number; idle: number} {
  return {running, idle: idle ? 1 : 0};
}

/**
 * A fit worker from `fit-worker.js` next to this file: the idle one if there is one, else a new one: a
 * worker thread in Node (when the built file is there, not under a test runner that runs the TypeScript
 * sources), a module Web Worker in browsers. Null when neither can run, and the caller fits on its own
 * thread.
 *
 * The Web Worker is created with the literal `new Worker(new URL("./fit-worker.js", import.meta.url), {type:
 * "module"})`, the form bundlers such as Vite recognise and bundle.
 *
 * @example
 *   const worker = acquireFitWorker(); // null under vitest (no built worker next to the sources)
 */
export function acquireFitWorker(): FitWorker | null {
  const warm = idle !== null;
  const own = idle ?? spawn();
  idle = null;
  if (!own) return null;
  own.state = "busy";
  own.thread.hold(true);
  running++;
  const done = () => {
    own.onMessage = own.onFailure = null;
    if (own.state === "busy") running--;
  };
  return {
    kind: own.thread.kind,
    warm,
    post: (request, transfer) => own.thread.post(request, transfer),
    listen(onMessage, onFailure) {
      own.onMessage = onMessage;
      own.onFailure = onFailure;
    },
    async release() {
      if (own.state !== "busy") return;
      done();
      if (idle) {
        own.state = "stopped";
        await own.thread.stop();
      } else {
        own.state = "idle";
        own.thread.hold(false);
        idle = own;
      }
    },
    async terminate() {
      if (own.state !== "busy") return;
      done();
      own.state = "stopped";
      await own.thread.stop();
    }
  };
}

function spawn(): Slot | null {
  // the thread's events go to whichever fit holds the slot at the time
  const thread = startThread((message) => slot.onMessage?.(message), (error) => failed(slot, error));
  if (!thread) return null;
  const slot: Slot = {thread, state: "busy", onMessage: null, onFailure: null};
  return slot;
}

/** A worker failed or exited: it is stopped, its fit hears of it; an idle one is dropped. */
function failed(slot: Slot, error: Error): void {
  if (slot.state === "stopped") return;
  if (slot === idle) idle = null;
  const listener = slot.onFailure;
  if (slot.state === "busy") running--;
  slot.state = "stopped";
  slot.onMessage = slot.onFailure = null;
  slot.thread.stop().catch(() => {});
  listener?.(error);
}

function startThread(onMessage: (message: FitMessage) => void, onFailure: (error: Error) => void): Thread | null {
  const proc = (globalThis as {process?: {getBuiltinModule?: (id: string) => unknown}}).process;
  const threads = proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
  if (threads) {
    const fs = proc?.getBuiltinModule?.("node:fs") as {existsSync(url: URL): boolean} | undefined;
    const script = new URL("./fit-worker.js", import.meta.url);
    if (!fs || script.protocol !== "file:" || !fs.existsSync(script)) return null;
    return nodeThread(new threads.Worker(script), onMessage, onFailure);
  }
  if (typeof Worker === "function") {
    return webThread(new Worker(new URL("./fit-worker.js", import.meta.url), {type: "module"}), onMessage, onFailure);
  }
  return null;
}

function nodeThread(worker: NodeWorker, onMessage: (message: FitMessage) => void, onFailure: (error: Error) => void): Thread {
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.on("exit", (code) => {
    if (!stopping) onFailure(new Error(`the fit worker exited (code ${code}) before it answered`));
    resolve();
  }));
  worker.on("message", onMessage);
  worker.on("error", onFailure);
  return {
    kind: "node",
    post: (message, transfer) => worker.postMessage(message, transfer),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    async stop() {
      stopping = true;
      await worker.terminate();
      await exited;
    }
  };
}

function webThread(worker: WebWorker, onMessage: (message: FitMessage) => void, onFailure: (error: Error) => void): Thread {
  worker.addEventListener("message", (event) => onMessage(event.data));
  worker.addEventListener("error", (event) => onFailure(new Error(`the fit worker failed: ${event.message ?? "its script did not load"}`)));
  worker.addEventListener("messageerror", () => onFailure(new Error("the fit worker sent a message that could not be read")));
  return {
    kind: "web",
    post: (message, transfer) => worker.postMessage(message, transfer),
    hold: () => {},
    async stop() {
      worker.terminate();
    }
  };
}
