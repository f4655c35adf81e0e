/**
 * The entry point of a worker process: runs the task attempts the runtime sends, one at a time,
 * reporting output and outcomes over IPC. Each task names its code and root; the process loads each
 * flow once and keeps it, so one process serves every run of every flow it is sent (a local pool
 * names its flow up front, and the process loads it before it reports ready).
 */
import { buildGraph } from "../flow/graph.js";
import { openDatastore } from "../store/root.js";
import { createArtifactStore } from "./datastore-artifacts.js";
import { loadFlowFile } from "./load-flow-file.js";
import { runTask, type TaskContext } from "./task-runner.js";
import type { TaskSpec } from "./task-spec.js";
import { WORKER_CONFIG_ENV, type FromWorker, type TaskCode, type ToWorker, type WorkerConfig } from "./worker-protocol.js";

/**
 * Flows a process keeps loaded (`TSFLOW_WORKER_MAX_FLOWS`): a module, once imported, stays in
 * memory, so a process that loads one more retires after that task and the pool starts a fresh one.
 */
const MAX_LOADED = Math.max(1, Number(process.env.TSFLOW_WORKER_MAX_FLOWS) || 16);

// The runtime may go away first (a usage error before the first task): then there is no one to tell.
const send = (message: FromWorker, then?: () => void) => {
  if (process.connected) process.send?.(message, undefined, {}, () => then?.());
  else then?.();
};

// Not a literal, so the bundler leaves it to Node: the package's own name resolves to its entry.
const LIBRARY: string = "tsflow";

const contexts = new Map<string, Promise<TaskContext>>();

function contextFor(code: TaskCode): Promise<TaskContext> {
  const key = `${code.flowFile}\0${code.className ?? ""}\0${code.datastoreRoot}`;
  let context = contexts.get(key);
  if (!context) {
    context = load(code);
    contexts.set(key, context);
    context.catch(() => contexts.delete(key));
  }
  return context;
}

async function load(code: TaskCode): Promise<TaskContext> {
  // Opened first: an S3 root starts loading its client while the flow file compiles.
  const datastore = openDatastore(code.datastoreRoot);
  const loaded = await loadFlowFile(code.flowFile, code.className);
  return {
    datastore,
    store: createArtifactStore(datastore),
    flowClass: loaded.flowClass,
    graph: buildGraph(loaded.flowClass, loaded.docs),
    onOutput: (_spec, stream, text) => send({ type: "output", stream, text }),
  };
}

/**
 * Each task starts as a fresh process would for its launcher: the client reads the task's root in
 * the launcher's identity (a production run's in `production:<token>`). The client itself keeps a
 * namespace a task sets to that task.
 */
function enterTask(spec: TaskSpec, code: TaskCode): void {
  process.env.TSFLOW_DATASTORE_ROOT = code.datastoreRoot;
  process.env.TSFLOW_USER = spec.username;
  process.env.TSFLOW_PRODUCTION_TOKEN = spec.identity.startsWith("production:") ? spec.identity.slice("production:".length) : "";
}

async function runOne(message: ToWorker): Promise<void> {
  let context: TaskContext;
  try {
    context = await contextFor(message.code);
  } catch (err) {
    return send({ type: "load-failed", message: (err as Error).message });
  }
  enterTask(message.spec, message.code);
  const outcome = await runTask(message.spec, context);
  const retire = contexts.size > MAX_LOADED;
  send({ type: "done", outcome, ...(retire ? { retire } : {}) }, retire ? () => process.exit(0) : undefined);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? "{}") as WorkerConfig;
  const { flowFile, className, datastoreRoot } = config;
  if (flowFile && datastoreRoot) {
    try {
      await contextFor({ flowFile, datastoreRoot, ...(className ? { className } : {}) });
    } catch (err) {
      send({ type: "load-failed", message: (err as Error).message });
      process.exit(3);
    }
  } else {
    // A generic process loads the library that every code package imports (`tsflow`, the same
    // file by its resolved path) before it is needed: a new package then costs only its own code.
    await import(LIBRARY).catch(() => undefined);
  }
  process.on("message", (message: ToWorker) => {
    if (message.type === "run") void runOne(message);
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}

void main();
