import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { RunIndex } from "../../src/run-index/run-index.js";
import type { Datastore } from "../../src/store/datastore.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun, writeTask } from "../_helpers/index-runs.js";
import { runFixture } from "../_helpers/index-child.js";

const FLOW = "TeamCollabFlow";

interface Ctx {
  dir: string;
  ds: Datastore;
  index: RunIndex;
  notices: string[];
}

/** A suite whose tests each get a fresh root with an open index. */
function indexSuite(name: string) {
  const s = suite<Ctx>(name, {} as Ctx);
  s.before.each(async (ctx) => {
    ctx.dir = await makeTempDir();
    ctx.ds = localDatastore(ctx.dir);
    ctx.notices = [];
    ctx.index = await RunIndex.open(ctx.ds, { onNotice: (m) => ctx.notices.push(m) });
  });
  s.after.each(async (ctx) => {
    await ctx.index.close();
    await removeTempDir(ctx.dir);
  });
  return s;
}

const ids = (rows: { runId: string }[]) => rows.map((r) => r.runId);

const namespaces = indexSuite("RunIndex namespaces");
namespaces("should filter by namespace, with null as global and '' as nobody", async ({ ds, index }) => {
  const a = await makeRun(ds, { user: "alice" });
  const b = await makeRun(ds, { user: "bob", tags: ["shared"] });
  await makeRun(ds, { user: "carol", flow: "OtherFlow" });
  assert.equal(ids(await index.listRuns(FLOW, { namespace: "user:alice" })), [a.runId]);
  assert.equal(ids(await index.listRuns(FLOW, { namespace: null })), [b.runId, a.runId]);
  assert.equal(await index.listRuns(FLOW, { namespace: "" }), []);
  assert.equal(ids(await index.listRuns(FLOW, { namespace: "shared" })), [b.runId]);
  assert.equal(await index.listFlows("user:alice"), [FLOW]);
  assert.equal(await index.listFlows(null), ["OtherFlow", FLOW]);
  assert.equal(await index.listFlows(""), []);
  assert.is(await index.countRuns(null, null), 3);
  assert.is(await index.countRuns(FLOW, "user:bob"), 1);
  assert.is(await index.countRuns(FLOW, ""), 0);
});
namespaces("should know a flow exists whatever the namespace", async ({ ds, index }) => {
  await makeRun(ds, { user: "bob" });
  assert.is(await index.flowExists(FLOW), true);
  assert.is(await index.flowExists("NoSuchFlow"), false);
  assert.equal(await index.listFlows("user:alice"), []);
});
namespaces.run();

const tags = indexSuite("RunIndex tags");
tags("should require every tag given to match", async ({ ds, index }) => {
  const both = await makeRun(ds, { tags: ["x", "y"] });
  await makeRun(ds, { tags: ["x"] });
  assert.equal(ids(await index.listRuns(FLOW, { namespace: null, tags: ["x", "y"] })), [both.runId]);
  assert.is((await index.listRuns(FLOW, { namespace: null, tags: ["x"] })).length, 2);
  assert.equal(await index.listRuns(FLOW, { namespace: null, tags: ["x", "z"] }), []);
});
tags("should keep createdAt and order when tags are edited (Metaflow #2293)", async ({ ds, index }) => {
  const old = await makeRun(ds);
  const young = await makeRun(ds);
  const before = await index.listRuns(FLOW, { namespace: null, successfulOnly: true });
  await ds.updateTags(FLOW, old.runId, (t) => [...t, "late-tag"]);
  const after = await index.listRuns(FLOW, { namespace: null, successfulOnly: true });
  assert.equal(ids(after), [young.runId, old.runId]);
  assert.equal(
    after.map((r) => r.createdAt.getTime()),
    before.map((r) => r.createdAt.getTime()),
  );
  assert.equal(after[1]!.userTags, ["late-tag"]);
  assert.equal(ids(await index.listRuns(FLOW, { namespace: "late-tag" })), [old.runId]);
});
tags("should list tags and run ids by prefix", async ({ ds, index }) => {
  const r = await makeRun(ds, { tags: ["exp:1", "exp:2"] });
  assert.equal(await index.listTags("exp:"), ["exp:1", "exp:2"]);
  assert.equal(await index.listRunIds(FLOW, null, r.runId.slice(0, 4), 5), [r.runId]);
  assert.equal(await index.listRunIds(FLOW, "", "", 5), []);
});
tags.run();

