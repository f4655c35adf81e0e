/**
 * `runFlow` runs a flow class defined in code (a notebook cell, a script) in this process, with no
 * file, or with `executor` on remote workers, and returns the finished `Run` — Metaflow's
 * `NBRunner(...).nbrun()`. The datastore output is the same as `tsflow run` writes.
 */
import { buildGraph, type FlowClass } from "../flow/graph.js";
import { createArtifactStore } from "../runtime/datastore-artifacts.js";
import { launchRun } from "../runtime/launch.js";
import type { RunEvent } from "../runtime/run-events.js";
import { writeUncaptured } from "../runtime/output-capture.js";
import { openDatastore } from "../store/root.js";
import { getDatastoreRoot, type Run } from "../client/index.js";
import { readRunUnchecked } from "../client/run.js";
import { pinsForLaunch } from "../client/pins.js";
import { ExecutorError, RunFailedError } from "../util/errors.js";
import type { TaskExecutor } from "../runtime/executor.js";
import type { Datastore } from "../store/datastore.js";
import { createRemoteExecutor, parseExecutor } from "../runtime/remote/executor-choice.js";
import type { FlowCode } from "../runtime/remote/code-package.js";

/** Options of `runFlow`. */
export interface RunFlowOptions {
  /** Parameter values by name or field (strings are parsed as on the command line). @default {} */
  params?: Record<string, unknown>;
  /** User tags of the run. @default [] */
  tags?: string[];
  /** Tasks in flight at once; in-process, async steps overlap. @default 4 in this process; a remote executor's capacity */
  maxWorkers?: number;
  /** Receives every event of the run. @default prints each task's output as `[step/task] line` */
  onEvent?: (event: RunEvent) => void;
  /** Aborting stops the run: it is recorded as failed, and can be resumed. */
  signal?: AbortSignal;
  /** Reject with `RunFailedError` when the run fails. @default true */
  throwOnFailure?: boolean;
  /** Resume from this run (and step) of the same flow. */
  resume?: { originRunId: string; step?: string };
  /**
   * The pins the run's tasks follow, wherever they run: a pin file's (a path), or none (`null`). They
   * are read once, at launch, and recorded with the run (`run.launchPins()`).
   * @default the pins in force here (the active pin file, `usePins`/`%pin`); a resumed run keeps its origin's
   */
  pins?: string | null;
  /**
   * Where tasks run, as `tsflow run --executor` says: `local` (this process), `redis://host:6379/0`
   * (queue workers) or `slurm[:partition]`. A remote executor needs a root every worker reaches
   * (`s3://...`, or a shared folder with `TSFLOW_SHARED_ROOT=1`) and the flow's `code`.
   * @default "local"
   */
  executor?: string;
  /**
   * More sbatch options for `executor: "slurm"`, passed through as given, as `tsflow run --slurm-option`
   * does: `["--account=lab", "--time=01:00:00"]`. Refused with another executor.
   * @default []
   */
  slurmOptions?: readonly string[];
  /**
   * The code remote workers run: the flow's file, or the source of a module exporting the class.
   * In a tsflow notebook the kernel fills it in from the cells that define the flow.
   */
  code?: FlowCode;
}

/**
 * Runs a flow class to the end (in this process, or on the workers `executor` names) and returns its
 * `Run` (readable whatever the current namespace, like Metaflow's runner result).
 * @example
 * import { runFlow } from "tsflow";
 * import { TeamCollabFlow } from "./examples/team-collab.js";
 *
 * const run = await runFlow(TeamCollabFlow, { tags: ["notebook"] });
 * const choice: number | undefined = await run.data.choice; // typed from the class
 * console.log(run.successful, choice);
 * @throws RunFailedError when the run fails (unless `throwOnFailure: false`), GraphError,
 * ParameterError, TaggingError, PinFileError or PinError (a bad pin file) before anything runs; with a remote `executor`, ExecutorError (an
 * unknown executor, a root workers cannot reach, no `code`) or FlowFileError (code that cannot be bundled).
 */
export async function runFlow<F extends FlowClass>(flowClass: F, options: RunFlowOptions = {}): Promise<Run<F>> {
  const datastore = openDatastore(getDatastoreRoot(), { create: true });
  const keepOrigin = options.resume !== undefined && options.pins === undefined;
  const pins = await pinsForLaunch(keepOrigin ? null : options.pins);
  const remote = await remoteExecutor(flowClass, datastore, options);
  const result = await launchRun({
    flowClass,
    datastore,
    store: createArtifactStore(datastore),
    params: options.params ?? {},
    tags: options.tags ?? [],
    onEvent: options.onEvent ?? printOutput(),
    ...(remote ? { createExecutor: () => remote } : {}),
    ...(options.maxWorkers || !remote ? { maxWorkers: options.maxWorkers ?? 4 } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(keepOrigin ? {} : { pins: pins ?? null }),
  }).finally(() => remote?.close());
  const pathspec = `${result.flow}/${result.runId}`;
  if (!result.success && options.throwOnFailure !== false) {
    // The reason is often a step's own message, ending with its own full stop.
    throw new RunFailedError(
      pathspec,
      `Run ${pathspec} failed: ${result.reason?.replace(/\.$/, "")}. Fix the step, then resume it with runFlow(${result.flow}, { resume: { originRunId: "${result.runId}" } }).`,
    );
  }
  return readRunUnchecked<F>(pathspec);
}

// The executor `options.executor` names, with the code packaged; undefined to run in this process.
async function remoteExecutor(flowClass: FlowClass, datastore: Datastore, options: RunFlowOptions): Promise<TaskExecutor | undefined> {
  const choice = parseExecutor(options.executor, options.slurmOptions ? { slurmOptions: options.slurmOptions } : {});
  if (choice.kind === "local") return undefined;
  buildGraph(flowClass); // a flow that cannot run is refused before its code is packaged and a queue reached
  if (!options.code)
    throw new ExecutorError(
      `runFlow(${flowClass.name}, { executor: "${options.executor}" }) needs the flow's code for the workers: pass code: { file: "<the file that exports ${flowClass.name}>" } (in a tsflow notebook the kernel fills it in from the cells that define the flow).`,
    );
  return createRemoteExecutor(choice, { datastore, code: options.code, className: flowClass.name, notice: (m) => process.stderr.write(`${m}\n`) });
}

function printOutput(): (event: RunEvent) => void {
  const partial = new Map<string, string>();
  return (event) => {
    if (event.type === "task-finished" && event.success === false) writeUncaptured("stderr", `[${event.step}/${event.taskId}] failed: ${event.message}\n`);
    if (event.type !== "task-output") return;
    const key = `${event.step}/${event.taskId}/${event.stream}`;
    const lines = ((partial.get(key) ?? "") + event.text).split("\n");
    partial.set(key, lines.pop()!);
    for (const line of lines) writeUncaptured(event.stream, `[${event.step}/${event.taskId}] ${line}\n`);
  };
}
