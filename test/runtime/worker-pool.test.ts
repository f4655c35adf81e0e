import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadFlowFile } from "../../src/runtime/load-flow-file.js";
import { WorkerPoolExecutor } from "../../src/runtime/worker-pool.js";
import { fixture } from "../_helpers/cli.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture, taskSpec, type RuntimeFixture } from "../_helpers/runtime.js";

let root = "";
let fx: RuntimeFixture;
let pool: WorkerPoolExecutor;
const hooks = { onOutput: () => undefined };
const start = () => taskSpec(fx.graph, "start");
const work = (taskId: string, index: number) =>
  taskSpec(fx.graph, "work", {
    taskId,
    parents: [{ step: "start", taskId: "1", attempt: 0 }],
    foreachStack: [{ step: "start", index, count: 4 }],
    foreachSources: [{ step: "start", taskId: "1", attempt: 0, artifact: "items" }],
  });

const workers = suite("WorkerPoolExecutor");
workers.before.each(async () => {
  root = await makeTempDir();
  process.env.CRASH_AT = "2"; // the fixture's work step exits(7) on element 2
  const loaded = await loadFlowFile(fixture("crash.ts"));
  fx = runtimeFixture(root, loaded.flowClass);
  pool = new WorkerPoolExecutor({ flowFile: loaded.file, className: "CrashFlow", datastore: fx.ds, size: 2 });
});
workers.after.each(async () => {
  await pool.close();
  delete process.env.CRASH_AT;
  await removeTempDir(root);
});

workers("should run tasks in a worker process, reusing an idle worker", async () => {
  const first = await pool.run(start(), hooks);
  assert.equal(first, { success: true, next: ["work"], foreachCount: 4, artifacts: ["items"] });
  const second = await pool.run(work("2", 0), hooks);
  assert.is(second.success, true);
  assert.is(
    (await fx.ds.readDone("CrashFlow", "1", "work", "2", 0))?.pid,
    (await fx.ds.readDone("CrashFlow", "1", "start", "1", 0))?.pid,
    "the same worker ran both",
  );
  assert.is.not((await fx.ds.readDone("CrashFlow", "1", "start", "1", 0))?.pid, process.pid, "not this process");
});

workers("should record the task of a worker that exits as failed, and go on with a new worker", async () => {
  await pool.run(start(), hooks);
  const [crashed, fine] = await Promise.all([pool.run(work("4", 2), hooks), pool.run(work("3", 1), hooks)]);
  assert.is(crashed.success, false);
  assert.is(crashed.exception?.type, "WorkerExit");
  assert.match(crashed.exception!.message, /exited \(code 7\)/);
  assert.is((await fx.ds.readDone("CrashFlow", "1", "work", "4", 0))?.success, false, "the loss is recorded");
  assert.is(fine.success, true, "the sibling is unaffected");
  assert.is((await pool.run(work("5", 3), hooks)).success, true, "a replacement worker runs the next task");
});
workers.run();
