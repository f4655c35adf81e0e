import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Datastore } from "../../src/store/datastore.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import type { RunPinsRecord } from "../../src/store/records.js";
import { runPinsOf } from "../../src/runtime/run-pins.js";
import type { TaskSpec } from "../../src/runtime/task-spec.js";
import { countCalls } from "../_helpers/counting-storage.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

const record: RunPinsRecord = {
  tsflow: "pins-1",
  source: "/home/alice/nb/analysis.ipynb.tsflow-pins.json",
  pins: [{ flow: "TeamCollabFlow", namespace: "user:alice", runId: "1795778912128093", pinnedAt: "2026-12-03T14:20:00.000Z" }],
};
const specOf = (runId: string, taskId: string, pins?: true): TaskSpec => ({
  ...{ flow: "ReaderFlow", runId, step: "each", taskId, attempt: 0, lastAttempt: true, parents: [], foreachStack: [], foreachSources: [] },
  ...{ lost: [], parameters: {}, username: "alice", identity: "user:alice", userTags: [], originRunId: null },
  ...(pins ? { pins } : {}),
});

const runPins = suite<{ root: string }>("runPinsOf");
runPins.before.each(async (ctx) => {
  ctx.root = await makeTempDir();
});
runPins.after.each(async (ctx) => {
  await removeTempDir(ctx.root);
});
runPins("should read a run's pins once for all its tasks in a process, and never for a run without pins", async ({ root }) => {
  const { storage, calls } = countCalls(new LocalStorage(root));
  const ds = new Datastore(storage);
  await ds.writeRunPins("ReaderFlow", "1001", record);
  calls.length = 0;
  for (let task = 1; task <= 50; task++) assert.equal(await runPinsOf(ds, specOf("1001", String(task), true))(), record);
  assert.equal(calls, ["readText flows/ReaderFlow/runs/1001/pins.json"]);
  assert.is(await runPinsOf(ds, specOf("1002", "1"))(), undefined);
  assert.is(calls.length, 1, "a task of a run launched without pins reads nothing");
});
runPins("should keep the first record: pins.json is written once", async ({ root }) => {
  const ds = new Datastore(new LocalStorage(root));
  await ds.writeRunPins("ReaderFlow", "1003", record);
  await ds.writeRunPins("ReaderFlow", "1003", { ...record, pins: [] });
  assert.equal(await ds.readRunPins("ReaderFlow", "1003"), record);
});
runPins.run();
