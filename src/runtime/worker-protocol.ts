/** Messages between the runtime and its worker processes (over Node's IPC channel). */
import type { TaskOutcome, TaskSpec } from "./task-spec.js";

/** Runtime to worker. */
export type ToWorker = { type: "run"; spec: TaskSpec };

/** Worker to runtime. */
export type FromWorker =
  | { type: "ready" }
  | { type: "load-failed"; message: string }
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "done"; outcome: TaskOutcome };

/** How a worker learns what to load (passed in its environment). */
export interface WorkerConfig {
  flowFile: string;
  /** The flow class; when absent, the file's only flow. */
  className?: string;
  datastoreRoot: string;
  /** Run the flow's code as this production deployment (`TSFLOW_PRODUCTION_TOKEN` of the worker). */
  productionToken?: string;
}

export const WORKER_CONFIG_ENV = "TSFLOW_WORKER_CONFIG";
