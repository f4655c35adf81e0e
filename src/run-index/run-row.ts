/**
 * A `RunRow` is what the run index knows about one run of a flow: its identity, tags and outcome.
 * It is derived from the datastore only (`run.json`, the newest tag revision, `status.json` and the
 * end task's newest attempt), so the index can always be rebuilt from the datastore.
 */
import { type Datastore, upstreamRuns } from "../store/datastore.js";
import type { AttemptRecord } from "../store/records.js";

/**
 * How a run stands: still running (or its runtime died), ended successfully, or failed; a run's
 * `status` and the `status` column of the SQL view `runs`.
 * @example
 * import assert from "node:assert/strict";
 * import { listRuns, type RunState } from "tsflow";
 *
 * const byState: Partial<Record<RunState, number>> = {};
 * for (const run of await listRuns("TeamCollabFlow")) byState[run.status] = (byState[run.status] ?? 0) + 1;
 * assert.ok(byState.successful! >= 1);
 * console.log(byState); // { successful: 1 }
 */
export type RunState = "running" | "successful" | "failed";

/** One run as the index holds it; a `Run` of the client is built from it without further I/O. */
export interface RunRow {
  /** The flow the run belongs to. */
  flow: string;
  /** The run id (decimal microseconds, as in Metaflow). */
  runId: string;
  /** When the run was created; never changed by tag edits. */
  createdAt: Date;
  /** The user who launched the run. */
  user: string;
  /** Immutable tags set at creation (`user:...`, `runtime:node`, ...). */
  systemTags: string[];
  /** Mutable user tags (newest revision). */
  userTags: string[];
  /** System and user tags together, without duplicates: the namespaces the run is in. */
  tags: string[];
  /** True when the end task's newest attempt succeeded. */
  successful: boolean;
  /** True when the end task's newest attempt ended (successfully or not). */
  finished: boolean;
  /** When the end task's newest attempt ended, or null. */
  finishedAt: Date | null;
  /** `successful`, `failed` (the end task failed or the runtime recorded a failure), else `running`. */
  status: RunState;
  /** The run this one resumed, or null. */
  originRunId: string | null;
  /** The name of the flow's end step. */
  endStep: string;
}

/** A run row as stored in DuckDB: times in epoch milliseconds. */
export interface RunFacts {
  flow: string;
  runId: string;
  createdAt: number;
  user: string;
  systemTags: string[];
  userTags: string[];
  successful: boolean;
  finished: boolean;
  finishedAt: number | null;
  status: RunState;
  originRunId: string | null;
  endStep: string;
  /** The runs (`Flow/RunId`) its tasks read through the client: its lineage's upstream runs. */
  upstream: string[];
}

/** Reads a run's facts from the datastore, or undefined when the run does not exist (any more). */
export async function readRunFacts(ds: Datastore, flow: string, runId: string): Promise<RunFacts | undefined> {
  const run = await ds.readRun(flow, runId);
  if (!run) return undefined;
  const [tags, end, lineage] = await Promise.all([ds.readTags(flow, runId), readEndAttempt(ds, flow, runId, run.endStep), ds.readRunLineage(flow, runId)]);
  // status.json only matters while the end task has no outcome: skip the read otherwise (rebuild speed)
  const status = end === undefined ? await ds.readStatus(flow, runId) : undefined;
  const successful = end?.success === true;
  return {
    flow,
    runId,
    createdAt: run.createdAt,
    user: run.user,
    systemTags: run.systemTags,
    userTags: tags.userTags,
    successful,
    finished: end !== undefined,
    finishedAt: end?.finishedAt ?? null,
    status: successful ? "successful" : end !== undefined || status?.state === "failed" ? "failed" : "running",
    originRunId: run.originRunId ?? null,
    endStep: run.endStep,
    upstream: upstreamRuns(lineage),
  };
}

/** The outcome of the newest attempt of the (last) end task, or undefined while there is none. */
async function readEndAttempt(ds: Datastore, flow: string, runId: string, endStep: string): Promise<AttemptRecord | undefined> {
  const taskIds = await ds.listTaskIds(flow, runId, endStep);
  const taskId = taskIds[taskIds.length - 1];
  if (taskId === undefined) return undefined;
  const attempts = await ds.listAttempts(flow, runId, endStep, taskId);
  const attempt = attempts[attempts.length - 1];
  return attempt === undefined ? undefined : ds.readDone(flow, runId, endStep, taskId, attempt);
}

/** System and user tags together, system first, without duplicates. */
export function unionTags(systemTags: readonly string[], userTags: readonly string[]): string[] {
  return [...new Set([...systemTags, ...userTags])];
}

/** The columns of the index's `runs` table, in order, as `RUN_COLUMNS` selects them. */
export const RUN_COLUMNS = "flow, run_id, created_at, user, system_tags, user_tags, tags, successful, finished, finished_at, status, origin_run_id, end_step";

/** Converts one row selected with `RUN_COLUMNS` into a `RunRow`. */
export function toRunRow(row: readonly unknown[]): RunRow {
  const [flow, runId, createdAt, user, systemTags, userTags, tags, successful, finished, finishedAt, status, origin, endStep] = row;
  return {
    flow: flow as string,
    runId: runId as string,
    createdAt: new Date(createdAt as number),
    user: user as string,
    systemTags: systemTags as string[],
    userTags: userTags as string[],
    tags: tags as string[],
    successful: successful as boolean,
    finished: finished as boolean,
    finishedAt: finishedAt === null ? null : new Date(finishedAt as number),
    status: status as RunState,
    originRunId: origin as string | null,
    endStep: endStep as string,
  };
}

/** The row DuckDB returns for these facts with `RUN_COLUMNS` (what `toRunRow` reads). */
export function toRunColumns(f: RunFacts): unknown[] {
  return [
    f.flow,
    f.runId,
    f.createdAt,
    f.user,
    f.systemTags,
    f.userTags,
    unionTags(f.systemTags, f.userTags),
    f.successful,
    f.finished,
    f.finishedAt,
    f.status,
    f.originRunId,
    f.endStep,
  ];
}

/** Converts one row selected with `SNAPSHOT_FACTS` (every column of the snapshot but `tags`) into facts. */
export function factsFromSnapshotRow(row: readonly unknown[]): RunFacts {
  const [flow, runId, createdAt, user, systemTags, userTags, successful, finished, finishedAt, status, origin, endStep, upstream] = row;
  return {
    flow: flow as string,
    runId: runId as string,
    createdAt: createdAt as number,
    user: user as string,
    systemTags: systemTags as string[],
    userTags: userTags as string[],
    successful: successful as boolean,
    finished: finished as boolean,
    finishedAt: finishedAt as number | null,
    status: status as RunState,
    originRunId: origin as string | null,
    endStep: endStep as string,
    upstream: upstream as string[],
  };
}

/** Converts facts into the flat row of the `stage_runs` table (tags joined by newlines). */
export function toStageRow(f: RunFacts): (string | number | boolean | null)[] {
  return [
    f.flow,
    f.runId,
    f.createdAt,
    f.user,
    f.systemTags.join("\n"),
    f.userTags.join("\n"),
    unionTags(f.systemTags, f.userTags).join("\n"),
    f.successful,
    f.finished,
    f.finishedAt,
    f.status,
    f.originRunId,
    f.endStep,
    f.upstream.join("\n"),
  ];
}
