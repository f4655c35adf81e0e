import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FlowSpec, step, type Inputs } from "../../src/index.js";
import { FlowInstance } from "../../src/runtime/flow-instance.js";
import { makeInputs, mergeInputs } from "../../src/runtime/join-inputs.js";
import { MergeConflictError, MergeMissingError, StepError } from "../../src/util/errors.js";
import type { ArtifactsRecord } from "../../src/store/records.js";
import { makeTempDir, removeTempDir } from "../_helpers/tmp.js";
import { runtimeFixture, type RuntimeFixture } from "../_helpers/runtime.js";

class JoinFlow extends FlowSpec {
  same?: string;
  differs?: string;
  onlyA?: number;
  @step start() {
    this.next(this.a, this.b);
  }
  @step a() {
    this.next(this.join);
  }
  @step b() {
    this.next(this.join);
  }
  @step join(_inputs: Inputs) {
    this.next(this.end);
  }
  @step end() {}
}

let root = "";
let fx: RuntimeFixture;
async function refs(values: Record<string, unknown>): Promise<ArtifactsRecord> {
  const out: ArtifactsRecord = {};
  for (const [name, value] of Object.entries(values)) out[name] = await fx.store.put(value, { artifact: name, step: "test" });
  return out;
}
async function parents() {
  return [
    { step: "a", refs: await refs({ same: "s", differs: "from a", onlyA: 1 }) },
    { step: "b", refs: await refs({ same: "s", differs: "from b" }) },
  ];
}
const instance = () => new FlowInstance(new JoinFlow(), fx.store, "join");
const values = (i: FlowInstance) =>
  Object.fromEntries(
    Object.keys(i.flow)
      .map((k) => [k, (i.flow as any)[k]])
      .filter(([, v]) => v !== undefined),
  );

const inputs = suite("makeInputs");
inputs.before.each(async () => {
  root = await makeTempDir();
  fx = runtimeFixture(root, JoinFlow);
});
inputs.after.each(async () => {
  await removeTempDir(root);
});
inputs("should give one read-only view per parent, by index and by step name", async () => {
  const given = makeInputs(await parents(), fx.store);
  assert.is(given.length, 2);
  assert.is(given[0].differs, "from a");
  assert.is(given.b.differs, "from b");
  assert.is(String(given.a), "Input(a)");
  assert.throws(
    () => {
      (given[0] as any).same = "x";
    },
    (e: unknown) => e instanceof StepError && /inputs are read-only/.test((e as Error).message),
  );
});
inputs.run();

const merge = suite("mergeInputs");
merge.before.each(async () => {
  root = await makeTempDir();
  fx = runtimeFixture(root, JoinFlow);
});
merge.after.each(async () => {
  await removeTempDir(root);
});
merge("should set nothing at all when some artifact conflicts", async () => {
  const target = instance();
  const given = makeInputs(await parents(), fx.store);
  let err: unknown;
  try {
    mergeInputs(target, "join", given, new Set(), {});
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof MergeConflictError);
  assert.equal((err as MergeConflictError).artifacts, ["differs"]);
  assert.equal(values(target), {}, "not even the artifacts that agree");
});
merge("should merge what agrees, skip what the join set, and take an artifact of one input", async () => {
  const target = instance();
  (target.flow as JoinFlow).differs = "mine";
  mergeInputs(target, "join", makeInputs(await parents(), fx.store), new Set(), {});
  assert.equal(values(target), { same: "s", differs: "mine", onlyA: 1 });
});
merge("should refuse include with exclude, and an included name no input carries, setting nothing", async () => {
  const target = instance();
  const given = makeInputs(await parents(), fx.store);
  assert.throws(() => mergeInputs(target, "join", given, new Set(), { include: ["same"], exclude: ["differs"] }), /mutually exclusive/);
  assert.throws(
    () => mergeInputs(target, "join", given, new Set(), { include: ["same", "nope"] }),
    (e: unknown) => e instanceof MergeMissingError && (e as MergeMissingError).artifacts.join() === "nope",
  );
  assert.equal(values(target), {});
  mergeInputs(target, "join", given, new Set(), { include: ["same"] });
  assert.equal(values(target), { same: "s" });
});
merge.run();
