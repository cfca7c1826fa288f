#!/usr/bin/env node
// The `lmm` command: a thin launcher for the built CLI in dist/.
import {existsSync} from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("lmm: the library is not built; run npm install (or npm run build) first\n");
  process.exit(2);
}
const {mainAsync} = await import(cli.href);
process.exitCode = await mainAsync(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text)
});
