import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Flow, FlowPromise, Run, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

async function ids(iterable: AsyncIterable<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of iterable) out.push(x.id);
  return out;
}

const flow = suite<FixtureContext>("Flow");
useFixture(flow);
flow("should reject a bad name with Expects Flow('FlowName') before any I/O", async ({ fx }) => {
  await rejects(Flow("A/1"), InvalidPathspecError, "Expects Flow('FlowName')");
  await rejects(Flow(""), InvalidPathspecError, "Expects Flow('FlowName')");
  await rejects(Flow("A/1").latestSuccessfulRun, InvalidPathspecError, "Expects Flow('FlowName')");
  assert.is(fx.index.queries, 0);
});
flow("should reject a flow that never ran with NotFoundError", async () => {
  await rejects(Flow("NoSuchFlow"), NotFoundError, "Flow('NoSuchFlow') does not exist");
  await rejects(Flow("not-an-identifier"), NotFoundError, "Flow('not-an-identifier') does not exist");
});
flow("should reject a flow with no run in the namespace with NamespaceMismatchError", async ({ fx }) => {
  await buildRun(fx, { user: "teammate" });
  const err = await rejects(Flow("TeamCollabFlow"), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  assert.is((err as NamespaceMismatchError).namespace, "user:alice");
  assert.is((err as NamespaceMismatchError).headline, "Object not in the current namespace");
});
flow("should prefer NotFoundError over a namespace mismatch", async ({ fx }) => {
  await buildRun(fx, { user: "teammate" });
  namespace("nosuch:tag");
  await rejects(Flow("NoSuchFlow"), NotFoundError, "Flow('NoSuchFlow') does not exist");
  await rejects(Flow("TeamCollabFlow"), NamespaceMismatchError, "Object not in namespace 'nosuch:tag'");
});
flow("should give a Flow object with identity, no tags, and the oldest run's time", async ({ fx }) => {
  const first = await buildRun(fx);
  await buildRun(fx);
  const f = await Flow("TeamCollabFlow");
  assert.ok(f instanceof Flow);
  assert.not.ok(f instanceof Run);
  assert.is(f.kind, "Flow");
  assert.is(f.id, "TeamCollabFlow");
  assert.is(f.pathspec, "TeamCollabFlow");
  assert.is(String(f), "Flow('TeamCollabFlow')");
  assert.equal(f.tags, []);
  assert.is(f.namespace, "user:alice");
  assert.is(f.createdAt.getTime(), first.createdAt);
  assert.is(await f.parent, null);
});
flow("should answer latestSuccessfulRun in one await and one index query", async ({ fx }) => {
  const ok = await buildRun(fx, { artifacts: { choice: 5 } });
  await buildRun(fx, { outcome: "failure" });
  const before = fx.index.queries;
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(run?.id, ok.runId);
  assert.is(fx.index.queries - before, 1);
  assert.is(await run!.data.choice, 5);
});
flow("should give null latestSuccessfulRun when no run succeeded, and latestRun the newest run", async ({ fx }) => {
  await buildRun(fx, { outcome: "failure" });
  const running = await buildRun(fx, { outcome: "running" });
  assert.is(await Flow("TeamCollabFlow").latestSuccessfulRun, null);
  assert.is((await Flow("TeamCollabFlow").latestRun)?.id, running.runId);
  const f = await Flow("TeamCollabFlow");
  assert.is(await f.latestSuccessfulRun, null);
  assert.is((await f.latestRun)?.id, running.runId);
});
flow("should reject the shortcuts as Flow() would", async ({ fx }) => {
  await buildRun(fx, { user: "teammate" });
  await rejects(Flow("NoSuchFlow").latestSuccessfulRun, NotFoundError, "Flow('NoSuchFlow') does not exist");
  await rejects(Flow("TeamCollabFlow").latestSuccessfulRun, NamespaceMismatchError, "Object not in namespace 'user:alice'");
  await rejects(Flow("TeamCollabFlow").latestRun, NamespaceMismatchError, "Object not in namespace 'user:alice'");
});
flow("should iterate runs newest first, silently omitting other namespaces", async ({ fx }) => {
  const a1 = await buildRun(fx);
  await buildRun(fx, { user: "teammate" });
  const a2 = await buildRun(fx, { outcome: "failure" });
  assert.equal(await ids(await Flow("TeamCollabFlow")), [a2.runId, a1.runId]);
});
flow("should iterate every run in the global namespace", async ({ fx }) => {
  const a = await buildRun(fx);
  const t = await buildRun(fx, { user: "teammate" });
  namespace(null);
  assert.equal(await ids(await Flow("TeamCollabFlow")), [t.runId, a.runId]);
  assert.is((await Flow("TeamCollabFlow").latestRun)?.id, t.runId);
});
flow("should list runs(...tags) carrying every tag, within the namespace", async ({ fx }) => {
  const both = await buildRun(fx, { tags: ["exp1", "big"] });
  await buildRun(fx, { tags: ["exp1"] });
  await buildRun(fx, { user: "teammate", tags: ["exp1", "big"] });
  const f = await Flow("TeamCollabFlow");
  assert.equal(await ids(f.runs("exp1", "big")), [both.runId]);
  assert.equal(await ids(f.runs("user:alice", "nope")), []);
  assert.equal(await ids(Flow("TeamCollabFlow").runs("big")), [both.runId]);
  assert.is((await ids(f.runs())).length, 2);
});
flow("should page through many runs without repeating one", async ({ fx }) => {
  const made: string[] = [];
  for (let i = 0; i < 205; i++)
    made.push(
      (
        await fx.ds.createRun(
          {
            flow: "Many",
            user: "alice",
            systemTags: ["user:alice"],
            originRunId: null,
            startStep: "start",
            endStep: "end",
            graph: { flow: "Many", steps: [] },
            parameters: [],
          },
          [],
        )
      ).runId,
    );
  const got = await ids(await Flow("Many"));
  assert.is(got.length, 205);
  assert.is(new Set(got).size, 205);
});
flow("should look a run up by id: mismatch for another namespace, NotFound for a missing one", async ({ fx }) => {
  const mine = await buildRun(fx);
  const theirs = await buildRun(fx, { user: "teammate" });
  const f = await Flow("TeamCollabFlow");
  assert.is((await f.get(mine.runId)).id, mine.runId);
  assert.is((await f.child(mine.runId)).id, mine.runId);
  await rejects(f.get(theirs.runId), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  await rejects(f.get("999"), NotFoundError, "Run('TeamCollabFlow/999') does not exist");
  assert.ok(await f.has(theirs.runId));
  assert.not.ok(await f.has("999"));
});
flow("should keep the namespace it was made in after a switch", async ({ fx }) => {
  const mine = await buildRun(fx);
  await buildRun(fx, { user: "teammate" });
  const f = await Flow("TeamCollabFlow");
  namespace("user:teammate");
  assert.equal(await ids(f), [mine.runId]);
  assert.is((await f.latestRun)?.id, mine.runId);
  assert.is(f.namespace, "user:alice");
  const run = await f.get(mine.runId);
  assert.is(run.namespace, "user:alice");
});
flow("should tell membership of the current namespace with isInNamespace", async ({ fx }) => {
  await buildRun(fx);
  const f = await Flow("TeamCollabFlow");
  assert.ok(await f.isInNamespace());
  namespace("user:teammate");
  assert.not.ok(await f.isInNamespace());
  namespace(null);
  assert.ok(await f.isInNamespace());
});
flow("should refuse an attempt", async () => {
  const withAttempt = Flow as unknown as (name: string, o: { attempt: number }) => Promise<unknown>;
  await rejects(withAttempt("TeamCollabFlow", { attempt: 0 }), NotFoundError, "Attempts can only be specified for Task or DataArtifact");
});
flow("should keep createdAt and order when tags are edited", async ({ fx }) => {
  const old = await buildRun(fx);
  const recent = await buildRun(fx);
  const run = await Run(`TeamCollabFlow/${old.runId}`);
  await run.addTag("touched");
  assert.is(run.createdAt.getTime(), old.createdAt);
  assert.is((await Flow("TeamCollabFlow").latestSuccessfulRun)?.id, recent.runId);
  assert.is((await Run(`TeamCollabFlow/${old.runId}`)).createdAt.getTime(), old.createdAt);
});
flow.run();

const promise = suite<FixtureContext>("FlowPromise");
useFixture(promise);
promise("should be a Promise whose derived promises are plain Promises", async ({ fx }) => {
  await buildRun(fx);
  const p = Flow("TeamCollabFlow");
  assert.ok(p instanceof Promise);
  assert.ok(p instanceof FlowPromise);
  const derived = p.then((f) => f.id);
  assert.not.ok(derived instanceof FlowPromise);
  assert.is(await derived, "TeamCollabFlow");
});
promise("should do no I/O until awaited", async ({ fx }) => {
  await buildRun(fx);
  const before = fx.index.queries;
  const p = Flow("NoSuchFlow");
  await new Promise((r) => setTimeout(r, 5));
  assert.is(fx.index.queries, before);
  await rejects(p, NotFoundError, "Flow('NoSuchFlow') does not exist");
});
promise.run();
