/**
 * A `TaskExecutor` runs task attempts for the scheduler. The in-process executor (flows defined in
 * a notebook cell) and the worker-process pool (flows from a file) write identical datastore output;
 * a remote executor (a queue, a cluster) implements the same interface: specs are plain JSON and
 * tasks read and write the shared datastore.
 */
import type { TaskOutcome, TaskSpec } from "./task-spec.js";
import type { ResourcesOptions } from "../flow/step.js";
import { runTask, type TaskContext } from "./task-runner.js";

/** Hooks an executor calls while a task runs. */
export interface TaskHooks {
  /** Output of the task, live, with the pid of the process that runs it. */
  onOutput(stream: "stdout" | "stderr", text: string, pid: number): void;
  /** The attempt's time limit (`@timeout`), which out-of-process executors enforce by killing. */
  timeoutMs?: number;
  /** What the step asked for with `@resources` (executors that place tasks by resources use it). */
  resources?: ResourcesOptions;
}

/** Runs task attempts. */
export interface TaskExecutor {
  /** A short name for logs: `in-process`, `workers`, ... */
  readonly kind: string;
  /** How many tasks it can usefully run at once. */
  readonly capacity: number;
  /** Runs one attempt; resolves with its outcome (a failure of the step is an outcome, not a rejection). */
  run(spec: TaskSpec, hooks: TaskHooks): Promise<TaskOutcome>;
  /** Releases processes and other resources. */
  close(): Promise<void>;
}

/** Runs tasks in this process, concurrently up to `capacity` (async steps overlap; CPU-bound ones don't). */
export class InProcessExecutor implements TaskExecutor {
  readonly kind = "in-process";

  constructor(
    private readonly context: Omit<TaskContext, "onOutput">,
    readonly capacity = 1,
  ) {}

  run(spec: TaskSpec, hooks: TaskHooks): Promise<TaskOutcome> {
    return runTask(spec, { ...this.context, onOutput: (_s, stream, text) => hooks.onOutput(stream, text, process.pid) });
  }

  async close(): Promise<void> {}
}
