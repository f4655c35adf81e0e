// Benchmark of pinned runs: `await Flow("TeamCollabFlow").latestSuccessfulRun` through the public
// client on synthetic roots (bench/synthetic-runs.ts), unpinned and pinned (to the newest run, and to
// the oldest, which has every run of the namespace newer than it to count), each repeated as a
// notebook re-running a cell does (the index's answer cache warm) and with that cache off (the queries).
// Usage: node --import tsx bench/pins.ts [sizes...]   e.g. node --import tsx bench/pins.ts 1000 100000
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Flow, namespace, pin, pinStatus, unpin, usePins, useDatastore, closeClient } from "../src/index.js";
import { installBackend } from "../src/client/backend.js";
import { RunIndex } from "../src/run-index/run-index.js";
import { openDatastore } from "../src/store/root.js";
import { generate } from "./synthetic-runs.js";

const sizes = process.argv.slice(2).map(Number);
const NS = "user:u0";

async function timeLatest(times: number): Promise<[p50: number, p95: number]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
    ms.push(performance.now() - t);
    if (!run) throw new Error("no latest successful run");
  }
  ms.sort((a, b) => a - b);
  const tail = ms.slice(Math.floor(times / 5));
  return [tail[Math.floor(tail.length / 2)]!, tail[Math.floor(tail.length * 0.95)]!];
}

async function cases(): Promise<string[]> {
  const out: string[] = [];
  const fmt = ([a, b]: [number, number]) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
  out.push(fmt(await timeLatest(300)));
  await pin("TeamCollabFlow");
  out.push(fmt(await timeLatest(300)));
  await unpin("TeamCollabFlow");
  // The namespace's oldest successful run: every other run of the namespace is newer than it.
  const runs: string[] = [];
  for await (const r of Flow("TeamCollabFlow").runs()) runs.push(r.pathspec);
  await pin(runs.at(-1)!);
  const check = await Flow("TeamCollabFlow").latestSuccessfulRun;
  out.push(fmt(await timeLatest(300)));
  out.push(String(pinStatus(check!)?.newerRuns));
  await unpin("TeamCollabFlow");
  return out;
}

async function benchOne(n: number): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "tsflow-bench-pins-"));
  try {
    generate(root, n);
    const ds = openDatastore(root);
    await (await RunIndex.open(ds, { onNotice: () => undefined })).rebuild();
    usePins(join(root, "bench.tsflow-pins.json"));
    namespace(NS);
    useDatastore(root);
    const warm = await cases();
    await closeClient();
    installBackend(root, { datastore: ds, openIndex: (d) => RunIndex.open(d, { answerCache: false, onNotice: () => undefined }) });
    const cold = await cases();
    await closeClient();
    return `| ${n.toLocaleString("en")} | ${n / 20} | ${warm.slice(0, 3).join(" | ")} | ${cold.slice(0, 3).join(" | ")} | ${warm[3]} |`;
  } finally {
    usePins(null);
    rmSync(root, { recursive: true, force: true });
  }
}

console.log("latestSuccessfulRun through the client, p50 / p95 ms (300 calls, first 60 dropped); namespace user:u0 of TeamCollabFlow.");
console.log(
  "| runs in root | runs in the namespace | unpinned | pinned to the newest | pinned to the oldest | unpinned, no answer cache | pinned newest, no cache | pinned oldest, no cache | newer runs counted |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const n of sizes.length ? sizes : [1_000, 100_000]) console.log(await benchOne(n));
