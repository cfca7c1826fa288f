// Builds dist/: the ES module library (one file per entry) and one bundled declaration file per entry.
import typescript from "@rollup/plugin-typescript";
import {nodeResolve} from "@rollup/plugin-node-resolve";
import {dts} from "rollup-plugin-dts";
import {existsSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";

// stale chunks (their names carry hashes) go before each build; dist/notebooks is the notebooks' site
// (scripts/site.mjs), built separately, and stays
const KEEP = new Set(["notebooks"]);
if (existsSync("dist")) {
  for (const name of readdirSync("dist")) if (!KEEP.has(name)) rmSync(join("dist", name), {recursive: true, force: true});
}

const entries = {index: "src/index.ts", cli: "src/cli/main.ts", plot: "src/plot/index.ts"};
// the helper thread of the two-thread kernels: loaded by URL, next to the chunk that starts it
const workers = {"helper-worker": "src/linalg/helper-worker.ts", "fit-worker": "src/reactive/fit-worker.ts"};
const external = (id) => /^(arquero|ml-matrix|@observablehq\/|node:)/.test(id);

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
  ...Object.entries(entries).map(([name, input]) => ({
    input,
    external,
    output: {file: `dist/${name}.d.ts`, format: "es"},
    plugins: [dts({tsconfig: "./tsconfig.build.json"})]
  }))
];
