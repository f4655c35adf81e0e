import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DataArtifact, Task, namespace } from "../../src/client/index.js";
import { InvalidNameError, InvalidPathspecError, NamespaceMismatchError, NotFoundError, UsageError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";
import { numericTable } from "../store/codec/_tables.js";

const SHAPE = "Expects DataArtifact('FlowName/RunID/StepName/TaskID/ArtifactName')";

const artifact = suite<FixtureContext>("DataArtifact");
useFixture(artifact);
artifact("should reject a bad pathspec before any I/O", async ({ fx }) => {
  await rejects(DataArtifact("TeamCollabFlow/1/end/2"), InvalidPathspecError, SHAPE);
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/a/b"), InvalidPathspecError, SHAPE);
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/x", { attempt: 6 }), NotFoundError, "Attempt can only be smaller than 6");
  assert.is(fx.index.queries, 0);
});
artifact("should refuse a name no artifact can have, before any I/O", async ({ fx }) => {
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/my-choice"), InvalidNameError, `Artifact name "my-choice" is not valid: use letters, digits, '_' and '$'`);
  await rejects(DataArtifact("TeamCollabFlow/1/end/2/1st"), InvalidNameError, `Artifact name "1st" is not valid`);
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
artifact("should give back values stored with the real codec exactly (Date, Map, BigInt, undefined)", async ({ fx }) => {
  const value = { when: new Date(0), counts: new Map([["a", 1n]]), gap: undefined };
  const rec = await buildRun(fx, { artifacts: { rich: value } });
  const got = (await (await DataArtifact(`TeamCollabFlow/${rec.runId}/end/2/rich`)).data) as typeof value;
  assert.instance(got.when, Date);
  assert.equal(got.counts, new Map([["a", 1n]]));
  assert.ok("gap" in got);
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

const preview = suite<FixtureContext>("DataArtifact.preview");
useFixture(preview);
preview("should preview a 2-million-row Arrow artifact from its first record batch, without loading it", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { features: numericTable(2_000_000) } });
  const a = await DataArtifact(`TeamCollabFlow/${rec.runId}/end/2/features`);
  assert.is(a.format, "arrow");
  const p = await a.preview(3);
  assert.equal(p.schema, [
    { name: "i", type: "Int32" },
    { name: "f", type: "Float64" },
  ]);
  assert.is(p.numRows, 2_000_000);
  assert.equal(p.rows, [
    { i: 0, f: 0 },
    { i: 1, f: 0.5 },
    { i: 2, f: 1 },
  ]);
  assert.ok(p.numBatches >= 5, `${p.numBatches} batches`);
  assert.is(p.batchesRead, 1, "only the first batch's body is decoded");
  assert.equal(fx.objects.reads, [], "the table itself is never loaded");
  assert.equal(fx.objects.previews, [a.sha]);
  assert.is((await a.preview()).rows.length, 10);
});
preview("should refuse a JSON artifact and a row count that is not one", async ({ fx }) => {
  const rec = await buildRun(fx, { artifacts: { choice: 4, features: numericTable(3) } });
  const base = `TeamCollabFlow/${rec.runId}/end/2`;
  await rejects(
    (await DataArtifact(`${base}/choice`)).preview(),
    UsageError,
    `DataArtifact('${base}/choice') is stored as json, not as an Arrow table: read its value with 'await artifact.data' instead.`,
  );
  await rejects((await DataArtifact(`${base}/features`)).preview(-1), UsageError, "preview(rows) needs a whole number of rows");
  assert.equal(fx.objects.previews, []);
});
preview.run();
