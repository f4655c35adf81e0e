// Artifact names (src/runtime/flow-instance.ts, Datastore.writeArtifacts): a field a step sets
// under a name no artifact can have fails the task with InvalidNameError, and nothing of it is stored.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, runFlow, useDatastore, closeClient, namespace, Task, RunFailedError, InvalidNameError } from "tsflow";
import { datastoreAt } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";

class BadNameFlow extends FlowSpec {
  ok?: number;
  @step start() {
    this.ok = 1;
    (this as unknown as Record<string, unknown>)["my choice"] = 3;
    this.next(this.end);
  }
  @step end() {}
}

let root = "";
const names = suite("FlowInstance artifact names");
names.before.each(async () => {
  root = await makeTempDir();
  process.env.TSFLOW_USER = "alice";
  useDatastore(root);
});
names.after.each(async () => {
  await closeClient();
  await removeTempDir(root);
});
names("should fail the step that sets an invalid artifact name, saying which and what to use", async () => {
  const err = await rejects(runFlow(BadNameFlow, { onEvent: () => {} }), RunFailedError);
  const runId = /BadNameFlow\/(\d+)/.exec(err.message)?.[1] ?? "";
  assert.ok(runId, err.message);
  namespace(null);
  const task = await Task(`BadNameFlow/${runId}/start/1`);
  assert.is(task.successful, false);
  assert.is(task.exception?.type, "InvalidNameError");
  assert.is(
    task.exception?.message,
    `Step *start* sets this["my choice"], which cannot name an artifact: use letters, digits, '_' and '$', not starting with a digit, at most 128 characters (e.g. this.myChoice).`,
  );
  // Nothing of the failed attempt is stored: neither the bad name nor the good one beside it.
  assert.equal(await datastoreAt(root).readArtifacts("BadNameFlow", runId, "start", "1", 0), {});
});
names("should refuse to write an artifact list with an invalid name, writing nothing", async () => {
  const ds = datastoreAt(root);
  const run = await ds.createRun(
    { flow: "F", user: "alice", systemTags: ["user:alice"], originRunId: null, startStep: "start", endStep: "end", graph: { flow: "F", steps: [] }, parameters: [] },
    [],
  );
  const ref = { sha: "0".repeat(64), size: 1, format: "json" as const, createdAt: Date.now(), type: "number" };
  await rejects(ds.writeArtifacts("F", run.runId, "start", "1", 0, { good: ref, "a/b": ref }), InvalidNameError, `Artifact name "a/b" is not valid`);
  assert.equal(await ds.readArtifacts("F", run.runId, "start", "1", 0), {});
});
names.run();
