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

/** Where one foreach level's values come from: the split task and the name of its list artifact. */
export interface ForeachSource extends TaskAddress {
  artifact: string;
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
  /**
   * One entry per frame of `foreachStack`: the split task whose list artifact gives that level's
   * value (`this.input` for the innermost, `foreachStack()[i].value` for each).
   */
  foreachSources: ForeachSource[];
  /**
   * Artifacts an earlier step set that no input of this task carries (a join upstream did not merge
   * them): reading one fails with `MissingArtifactError` instead of giving `undefined`.
   */
  lost: string[];
  /** The run's parameter values (refs), visible in every task. */
  parameters: ArtifactsRecord;
  username: string;
  identity: string;
  userTags: string[];
  originRunId: string | null;
  /**
   * True when the run was launched with pins (its `pins.json`): the task's `latestSuccessfulRun`
   * follows them, read once per process and run when a step first asks (never copied into each spec).
   */
  pins?: true;
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
  /** Why the attempt failed (absent when it succeeded, also when `@catchErrors` handled the error). */
  exception?: ExceptionInfo;
  /** The names of the artifacts the task ended with (for the lineage of its children). */
  artifacts?: string[];
}
