import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runFlow, useDatastore, closeClient, namespace, Run, Flow, RunFailedError } from "tsflow";
import { SourceFlow, ReaderFlow } from "../_fixtures/flows/lineage.js";
import { makeTempRoot, removeTempRoot } from "../_helpers/tmp.js";
import { datastoreAt, removeRunFolder } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";

const quiet = { onEvent: () => {} };
let root = "";
function setup(s: { before: { each(fn: () => unknown): void }; after: { each(fn: () => unknown): void } }): void {
  s.before.each(async () => {
    root = await makeTempRoot();
    process.env.TSFLOW_USER = "alice";
    useDatastore(root);
    namespace("user:alice");
  });
  s.after.each(async () => {
    delete process.env.FAIL_READER_END;
    await closeClient();
    await removeTempRoot(root);
  });
}

const lineage = suite("Run.lineage");
setup(lineage);
lineage("should give the runs a task read through the client, with what was read and in which namespace", async () => {
  const source = await runFlow(SourceFlow, quiet);
  const reader = await runFlow(ReaderFlow, { ...quiet, params: { ns: "user:alice" } });
  assert.is(await reader.data.seen, 3);
  assert.is(await reader.data.label, "ok");
  const ups = await reader.lineage();
  assert.is(ups.length, 1, "its own run is not lineage");
  const [up] = ups;
  assert.is(up!.pathspec, source.pathspec);
  assert.is(up!.run?.id, source.id);
  assert.equal(up!.reads, [{ task: `${reader.pathspec}/start/1`, pathspec: `${source.pathspec}/end/2/choice`, namespace: "user:alice" }]);
  assert.equal(await source.lineage(), [], "a run that read nothing has no lineage");
  const record = await datastoreAt(root).readLineage("ReaderFlow", reader.id, "start", "1");
  assert.equal(record, { task: "start/1", attempt: 0, reads: [{ pathspec: `${source.pathspec}/end/2/choice`, namespace: "user:alice" }] });
});
lineage("should record the global namespace as null and keep a resumed run's cloned reads", async () => {
  const source = await runFlow(SourceFlow, quiet);
  process.env.FAIL_READER_END = "1";
  const err = await rejects(runFlow(ReaderFlow, { ...quiet, params: { ns: "" } }), RunFailedError, "failing end on purpose");
  delete process.env.FAIL_READER_END;
  const origin = (err as RunFailedError).pathspec.split("/")[1]!;
  namespace(null);
  const failed = await Run(`ReaderFlow/${origin}`);
  assert.equal(
    (await failed.lineage()).map((u) => u.reads[0]!.namespace),
    [null],
    "a failed run keeps what its tasks read",
  );
  const resumed = await runFlow(ReaderFlow, { ...quiet, resume: { originRunId: origin } });
  const [up] = await resumed.lineage();
  assert.is(up!.pathspec, source.pathspec);
  assert.equal(up!.reads, [
    { task: `${resumed.pathspec}/start/1`, pathspec: `${source.pathspec}/end/2/choice`, namespace: null, clonedFrom: `ReaderFlow/${origin}/start/1` },
  ]);
});
lineage("should give a null run for an upstream run that no longer exists", async () => {
  const source = await runFlow(SourceFlow, quiet);
  const reader = await runFlow(ReaderFlow, { ...quiet, params: { ns: "user:alice" } });
  await removeRunFolder(root, "SourceFlow", source.id);
  await datastoreAt(root).notifyRunChanged("SourceFlow", source.id);
  const [up] = await reader.lineage();
  assert.is(up!.run, null);
  assert.is(up!.pathspec, source.pathspec);
});
lineage.run();

const consumers = suite("Run.consumers");
setup(consumers);
consumers("should list the runs that read a run, newest first, whatever their namespace", async () => {
  const source = await runFlow(SourceFlow, quiet);
  const first = await runFlow(ReaderFlow, { ...quiet, params: { ns: "user:alice" } });
  process.env.TSFLOW_USER = "bob";
  namespace("user:bob");
  const second = await runFlow(ReaderFlow, { ...quiet, params: { ns: "user:alice" } });
  namespace("user:alice");
  process.env.TSFLOW_USER = "alice";
  const found = await source.consumers();
  assert.equal(
    found.map((r) => r.id),
    [second.id, first.id],
  );
  assert.ok(found[0]!.tags.includes("user:bob"), "each consumer carries its own tags");
  assert.equal(await first.consumers(), []);
  const newer = await runFlow(SourceFlow, quiet);
  assert.equal(await newer.consumers(), [], "only runs that read this very run");
  assert.is((await Flow("SourceFlow").latestSuccessfulRun)!.id, newer.id);
});
consumers.run();
