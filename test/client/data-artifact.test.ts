import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataArtifact, Task, namespace } from "../../src/client/index.js";
import { InvalidPathspecError, NamespaceMismatchError, NotFoundError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const SHAPE = "Expects DataArtifact('FlowName/RunID/StepName/TaskID/ArtifactName')";

const artifact = suite<FixtureContext>("DataArtifact");
useFixture(artifact);
artifact("should reject a bad pathspec before any I/O", async ({ fx }) => {
  await rejects(DataArtifact("TeamCollabFlow/1/end/2"), InvalidPathspecError, SHAPE);
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/a/b"), InvalidPathspecError, SHAPE);
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/x", { attempt: 6 }), NotFoundError, "Attempt can only be smaller than 6");
  assert.is(fx.index.queries, 0);
});
artifact("should reject a missing artifact with NotFoundError before a mismatch", async ({ fx }) => {
  const theirs = await buildRun(fx, { user: "teammate", artifacts: { choice: 4 } });
  const base = `TeamCollabFlow/${theirs.runId}/end/2`;
  await rejects(DataArtifact(`${base}/nope`), NotFoundError, `DataArtifact('${base}/nope') does not exist`);
  await rejects(DataArtifact(`TeamCollabFlow/${theirs.runId}/end/7/choice`), NotFoundError, "does not exist");
  await rejects(DataArtifact(`${base}/choice`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
});
artifact("should give its reference synchronously and load its value once, when awaited", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 5 } });
  const a = await DataArtifact(`TeamCollabFlow/${rec.runId}/end/2/choice`);
  assert.ok(a instanceof DataArtifact);
  assert.is(a.id, "choice");
  assert.match(a.sha, /^[0-9a-f]{64}$/);
  assert.is(a.size, 1);
  assert.is(a.format, "json");
  assert.is(a.type, "number");
  assert.instance(a.createdAt, Date);
  assert.is(fx.objects.reads.length, 0);
  assert.is(await a.data, 5);
  assert.is(await a.data, 5);
  assert.is(fx.objects.reads.length, 1);
  assert.is(JSON.parse(JSON.stringify(a)).sha, a.sha);
});
artifact("should address internal artifacts directly", async ({ fx }) => {
  const rec = await buildRun(fx);
  const a = await DataArtifact(`TeamCollabFlow/${rec.runId}/start/1/_task_info`);
  assert.equal(await a.data, { step: "start" });
});
artifact("should read an older attempt on request, and show it", async ({ fx }) => {
  const rec = await buildRun(fx, { retry: true, artifacts: { choice: 1 } });
  const p = `TeamCollabFlow/${rec.runId}/start/1/choice`;
  const a = await DataArtifact(p, { attempt: 0 });
  assert.is(String(a), `DataArtifact('${p}', attempt=0)`);
  assert.is(await a.data, 1);
  const parent = await a.parent;
  assert.ok(parent instanceof Task);
  assert.is((parent as Task).currentAttempt, 0);
});
artifact("should carry its run's tags and have no children", async ({ fx }) => {
  const rec = await buildRun(fx, { user: "teammate", tags: ["exp1"] });
  namespace("exp1");
  const a = await DataArtifact(`TeamCollabFlow/${rec.runId}/end/2/name`);
  assert.equal(a.userTags, ["exp1"]);
  const kids: unknown[] = [];
  for await (const k of a) kids.push(k);
  assert.equal(kids, []);
  await rejects(a.get("x"), NotFoundError, "has no children");
  assert.not.ok(await a.has("x"));
});
artifact.run();
