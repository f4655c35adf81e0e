// Benchmark of the run index on a shared S3 root (the local Ceph RGW; `source /tmp/ceph-env.sh`):
// a root whose shared snapshot holds N runs (synthetic rows published as the snapshot: a sync never
// reads the runs it already has), then: an incremental sync with no news and after 100 new runs, a
// new process's first sync with an empty and a warm cache folder, warm latestSuccessfulRun on the S3
// root against a local root of the same size, and how soon a run finished on one "machine" is
// visible to another process with its own cache folder.
// Usage: node --import tsx bench/s3-sync.ts [runs]   (default 100000; `npm run bench` with BENCH_ONLY=s3-sync)
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Database } from "../src/run-index/duckdb.js";
import { ATTACH_EMPTY_BASE, CREATE_TABLES } from "../src/run-index/schema.js";
import { LocalSnapshotHome, SharedSnapshotHome, type SnapshotHome } from "../src/run-index/snapshot-home.js";
import { RunIndex } from "../src/run-index/run-index.js";
import { Datastore } from "../src/store/datastore.js";
import { LocalStorage } from "../src/store/local-storage.js";
import { mapLimit } from "../src/util/concurrency.js";
import { createTestBucket } from "../test/_helpers/s3.js";
import { makeRun } from "../test/_helpers/index-runs.js";
import { countCalls } from "../test/_helpers/counting-storage.js";

const N = Number(process.argv[2] ?? 100_000);
const FLOW = "TeamCollabFlow";
const here = new URL(".", import.meta.url).pathname;
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

/** Publishes a snapshot of `n` synthetic runs (4 flows, 10 users, every 5th failed) at `home`. */
async function publishSynthetic(home: SnapshotHome, n: number): Promise<void> {
  const db = await Database.create();
  await db.run(ATTACH_EMPTY_BASE);
  await db.run(CREATE_TABLES);
  await db.run(`INSERT INTO snap.runs SELECT
      ['TeamCollabFlow','TeamCollabFlow','TrainFlow','ScoreFlow'][(i % 4) + 1], CAST((1700000000000 + i) * 1000 AS VARCHAR),
      1700000000000 + i, 'u' || (i % 10), ['user:u' || (i % 10), 'runtime:node'], [], ['user:u' || (i % 10), 'runtime:node'],
      i % 5 <> 4, true, 1700000000001 + i, CASE WHEN i % 5 = 4 THEN 'failed' ELSE 'successful' END, NULL, 'end', []
    FROM range(${n}) t(i)`);
  if (!(await home.publish(db, undefined))) throw new Error("could not publish the synthetic snapshot");
  db.close();
}

async function makeRuns(ds: Datastore, n: number, user: string): Promise<void> {
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    8,
    () => makeRun(ds, { user }),
  );
}

/** Times `fn` `times` times; returns the median in ms. */
async function timed(times: number, fn: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    out.push(ms(t0));
  }
  return median(out);
}

/** Starts a watcher process on the root with its own cache; resolves with the time it saw a run of `user`. */
function watch(url: string, cacheDir: string, user: string): { ready: Promise<void>; seenAt: Promise<number> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "s3-sync-watcher.ts"), url, cacheDir, user], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const seenAt = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("ready")) onReady();
    });
    child.on("exit", () => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        resolve((JSON.parse(last) as { seenAt: number }).seenAt);
      } catch {
        reject(new Error(`watcher printed ${out}`));
      }
    });
  });
  return { ready, seenAt };
}

