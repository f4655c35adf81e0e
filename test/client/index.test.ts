/**
 * The public entry of the client, and the seed scenario of issue 3 played as written: two users
 * (alice, teammate) run TeamCollabFlow with the real runtime on one root, then read each other's runs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as client from "../../src/client/index.js";
import { Flow, Run, namespace, getNamespace, defaultNamespace, NamespaceMismatchError, listFlows, listNamespaces } from "../../src/client/index.js";
import { installBackend } from "../../src/client/backend.js";
import { clientState } from "../../src/client/state.js";
import { launchRun } from "../../src/runtime/launch.js";
import { createArtifactStore } from "../../src/runtime/datastore-artifacts.js";
import { TeamCollabFlow } from "../../examples/team-collab.js";
import { rejects } from "../_helpers/assert-rejects.js";
import { useFixture, type FixtureContext } from "../_helpers/client-fixtures.js";

const entry = suite("client entry");
entry("should export the client API by name", () => {
  const expected = [
    "Flow",
    "Run",
    "Step",
    "Task",
    "DataArtifact",
    "namespace",
    "getNamespace",
    "defaultNamespace",
    "useDatastore",
    "getDatastoreRoot",
    "closeClient",
    "listFlows",
    "listRuns",
    "listNamespaces",
    "querySql",
    "NotFoundError",
    "NamespaceMismatchError",
    "InvalidPathspecError",
    "TaggingError",
    "UnknownUserError",
    "ClientObject",
    "FlowObject",
    "RunObject",
    "StepObject",
    "TaskObject",
    "DataArtifactObject",
    "FlowPromise",
    "MODEL",
    "MAX_ATTEMPTS",
  ];
  for (const name of expected) assert.ok(name in client, `missing export ${name}`);
});
entry.run();

const layout = suite("client modules");
layout("should import one way: no module of src/client reaches itself through its imports", () => {
  const dir = new URL("../../src/client/", import.meta.url);
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = readFileSync(new URL(file, dir), "utf8");
    // Type-only imports count too: a cycle of types is still a cycle to read.
    graph.set(
      file,
      [...source.matchAll(/from\s+"\.\/([^"]+)\.js"/g)].map((m) => `${m[1]}.ts`),
    );
  }
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (path.includes(file)) return void cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
  };
  for (const file of graph.keys()) visit(file, []);
  assert.equal(cycles, []);
});
layout.run();

const seed = suite<FixtureContext>("seed scenario");
useFixture(seed);

async function runAs(fx: FixtureContext["fx"], user: string) {
  const saved = process.env.TSFLOW_USER;
  process.env.TSFLOW_USER = user;
  try {
    const result = await launchRun({ flowClass: TeamCollabFlow, datastore: fx.ds, store: createArtifactStore(fx.ds) });
    assert.ok(result.success, `run as ${user} failed: ${result.reason}`);
    return result.runId;
  } finally {
    process.env.TSFLOW_USER = saved;
  }
}

seed("should play the seed scenario with two users on one root", async ({ fx }) => {
  // The real object store, as a user gets without any setup.
  installBackend(fx.root, { datastore: fx.ds });
  const aliceRun = await runAs(fx, "alice");
  const teammateRun = await runAs(fx, "teammate");
  process.env.TSFLOW_USER = "alice";
  clientState().namespace = undefined;

  // your own namespace (the default, user:<you>)
  const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.ok(run instanceof Run);
  const runId = run!.id;
  const choice = await run!.data.choice;
  assert.is(runId, aliceRun);
  assert.ok([1, 2, 3, 4, 5].includes(choice as number));
  assert.is(getNamespace(), "user:alice");

  // a teammate who has not switched namespace
  namespace("user:my-teammate");
  let message = "";
  try {
    await Flow("TeamCollabFlow").latestSuccessfulRun;
  } catch (m) {
    if (m instanceof NamespaceMismatchError) message = m.message;
  }
  assert.is(message, "Object not in namespace 'user:my-teammate'");
  namespace(defaultNamespace());
  assert.is(getNamespace(), "user:alice");

  // the teammate's own namespace
  namespace("user:teammate");
  const theirs = await Flow("TeamCollabFlow").latestSuccessfulRun;
  assert.is(theirs?.id, teammateRun);
  await rejects(Run(`TeamCollabFlow/${aliceRun}`), NamespaceMismatchError, "Object not in namespace 'user:teammate'");

  // global namespace: any run by pathspec, whoever ran it
  namespace(null);
  const same = await Run(`TeamCollabFlow/${runId}`);
  assert.is(await same.data.choice, choice);
  const ids: string[] = [];
  for await (const r of await Flow("TeamCollabFlow")) ids.push(r.id);
  assert.equal(ids, [teammateRun, aliceRun]);
  assert.equal((await listFlows()).map(String), ["Flow('TeamCollabFlow')"]);
  const counts = Object.fromEntries((await listNamespaces()).map((n) => [n.namespace, n.runs]));
  assert.is(counts["user:alice"], 1);
  assert.is(counts["user:teammate"], 1);

  // what the runtime stored reads back through the object model
  const end = (await same.endTask)!;
  assert.match(await end.stdout, /Random choice was \d/);
  const start = (await (await same.get("start")).task)!;
  assert.match(await start.stdout, /current.namespace: user:alice/);
  assert.equal((await end.parentTasks).map(String), [String(start)]);
  assert.ok(same.systemTags.includes("user:alice") && same.systemTags.includes("runtime:node"));
});
seed.run();
