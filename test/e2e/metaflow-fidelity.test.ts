/**
 * Behaviours Metaflow's own core tests check (test/core/tests/*.py in Netflix/metaflow), as real
 * runs: flow files run by `tsflow run` (worker processes), read back through the client.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { closeClient, namespace, Run, Step, Task, useDatastore } from "../../src/client/index.js";
import { FlowSpec, runFlow, step, type Inputs } from "../../src/index.js";
import { fixture, tsflow } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runIdFrom } from "../_helpers/runs.js";

let root = "";
async function runFixture(file: string, env: NodeJS.ProcessEnv = {}) {
  const r = await tsflow(["run", fixture(file), "--max-workers", "2"], { root, env });
  return { ...r, runId: runIdFrom(r.stdout) };
}
async function taskOf(flow: string, runId: string, step: string) {
  return (await (
    await Step(`${flow}/${runId}/${step}`)
  ).task)!;
}
function setUp(s: ReturnType<typeof suite>) {
  s.before(async () => {
    root = await makeTempDir("tsflow-fidelity-");
    useDatastore(root);
    namespace(null);
  });
  s.after(async () => {
    await closeClient();
    await removeTempDir(root);
  });
}

const foreach = suite("foreach (basic_foreach.py, nested_foreach.py)");
setUp(foreach);
foreach("should give this.input and this.index to every step inside a foreach, and each level's value", async () => {
  const r = await runFixture("foreach-chain.ts");
  assert.is(r.code, 0, r.stdout + r.stderr);
  const end = await taskOf("ForeachChainFlow", r.runId, "end");
  assert.equal(await end.data.got, [26, 5, 10, 15, 25, 11, 22, 6, 19, 12, 16, 9, 28, 14, 24, 20, 30, 1, 13, 18, 2, 17, 21, 3, 29, 4, 27, 31, 8, 23, 0, 7]);
  const expected = [..."abc"].flatMap((x) => [..."de"].flatMap((y) => [..."fghijk"].map((z) => x + y + z)));
  assert.equal(((await end.data.all) as string[]).slice().sort(), expected.sort());
  const joinZ: unknown[] = [];
  for await (const t of await Step(`ForeachChainFlow/${r.runId}/joinZ`)) joinZ.push(await t.data.seenInJoin);
  assert.is(joinZ.length, 6);
  assert.ok(
    joinZ.some((v) => JSON.stringify(v) === '["b","e"]'),
    "a nested join sees the outer levels' values",
  );
  const second = await Task(`ForeachChainFlow/${r.runId}/second/${(await taskOf("ForeachChainFlow", r.runId, "second")).id}`);
  assert.is(typeof second.index, "number");
  assert.is(
    await second.data.myInput,
    [26, 5, 10, 15, 25, 11, 22, 6, 19, 12, 16, 9, 28, 14, 24, 20, 30, 1, 13, 18, 2, 17, 21, 3, 29, 4, 27, 31, 8, 23, 0, 7][second.index!],
  );
});
foreach("should run a 600-wide foreach (Metaflow: 1200), join it in order, and list its tasks through the client (wide_foreach.py)", async () => {
  class WideFlow extends FlowSpec {
    arr: number[] = [];
    myInput?: number;
    @step start() {
      this.arr = Array.from({ length: 600 }, (_, i) => i);
      this.next(this.inner, { foreach: "arr" });
    }
    @step inner() {
      this.myInput = this.input;
      this.next(this.join);
    }
    @step join(inputs: Inputs<WideFlow>) {
      if (inputs.map((i) => i.myInput).some((v, i) => v !== i)) throw new Error("inputs out of order");
      this.next(this.end);
    }
    @step end() {}
  }
  process.env.TSFLOW_USER = "alice";
  const run = await runFlow(WideFlow, { maxWorkers: 8, onEvent: () => {} });
  const got: number[] = [];
  for await (const t of await Step(`${run.pathspec}/inner`)) got.push((await t.data.myInput) as number);
  assert.equal(
    got.sort((a, b) => a - b),
    Array.from({ length: 600 }, (_, i) => i),
  );
});
foreach.run();

const merge = suite("mergeArtifacts (merge_artifacts.py, merge_artifacts_include.py)");
setUp(merge);
merge("should set nothing when a merge fails and merge what the inputs agree on", async () => {
  const r = await runFixture("merge-fidelity.ts");
  assert.is(r.code, 0, r.stdout + r.stderr);
  const end = await taskOf("MergeFidelityFlow", r.runId, "end");
  const join = await taskOf("MergeFidelityFlow", r.runId, "join");
  assert.is(await end.data.nonModifiedPassdown, "a");
  assert.is(await end.data.modifiedToSameValue, "e");
  assert.is(await end.data.manualMergeRequired, join.id);
  assert.is(await end.data.onlyInA, 1);
  assert.not.ok("ignoreMe" in end.artifacts, "an excluded artifact is not merged");
});
merge.run();

const caught = suite("@catchErrors with @retry (catch_retry.py)");
setUp(caught);
caught("should keep what a caught step set, store the error, and leave the task without exception", async () => {
  const r = await runFixture("catch-retry.ts");
  assert.is(r.code, 0, r.stdout + r.stderr);
  const run = await Run(`CatchRetryFlow/${r.runId}`);
  assert.is(run.successful, true);
  const start = await taskOf("CatchRetryFlow", r.runId, "start");
  assert.is(start.currentAttempt, 3);
  assert.is(await start.data.testAttempt, 3);
  assert.not.ok("invisible" in start.artifacts, "a failed attempt's artifacts are not the task's");
  assert.match(await start.stdout, /stdout testing logs 3\n/);
  assert.match(await start.stderr, /stderr testing logs 3\n/);
  const firstTry = await Task(start.pathspec, { attempt: 0 });
  assert.is(await firstTry.data.invisible, true, "the failed attempt keeps what it set, as in Metaflow");
  assert.is(firstTry.exception?.message, "retry me");

  const middle = await taskOf("CatchRetryFlow", r.runId, "middle");
  assert.is(middle.currentAttempt, 2);
  assert.is(middle.successful, true);
  assert.is(middle.exception, null, "the exception was handled");
  assert.is(await middle.data.retryWithCatch, 2, "what the last attempt set before it threw is kept");
  assert.is(((await middle.data.ex) as { type: string }).type, "RangeError");
  assert.is(await (await taskOf("CatchRetryFlow", r.runId, "calm")).data.clean, null, "a caught step that did not fail stores null");

  const sleepy = await taskOf("CatchRetryFlow", r.runId, "sleepy");
  assert.is(await sleepy.data.check, true, "timeout_decorator.py: what the step set before its timeout is kept");
  assert.is(((await sleepy.data.timedOut) as { type: string }).type, "StepTimeoutError");
  const end = await taskOf("CatchRetryFlow", r.runId, "end");
  assert.is(await end.data.here, true);
  assert.is(await end.data.testAttempt, 3);
  assert.is(end.exception, null);
  const endEx = (await end.data.endEx) as { type: string; message: string; stack: string };
  assert.is(endEx.message, "catch me!");
  assert.is(endEx.type, "ExternalCommandFailed");
  assert.not.match(await end.stderr, /catch me!/, "printException: false prints nothing");
  assert.match(await middle.stderr, /^$/);
});
caught.run();

const lost = suite("an artifact a join did not merge");
setUp(lost);
lost("should fail the step that reads it, naming the artifact and the fix", async () => {
  const r = await runFixture("lost-artifact.ts", { READ_LOST: "1" });
  assert.is(r.code, 1);
  assert.match(r.stderr, /MissingArtifactError: Step \*end\* reads this\.total, but no input of this step carries the artifact 'total'/);
  assert.match(r.stderr, /Call this\.mergeArtifacts\(inputs\) in that join/);
  const end = await Task(`LostArtifactFlow/${r.runId}/end/${(await taskOf("LostArtifactFlow", r.runId, "end")).id}`);
  assert.is(end.exception?.type, "MissingArtifactError");
});
lost("should keep readable what the step sets, `_` fields, never-set fields, and answer `in` with false", async () => {
  const r = await runFixture("lost-artifact.ts", { READ_LOST: "set" });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /in=false label=set in the join maybe=true local=kept local/);
  assert.match(r.stdout, /total=7/);
  const end = await taskOf("LostArtifactFlow", r.runId, "end");
  assert.is(await end.data.total, 7);
});
lost.run();
