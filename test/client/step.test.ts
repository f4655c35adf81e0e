import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Run, Step, Task, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const step = suite<FixtureContext>("Step");
useFixture(step);
step("should reject a bad pathspec with Expects Step('FlowName/RunID/StepName') before any I/O", async ({ fx }) => {
  await rejects(Step("TeamCollabFlow/1"), InvalidPathspecError, "Expects Step('FlowName/RunID/StepName')");
  await rejects(Step("TeamCollabFlow/1/end/2"), InvalidPathspecError, "Expects Step('FlowName/RunID/StepName')");
  assert.is(fx.index.queries, 0);
});
step("should refuse an attempt", async () => {
  const withAttempt = Step as unknown as (p: string, o: { attempt: number }) => Promise<unknown>;
  await rejects(withAttempt("TeamCollabFlow/1/end", { attempt: 1 }), NotFoundError, "Attempts can only be specified for Task or DataArtifact");
});
step("should reject a missing step or run with NotFoundError naming the step, before a mismatch", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  await rejects(Step(`TeamCollabFlow/${theirs.runId}/nosuchstep`), NotFoundError, `Step('TeamCollabFlow/${theirs.runId}/nosuchstep') does not exist`);
  await rejects(Step("TeamCollabFlow/999/start"), NotFoundError, "Step('TeamCollabFlow/999/start') does not exist");
  await rejects(Step(`TeamCollabFlow/${theirs.runId}/end`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
});
step("should carry its run's tags and namespace, and show as Step('...')", async ({ fx }) => {
  const rec = await buildRun(fx, { tags: ["exp1"] });
  const s = await Step(`TeamCollabFlow/${rec.runId}/end`);
  assert.ok(s instanceof Step);
  assert.is(String(s), `Step('TeamCollabFlow/${rec.runId}/end')`);
  assert.equal(s.userTags, ["exp1"]);
  assert.equal(s.tags, (await Run(`TeamCollabFlow/${rec.runId}`)).tags);
  assert.is(s.namespace, "user:alice");
  const parent = await s.parent;
  assert.ok(parent instanceof Run);
});
step("should give the newest task and iterate tasks newest first", async ({ fx }) => {
  const rec = await buildRun(fx, { foreach: ["a", "b", "c"] });
  const s = await Step(`TeamCollabFlow/${rec.runId}/body`);
  assert.is((await s.task)?.id, "4");
  const ids: string[] = [];
  for await (const t of s) ids.push(t.id);
  assert.equal(ids, ["4", "3", "2"]);
  const again: string[] = [];
  for await (const t of s.tasks()) again.push(t.id);
  assert.equal(again, ids);
  assert.ok(await s.has("3"));
  await rejects(s.get("99"), NotFoundError, `Task('TeamCollabFlow/${rec.runId}/body/99') does not exist`);
});
step("should give finishedAt as the last task's, or null while a task runs", async ({ fx }) => {
  const done = await buildRun(fx, { foreach: [1, 2] });
  const s = await Step(`TeamCollabFlow/${done.runId}/body`);
  const times = [];
  for await (const t of s) times.push(t.finishedAt!.getTime());
  assert.is((await s.finishedAt)?.getTime(), Math.max(...times));
  const going = await buildRun(fx, { outcome: "running" });
  assert.is(await (await Step(`TeamCollabFlow/${going.runId}/end`)).finishedAt, null);
});
step("should be read in the global namespace whoever ran it", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  namespace(null);
  const s = await Step(`TeamCollabFlow/${theirs.runId}/start`);
  assert.ok((await s.task) instanceof Task);
});
step.run();
