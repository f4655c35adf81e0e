/**
 * Runs a flow file the way `tsflow run` does: tasks in worker processes, the run's log printed
 * as Metaflow-style lines, and the outcome returned.
 */
import { buildGraph } from "../flow/graph.js";
import { createArtifactStore } from "../runtime/datastore-artifacts.js";
import { launchRun } from "../runtime/launch.js";
import type { LoadedFlow } from "../runtime/load-flow-file.js";
import { RunLogFormatter } from "../runtime/log-format.js";
import type { RunEvent } from "../runtime/run-events.js";
import type { RunResult } from "../runtime/scheduler.js";
import { WorkerPoolExecutor } from "../runtime/worker-pool.js";
import type { Datastore } from "../store/datastore.js";
import type { RunPinsRecord } from "../store/records.js";
import { writeUncaptured } from "../runtime/output-capture.js";
import { type ExecutorChoice, createRemoteExecutor } from "../runtime/remote/executor-choice.js";

/** Options of `runFlowFile`. */
export interface RunFlowFileOptions {
  datastore: Datastore;
  params?: Record<string, unknown>;
  tags?: string[];
  /** @default the number of CPUs */
  maxWorkers?: number;
  productionToken?: string;
  resume?: { originRunId: string; step?: string };
  /** The pins the run's tasks follow (`null`: none). @default none; a resumed run keeps its origin's */
  pins?: RunPinsRecord | null;
  /** Receives every event; the default prints the log. */
  onEvent?: (event: RunEvent) => void;
  /** Where tasks run: the local pool (default), a Redis queue, Slurm (`--executor`). */
  executor?: ExecutorChoice;
}

/** Runs a loaded flow file to the end. */
export async function runFlowFile(loaded: LoadedFlow, o: RunFlowFileOptions): Promise<RunResult> {
  if (o.executor && o.executor.kind !== "local") return runRemote(loaded, o, o.executor);
  const pool = new WorkerPoolExecutor({
    flowFile: loaded.file,
    className: loaded.flowClass.name,
    datastore: o.datastore,
    ...(o.maxWorkers ? { size: o.maxWorkers } : {}),
    ...(o.productionToken ? { productionToken: o.productionToken } : {}),
  });
  buildGraph(loaded.flowClass, loaded.docs);
  pool.warm();
  return launchRun({
    flowClass: loaded.flowClass,
    datastore: o.datastore,
    store: createArtifactStore(o.datastore),
    params: o.params ?? {},
    tags: o.tags ?? [],
    maxWorkers: pool.capacity,
    createExecutor: () => pool,
    flowFile: loaded.file,
    docs: loaded.docs,
    onEvent: o.onEvent ?? printEvents(),
    ...(o.productionToken ? { productionToken: o.productionToken } : {}),
    ...(o.resume ? { resume: o.resume } : {}),
    ...(o.pins !== undefined ? { pins: o.pins } : {}),
  }).catch(async (err) => {
    await pool.close();
    throw err;
  });
}

// A remote run: the code is packaged into the datastore, tasks go to the executor; Ctrl-C stops the
// run and cancels (or dequeues) its tasks instead of leaving them to run for nobody.
async function runRemote(loaded: LoadedFlow, o: RunFlowFileOptions, choice: Exclude<ExecutorChoice, { kind: "local" }>): Promise<RunResult> {
  buildGraph(loaded.flowClass, loaded.docs);
  const executor = await createRemoteExecutor(choice, {
    datastore: o.datastore,
    code: { file: loaded.file },
    className: loaded.flowClass.name,
    notice: (m) => writeUncaptured("stderr", `${m}\n`),
  });
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    return await launchRun({
      flowClass: loaded.flowClass,
      datastore: o.datastore,
      store: createArtifactStore(o.datastore),
      params: o.params ?? {},
      tags: o.tags ?? [],
      ...(o.maxWorkers ? { maxWorkers: o.maxWorkers } : {}),
      createExecutor: () => executor,
      flowFile: loaded.file,
      docs: loaded.docs,
      onEvent: o.onEvent ?? printEvents(),
      signal: interrupt.signal,
      ...(o.productionToken ? { productionToken: o.productionToken } : {}),
      ...(o.resume ? { resume: o.resume } : {}),
      ...(o.pins !== undefined ? { pins: o.pins } : {}),
    });
  } finally {
    process.off("SIGINT", onSigint);
    await executor.close();
  }
}

/** An event listener that prints the run's log to stdout/stderr. */
export function printEvents(): (event: RunEvent) => void {
  const formatter = new RunLogFormatter();
  return (event) => {
    for (const { stream, line } of formatter.lines(event)) writeUncaptured(stream, `${line}\n`);
  };
}
