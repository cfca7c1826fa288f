/**
 * The worker half of the negative control (probe.ts): tries `new Function` and an indirect `eval` in a module
 * Web Worker served under the page's policy, counts the `securitypolicyviolation` events of its global scope
 * and posts what happened.
 */
import {attempt} from "./probe.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const scope = globalThis as any;
const violations: string[] = [];
scope.addEventListener("securitypolicyviolation", (e: any) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
const indirectEval = scope.eval;
const result: Record<string, string> = {
  function: attempt(() => new Function("return 1")()),
  eval: attempt(() => indirectEval("1 + 1"))
};
setTimeout(() => scope.postMessage({...result, violations: violations.join("; ")}), 100);
