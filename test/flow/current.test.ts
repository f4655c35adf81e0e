import { suite } from "uvu";
import * as assert from "uvu/assert";
import { current } from "../../src/flow/current.js";
import { runWithTask } from "../../src/flow/current.js";

const cur = suite("current");
cur("should be empty outside a flow", () => {
  assert.is(current.flowName, undefined);
  assert.is(current.namespace, undefined);
  assert.is(current.pathspec, undefined);
  assert.is(current.isRunningFlow, false);
  assert.is(current.isProduction, false);
});
cur("should describe the task whose async context is running, concurrently", async () => {
  const info = (step: string, ns: string) => ({
    flowName: "F",
    runId: "1",
    stepName: step,
    taskId: step === "a" ? "2" : "3",
    username: "alice",
    namespace: ns,
    tags: ["t"],
    retryCount: 0,
    originRunId: null,
    isProduction: ns.startsWith("production:"),
    parameterNames: [],
  });
  const seen: string[] = [];
  const task = (step: string, ns: string, ms: number) =>
    runWithTask(info(step, ns), async () => {
      await new Promise((r) => setTimeout(r, ms));
      seen.push(`${current.pathspec} ${current.namespace} ${current.isProduction}`);
    });
  await Promise.all([task("a", "user:alice", 20), task("b", "production:tok", 5)]);
  assert.equal(seen, ["F/1/b/3 production:tok true", "F/1/a/2 user:alice false"]);
  assert.is(current.isRunningFlow, false);
});
cur.run();
