/**
 * The negative control of test/browser-csp.test.ts: code that the page's policy must refuse. Each attempt
 * reports what happened ("ran" would mean the policy allows it, and the test fails): `new Function`, an
 * indirect `eval` and a string passed to setTimeout on the page, and `new Function` and `eval` in a module
 * Web Worker served under the same policy (the worker reports too). The page's own listener counts the
 * `securitypolicyviolation` events that these attempts fire.
 */

// the page's globals, typed loosely: the project's tsconfig has no DOM library
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const Worker: new (url: URL, options: {type: "module"}) => any;

export interface ProbeResult {
  page: Record<string, string>;
  worker: Record<string, string> | {error: string};
}

/** Runs `f`; "ran" if it did, else the name and message of what it threw. */
export function attempt(f: () => unknown): string {
  try {
    f();
    return "ran";
  } catch (error: any) {
    return `${error?.name}: ${error?.message}`;
  }
}

export async function probeEval(): Promise<ProbeResult> {
  const indirectEval = globalThis.eval;
  let timerRan = false;
  (globalThis as any).__lmmCspTimer = () => (timerRan = true);
  const page: Record<string, string> = {
    function: attempt(() => new Function("return 1")()),
    eval: attempt(() => indirectEval("1 + 1")),
    // a string timer does not throw when refused; it simply never runs
    timer: attempt(() => (setTimeout as unknown as (code: string, ms: number) => void)("__lmmCspTimer()", 0))
  };
  const worker = await new Promise<ProbeResult["worker"]>((resolve) => {
    const w = new Worker(new URL("./probe-worker.ts", import.meta.url), {type: "module"});
    const timeout = setTimeout(() => resolve({error: "the probe worker did not answer in 10 s"}), 10_000);
    w.addEventListener("message", (event: {data: Record<string, string>}) => {
      clearTimeout(timeout);
      w.terminate();
      resolve(event.data);
    });
    w.addEventListener("error", (event: {message?: string}) => {
      clearTimeout(timeout);
      resolve({error: `the probe worker failed: ${event.message ?? "its script did not load"}`});
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  if (page.timer === "ran") page.timer = timerRan ? "ran" : "refused (did not run)";
  return {page, worker};
}
