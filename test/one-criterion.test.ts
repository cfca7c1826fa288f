import {readdirSync, readFileSync} from "node:fs";
import {join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";

// The criterion, R_X and σ²TTᵀ live in src/lmm (lmm/criterion.ts, lmm/blocks.ts, lmm/evaluator.ts); every other
// part of src reaches them through the Evaluator. This scans every .ts file under src/ outside src/lmm,
// recursively, so that files moved to new folders stay covered.

const src = fileURLToPath(new URL("../src/", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === join(src, "lmm") ? [] : tsFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** The code of a file without its comments (so that doc comments may name the formulas). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

const RULES: {what: string; test: (code: string) => boolean}[] = [
  {what: "a criterion formula: log(2π·…)", test: (c) => /log\(\s*\(?\s*2\s*\*\s*Math\.PI\s*\*/.test(c)},
  {what: "a criterion formula: 1 + log(…)", test: (c) => /\b1\s*\+\s*log\(/.test(c)},
  {
    what: "a criterion formula: 2π with r², σ, ν or a log-determinant",
    test: (c) => c.split("\n").some((line) => /Math\.PI/.test(line) && /\b(r2|sigma2?|nu|logDet\w*)\b/.test(line))
  },
  {what: "a criterion piece read off the factor summary (logDetL, logDetRX)", test: (c) => /\.logDet(L|RX)\b/.test(c)},
  {what: "R_X read out of the factor's [X y] block", test: (c) => /\.(xyXy|xx)\s*\[/.test(c) || /\bL\.(xyXy|xx)\b/.test(c)},
  {what: "R_X, c_β or r(θ) read with lmm/blocks.ts's accessors", test: (c) => /\b(factorRXt|factorCBeta|factorR)\b/.test(c)},
  {what: "an import of lmm/factor.js or lmm/criterion.js", test: (c) => /from\s+["'][^"']*lmm\/(factor|criterion)\.js["']/.test(c)},
  {
    what: "updateL, factorWorkspace or factorSummary called or imported (use the Evaluator)",
    test: (c) => /(?<![.\w])(updateL|factorWorkspace|factorSummary|profiledCriterion|criterionAtSigma)\b/.test(c)
  },
  {
    what: "σ²TTᵀ formed from the templates of Λ (use Evaluator.termCovariance or termCovariances)",
    test: (c) => {
      if (!/\btemplates\(/.test(c)) return false;
      const sigmaSquaredTimes = /\bsigma\s*\*\s*(\w+\.)?sigma\s*\*/.test(c);
      const templateProduct = /\b(T\w*)(\[\w+\])?\[[^\]\[]*\]\s*\*\s*\1(\[\w+\])?\[/.test(c);
      return sigmaSquaredTimes || templateProduct;
    }
  }
];

function violations(files: {name: string; text: string}[]): string[] {
  const out: string[] = [];
  for (const {name, text} of files) {
    const c = code(text);
    for (const rule of RULES) if (rule.test(c)) out.push(`${name}: ${rule.what}`);
  }
  return out;
}

describe("one criterion: nothing outside src/lmm derives the criterion, R_X or σ²TTᵀ again", () => {
  it("scans every .ts file under src/ except src/lmm", () => {
    const files = tsFiles(src);
    expect(files.length).toBeGreaterThan(100);
    expect(files.every((f) => !relative(src, f).startsWith("lmm"))).toBe(true);
    expect(violations(files.map((f) => ({name: relative(src, f), text: readFileSync(f, "utf8")})))).toEqual([]);
  });

  it("catches each thing it forbids (the code that was there before the Evaluator)", () => {
    const before = [
      `import {factorSummary} from "../lmm/criterion.js";`,
      `import {factorWorkspace, updateL} from "../../lmm/factor.js";`,
      `const L = factorWorkspace(A);`,
      `if (!updateL(A, templates(A.sizes, theta), L)) return Infinity;`,
      `const value = s.logDetL - logDetW + n * (1 + log((2 * Math.PI * r2) / n));`,
      `const v = s.logDetL - logDetW + n * log(2 * Math.PI * sigma * sigma) + r2 / (sigma * sigma);`,
      `return s.logDetL + (REML ? s.logDetRX : 0) - logDetW + nu * log(2 * Math.PI * sigma2) + s.r2 / sigma2;`,
      `for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) RXt[a * p + b] = L.xx[a * px + b];`,
      `beta[a] = L.xyXy[p * px + a];`,
      `const RXt = factorRXt(L);`,
      `const T = templates(sizes, theta);\nfor (let c = 0; c <= Math.min(a, b); c++) s += T[k][a * p + c] * T[k][b * p + c];`,
      `const T = templates(sizes, theta);\nS[a * p + b] = sigma * sigma * s;`
    ];
    for (const text of before) expect(violations([{name: "x.ts", text}]), text).not.toEqual([]);
    const allowed = [
      `import {Evaluator} from "../lmm/evaluator.js";`,
      `if (!ev.setTheta(theta).updateL()) return Infinity;`,
      `const HALF_LOG_2PI = 0.5 * log(2 * Math.PI);`,
      `const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);`,
      `/** d = log|L|² + n(1 + log(2π r²/n)), see updateL(A, T, L) */ const x = 1;`,
      `const T = templates(sizes, model.theta);\nfor (let r = c; r < p; r++) v += Tk[r * p + c] * t.Z[i * p + r];\nconst s2 = model.sigma * model.sigma;`,
      `const A2 = {...A, xyXy: A.xyXy.slice()};`
    ];
    for (const text of allowed) expect(violations([{name: "x.ts", text}]), text).toEqual([]);
  });
});
