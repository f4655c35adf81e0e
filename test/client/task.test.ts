import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import { DataArtifact, Step, Task, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const task = suite<FixtureContext>("Task");
useFixture(task);
task("should reject a bad pathspec with Expects Task('FlowName/RunID/StepName/TaskID') before any I/O", async ({ fx }) => {
  await rejects(Task("TeamCollabFlow/1/end"), InvalidPathspecError, "Expects Task('FlowName/RunID/StepName/TaskID')");
  await rejects(Task("TeamCollabFlow/1/end/2/x"), InvalidPathspecError, "Expects Task('FlowName/RunID/StepName/TaskID')");
  assert.is(fx.index.queries, 0);
});
task("should check attempts with Metaflow's messages, before any I/O", async ({ fx }) => {
  const p = "TeamCollabFlow/1/end/2";
  await rejects(Task(p, { attempt: 1.5 }), NotFoundError, "Attempt can only be an integer");
  await rejects(Task(p, { attempt: "1" as unknown as number }), NotFoundError, "Attempt can only be an integer");
  await rejects(Task(p, { attempt: -1 }), NotFoundError, "Attempt can only be non-negative");
  await rejects(Task(p, { attempt: 6 }), NotFoundError, "Attempt can only be smaller than 6");
  assert.is(fx.index.queries, 0);
});
task("should reject a missing task with NotFoundError before a mismatch", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate" });
  await rejects(Task(`TeamCollabFlow/${theirs.runId}/end/99`), NotFoundError, `Task('TeamCollabFlow/${theirs.runId}/end/99') does not exist`);
  await rejects(Task(`TeamCollabFlow/${theirs.runId}/end/2`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
});
task("should read the newest attempt by default and an older one on request", async ({ fx }) => {
  const rec = await buildRun(fx, { retry: true });
  const p = `TeamCollabFlow/${rec.runId}/start/1`;
  const latest = await Task(p);
  assert.is(latest.currentAttempt, 1);
  assert.ok(latest.successful && latest.finished);
  assert.is(latest.exception, null);
  assert.is(String(latest), `Task('${p}')`);
  const first = await Task(p, { attempt: 0 });
  assert.is(first.currentAttempt, 0);
  assert.not.ok(first.successful || first.finished);
  assert.instance(first.finishedAt, Date);
  assert.is(first.exception?.type, "TypeError");
  assert.is(first.exception?.message, "flaky");
  assert.match(first.exception!.stack, /flaky/);
  assert.is(await first.stdout, "first try\n");
  assert.match(await first.stderr, /TypeError: flaky/);
  assert.is(await latest.stdout, "");
  assert.is(String(first), `Task('${p}', attempt=0)`);
  assert.is(inspect(first), `Task('${p}', attempt=0)`);
});
task("should read an attempt that never ran as unsuccessful, without error", async ({ fx }) => {
  const rec = await buildRun(fx);
  const t = await Task(`TeamCollabFlow/${rec.runId}/end/2`, { attempt: 3 });
  assert.is(t.currentAttempt, 3);
  assert.not.ok(t.successful || t.finished);
  assert.is(t.finishedAt, null);
  assert.equal(Object.keys(t.data), []);
});
task("should report a failed task's exception with a finish time", async ({ fx }) => {
  const rec = await buildRun(fx, { outcome: "failure" });
  const t = await Task(`TeamCollabFlow/${rec.runId}/end/2`);
  assert.not.ok(t.successful || t.finished);
  assert.ok(t.finishedAt !== null);
  assert.equal({ type: t.exception?.type, message: t.exception?.message }, { type: "Error", message: "deliberate failure" });
});
task("should load only the artifacts that are read", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 5, big: Array.from({ length: 100 }, (_, i) => i), other: "x" } });
  const t = await Task(`TeamCollabFlow/${rec.runId}/end/2`);
  assert.equal(Object.keys(t.data), ["big", "choice", "name", "other"]);
  assert.equal(Object.keys(t.artifacts), ["big", "choice", "name", "other"]);
  assert.is(fx.objects.reads.length, 0);
  assert.is(await t.data.choice, 5);
  assert.is(fx.objects.reads.length, 1);
  assert.is(fx.objects.reads[0], t.artifacts.choice!.sha);
});
task("should hide internal artifacts from data, artifacts and iteration, yet reach them by name", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 5 } });
  const t = await Task(`TeamCollabFlow/${rec.runId}/end/2`);
  assert.not.ok("_task_info" in t.data);
  assert.not.ok("_task_info" in t.artifacts);
  const names: string[] = [];
  for await (const a of t) names.push(a.id);
  assert.equal(names.sort(), ["choice", "name"]);
  assert.equal(await (await t.get("_task_info")).data, { step: "end" });
  assert.ok(await t.has("_task_info"));
  assert.not.ok(await t.has("nope"));
  await rejects(t.get("nope"), NotFoundError, `DataArtifact('TeamCollabFlow/${rec.runId}/end/2/nope') does not exist`);
});
task("should give the foreach index, parent tasks and child tasks across fan-out and fan-in", async ({ fx }) => {
  const rec = await buildRun(fx, { foreach: ["a", "b", "c"] });
  const base = `TeamCollabFlow/${rec.runId}`;
  const start = await Task(`${base}/start/1`);
  assert.is(start.index, null);
  const bodies = await start.childTasks;
  assert.equal(bodies.map((b) => b.id).sort(), ["2", "3", "4"]);
  assert.equal(bodies.map((b) => b.index).sort(), [0, 1, 2]);
  const join = await Task(`${base}/join/5`);
  assert.equal((await join.parentTasks).map((t) => t.pathspec).sort(), [`${base}/body/2`, `${base}/body/3`, `${base}/body/4`]);
  assert.equal(
    (await join.childTasks).map((t) => t.id),
    ["6"],
  );
  assert.equal(await (await Task(`${base}/end/6`)).childTasks, []);
  assert.is(await (await Task(`${base}/body/3`)).data.item, "b");
});
task("should reach parent and child tasks without a namespace check", async ({ fx }) => {
  const rec = await buildRun(fx, { user: "teammate" });
  namespace(null);
  const end = await Task(`TeamCollabFlow/${rec.runId}/end/2`);
  namespace("user:alice");
  const [start] = await end.parentTasks;
  assert.is(start?.id, "1");
  assert.ok((await start!.parent) instanceof Step);
  assert.is((await start!.childTasks)[0]?.id, "2");
});
task("should give originPathspec for a task cloned by resume", async ({ fx }) => {
  const rec = await buildRun(fx);
  await fx.ds.writeTask({
    flow: "TeamCollabFlow",
    runId: rec.runId,
    step: "extra",
    taskId: "9",
    createdAt: Date.now(),
    index: null,
    foreachStack: [],
    parents: [],
    originRunId: "123",
    originTaskId: "extra/4",
  });
  assert.is((await Task(`TeamCollabFlow/${rec.runId}/extra/9`)).originPathspec, "TeamCollabFlow/123/extra/4");
  assert.is((await Task(`TeamCollabFlow/${rec.runId}/end/2`)).originPathspec, null);
});
task("should be an instance of Task and nothing else", async ({ fx }) => {
  const rec = await buildRun(fx);
  const t = await Task(`TeamCollabFlow/${rec.runId}/end/2`);
  assert.ok(t instanceof Task);
  assert.not.ok(t instanceof DataArtifact);
  assert.not.ok({} instanceof Task);
  assert.is(JSON.parse(JSON.stringify(t)).currentAttempt, 0);
});
task.run();

const attemptChildren = suite<FixtureContext>("Task attempts and children");
useFixture(attemptChildren);
attemptChildren("should read artifacts of the attempt the task was read at", async ({ fx }) => {
  const rec = await buildRun(fx, { retry: true, artifacts: { choice: 1 } });
  const p = `TeamCollabFlow/${rec.runId}/start/1`;
  const first = await Task(p, { attempt: 0 });
  const a = await first.get("choice");
  assert.is(String(a), `DataArtifact('${p}/choice', attempt=0)`);
  assert.is(await a.data, 1);
  assert.is(String(first.artifacts.choice), `DataArtifact('${p}/choice', attempt=0)`);
});
attemptChildren.run();
