/** Events a run reports while it executes: the CLI prints them as log lines, the kernel as progress. */

/** A run began. */
export interface RunStartedEvent {
  type: "run-started";
  flow: string;
  runId: string;
  identity: string;
}
/** A task attempt began or finished (`success` set when finished); `cloned` for resume. */
export interface TaskEvent {
  type: "task-started" | "task-finished";
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  attempt: number;
  pid?: number;
  success?: boolean;
  cloned?: boolean;
  message?: string;
  foreachCount?: number;
  /** Where a remote attempt ran (finished events of remote executors). */
  host?: string;
}
/** Output a task printed (`text` may hold several lines). */
export interface TaskOutputEvent {
  type: "task-output";
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  pid: number;
  stream: "stdout" | "stderr";
  text: string;
}
/** The run ended. */
export interface RunFinishedEvent {
  type: "run-finished";
  flow: string;
  runId: string;
  success: boolean;
  reason?: string;
}

/** Anything a run reports. */
export type RunEvent = RunStartedEvent | TaskEvent | TaskOutputEvent | RunFinishedEvent;
