/**
 * What a task needs to run, as plain JSON: the runtime sends it to an executor (in-process, a
 * worker process, or later a remote worker), and the task reads and writes the shared datastore.
 */
import type { ArtifactsRecord, ExceptionInfo, ForeachFrame } from "../store/records.js";

/** A finished attempt of a parent task. */
export interface TaskAddress {
  step: string;
  taskId: string;
  attempt: number;
}

/** Everything a task needs to run. */
export interface TaskSpec {
  flow: string;
  runId: string;
  step: string;
  taskId: string;
  attempt: number;
  /** True when no retry remains (then `@catch` applies). */
  lastAttempt: boolean;
  parents: TaskAddress[];
  foreachStack: ForeachFrame[];
  /** Where `this.input` comes from: the foreach split task, its list artifact and this task's index. */
  input?: TaskAddress & { artifact: string; index: number };
  /** The run's parameter values (refs), visible in every task. */
  parameters: ArtifactsRecord;
  username: string;
  identity: string;
  userTags: string[];
  originRunId: string | null;
  /** The executor that runs the attempt, as recorded with it (`workers`, `redis:<queue>`, `slurm:<job>`). */
  executor?: string;
}

/** How an attempt ended, as the runtime needs it to schedule what follows. */
export interface TaskOutcome {
  success: boolean;
  /**
   * The attempt that produced this outcome, when not the spec's: a remote task delivered twice (its
   * worker died) runs again as the next attempt, written apart from the lost one.
   */
  attempt?: number;
  /** The host the attempt ran on, for remote executors. */
  host?: string;
  next: string[];
  foreachCount?: number;
  exception?: ExceptionInfo;
}
