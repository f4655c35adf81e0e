import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step } from "../../src/index.js";
import { InProcessExecutor } from "../../src/runtime/executor.js";
import { ResumePlan } from "../../src/runtime/resume.js";
import { executeRun } from "../../src/runtime/scheduler.js";
import { NotFoundError, UsageError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture, taskSpec, type RuntimeFixture } from "../_helpers/runtime.js";

class ResumableFlow extends FlowSpec {
  value = 0;
  @step start() {
    this.value = 1;
    this.next(this.middle);
  }
  @step middle() {
    if (process.env.RESUME_FAIL) throw new Error("middle fails");
    this.next(this.end);
  }
  @step end() {}
}

let root = "";
let fx: RuntimeFixture;
async function originRun(fail: boolean) {
  if (fail) process.env.RESUME_FAIL = "1";
  try {
    return await executeRun({
      datastore: fx.ds,
      store: fx.store,
      graph: fx.graph,
      executor: new InProcessExecutor(fx.ctx),
      parameters: {},
      userTags: [],
      systemTags: ["user:alice"],
      username: "alice",
      identity: "user:alice",
      maxWorkers: 1,
    });
  } finally {
    delete process.env.RESUME_FAIL;
  }
}

const plan = suite("ResumePlan");
plan.before.each(async () => {
  root = await makeTempDir();
  fx = runtimeFixture(root, ResumableFlow);
});
plan.after.each(async () => {
  await removeTempDir(root);
});

plan("should resume from the first step that did not succeed and clone the steps before it", async () => {
  const origin = await originRun(true);
  const p = await ResumePlan.create(fx.ds, fx.graph, origin.runId);
  assert.is(p.resumeStep, "middle");
  const events: string[] = [];
  const spec = taskSpec(fx.graph, "start", { runId: "2", taskId: "1" });
  const cloned = await p.tryClone(spec, fx.ds, (e) => events.push(`${e.type} ${"message" in e ? e.message : ""}`));
  assert.equal(cloned, { success: true, next: ["middle"], artifacts: ["value"] });
  assert.is((await fx.ds.readTask("ResumableFlow", "2", "start", "1"))?.originTaskId, "start/1");
  assert.equal(events, [`task-finished ResumableFlow/${origin.runId}/start/1`]);
  assert.is(await p.tryClone(taskSpec(fx.graph, "middle", { runId: "2", taskId: "2" }), fx.ds, () => undefined), undefined, "the failed step runs again");
});

plan("should refuse a successful origin without a step, an unknown step and a missing run", async () => {
  const origin = await originRun(false);
  await rejects(ResumePlan.create(fx.ds, fx.graph, origin.runId), UsageError, "was successful: name the step to re-run from");
  await rejects(ResumePlan.create(fx.ds, fx.graph, origin.runId, "nope"), UsageError, "Step 'nope' is not a step of ResumableFlow");
  await rejects(ResumePlan.create(fx.ds, fx.graph, "123"), NotFoundError, "Run('ResumableFlow/123') does not exist");
  assert.is((await ResumePlan.create(fx.ds, fx.graph, origin.runId, "end")).resumeStep, "end");
});
plan.run();
