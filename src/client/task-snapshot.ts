/**
 * What a `Task` and its `DataArtifact`s are made from: the task's record, the attempt read, its
 * outcome and its artifact list, read once when the task (or an artifact) is looked up.
 */
import type { ArtifactsRecord, AttemptRecord, TaskRecord } from "../store/records.js";
import type { ReadContext } from "./context.js";

/** Options of a task or artifact lookup. */
export interface TaskLookupOptions {
  /**
   * The attempt to read (0-based, smaller than 6). An attempt that never ran is not an error: it
   * reads as unsuccessful, with no artifacts.
   * @default the newest attempt that started
   */
  attempt?: number;
}

/** What was read when a task was looked up. */
export interface TaskSnapshot {
  record: TaskRecord;
  attempt: number;
  done: AttemptRecord | undefined;
  artifacts: ArtifactsRecord;
}

/** Reads a task's snapshot at an attempt, or undefined when the task does not exist. */
export async function readTaskSnapshot(ctx: ReadContext, parts: readonly string[], attempt: number | undefined): Promise<TaskSnapshot | undefined> {
  const [flow, runId, step, taskId] = parts as [string, string, string, string];
  const { datastore } = ctx.backend;
  const record = await datastore.readTask(flow, runId, step, taskId);
  if (!record) return undefined;
  const chosen = attempt ?? (await datastore.listAttempts(flow, runId, step, taskId)).at(-1) ?? 0;
  const [done, artifacts] = await Promise.all([
    datastore.readDone(flow, runId, step, taskId, chosen),
    datastore.readArtifacts(flow, runId, step, taskId, chosen),
  ]);
  return { record, attempt: chosen, done, artifacts };
}
