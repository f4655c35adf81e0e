import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, catchErrors, current } from "../../src/index.js";
import { runTask } from "../../src/runtime/task-runner.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture, taskSpec } from "../_helpers/runtime.js";

class TaskFlow extends FlowSpec {
  count = 0;
  note?: string;
  seen?: string;
  err?: unknown;
  @step start() {
    this.count = 1;
    if (process.env.TASK_FAIL) {
      this.note = "set before the throw";
      throw new TypeError("step failed");
    }
    this.next(this.middle);
  }
  @catchErrors({ var: "err" })
  @step
  middle() {
    this.note = `attempt ${current.retryCount}`;
    this.next(this.end);
    if (process.env.TASK_FAIL) throw new RangeError("caught one");
  }
  @step end() {
    this.seen = `${this.count}`;
  }
}

let root = "";
const run = suite("runTask");
run.before.each(async () => {
  root = await makeTempDir();
});
run.after.each(async () => {
  delete process.env.TASK_FAIL;
  await removeTempDir(root);
});

run("should persist what the step set and record success with its next step", async () => {
  const { ds, graph, ctx, store } = runtimeFixture(root, TaskFlow);
  const outcome = await runTask(taskSpec(graph, "start"), ctx);
  assert.equal(outcome, { success: true, next: ["middle"], foreachCount: undefined, artifacts: ["count"] });
  const refs = await ds.readArtifacts("TaskFlow", "1", "start", "1", 0);
  assert.is(store.loadSync(refs.count!), 1);
  assert.is((await ds.readDone("TaskFlow", "1", "start", "1", 0))?.success, true);
});

run("should record a failure with its exception, keeping what the attempt set", async () => {
  process.env.TASK_FAIL = "1";
  const { ds, graph, ctx, store } = runtimeFixture(root, TaskFlow);
  const outcome = await runTask(taskSpec(graph, "start"), ctx);
  assert.is(outcome.success, false);
  assert.is(outcome.exception?.type, "TypeError");
  const done = await ds.readDone("TaskFlow", "1", "start", "1", 0);
  assert.is(done?.exception?.message, "step failed");
  const refs = await ds.readArtifacts("TaskFlow", "1", "start", "1", 0);
  assert.is(store.loadSync(refs.note!), "set before the throw");
  assert.match(await ds.readLog("TaskFlow", "1", "start", "1", 0, "stderr"), /TypeError: step failed/);
});

run("should turn a caught failure into success: the attempt's artifacts, the error artifact, no exception", async () => {
  const { ds, graph, ctx, store } = runtimeFixture(root, TaskFlow);
  await runTask(taskSpec(graph, "start"), ctx);
  process.env.TASK_FAIL = "1";
  const parents = [{ step: "start", taskId: "1", attempt: 0 }];
  const outcome = await runTask(taskSpec(graph, "middle", { taskId: "2", parents }), ctx);
  assert.equal(outcome.success, true);
  assert.is(outcome.exception, undefined);
  const done = await ds.readDone("TaskFlow", "1", "middle", "2", 0);
  assert.is(done?.exception, undefined);
  assert.is(done?.caught?.type, "RangeError");
  const refs = await ds.readArtifacts("TaskFlow", "1", "middle", "2", 0);
  assert.is(store.loadSync(refs.note!), "attempt 0");
  assert.is(store.loadSync(refs.count!), 1, "inherited artifacts stay");
  assert.is((store.loadSync(refs.err!) as { message: string }).message, "caught one");
});

run("should make a lost artifact fail the step with MissingArtifactError, and set null for a catch var that did not fire", async () => {
  const { ds, graph, ctx } = runtimeFixture(root, TaskFlow);
  await runTask(taskSpec(graph, "start"), ctx);
  const ok = await runTask(taskSpec(graph, "middle", { taskId: "2", parents: [{ step: "start", taskId: "1", attempt: 0 }] }), ctx);
  assert.ok(ok.artifacts?.includes("err"));
  // As after a join that did not merge `count`: the class default must not stand in for it.
  const lost = await runTask(taskSpec(graph, "end", { taskId: "3", lost: ["count"] }), ctx);
  assert.is(lost.success, false);
  assert.is(lost.exception?.type, "MissingArtifactError");
  assert.match(lost.exception!.message, /Step \*end\* reads this\.count, but no input of this step carries the artifact 'count'/);
  assert.is((await ds.readDone("TaskFlow", "1", "end", "3", 0))?.success, false);
});
run.run();