const bucket = await createTestBucket();
const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-s3-"));
const quiet = { onNotice: () => undefined };
try {
  let t0 = performance.now();
  await publishSynthetic(new SharedSnapshotHome(bucket.storage(), join(dir, "publisher")), N);
  console.log(`root: ${N.toLocaleString()} runs in the shared snapshot of ${bucket.url} (published in ${fmt(ms(t0))} ms)\n`);

  const alice = bucket.datastore();
  t0 = performance.now();
  const counted = countCalls(bucket.storage());
  const bob = await RunIndex.open(new Datastore(counted.storage), { ...quiet, cacheDir: join(dir, "bob"), syncIntervalMs: 0 });
  const coldOpen = ms(t0);
  await bob.listRuns(FLOW, { namespace: null, limit: 1 });

  const noNews = await timed(30, () => bob.refresh());
  const after100: number[] = [];
  const requests: number[] = [];
  for (let round = 0; round < 3; round++) {
    await makeRuns(alice, 100, `round${round}`);
    counted.calls.length = 0;
    t0 = performance.now();
    await bob.refresh();
    after100.push(ms(t0));
    requests.push(counted.calls.length);
    const seen = await bob.countRuns(FLOW, `user:round${round}`);
    if (seen !== 100) throw new Error(`sync saw ${seen} of 100 new runs`);
  }
  const noNewsAfter = await timed(30, () => bob.refresh());
  await bob.close();

  t0 = performance.now();
  const warmProcess = await RunIndex.open(bucket.datastore(), { ...quiet, cacheDir: join(dir, "bob") });
  await warmProcess.listRuns(FLOW, { namespace: null, limit: 20 });
  const warmOpen = ms(t0);
  const latest = () => warmProcess.listRuns(FLOW, { namespace: "user:u3", successfulOnly: true, limit: 1 });
  await latest();
  const latestS3 = await timed(200, latest);
  await warmProcess.close();

  const localRoot = join(dir, "local-root");
  const local = new Datastore(new LocalStorage(localRoot));
  mkdirSync(join(localRoot, "index"), { recursive: true });
  await publishSynthetic(new LocalSnapshotHome(local.storage.localPath!("index/index.duckdb")), N);
  const localIndex = await RunIndex.open(local, quiet);
  const latestLocal = () => localIndex.listRuns(FLOW, { namespace: "user:u3", successfulOnly: true, limit: 1 });
  await latestLocal();
  const latestLocalMs = await timed(200, latestLocal);
  await localIndex.close();

  // The server's own pace in this run, to read the figures against: one request at a time, and many in flight.
  const probe = bucket.storage();
  await probe.write("probe/x.json", "{}");
  const headMs = await timed(20, () => probe.version("probe/x.json"));
  const listMs = await timed(20, () => probe.list("probe"));
  t0 = performance.now();
  await mapLimit(
    Array.from({ length: 400 }, (_, i) => i),
    64,
    () => probe.readText("probe/x.json"),
  );
  const getRate = 400 / (ms(t0) / 1000);

  const visible: number[] = [];
  for (let i = 0; i < 5; i++) {
    const w = watch(bucket.url, join(dir, `carol${i}`), `visible${i}`);
    await w.ready;
    await new Promise((r) => setTimeout(r, 300 + 97 * i)); // land anywhere in the watcher's sync interval
    await makeRun(alice, { user: `visible${i}` });
    const finishedAt = Date.now();
    visible.push((await w.seenAt) - finishedAt);
  }

  console.log("| measure | figure | target |");
  console.log("|---|---|---|");
  console.log(`| incremental sync, no news (median of 30, before / after 300 new runs) | ${fmt(noNews)} / ${fmt(noNewsAfter)} ms | < 50 ms |`);
  console.log(`| incremental sync after 100 new runs (3 rounds) | ${after100.map(fmt).join(", ")} ms (${requests.join(", ")} storage calls) | < 500 ms |`);
  console.log(`| open the index, empty cache folder (downloads the snapshot) + first query | ${fmt(coldOpen)} ms | — |`);
  console.log(`| open the index, warm cache folder (sync state restored) + listRuns 20 | ${fmt(warmOpen)} ms | — |`);
  console.log(`| latestSuccessfulRun warm, repeated (median of 200): S3 root / local root | ${fmt(latestS3)} / ${fmt(latestLocalMs)} ms | as fast as local |`);
  console.log(
    `| the server in this run: one HEAD / one LIST, sequential (median of 20); GETs/s with 64 in flight | ${fmt(headMs)} / ${fmt(listMs)} ms; ${getRate.toFixed(0)}/s | — |`,
  );
  console.log(
    `| run finished on one machine, visible to another process (own cache) | ${visible.map(fmt).join(", ")} ms (max ${fmt(Math.max(...visible))}) | < 1000 ms |`,
  );
} finally {
  await bucket.destroy();
  rmSync(dir, { recursive: true, force: true });
}
