/** A real datastore, artifact store and graph for unit tests of the runtime (src/runtime/). */
import { buildGraph, type FlowClass, type FlowGraph } from "../../src/flow/graph.js";
import type { ArtifactStore } from "../../src/runtime/artifact-store.js";
import { createArtifactStore } from "../../src/runtime/datastore-artifacts.js";
import type { TaskContext } from "../../src/runtime/task-runner.js";
import type { TaskSpec } from "../../src/runtime/task-spec.js";
import type { Datastore } from "../../src/store/datastore.js";
import { openDatastore } from "../../src/store/root.js";

/** What a runtime unit test works with, over a temporary root. */
export interface RuntimeFixture {
  ds: Datastore;
  store: ArtifactStore;
  graph: FlowGraph;
  ctx: TaskContext;
}

/** Opens a datastore at `root` and reads the graph of `flowClass`. */
export function runtimeFixture(root: string, flowClass: FlowClass): RuntimeFixture {
  const ds = openDatastore(root, { create: true });
  const store = createArtifactStore(ds);
  const graph = buildGraph(flowClass);
  return { ds, store, graph, ctx: { datastore: ds, store, flowClass, graph } };
}

/** A task spec for `step` of run `runId` (task 1, attempt 0, no parents) with `over` applied. */
export function taskSpec(graph: FlowGraph, step: string, over: Partial<TaskSpec> = {}): TaskSpec {
  return {
    flow: graph.flow,
    runId: "1",
    step,
    taskId: "1",
    attempt: 0,
    lastAttempt: true,
    parents: [],
    foreachStack: [],
    foreachSources: [],
    lost: [],
    parameters: {},
    username: "alice",
    identity: "user:alice",
    userTags: [],
    originRunId: null,
    ...over,
  };
}
