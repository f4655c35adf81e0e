// IndexSync on a shared root: the real S3 server (Ceph RGW, `source /tmp/ceph-env.sh`), two
// "machines" = two S3 clients with two cache folders.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { RunIndex } from "../../src/run-index/run-index.js";
import { Datastore } from "../../src/store/datastore.js";
import { journalNameAt, listJournal } from "../../src/store/journal.js";
import { keys } from "../../src/store/layout.js";
import { makeRun } from "../_helpers/index-runs.js";
import { type BucketContext, useBucket } from "../_helpers/s3.js";
import { countCalls } from "../_helpers/counting-storage.js";
import { runFixture } from "../_helpers/index-child.js";

const FLOW = "TeamCollabFlow";
const quiet = { onNotice: () => undefined, syncIntervalMs: 0 };

async function ids(index: RunIndex, ns: string | null = null): Promise<string[]> {
  return (await index.listRuns(FLOW, { namespace: ns })).map((r) => r.runId).sort();
}

const sync = useBucket(suite<BucketContext>("IndexSync on a shared root"));

sync("should show a teammate's new runs and tag edits on the next query", async (ctx) => {
  const alice = ctx.bucket.datastore();
  const bob = ctx.bucket.datastore();
  await makeRun(alice, { user: "alice" });
  const bobIndex = await RunIndex.open(bob, { ...quiet, cacheDir: join(ctx.dir, "bob") });
  assert.is((await ids(bobIndex)).length, 1);
  const second = await makeRun(alice, { user: "alice", outcome: "failed" });
  assert.is((await ids(bobIndex)).length, 2, "a new run is visible without any command");
  await alice.updateTags(FLOW, second.runId, (t) => [...t, "reviewed"]);
  const [row] = await bobIndex.listRuns(FLOW, { namespace: "reviewed" });
  assert.is(row?.runId, second.runId, "a tag edit is visible");
  assert.is(row?.status, "failed");
  await bobIndex.close();
});

sync("should cost two requests when nothing changed, and requests for the new runs only, never a scan", async (ctx) => {
  const alice = ctx.bucket.datastore();
  for (let i = 0; i < 12; i++) await makeRun(alice, { user: "alice" });
  const seeded = await RunIndex.open(alice, { ...quiet, cacheDir: join(ctx.dir, "alice") });
  assert.ok(await seeded.compact(), "the first runs are folded into the shared snapshot");
  await seeded.close();
  const counted = countCalls(ctx.bucket.storage());
  const bob = await RunIndex.open(new Datastore(counted.storage), { ...quiet, cacheDir: join(ctx.dir, "bob") });
  assert.is((await ids(bob)).length, 12);
  counted.calls.length = 0;
  await bob.refresh();
  assert.equal(
    counted.calls.map((c) => c.split(" ")[0]),
    ["list", "version"],
    "a sync with no news: one listing, one version check",
  );
  for (let i = 0; i < 3; i++) await makeRun(alice, { user: "alice" });
  counted.calls.length = 0;
  assert.is((await ids(bob)).length, 15);
  assert.ok(!counted.calls.some((c) => c === `list ${keys.runsDir(FLOW)}` || c === `list ${keys.flowsDir()}`), "no scan of the root");
  assert.equal(
    counted.calls.filter((c) => !c.startsWith(`readText ${keys.journalDir()}/`)).map((c) => c.split(" ")[0]),
    ["list", "version"],
    "the new runs' own files are not read: their journal events say what happened",
  );
  assert.is(counted.calls.length, 2 + 2 * 3, "two event bodies per new run (`run` and `end`), plus the listing and the version check");
  // A tag edit costs the run's newest tag revision (a listing and a read), not a re-read of the run.
  const [last] = await alice.listRunIds(FLOW).then((all) => all.slice(-1));
  await alice.updateTags(FLOW, last!, (t) => [...t, "reviewed"]);
  counted.calls.length = 0;
  assert.is((await ids(bob, "reviewed")).length, 1);
  assert.equal(counted.calls.map((c) => c.split(" ")[0]).sort(), ["list", "list", "readText", "version"]);
  await bob.close();
});

sync("should follow a snapshot replaced by another machine's compaction that deleted the events", async (ctx) => {
  const alice = ctx.bucket.datastore();
  const bob = ctx.bucket.datastore();
  await makeRun(alice, { user: "alice" });
  const bobIndex = await RunIndex.open(bob, { ...quiet, cacheDir: join(ctx.dir, "bob") });
  const aliceIndex = await RunIndex.open(alice, { ...quiet, cacheDir: join(ctx.dir, "alice") });
  assert.is((await ids(bobIndex)).length, 1);
  for (let i = 0; i < 4; i++) await makeRun(alice, { user: "alice" });
  assert.ok(await aliceIndex.compact());
  assert.equal(await listJournal(alice.storage), [], "the compaction deleted the events it folded");
  const seen = await ids(bobIndex);
  assert.equal(seen, await ids(aliceIndex));
  assert.is(seen.length, 5);
  await makeRun(alice, { user: "carol" });
  assert.is((await ids(bobIndex, "user:carol")).length, 1, "events after the new snapshot still apply");
  await Promise.all([bobIndex.close(), aliceIndex.close()]);
});

