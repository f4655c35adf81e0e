/** Messages between the runtime and its worker processes (over Node's IPC channel). */
import type { TaskOutcome, TaskSpec } from "./task-spec.js";

/** The code a task runs and the root it runs on: a worker process loads each once and keeps it. */
export interface TaskCode {
  flowFile: string;
  /** The flow class; when absent, the file's only flow. */
  className?: string;
  datastoreRoot: string;
}

/** Runtime to worker. */
export type ToWorker = { type: "run"; spec: TaskSpec; code: TaskCode };

/** Worker to runtime. */
export type FromWorker =
  | { type: "ready" }
  | { type: "load-failed"; message: string }
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  /** `retire`: the process has loaded many code packages and exits now (modules cannot be unloaded). */
  | { type: "done"; outcome: TaskOutcome; retire?: boolean };

/**
 * How a worker process starts (passed in its environment): with a flow to load before it reports
 * ready (the local pool's, which knows its code), or with none (a generic process: every task names
 * its code, and the process loads each package the first time a task needs it).
 */
export interface WorkerConfig extends Partial<TaskCode> {
  /** Run the flow's code as this production deployment (`TSFLOW_PRODUCTION_TOKEN` of the worker). */
  productionToken?: string;
}

export const WORKER_CONFIG_ENV = "TSFLOW_WORKER_CONFIG";
