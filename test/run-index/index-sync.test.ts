import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RunIndex } from "../../src/run-index/run-index.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { localDatastore, makeRun } from "../_helpers/index-runs.js";
import { runFixture } from "../_helpers/index-child.js";
import { notifyRunChanged } from "../../src/store/journal.js";
import { keys } from "../../src/store/layout.js";
import type { RunRecord } from "../../src/store/records.js";

interface ReaderResult {
  rounds: number;
  errors: string[];
  compactions: number;
}

const many = suite("IndexSync with many processes");
many("should never raise a lock error and hold every run exactly once", async () => {
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  await makeRun(ds, { user: "seed" });
  const writers = ["w1", "w2", "w3", "w4"].map((u) => runFixture<string[]>("index-writer", [dir, "15", u, "tagged"]));
  const readers = [0, 1].map(() => runFixture<ReaderResult>("index-reader", [dir, "6000"]));
  const written = (await Promise.all(writers)).flat();
  const read = await Promise.all(readers);
  for (const r of read) assert.equal(r.errors, [], r.errors.join("\n"));
  assert.ok(read.every((r) => r.rounds > 0));
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  const runs = await index.listRuns("TeamCollabFlow", { namespace: null });
  const ids = runs.map((r) => r.runId);
  assert.is(ids.length, new Set(ids).size, "no run twice");
  assert.is(ids.length, written.length + 1);
  for (const id of written) assert.ok(ids.includes(id), `run ${id} is missing`);
  assert.ok(
    runs.filter((r) => r.user !== "seed").every((r) => r.userTags.includes("tagged")),
    "no tag edit lost",
  );
  await index.close();
  await removeTempDir(dir);
});
many.run();

const typed = suite("IndexSync folding typed journal events");

typed("should give a run read between run.json and its first tags those tags once its run event comes", async () => {
  // createRun's writes one by one, with the reader's queries in between: `new`, run.json, (query),
  // tag revision 0, `run` event, (query).
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  const flow = "TeamCollabFlow";
  const runId = "1796000000000001";
  const record: RunRecord = {
    flow,
    runId,
    createdAt: 1_796_000_000_000,
    user: "alice",
    systemTags: ["user:alice"],
    originRunId: null,
    startStep: "start",
    endStep: "end",
    graph: { flow, steps: [] },
    parameters: [],
  };
  await notifyRunChanged(ds.storage, { flow, runId, kind: "new" });
  await ds.storage.write(keys.run(flow, runId), JSON.stringify(record));
  const [early] = await index.listRuns(flow, { namespace: null });
  assert.equal(early?.userTags, [], "read before its first tag revision");
  await ds.storage.write(keys.tagsRevision(flow, runId, 0), JSON.stringify({ rev: 0, userTags: ["writer:w1"], updatedAt: record.createdAt }));
  const created = { createdAt: record.createdAt, user: "alice", systemTags: record.systemTags, originRunId: null, endStep: "end", userTags: ["writer:w1"] };
  await notifyRunChanged(ds.storage, { flow, runId, kind: "run", created });
  const [later] = await index.listRuns(flow, { namespace: "writer:w1" });
  assert.is(later?.runId, runId, "its first tags are in the index");
  await index.close();
  await removeTempDir(dir);
});

typed("should fold a teammate's runs and re-read those the events cannot settle", async () => {
  const dir = await makeTempDir();
  const ds = localDatastore(dir);
  const index = await RunIndex.open(ds, { onNotice: () => undefined });
  const ok = await makeRun(ds, { tags: ["exp"] });
  const failed = await makeRun(ds, { outcome: "failed" });
  const running = await makeRun(ds, { outcome: "running" });
  const old = await makeRun(ds, { notify: "reread" });
  const rows = new Map((await index.listRuns("TeamCollabFlow", { namespace: null })).map((r) => [r.runId, r]));
  assert.is(rows.get(ok.runId)?.status, "successful");
  assert.equal(rows.get(ok.runId)?.userTags, ["exp"]);
  assert.is(rows.get(failed.runId)?.status, "failed");
  assert.is(rows.get(running.runId)?.status, "running");
  assert.is(rows.get(old.runId)?.status, "successful", "an untyped event re-reads the run");
  await ds.updateTags("TeamCollabFlow", ok.runId, (t) => [...t, "reviewed"]);
  assert.equal(
    (await index.listRuns("TeamCollabFlow", { namespace: "reviewed" })).map((r) => r.runId),
    [ok.runId],
  );
  await index.close();
  await removeTempDir(dir);
});

typed.run();
