import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, Parameter, step } from "../../src/index.js";
import { FlowInstance } from "../../src/runtime/flow-instance.js";
import { MissingArtifactError, StepError } from "../../src/util/errors.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture, type RuntimeFixture } from "../_helpers/runtime.js";
import { runFlow, useDatastore, closeClient, namespace, Task, RunFailedError, InvalidNameError } from "tsflow";
import { datastoreAt } from "../_helpers/runs.js";
import { rejects } from "../_helpers/assert-rejects.js";

class FieldFlow extends FlowSpec {
  alpha = Parameter("alpha", { default: 1 });
  total = 0;
  kept = "default";
  maybe?: string;
  #secret = "private fields still work";
  @step start() {
    this.next(this.end);
  }
  @step end() {}
  revealed(): string {
    return this.#secret;
  }
}

let root = "";
let fx: RuntimeFixture;
const missing = (name: string) => new MissingArtifactError(`lost ${name}`, name, "end");

const inst = suite("FlowInstance");
inst.before.each(async () => {
  root = await makeTempDir();
  fx = runtimeFixture(root, FieldFlow);
});
inst.after.each(async () => {
  await removeTempDir(root);
});

inst("should bind parameters read-only and inherited artifacts lazily, storing only what changed", async () => {
  const i = new FlowInstance(new FieldFlow(), fx.store, "end");
  i.bindParameters({ alpha: await fx.store.put(0.5, { artifact: "alpha", step: "_parameters" }) });
  const kept = await fx.store.put("inherited", { artifact: "kept", step: "start" });
  i.bindArtifacts({ kept });
  const flow = i.flow as FieldFlow;
  assert.is(flow.alpha, 0.5);
  assert.throws(
    () => {
      (flow as any).alpha = 2;
    },
    (e: unknown) => e instanceof StepError && /not modifiable/.test((e as Error).message),
  );
  assert.is(flow.kept, "inherited", "an inherited artifact overrides the class default");
  flow.total = 5;
  const out = await i.persist({});
  assert.is(out.kept, kept, "an unchanged inherited artifact keeps its ref");
  assert.is(fx.store.loadSync(out.total!), 5);
  assert.not.ok("maybe" in out, "a field never set is not stored");
});

inst("should make lost artifacts throw on read, answer `in` with false, and come back when set", async () => {
  const i = new FlowInstance(new FieldFlow(), fx.store, "end");
  i.bindParameters({});
  i.guardLost(["total", "undeclared", "_local"], missing);
  const flow = i.flow as FieldFlow & { undeclared?: number; _local?: number };
  assert.throws(
    () => flow.total,
    (e: unknown) => e instanceof MissingArtifactError && (e as MissingArtifactError).artifact === "total",
  );
  assert.throws(
    () => flow.undeclared,
    (e: unknown) => e instanceof MissingArtifactError,
  );
  assert.is(flow._local, undefined, "`_` names are never guarded");
  assert.is("total" in flow, false);
  assert.is(flow.kept, "default", "an artifact that is not lost keeps its default");
  assert.is(flow.revealed(), "private fields still work", "this is still the real instance");
  assert.ok(flow instanceof FieldFlow && flow instanceof FlowSpec);
  flow.total = 9;
  assert.is(flow.total, 9);
  assert.is(fx.store.loadSync((await i.persist({})).total!), 9);
});
inst.run();

// Artifact names: a field a step sets under a name no artifact can have fails the task with
// InvalidNameError (and Datastore.writeArtifacts refuses such a list), and nothing of it is stored.
class BadNameFlow extends FlowSpec {
  ok?: number;
  @step start() {
    this.ok = 1;
    (this as unknown as Record<string, unknown>)["my choice"] = 3;
    this.next(this.end);
  }
  @step end() {}
}

let namesRoot = "";
const names = suite("FlowInstance artifact names");
names.before.each(async () => {
  namesRoot = await makeTempDir();
  process.env.TSFLOW_USER = "alice";
  useDatastore(namesRoot);
});
names.after.each(async () => {
  await closeClient();
  await removeTempDir(namesRoot);
});
names("should fail the step that sets an invalid artifact name, saying which and what to use", async () => {
  const err = await rejects(runFlow(BadNameFlow, { onEvent: () => {} }), RunFailedError);
  const runId = /BadNameFlow\/(\d+)/.exec(err.message)?.[1] ?? "";
  assert.ok(runId, err.message);
  namespace(null);
  const task = await Task(`BadNameFlow/${runId}/start/1`);
  assert.is(task.successful, false);
  assert.is(task.exception?.type, "InvalidNameError");
  assert.is(
    task.exception?.message,
    `Step *start* sets this["my choice"], which cannot name an artifact: use letters, digits, '_' and '$', not starting with a digit, at most 128 characters (e.g. this.myChoice).`,
  );
  // Nothing of the failed attempt is stored: neither the bad name nor the good one beside it.
  assert.equal(await datastoreAt(namesRoot).readArtifacts("BadNameFlow", runId, "start", "1", 0), {});
});
names("should refuse to write an artifact list with an invalid name, writing nothing", async () => {
  const ds = datastoreAt(namesRoot);
  const run = await ds.createRun(
    {
      flow: "F",
      user: "alice",
      systemTags: ["user:alice"],
      originRunId: null,
      startStep: "start",
      endStep: "end",
      graph: { flow: "F", steps: [] },
      parameters: [],
    },
    [],
  );
  const ref = { sha: "0".repeat(64), size: 1, format: "json" as const, createdAt: Date.now(), type: "number" };
  await rejects(ds.writeArtifacts("F", run.runId, "start", "1", 0, { good: ref, "a/b": ref }), InvalidNameError, `Artifact name "a/b" is not valid`);
  assert.equal(await ds.readArtifacts("F", run.runId, "start", "1", 0), {});
});
names.run();