const listing = indexSuite("RunIndex.listRuns");
listing("should list newest first with limit and offset", async ({ ds, index }) => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await makeRun(ds)).runId);
  const newest = [...made].reverse();
  assert.equal(ids(await index.listRuns(FLOW, { namespace: null })), newest);
  assert.equal(ids(await index.listRuns(FLOW, { namespace: null, limit: 2, offset: 1 })), newest.slice(1, 3));
});
listing("should derive successful, failed and running from the end task", async ({ ds, index }) => {
  const ok = await makeRun(ds, { outcome: "successful" });
  const bad = await makeRun(ds, { outcome: "failed" });
  const running = await makeRun(ds, { outcome: "running" });
  const byId = new Map((await index.listRuns(FLOW, { namespace: null })).map((r) => [r.runId, r]));
  assert.equal([byId.get(ok.runId)!.status, byId.get(ok.runId)!.successful, byId.get(ok.runId)!.finished], ["successful", true, true]);
  assert.equal([byId.get(bad.runId)!.status, byId.get(bad.runId)!.successful, byId.get(bad.runId)!.finished], ["failed", false, true]);
  assert.equal([byId.get(running.runId)!.status, byId.get(running.runId)!.finished], ["running", false]);
  assert.is(byId.get(running.runId)!.finishedAt, null);
  assert.ok(byId.get(ok.runId)!.finishedAt instanceof Date);
  assert.equal(ids(await index.listRuns(FLOW, { namespace: null, successfulOnly: true, limit: 1 })), [ok.runId]);
});
listing("should see a retried end task by its newest attempt", async ({ ds, index }) => {
  const run = await makeRun(ds, { outcome: "failed" });
  await ds.writeDone(FLOW, run.runId, "end", "1", { attempt: 1, success: true, startedAt: 1, finishedAt: 2, pid: 1, next: [] });
  await ds.notifyRunChanged(FLOW, run.runId);
  assert.is((await index.getRun(FLOW, run.runId))!.status, "successful");
});
listing("should show a running run finishing on the next query", async ({ ds, index }) => {
  const run = await makeRun(ds, { outcome: "running" });
  assert.is((await index.getRun(FLOW, run.runId))!.finished, false);
  await writeTask(ds, run, "end", true);
  await ds.notifyRunChanged(FLOW, run.runId);
  assert.is((await index.getRun(FLOW, run.runId))!.successful, true);
  assert.is(await index.getRun(FLOW, "1"), undefined);
});
listing.run();

const counts = indexSuite("RunIndex.listNamespaces");
counts("should count runs per tag in use, user and production namespaces first", async ({ ds, index }) => {
  await makeRun(ds, { user: "alice" });
  await makeRun(ds, { user: "alice", tags: ["exp"] });
  await makeRun(ds, { user: "bob", flow: "OtherFlow" });
  assert.equal(await index.listNamespaces(), [
    { namespace: "user:alice", runs: 2 },
    { namespace: "user:bob", runs: 1 },
    { namespace: "exp", runs: 1 },
    { namespace: "runtime:node", runs: 3 },
  ]);
});
counts.run();

const elsewhere = indexSuite("RunIndex.whereElse");
elsewhere("should name identity namespaces first, then by run count", async ({ ds, index }) => {
  await makeRun(ds, { user: "bob" });
  await makeRun(ds, { user: "bob" });
  const c = await makeRun(ds, { user: "carol" });
  const all = await index.whereElse(FLOW);
  assert.equal(all.slice(0, 2), [
    { namespace: "user:bob", runs: 2 },
    { namespace: "user:carol", runs: 1 },
  ]);
  assert.equal(all[2], { namespace: "runtime:node", runs: 3 });
  assert.equal((await index.whereElse(FLOW, c.runId))[0], { namespace: "user:carol", runs: 1 });
  assert.equal(await index.whereElse("NoSuchFlow"), []);
});
elsewhere.run();

