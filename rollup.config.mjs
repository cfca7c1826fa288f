// Builds dist/: the ES module library (one file per entry) and one bundled declaration file per entry.
import typescript from "@rollup/plugin-typescript";
import {nodeResolve} from "@rollup/plugin-node-resolve";
import {dts} from "rollup-plugin-dts";
import {existsSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

// stale chunks (their names carry hashes) go before each build; dist/notebooks is the notebooks' site
// (scripts/site.mjs), built separately, and stays
const KEEP = new Set(["notebooks"]);
if (existsSync("dist")) {
  for (const name of readdirSync("dist")) if (!KEEP.has(name)) rmSync(join("dist", name), {recursive: true, force: true});
}

const entries = {index: "src/index.ts", plot: "src/plot/index.ts"};
const declarations = {...entries, cli: "src/cli/main.ts"};
// the helper thread of the two-thread kernels: loaded by URL, next to the chunk that starts it
const workers = {"helper-worker": "src/linalg/helper-worker.ts", "fit-worker": "src/reactive/fit-worker.ts"};
const external = (id) => /^(arquero|ml-matrix|@observablehq\/|node:)/.test(id);
// What the lmm command never calls of arquero's dependencies: its expression parser (acorn; the command passes
// arquero no expressions, only columns) and Arrow (flechette). Stubs keep them out of dist/cli.js, whose
// start-up time is spent mostly reading and compiling it; a stub reached by mistake says what happened.
const CLI_STUBS = {
  acorn: ["parse"],
  "@uwdata/flechette": ["columnFromArray", "columnFromValues", "tableFromColumns", "tableToIPC", "tableFromIPC"]
};
const cliStubs = {
  name: "cli-stubs",
  resolveId: (id) => (id in CLI_STUBS ? `\0cli-stub:${id}` : null),
  load(id) {
    if (!id.startsWith("\0cli-stub:")) return null;
    const name = id.slice("\0cli-stub:".length);
    return CLI_STUBS[name]
      .map((f) => `export function ${f}() { throw new Error("${name}'s ${f} is left out of the lmm command's bundle (rollup.config.mjs); please report the command that reached it"); }`)
      .join("\n");
  }
};
// ml-matrix's ES entry for Node is a facade over its CommonJS bundle; its sources are ES modules
const mlMatrixSources = {name: "ml-matrix-sources", resolveId: (id) => (id === "ml-matrix" ? fileURLToPath(new URL("src/index.js", import.meta.resolve("ml-matrix"))) : null)};

export default [
  {
    input: {...entries, ...workers},
    external,
    output: {dir: "dist", format: "es", sourcemap: true, entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js"},
    plugins: [
      nodeResolve({preferBuiltins: true}),
      typescript({tsconfig: "./tsconfig.build.json"})
    ]
  },
  // the `lmm` command in one file with what it uses of arquero and ml-matrix: a start-up loads one module
  // instead of about 250 (arquero's and its dependencies' files, ml-matrix's CommonJS bundle), which took most
  // of `lmm help`'s time. The command makes its own tables from its CSV files, so its copy of arquero is never
  // handed a table of another copy.
  {
    input: {cli: "src/cli/main.ts"},
    external: (id) => id.startsWith("node:"),
    output: {dir: "dist", format: "es", sourcemap: true, entryFileNames: "[name].js", inlineDynamicImports: true},
    plugins: [
      mlMatrixSources,
      cliStubs,
      nodeResolve({preferBuiltins: true}),
      // the doc comments are for readers of src/; without them the one file is a third smaller to read and compile
      typescript({tsconfig: "./tsconfig.build.json", removeComments: true})
    ]
  },
  ...Object.entries(declarations).map(([name, input]) => ({
    input,
    external,
    output: {file: `dist/${name}.d.ts`, format: "es"},
    plugins: [dts({tsconfig: "./tsconfig.build.json"})]
  }))
];
