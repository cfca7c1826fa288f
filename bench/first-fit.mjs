// The first fit and the CLI's start-up, against lme4 in the same run: what a notebook meets on page load
// and what `lmm fit` costs from a shell. Run `npm run build` first; `node bench/first-fit.mjs [--runs 5]
// [--root DIR]...`. Each figure is the median of `runs` fresh processes:
// - "lmm fit wall ms": `node bin/lmm.js fit datasets/sleepstudy.csv "Reaction ~ Days + (Days | Subject)"`,
//   wall time of the whole process (start-up, module loading, reading the CSV, the fit, the summary);
// - "lmm help cpu ms": user + system CPU time of `node bin/lmm.js help` (module loading alone);
// - "import ms", "first lmer ms", "warm lmer ms": in a fresh Node process, `import("dist/index.js")`, then the
//   first whole `lmer()` call on sleepstudy (the table read before the clock starts), then the median of
//   five more calls in the same process; "first timings" is the first fit's `timings` (ms per stage);
// - lme4: `lmer(Reaction ~ Days + (Days | Subject), d)` timed by `system.time` in a fresh Rscript process,
//   first call and a second call (warm), whole call against our whole call; needs R with lme4.
// Each `--root DIR` adds a column set for another build of the project (a directory with bin/, dist/ and
// datasets/), so a build before a change and after it are measured in the same run, on the same machine.
// Figures only, no assertions.
import {execFileSync, spawnSync} from "node:child_process";
import {fileURLToPath} from "node:url";
import {resolve} from "node:path";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 5;
const roots = args.flatMap((a, i) => (a === "--root" ? [resolve(args[i + 1])] : []));
if (!roots.length) roots.push(fileURLToPath(new URL("..", import.meta.url)));
const FORMULA = "Reaction ~ Days + (Days | Subject)";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall milliseconds of one process. */
function wall(command, argv, cwd) {
  const t0 = performance.now();
  const r = spawnSync(command, argv, {cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8"});
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed: ${r.stderr.slice(0, 300)}`);
  return ms;
}

/** User + system CPU milliseconds of one process, from the shell's `times` (its children's line). */
function cpu(commandLine, cwd) {
  const out = execFileSync("/bin/sh", ["-c", `${commandLine} >/dev/null; times`], {cwd, encoding: "utf8"});
  const [user, system] = out.trim().split("\n").pop().trim().split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : NaN;
  });
  return user + system;
}

/** The first and warm lmer() in one fresh Node process of a build. */
function nodeFirstFit(root) {
  const script = `
    import {readFileSync} from "node:fs";
    const t0 = performance.now();
    const {lmer, readCSV} = await import(${JSON.stringify(new URL("dist/index.js", `file://${root}/`).href)});
    const t1 = performance.now();
    const data = readCSV(readFileSync(${JSON.stringify(`${root}/datasets/sleepstudy.csv`)}, "utf8"));
    const t2 = performance.now();
    const m = lmer(${JSON.stringify(FORMULA)}, data);
    const first = performance.now() - t2;
    const warm = [];
    for (let i = 0; i < 5; i++) { const s = performance.now(); lmer(${JSON.stringify(FORMULA)}, data); warm.push(performance.now() - s); }
    warm.sort((a, b) => a - b);
    console.log(JSON.stringify({importMs: t1 - t0, firstMs: first, warmMs: warm[2], timings: m.timings ?? null}));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {cwd: root, encoding: "utf8"});
  return JSON.parse(out.trim().split("\n").pop());
}

/** lme4's first and second lmer() call in one fresh Rscript process (elapsed ms), or null without R. */
function lme4Fit(root) {
  const code = [
    "suppressMessages(library(lme4))",
    `d <- read.csv("${root}/datasets/sleepstudy.csv")`,
    `a <- system.time(lmer(${FORMULA}, d))[["elapsed"]]`,
    `b <- system.time(lmer(${FORMULA}, d))[["elapsed"]]`,
    'cat(a * 1000, b * 1000, "\\n")'
  ].join("; ");
  try {
    const [first, warm] = execFileSync("Rscript", ["-e", code], {encoding: "utf8", stdio: ["ignore", "pipe", "ignore"]}).trim().split(/\s+/).map(Number);
    return {first, warm};
  } catch {
    return null;
  }
}

const rows = [];
const lme4 = [];
// the builds take turns within each run, so that a change in the machine's load falls on all of them
const samples = roots.map(() => ({fit: [], help: [], node: []}));
for (let r = 0; r < runs; r++) {
  roots.forEach((root, i) => {
    samples[i].fit.push(wall(process.execPath, ["bin/lmm.js", "fit", "datasets/sleepstudy.csv", FORMULA], root));
    samples[i].help.push(cpu(`"${process.execPath}" bin/lmm.js help`, root));
    samples[i].node.push(nodeFirstFit(root));
  });
  const l = lme4Fit(roots[0]);
  if (l) lme4.push(l);
}
for (const [i, root] of roots.entries()) {
  const {fit, help, node} = samples[i];
  const first = median(node.map((n) => n.firstMs));
  const firstTimings = node.find((n) => n.firstMs === first).timings;
  rows.push({
    root,
    "lmm fit wall ms": median(fit).toFixed(0),
    "lmm help cpu ms": median(help).toFixed(0),
    "import ms": median(node.map((n) => n.importMs)).toFixed(1),
    "first lmer ms": first.toFixed(1),
    "warm lmer ms": median(node.map((n) => n.warmMs)).toFixed(2),
    "first timings": firstTimings ? Object.entries(firstTimings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ") : "(none)"
  });
}
const r = lme4.length ? {first: median(lme4.map((l) => l.first)), warm: median(lme4.map((l) => l.warm))} : null;
for (const row of rows) {
  row["first / lme4 first"] = r ? (Number(row["first lmer ms"]) / r.first).toFixed(2) : "";
  row["first / lme4 warm"] = r ? (Number(row["first lmer ms"]) / r.warm).toFixed(2) : "";
}
for (const row of rows) {
  console.log(row.root);
  for (const [k, v] of Object.entries(row)) if (k !== "root") console.log(`  ${k.padEnd(20)} ${v}`);
}
console.log(r ? `lme4 (median of ${lme4.length} Rscript processes): first lmer() ${r.first.toFixed(0)} ms, second (warm) ${r.warm.toFixed(0)} ms` : "lme4 not timed: install R with lme4 to compare");
