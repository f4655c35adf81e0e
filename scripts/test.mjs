#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own Node process (tsx loader; "tsflow" resolves to src/), two at a time, and prints
// one closing line `N passed, N failed` (the line CI reads; uvu's own summary is per file).
// Usage: node scripts/test.mjs [substring ...]   e.g. node scripts/test.mjs client/ e2e/seed
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import os from "node:os";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const concurrency = Number(process.env.TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith("_") || name === "node_modules") continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const files = findTests(join(root, "test")).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour escapes, which start with ESC
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--conditions=tsflow-source", "--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const limit = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 600_000);
    const timer = setTimeout(() => child.kill("SIGKILL"), limit);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const text = strip(out);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let failed = total - passed - skipped;
      if ((code !== 0 || signal) && failed === 0) failed = 1; // crashed, timed out or no summary
      if (total === 0 && failed === 0) failed = 1; // a file that ran no test is a failure
      resolve({ file: relative(root, file), passed, failed, skipped, ms: Date.now() - started, text, code, signal });
    });
  });
}

const results = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const r = await runFile(files[next++]);
    results.push(r);
    const mark = r.failed ? "FAIL" : "ok  ";
    console.log(`${mark} ${r.file}  (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)}s)`);
    if (r.failed)
      console.log(
        r.text
          .split("\n")
          .map((l) => `    ${l}`)
          .join("\n"),
      );
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));

const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
if (files.length === 0) console.log("no test files matched");
console.log(`${passed} passed, ${failed + (files.length === 0 ? 1 : 0)} failed`);
process.exit(failed || files.length === 0 ? 1 : 0);
