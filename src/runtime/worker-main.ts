/**
 * The entry point of a worker process: loads the flow file once, then runs the task attempts the
 * runtime sends, one at a time, reporting output and outcomes over IPC.
 */
import { buildGraph } from "../flow/graph.js";
import { openDatastore } from "../store/root.js";
import { createArtifactStore } from "./datastore-artifacts.js";
import { loadFlowFile } from "./load-flow-file.js";
import { runTask, type TaskContext } from "./task-runner.js";
import { WORKER_CONFIG_ENV, type FromWorker, type ToWorker, type WorkerConfig } from "./worker-protocol.js";

// The runtime may go away first (a usage error before the first task): then there is no one to tell.
const send = (message: FromWorker) => {
  if (process.connected) process.send?.(message, undefined, {}, () => {});
};

async function main(): Promise<void> {
  const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? "{}") as WorkerConfig;
  let context: TaskContext;
  try {
    // Opened first: an S3 root starts loading its client while the flow file compiles.
    const datastore = openDatastore(config.datastoreRoot);
    const loaded = await loadFlowFile(config.flowFile, config.className);
    context = { datastore, store: createArtifactStore(datastore), flowClass: loaded.flowClass, graph: buildGraph(loaded.flowClass, loaded.docs) };
  } catch (err) {
    send({ type: "load-failed", message: (err as Error).message });
    process.exit(3);
  }
  context.onOutput = (_spec, stream, text) => send({ type: "output", stream, text });
  process.on("message", (message: ToWorker) => {
    if (message.type === "run") void runTask(message.spec, context).then((outcome) => send({ type: "done", outcome }));
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}

void main();
