import { suite } from "uvu";
import * as assert from "uvu/assert";
import { defaultNamespace, getNamespace, namespace } from "../../src/client/namespace.js";
import { Flow, listFlows, Run } from "../../src/client/index.js";
import { clientState } from "../../src/client/state.js";
import { runWithTask, type TaskInfo } from "../../src/flow/current.js";
import { InvalidNameError, NamespaceMismatchError, UnknownUserError } from "../../src/util/errors.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { buildRun, useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const USER_VARS = ["TSFLOW_USER", "SUDO_USER", "USERNAME", "USER", "TSFLOW_PRODUCTION_TOKEN"] as const;

function withEnv<T>(env: Partial<Record<(typeof USER_VARS)[number], string>>, fn: () => T): T {
  const saved = Object.fromEntries(USER_VARS.map((k) => [k, process.env[k]]));
  for (const k of USER_VARS) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const k of USER_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

const ns = suite<FixtureContext>("namespace");
useFixture(ns);
ns("should set the namespace and return it", () => {
  assert.is(namespace("user:bob"), "user:bob");
  assert.is(getNamespace(), "user:bob");
});
ns("should accept null as the global namespace", () => {
  assert.is(namespace(null), null);
  assert.is(getNamespace(), null);
});
ns("should accept the empty string as a namespace nobody is in", async ({ fx }) => {
  const run = await buildRun(fx);
  assert.is(namespace(""), "");
  await rejects(Flow("TeamCollabFlow"), NamespaceMismatchError, "Object not in namespace ''");
  await rejects(Run(`TeamCollabFlow/${run.runId}`), NamespaceMismatchError, "Object not in namespace ''");
  assert.equal(await listFlows(), []);
});
ns("should reject what cannot be a namespace", () => {
  assert.throws(
    () => namespace(42 as unknown as string),
    (e: unknown) => e instanceof InvalidNameError,
  );
  assert.throws(
    () => namespace("x".repeat(501)),
    (e: unknown) => e instanceof InvalidNameError,
  );
});
ns("should let any tag be a namespace", async ({ fx }) => {
  const tagged = await buildRun(fx, { tags: ["exp1"] });
  await buildRun(fx);
  namespace("exp1");
  const flow = await Flow("TeamCollabFlow");
  const ids: string[] = [];
  for await (const run of flow) ids.push(run.id);
  assert.equal(ids, [tagged.runId]);
});
ns("should keep its state on globalThis so a second copy of the library shares it", () => {
  namespace("user:shared");
  const state = (globalThis as Record<symbol, { namespace: unknown }>)[Symbol.for("tsflow.client.state")];
  assert.is(state?.namespace, "user:shared");
  state!.namespace = "user:other-copy";
  assert.is(getNamespace(), "user:other-copy");
});
ns.run();

const get = suite<FixtureContext>("getNamespace");
useFixture(get);
get("should resolve the default lazily, on first use", () => {
  clientState().namespace = undefined;
  withEnv({ TSFLOW_USER: "late" }, () => assert.is(getNamespace(), "user:late"));
  assert.is(getNamespace(), "user:late"); // resolved once, then kept
});
get("should throw UnknownUserError when no user name can be found", () => {
  clientState().namespace = undefined;
  withEnv({ USER: "root" }, () =>
    assert.throws(
      () => getNamespace(),
      (e: unknown) => e instanceof UnknownUserError,
    ),
  );
});
get("should make lookups reject with UnknownUserError when no user name can be found", async () => {
  clientState().namespace = undefined;
  const pending = withEnv({}, () => [Flow("TeamCollabFlow"), Run("TeamCollabFlow/1")] as const);
  await rejects(pending[0], UnknownUserError);
  await rejects(pending[1], UnknownUserError);
});
get.run();

const def = suite<FixtureContext>("defaultNamespace");
useFixture(def);
def("should return user:<name> and make it current again", () => {
  namespace(null);
  withEnv({ TSFLOW_USER: "alice" }, () => assert.is(defaultNamespace(), "user:alice"));
  assert.is(getNamespace(), "user:alice");
});
def("should prefer production:<token> when a production token is set", () => {
  withEnv({ TSFLOW_USER: "alice", TSFLOW_PRODUCTION_TOKEN: "tok" }, () => assert.is(defaultNamespace(), "production:tok"));
  assert.is(getNamespace(), "production:tok");
});
def.run();

const production = suite<FixtureContext>("production namespace");
useFixture(production);
production("should keep production runs out of user namespaces and show them in production:<token>", async ({ fx }) => {
  const prod = await buildRun(fx, { production: "tok123", artifacts: { choice: 3 } });
  await rejects(Flow("TeamCollabFlow"), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  await rejects(Run(`TeamCollabFlow/${prod.runId}`), NamespaceMismatchError, "Object not in namespace 'user:alice'");
  namespace("production:tok123");
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(run?.id, prod.runId);
  assert.not.ok(run!.systemTags.some((t) => t.startsWith("user:")));
  withEnv({ TSFLOW_USER: "alice", TSFLOW_PRODUCTION_TOKEN: "tok123" }, () => defaultNamespace());
  assert.is((await Flow("TeamCollabFlow").latestRun)?.id, prod.runId);
});
production.run();

const inTask = suite("namespace inside a task");
const task = (namespace: string) =>
  ({
    flowName: "F",
    runId: "1",
    stepName: "s",
    taskId: "1",
    username: "alice",
    namespace,
    tags: [],
    retryCount: 0,
    originRunId: null,
    isProduction: namespace.startsWith("production:"),
    parameterNames: [],
  }) as TaskInfo;
inTask("should start each task in its run's namespace and keep a task's switch to that task", () => {
  withEnv({ TSFLOW_USER: "bob" }, () => {
    namespace("user:carol"); // the process's (a notebook user's) choice
    runWithTask(task("user:alice"), () => {
      assert.is(getNamespace(), "user:alice", "a task starts in its run's namespace, not the process's");
      assert.is(namespace("user:zed"), "user:zed");
      assert.is(getNamespace(), "user:zed");
      assert.is(defaultNamespace(), "user:alice", "the default inside a task is its run's identity, not the process user's");
      namespace(null);
    });
    runWithTask(task("production:tok"), () => assert.is(getNamespace(), "production:tok", "a later task in the same process starts afresh"));
    assert.is(getNamespace(), "user:carol", "the process's namespace is untouched by its tasks");
  });
});
inTask.run();
