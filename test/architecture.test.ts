import {readdirSync, readFileSync, existsSync} from "node:fs";
import {dirname, join, posix, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";

// The stages of src/, lowest first (docs/architecture.md). A file may import only from its own stage or a
// lower one. Folders (or top-level files) on one line are one stage and may not import each other.
const STAGES: readonly (readonly string[])[] = [
  ["errors.ts"],
  ["options.ts"],
  ["math"],
  ["numeric", "linalg", "optimize"],
  ["stats", "rformat"],
  ["formula", "io"],
  // notation: readers of other notations (Stata's mixed, …) that write lme4 formulas for the formula stages
  ["frame", "notation"],
  ["lmm"],
  // sql: the cross-products of a model computed by a database (DuckDB, PostgreSQL) where the rows are
  ["sql"],
  // the generalized models build on the linear model's evaluator (PIRLS reweights its cross-products)
  ["glmm"],
  ["varpar"],
  ["inference"],
  ["predict"],
  ["qi"],
  ["broom"],
  ["plot"],
  ["reactive"],
  ["cli"],
  ["index.ts"]
];

// The only import cycles allowed, each a set of files that import each other.
const ALLOWED_CYCLES: readonly (readonly string[])[] = [
  // the fitted model and its printers: model.ts's print methods call tables.ts, which reads the model
  ["lmm/model.ts", "lmm/tables.ts"]
];

/** The longest chain of imports between files of src/inference (index.ts, the barrel, not counted). */
const MAX_INFERENCE_DEPTH = 3;

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(e.name) ? [posix.normalize(relative(src, path).split("\\").join("/"))] : [];
  });
}

// static `import … from`, `import type … from`, `export … from`, `import "…"`, dynamic `import("…")`
// (a worker script named by `new URL("./x-worker.js", import.meta.url)` runs apart: it is not an import)
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;

/** The src/ files a file imports (relative specifiers only), resolved to their .ts sources. */
function importsOf(file: string, files: Set<string>): string[] {
  const text = readFileSync(join(src, file), "utf8");
  const out = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[2]!;
    if (!spec.startsWith("./") && !spec.startsWith("../")) continue;
    const base = posix.normalize(posix.join(posix.dirname(file), spec));
    const stem = base.replace(/\.js$/, "");
    const found = [base, stem + ".ts", base + ".ts", base + "/index.ts"].find((c) => files.has(c));
    if (found) out.add(found);
    else if (existsSync(join(src, base))) out.add(base);
    else throw new Error(`${file}: cannot resolve ${spec}`);
  }
  return [...out];
}

const files = sourceFiles(src).sort();
const fileSet = new Set(files);
const graph = new Map(files.map((f) => [f, importsOf(f, fileSet)]));

const folder = (file: string) => file.split("/")[0]!;
const stageOf = (file: string) => {
  const i = STAGES.findIndex((s) => s.includes(folder(file)));
  if (i < 0) throw new Error(`${file}: its folder ${folder(file)} is in no stage of test/architecture.test.ts`);
  return i;
};

/** Strongly connected components with more than one file (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) found.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("architecture of src/ (docs/architecture.md)", () => {
  it("every folder of src/ is in exactly one stage", () => {
    const folders = [...new Set(files.map(folder))].sort();
    const staged = STAGES.flat();
    expect(folders.filter((f) => !staged.includes(f))).toEqual([]);
    expect(new Set(staged).size).toBe(staged.length);
  });

  it("a file imports only from its own stage or a lower one, and not from a peer folder of its stage", () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        const from = stageOf(file), to = stageOf(target);
        if (to > from || (to === from && folder(file) !== folder(target))) wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("no import cycle except the allowed ones", () => {
    const allowed = new Set(ALLOWED_CYCLES.map((c) => [...c].sort().join(" ")));
    expect(cycles(graph).filter((c) => !allowed.has(c.join(" ")))).toEqual([]);
  });

  it(`imports between files of src/inference are at most ${MAX_INFERENCE_DEPTH} deep`, () => {
    const inside = (f: string) => f.startsWith("inference/") && f !== "inference/index.ts";
    const depth = new Map<string, number>();
    const chain = new Map<string, string[]>();
    const deepest = (f: string): number => {
      if (depth.has(f)) return depth.get(f)!;
      depth.set(f, 0);
      chain.set(f, [f]);
      let best = 0, path = [f];
      for (const t of graph.get(f)!.filter(inside)) {
        const d = deepest(t) + 1;
        if (d > best) [best, path] = [d, [f, ...chain.get(t)!]];
      }
      depth.set(f, best);
      chain.set(f, path);
      return best;
    };
    const too = files.filter(inside).filter((f) => deepest(f) > MAX_INFERENCE_DEPTH).map((f) => chain.get(f)!.join(" -> "));
    expect(too).toEqual([]);
  });
});
