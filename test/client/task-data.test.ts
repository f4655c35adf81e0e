import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import { createRunData, createTaskData } from "../../src/client/task-data.js";
import { NotFoundError, UsageError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";

function source(values: Record<string, unknown>) {
  const loads: string[] = [];
  return {
    loads,
    src: {
      owner: "Task('F/1/end/2')",
      names: Object.keys(values),
      load: async (n: string) => {
        loads.push(n);
        return values[n];
      },
    },
  };
}

const taskData = suite("createTaskData");
taskData("should load each artifact when awaited, once", async () => {
  const { loads, src } = source({ a: 1, b: 2, _hidden: 3 });
  const data = createTaskData(src);
  const pending = data.a;
  assert.equal(loads, []);
  assert.is(await pending, 1);
  assert.is(await data.a, 1);
  assert.equal(loads, ["a"]);
});
taskData("should list visible names without I/O and hide internal ones", () => {
  const { loads, src } = source({ b: 2, a: 1, _hidden: 3 });
  const data = createTaskData(src);
  assert.equal(Object.keys(data), ["a", "b"]);
  assert.ok("a" in data);
  assert.not.ok("_hidden" in data);
  assert.not.ok("zzz" in data);
  assert.is(inspect(data), "<TaskData: a, b>");
  assert.is(String(data), "<TaskData: a, b>");
  assert.equal(loads, []);
});
taskData("should reject a missing or hidden artifact naming the ones that exist", async () => {
  const data = createTaskData(source({ a: 1, _hidden: 3 }).src);
  await rejects(data.nope!, NotFoundError, "Artifact 'nope' does not exist in Task('F/1/end/2'); it has: a");
  await rejects(data._hidden!, NotFoundError, "Artifact '_hidden' does not exist");
});
taskData("should not be thenable and not leak a rejection when a property is only touched", async () => {
  const data = createTaskData(source({ a: 1 }).src);
  assert.is((data as Record<string, unknown>).then, undefined);
  void data.missing; // never awaited: must not become an unhandled rejection
  assert.is(await Promise.resolve(data), data);
});
taskData("should be read-only", () => {
  const data = createTaskData(source({ a: 1 }).src) as Record<string, unknown>;
  assert.throws(() => {
    data.a = 2;
  });
});
taskData.run();

const runData = suite("createRunData");
runData("should resolve to the task data and answer artifacts directly", async () => {
  const data = createTaskData(source({ choice: 5 }).src);
  const rd = createRunData("Run('F/1')", async () => data);
  assert.is(await rd.choice, 5);
  assert.is(await rd, data);
});
runData("should resolve to null and reject artifact reads when there is no end task", async () => {
  const rd = createRunData("Run('F/1')", async () => null);
  assert.is(await rd, null);
  await rejects(rd.choice!, NotFoundError, "Run('F/1') has no end task (yet), so it has no data: artifact 'choice' cannot be read");
});
runData("should do no work until awaited", async () => {
  let calls = 0;
  const rd = createRunData("Run('F/1')", async () => {
    calls++;
    return null;
  });
  void rd.choice;
  await new Promise((r) => setTimeout(r, 5));
  assert.is(calls, 0);
  assert.ok(rd instanceof Promise);
});
runData.run();

const runDataIn = suite("createRunData in");
runDataIn("should refuse `in` with a UsageError saying how to ask", () => {
  const rd = createRunData("Run('F/1')", async () => null);
  assert.throws(
    () => "choice" in rd,
    (e: unknown) => e instanceof UsageError && /"choice" in \(await run.data\)/.test((e as Error).message),
  );
});
runDataIn.run();
