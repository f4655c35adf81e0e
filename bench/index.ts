// Benchmark of the run index: synthetic datastore roots of 1k, 10k and 100k runs (records written
// straight to disk), then: rebuild time, warm latestSuccessfulRun p50/p95, a whole new process
// opening the index and listing 20 runs, and how soon a run finished by another process is visible.
// Usage: node --import tsx bench/index.ts [sizes...]   e.g. node --import tsx bench/index.ts 1000 10000
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Datastore } from "../src/store/datastore.js";
import { LocalStorage } from "../src/store/local-storage.js";
import { RunIndex } from "../src/run-index/run-index.js";
import { WireClient } from "./wire-client.js";
import { generate } from "./synthetic-runs.js";

const sizes = process.argv.slice(2).map(Number);
const here = new URL(".", import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function warmLatest(index: RunIndex): Promise<[number, number]> {
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    const [run] = await index.listRuns("TeamCollabFlow", { namespace: `user:u${i % 10}`, successfulOnly: true, limit: 1 });
    times.push(performance.now() - t);
    if (!run && i % 10 === 1) throw new Error("no latest successful run");
  }
  times.sort((a, b) => a - b);
  return [percentile(times.slice(50), 0.5), percentile(times.slice(50), 0.95)];
}

// An index without the per-version answer cache: every lookup reaches DuckDB (the cost of the query
// itself, plus the freshness check).
async function uncachedLatest(index: RunIndex): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await index.listRuns("TeamCollabFlow", { namespace: `user:u${i % 10}`, successfulOnly: true, limit: 1 });
    times.push(performance.now() - t);
  }
  return percentile(times.slice(20), 0.5);
}

/** `tsflow runs TeamCollabFlow --limit 20` as a whole new process (the built CLI), median of 5. */
function cliList(root: string): number {
  const times = [1, 2, 3, 4, 5].map(() => {
    const t = performance.now();
    execFileSync(process.execPath, [join(here, "../bin/tsflow.js"), "runs", "TeamCollabFlow", "--limit", "20", "--global"], {
      env: { ...process.env, TSFLOW_DATASTORE_ROOT: root, TSFLOW_USER: "u1" },
      encoding: "utf8",
    });
    return performance.now() - t;
  });
  return times.sort((a, b) => a - b)[2]!;
}

function coldList(root: string): { wallMs: number; openMs: number; listMs: number } {
  const samples = [1, 2, 3, 4, 5].map(() => {
    const t = performance.now();
    const out = execFileSync(process.execPath, ["--import", "tsx", join(here, "index-cold.ts"), root], { encoding: "utf8" });
    return { wallMs: performance.now() - t, ...(JSON.parse(out.trim().split("\n").pop()!) as { openMs: number; listMs: number }) };
  });
  samples.sort((a, b) => a.wallMs - b.wallMs);
  return samples[2]!;
}

/** A child process writes and journals a run; this process polls its index until the run shows. */
async function visibility(root: string, index: RunIndex): Promise<number> {
  const lags: number[] = [];
  for (let k = 0; k < 5; k++) {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "index-writer.ts"), root]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const exited = new Promise((r) => child.on("close", r));
    const seen = new Map<string, number>();
    for (let done = false; !done; ) {
      const [latest] = await index.listRuns("TeamCollabFlow", { namespace: "user:u1", limit: 1 });
      if (latest) seen.set(latest.runId, seen.get(latest.runId) ?? Date.now());
      done = out.includes("notifiedAt") && seen.has((JSON.parse(out) as { runId: string }).runId);
      await new Promise((r) => setTimeout(r, 1));
    }
    await exited;
    const { runId, notifiedAt } = JSON.parse(out) as { runId: string; notifiedAt: number };
    lags.push(Math.max(0, seen.get(runId)! - notifiedAt));
  }
  return Math.max(...lags);
}

/**
 * The kernel's `%runs TeamCollabFlow --limit 20` and run-id completion on this root, execute_request
 * (or complete_request) to idle through the minimal wire client: medians of 30 after one warm-up.
 */
async function kernelMagics(root: string): Promise<[runs: number, complete: number]> {
  const argv = [process.execPath, join(here, "../dist/kernel/main.js"), "{connection_file}"];
  const { client } = await WireClient.start(argv, { env: { TSFLOW_DATASTORE_ROOT: root, TSFLOW_USER: "u1" } });
  try {
    const code = 'Run("TeamCollabFlow/';
    const runs: number[] = [];
    const completes: number[] = [];
    for (let i = 0; i <= 30; i++) runs.push(await client.execute("%runs TeamCollabFlow --limit 20"));
    for (let i = 0; i <= 30; i++) completes.push(await client.time("complete_request", { code, cursor_pos: code.length }));
    const median = (xs: number[]) =>
      percentile(
        xs.slice(1).sort((a, b) => a - b),
        0.5,
      );
    return [median(runs), median(completes)];
  } finally {
    await client.close();
  }
}

function nodeStartMs(args: string[]): number {
  const times = [1, 2, 3].map(() => {
    const t = performance.now();
    execFileSync(process.execPath, [...args, "-e", "0"]);
    return performance.now() - t;
  });
  return times.sort((a, b) => a - b)[1]!;
}

async function benchOne(n: number): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `tsflow-bench-${n}-`));
  try {
    let t = performance.now();
    generate(root, n);
    const genMs = performance.now() - t;
    const ds = new Datastore(new LocalStorage(root));
    const index = await RunIndex.open(ds, { onNotice: () => undefined });
    t = performance.now();
    const rebuilt = await index.rebuild();
    const rebuildMs = performance.now() - t;
    const [p50, p95] = await warmLatest(index);
    const uncachedIndex = await RunIndex.open(ds, { onNotice: () => undefined, answerCache: false });
    const uncached = await uncachedLatest(uncachedIndex);
    await uncachedIndex.close();
    const cli = cliList(root);
    const cold = coldList(root);
    const lag = await visibility(root, index);
    await index.close();
    const [kernelRuns, kernelComplete] = await kernelMagics(root);
    const cells = [
      n,
      rebuilt.runs,
      genMs / 1000,
      rebuildMs / 1000,
      p50,
      p95,
      uncached,
      cli,
      cold.wallMs,
      cold.openMs + cold.listMs,
      lag,
      kernelRuns,
      kernelComplete,
    ];
    return `| ${cells.map((c, i) => (i < 2 ? String(c) : (c as number).toFixed(i >= 2 && i <= 3 ? 1 : 1))).join(" | ")} |`;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}; node start ${nodeStartMs([]).toFixed(0)} ms, node+tsx start ${nodeStartMs(["--import", "tsx"]).toFixed(0)} ms`,
);
console.log(
  "| runs | indexed | generate s | rebuild s | latestSuccessfulRun p50 ms (repeated) | p95 ms | uncached query p50 ms | `tsflow runs F --limit 20` ms (new process) | cold list-20 under tsx ms | of which open+list ms | visibility lag ms (max of 5) | kernel `%runs F --limit 20` ms | kernel run-id completion ms |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const n of sizes.length ? sizes : [1_000, 10_000, 100_000]) console.log(await benchOne(n));
