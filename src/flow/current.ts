/**
 * `current` describes the task that is running: inside a step it tells the flow, run, step and
 * task, who launched the run and in which identity namespace. Outside a flow every field is
 * undefined (or false). It follows async context, so concurrent in-process tasks each see their own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RunPinsRecord } from "../store/records.js";

/** What `current` reports inside a task. */
export interface TaskInfo {
  flowName: string;
  runId: string;
  stepName: string;
  taskId: string;
  username: string;
  /** The launcher's identity namespace: `user:<name>` or `production:<token>`. */
  namespace: string;
  /** The run's user tags. */
  tags: readonly string[];
  retryCount: number;
  originRunId: string | null;
  isProduction: boolean;
  parameterNames: readonly string[];
  /** Where the client notes what the task reads from other runs (lineage), when the runtime records it. */
  reads?: TaskReadSink;
  /**
   * The pins the run was launched with (undefined: none), read when first asked; the client's
   * `latestSuccessfulRun` follows them inside the task unless the process chose its own with `usePins`.
   */
  pins?: () => Promise<RunPinsRecord | undefined>;
}

/** Receives each artifact a task reads through the client, with the namespace it was read in. */
export interface TaskReadSink {
  record(pathspec: string, namespace: string | null): void;
}

const STORE = Symbol.for("tsflow.current.store");
type Holder = { [STORE]?: AsyncLocalStorage<TaskInfo> };
// One store per process, shared by every copy of the library (a kernel may load two).
const store: AsyncLocalStorage<TaskInfo> = ((globalThis as Holder)[STORE] ??= new AsyncLocalStorage<TaskInfo>());

/** Runs `fn` with `current` describing `info` (used by the runtime). */
export function runWithTask<T>(info: TaskInfo, fn: () => T): T {
  return store.run(info, fn);
}

/** The task running in this async context, if any. */
export function currentTask(): TaskInfo | undefined {
  return store.getStore();
}

/** The read-only view of the running task that steps use. */
export interface Current {
  readonly flowName: string | undefined;
  readonly runId: string | undefined;
  readonly stepName: string | undefined;
  readonly taskId: string | undefined;
  /** `Flow/RunId/Step/TaskId`. */
  readonly pathspec: string | undefined;
  readonly username: string | undefined;
  readonly namespace: string | undefined;
  readonly tags: readonly string[] | undefined;
  readonly retryCount: number | undefined;
  readonly originRunId: string | null | undefined;
  readonly parameterNames: readonly string[] | undefined;
  readonly isProduction: boolean;
  readonly isRunningFlow: boolean;
}

/**
 * `current` is the running task's context: which flow, run, step and task is running, for whom and
 * in which namespace; outside a step its fields are undefined and `isRunningFlow` is false.
 * @example
 * import assert from "node:assert/strict";
 * import { FlowSpec, step, current, runFlow } from "tsflow";
 *
 * class WhoFlow extends FlowSpec {
 *   ranBy?: string;
 *   @step start() {
 *     this.ranBy = `${current.username} in ${current.pathspec}`;
 *     this.next(this.end);
 *   }
 *   @step end() {}
 * }
 * const run = await runFlow(WhoFlow, { onEvent: () => {} });
 * assert.equal(await run.data.ranBy, `${run.user} in ${run.pathspec}/start/1`);
 * assert.equal(current.isRunningFlow, false);
 * console.log(await run.data.ranBy); // alice in WhoFlow/1796.../start/1
 */
export const current: Current = Object.freeze({
  get flowName() {
    return currentTask()?.flowName;
  },
  get runId() {
    return currentTask()?.runId;
  },
  get stepName() {
    return currentTask()?.stepName;
  },
  get taskId() {
    return currentTask()?.taskId;
  },
  get pathspec() {
    const t = currentTask();
    return t && `${t.flowName}/${t.runId}/${t.stepName}/${t.taskId}`;
  },
  get username() {
    return currentTask()?.username;
  },
  get namespace() {
    return currentTask()?.namespace;
  },
  get tags() {
    return currentTask()?.tags;
  },
  get retryCount() {
    return currentTask()?.retryCount;
  },
  get originRunId() {
    return currentTask()?.originRunId;
  },
  get parameterNames() {
    return currentTask()?.parameterNames;
  },
  get isProduction() {
    return currentTask()?.isProduction ?? false;
  },
  get isRunningFlow() {
    return currentTask() !== undefined;
  },
});