const processes = indexSuite("RunIndex across processes");
processes("should show a run written by another process on the next query", async ({ dir, index }) => {
  assert.equal(await index.listRuns(FLOW, { namespace: null }), []);
  const written = await runFixture<string[]>("index-writer", [dir, "2", "bob", "from-child"]);
  const seen = await index.listRuns(FLOW, { namespace: "user:bob" });
  assert.equal(ids(seen), [...written].reverse());
  assert.equal(seen[0]!.userTags, ["from-child"]);
});
processes("should let a new process read what this one compacted and journaled", async ({ dir, ds, index }) => {
  const a = await makeRun(ds);
  assert.ok(await index.compact());
  const b = await makeRun(ds);
  assert.equal(await runFixture<string[]>("index-query", [dir, "user:alice"]), [b.runId, a.runId]);
});
processes.run();

const damage = indexSuite("RunIndex recovery");
const damages: [string, (file: string) => Promise<void>][] = [
  ["deleted", (f) => fs.rm(f)],
  ["truncated", async (f) => fs.truncate(f, Math.floor((await fs.stat(f)).size / 3))],
  ["replaced by garbage", (f) => fs.writeFile(f, "not a database ".repeat(500))],
  ["emptied", (f) => fs.writeFile(f, "")],
];
for (const [what, harm] of damages) {
  damage(`should give the same answers after the index file is ${what}, with a notice`, async (ctx) => {
    await makeRun(ctx.ds, { user: "alice", tags: ["t"] });
    await makeRun(ctx.ds, { user: "bob", outcome: "failed" });
    await ctx.index.compact();
    const before = await ctx.index.listRuns(FLOW, { namespace: null });
    const file = join(ctx.dir, "index", "index.duckdb");
    await harm(file);
    assert.equal(await ctx.index.listRuns(FLOW, { namespace: null }), before);
    assert.is(ctx.notices.length, 1, ctx.notices.join("\n"));
    assert.match(ctx.notices[0]!, /rebuilt it from the datastore \(2 runs/);
    const other = await RunIndex.open(ctx.ds, { onNotice: (m) => ctx.notices.push(m) });
    assert.equal(await other.listRuns(FLOW, { namespace: null }), before);
    await other.close();
    assert.is(ctx.notices.length, 1, "the rebuilt snapshot is good for the next process");
  });
}
damage("should index a root for the first time silently, and announce a snapshot deleted later", async ({ ds }) => {
  await makeRun(ds, { notify: false });
  const notices: string[] = [];
  const fresh = await RunIndex.open(ds, { onNotice: (m) => notices.push(m) });
  assert.is(await fresh.countRuns(null, null), 1);
  assert.equal(notices, [], "a root's first index is not news");
  await fresh.rebuild();
  await fresh.close();
  await fs.rm(join(ds.location, "index", "index.duckdb"));
  const again = await RunIndex.open(ds, { onNotice: (m) => notices.push(m) });
  assert.is(await again.countRuns(null, null), 1);
  assert.match(notices[0] ?? "", /was missing; rebuilt/);
  await again.close();
});
damage.run();

const admin = indexSuite("RunIndex.rebuild");
admin("should rebuild from the datastore and report status", async ({ ds, index }) => {
  await makeRun(ds, { notify: false });
  await makeRun(ds);
  assert.is(await index.countRuns(null, null), 1, "a run never journaled is not seen before a rebuild");
  const done = await index.rebuild();
  assert.is(done.runs, 2);
  const status = await index.status();
  assert.equal([status.runs, status.flows, status.journalEvents], [2, 1, 0]);
  assert.ok(status.snapshotBytes > 0 && status.snapshotAt instanceof Date);
});
admin.run();
