import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, retry, current, type Inputs } from "../../src/index.js";
import { InProcessExecutor, type TaskExecutor } from "../../src/runtime/executor.js";
import { executeRun, type ScheduleOptions } from "../../src/runtime/scheduler.js";
import type { TaskSpec } from "../../src/runtime/task-spec.js";
import type { FlowClass } from "../../src/flow/graph.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture } from "../_helpers/runtime.js";

class FanFlow extends FlowSpec {
  items: string[] = [];
  total = 0;
  word?: string;
  @step start() {
    this.items = ["x", "y", "z"];
    this.total = 3;
    this.next(this.each, { foreach: "items" });
  }
  @step async each() {
    await new Promise((r) => setTimeout(r, 5));
    this.word = `${this.input}${this.index}`;
    this.next(this.join);
  }
  @step join(inputs: Inputs<FanFlow>) {
    this.word = inputs.map((i) => i.word).join(",");
    this.next(this.end);
  }
  @step end() {}
}

class FlakyFlow extends FlowSpec {
  @retry({ times: 2 })
  @step
  start() {
    if ((current.retryCount ?? 0) < Number(process.env.FLAKY_UNTIL ?? 0)) throw new Error(`flaky ${current.retryCount}`);
    this.next(this.end);
  }
  @step end() {}
}

class BranchInForeachFlow extends FlowSpec {
  items = ["m", "n"];
  seen?: string;
  @step start() {
    this.next(this.each, { foreach: "items" });
  }
  @step each() {
    this.next(this.a, this.b);
  }
  @step a() {
    this.next(this.branchJoin);
  }
  @step b() {
    this.next(this.branchJoin);
  }
  @step branchJoin(_inputs: Inputs) {
    this.seen = `${this.input}@${this.index}`;
    this.next(this.foreachJoin);
  }
  @step foreachJoin(inputs: Inputs<BranchInForeachFlow>) {
    this.seen = inputs.map((i) => i.seen).join(",");
    this.next(this.end);
  }
  @step end() {}
}

/** The real in-process executor, recording each spec it runs and the most tasks in flight. */
function recording(base: TaskExecutor) {
  const specs: TaskSpec[] = [];
  let inFlight = 0;
  let most = 0;
  const executor: TaskExecutor = {
    kind: "recording",
    capacity: base.capacity,
    async run(spec, hooks) {
      specs.push(structuredClone(spec));
      most = Math.max(most, ++inFlight);
      try {
        return await base.run(spec, hooks);
      } finally {
        inFlight--;
      }
    },
    close: () => base.close(),
  };
  return { executor, specs, most: () => most };
}

let root = "";
function options(flowClass: FlowClass, maxWorkers = 4) {
  const fx = runtimeFixture(root, flowClass);
  const rec = recording(new InProcessExecutor(fx.ctx, maxWorkers));
  const o: ScheduleOptions = {
    datastore: fx.ds,
    store: fx.store,
    graph: fx.graph,
    executor: rec.executor,
    parameters: {},
    userTags: [],
    systemTags: ["user:alice"],
    username: "alice",
    identity: "user:alice",
    maxWorkers,
  };
  return { fx, rec, o };
}

const sched = suite("executeRun");
sched.before.each(async () => {
  root = await makeTempDir();
});
sched.after.each(async () => {
  delete process.env.FLAKY_UNTIL;
  await removeTempDir(root);
});

sched("should fan a foreach out with a frame and a source per child, and join in index order", async () => {
  const { fx, rec, o } = options(FanFlow);
  const result = await executeRun(o);
  assert.is(result.success, true, result.reason);
  const each = rec.specs.filter((s) => s.step === "each");
  assert.equal(
    each.map((s) => s.foreachStack),
    [0, 1, 2].map((index) => [{ step: "start", index, count: 3 }]),
  );
  assert.equal(
    each.map((s) => s.foreachSources),
    each.map(() => [{ step: "start", taskId: "1", attempt: 0, artifact: "items" }]),
  );
  const join = rec.specs.find((s) => s.step === "join")!;
  assert.equal(
    join.parents.map((p) => p.taskId),
    each.map((s) => s.taskId),
  );
  assert.equal(join.foreachStack, [], "the join pops the foreach frame");
  const refs = await fx.ds.readArtifacts("FanFlow", result.runId, "join", join.taskId, 0);
  assert.is(fx.store.loadSync(refs.word!), "x0,y1,z2");
});

sched("should tell the step after a join that did not merge which artifacts it lost", async () => {
  const { rec, o } = options(FanFlow);
  await executeRun(o);
  assert.equal(rec.specs.find((s) => s.step === "join")!.lost.sort(), ["items", "total", "word"]);
  assert.equal(rec.specs.find((s) => s.step === "end")!.lost.sort(), ["items", "total"]);
  assert.equal(rec.specs.find((s) => s.step === "each")!.lost, []);
});

sched("should keep this.input in a branch join inside a foreach (it pops no foreach level)", async () => {
  const { fx, rec, o } = options(BranchInForeachFlow);
  const result = await executeRun(o);
  assert.is(result.success, true, result.reason);
  const join = rec.specs.find((s) => s.step === "foreachJoin")!;
  const refs = await fx.ds.readArtifacts("BranchInForeachFlow", result.runId, "foreachJoin", join.taskId, 0);
  assert.is(fx.store.loadSync(refs.seen!), "m@0,n@1");
});

sched("should keep at most maxWorkers tasks in flight", async () => {
  const { rec, o } = options(FanFlow, 2);
  assert.is((await executeRun(o)).success, true);
  assert.is(rec.most(), 2);
});

sched("should retry a failed attempt with the next attempt number, and fail the run once retries run out", async () => {
  process.env.FLAKY_UNTIL = "2";
  const ok = options(FlakyFlow);
  assert.is((await executeRun(ok.o)).success, true);
  assert.equal(
    ok.rec.specs.filter((s) => s.step === "start").map((s) => [s.attempt, s.lastAttempt]),
    [
      [0, false],
      [1, false],
      [2, true],
    ],
  );
  process.env.FLAKY_UNTIL = "3";
  const bad = options(FlakyFlow);
  const result = await executeRun(bad.o);
  assert.is(result.success, false);
  assert.match(result.reason!, /Step \*start\* \(task FlakyFlow\/\d+\/start\/1\) failed: Error: flaky 2/);
  assert.not.ok(
    bad.rec.specs.some((s) => s.step === "end"),
    "nothing runs after the failure",
  );
  assert.is((await bad.fx.ds.readStatus("FlakyFlow", result.runId))?.state, "failed");
});
sched.run();