sync("should apply a late event named by a clock running behind, within the lookback window", async (ctx) => {
  const alice = ctx.bucket.datastore();
  const bob = ctx.bucket.datastore();
  for (let i = 0; i < 3; i++) await makeRun(alice, { user: "alice" });
  const bobIndex = await RunIndex.open(bob, { ...quiet, cacheDir: join(ctx.dir, "bob") });
  const narrow = await withLookback("1000", () => RunIndex.open(ctx.bucket.datastore(), { ...quiet, cacheDir: join(ctx.dir, "narrow") }));
  assert.is((await ids(bobIndex)).length, 3);
  assert.is((await ids(narrow)).length, 3);
  // A teammate whose clock is 30 s behind: its run's event sorts before events already seen.
  const late = await makeRun(alice, { user: "skewed", notify: false });
  const name = `${journalNameAt(Date.now() - 30_000)}-4242-abcdef.json`;
  await alice.storage.write(`${keys.journalDir()}/${name}`, JSON.stringify({ flow: FLOW, runId: late.runId }));
  assert.equal(await ids(bobIndex, "user:skewed"), [late.runId], "the default window (2 min) finds it");
  assert.equal(await ids(narrow, "user:skewed"), [], "a 1 s window misses it: the window is what finds late events");
  await Promise.all([bobIndex.close(), narrow.close()]);
});

sync("should resume from the persisted state in the next process without re-reading runs", async (ctx) => {
  const alice = ctx.bucket.datastore();
  for (let i = 0; i < 5; i++) await makeRun(alice, { user: "alice" });
  const first = await RunIndex.open(ctx.bucket.datastore(), { ...quiet, cacheDir: join(ctx.dir, "bob") });
  assert.is((await ids(first)).length, 5);
  await first.close();
  await makeRun(alice, { user: "alice" });
  const counted = countCalls(ctx.bucket.storage());
  const next = await RunIndex.open(new Datastore(counted.storage), { ...quiet, cacheDir: join(ctx.dir, "bob") });
  assert.is((await ids(next)).length, 6);
  const bodies = counted.calls.filter((c) => c.startsWith(`readText ${keys.journalDir()}/`));
  assert.is(bodies.length, 2, "only the events of the run made since the last process are read");
  assert.ok(!counted.calls.some((c) => c.endsWith("/run.json")), "no run is re-read");
  await next.close();
});

sync.run();

const race = useBucket(suite<BucketContext>("IndexSync with racing compactors on one S3 root"));

race("should lose no run and no tag edit when several machines write and compact at once", async (ctx) => {
  const seed = ctx.bucket.datastore();
  await makeRun(seed, { user: "seed" });
  const racers = ["m1", "m2", "m3", "m4"].map((u) =>
    runFixture<{ runs: string[]; compactions: number }>("s3-racer", [ctx.bucket.url, join(ctx.dir, u), "8", u]),
  );
  const results = await Promise.all(racers);
  const written = results.flatMap((r) => r.runs);
  assert.ok(results.reduce((n, r) => n + r.compactions, 0) > 0, "compactions happened");
  const index = await RunIndex.open(ctx.bucket.datastore(), { ...quiet, cacheDir: join(ctx.dir, "checker") });
  const rows = await index.listRuns(FLOW, { namespace: null });
  const got = rows.map((r) => r.runId);
  assert.is(got.length, new Set(got).size, "no run twice");
  assert.is(got.length, written.length + 1);
  for (const id of written) assert.ok(got.includes(id), `run ${id} is missing`);
  for (const r of rows.filter((r) => r.user !== "seed")) assert.ok(r.userTags.includes(`by-${r.user}`), `tag edit of ${r.runId} lost`);
  const fresh = await RunIndex.open(ctx.bucket.datastore(), { ...quiet, cacheDir: join(ctx.dir, "rebuilt") });
  await fresh.rebuild();
  assert.equal(
    (await fresh.listRuns(FLOW, { namespace: null })).map((r) => [r.runId, r.userTags]),
    rows.map((r) => [r.runId, r.userTags]),
    "the index equals a rebuild from the datastore",
  );
  await Promise.all([index.close(), fresh.close()]);
});

race.run();

const visible = useBucket(suite<BucketContext>("IndexSync across machines"));

visible("should show a run finished on one machine to a query of another process with its own cache", async (ctx) => {
  const alice = ctx.bucket.datastore();
  await makeRun(alice, { user: "alice" });
  const fixture = fileURLToPath(new URL("../_fixtures/s3-watcher.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ctx.bucket.url, join(ctx.dir, "bob"), "carol"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const ready = new Promise<void>((resolve) =>
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("ready")) resolve();
    }),
  );
  const done = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await ready;
  const run = await makeRun(alice, { user: "carol" });
  const timeout = setTimeout(() => child.kill(), 30_000);
  await done;
  clearTimeout(timeout);
  const seen = JSON.parse(out.trim().split("\n").pop()!) as { runId: string; queries: number };
  assert.is(seen.runId, run.runId);
  assert.ok(seen.queries >= 1);
});

visible.run();

async function withLookback<T>(ms: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.TSFLOW_SYNC_LOOKBACK_MS;
  process.env.TSFLOW_SYNC_LOOKBACK_MS = ms;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TSFLOW_SYNC_LOOKBACK_MS;
    else process.env.TSFLOW_SYNC_LOOKBACK_MS = before;
  }
}
