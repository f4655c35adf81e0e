/**
 * Per-run details for SQL: the tasks of every step and the artifacts of each task's newest attempt.
 * They are read from the datastore lazily, only for runs a SQL query over `steps`, `tasks` or
 * `artifacts` needs, so opening the index and listing runs never pays for them.
 */
import type { Datastore } from "../store/datastore.js";
import type { ArtifactsRecord } from "../store/records.js";
import type { Database } from "./duckdb.js";
import { MISSING_DETAILS } from "./queries.js";
import type { RunKey } from "./scan.js";
import { mapLimit } from "../util/concurrency.js";

type Cell = string | number | boolean | null;

/** The rows of `tasks` and `artifacts` for some runs, ready for the appender. */
export interface RunDetails {
  tasks: Cell[][];
  artifacts: Cell[][];
}

/** Loads the details of every run in `scope` that has none loaded yet; returns how many runs it read. */
export async function loadMissingDetails(db: Database, ds: Datastore): Promise<number> {
  const { rows } = await db.query(MISSING_DETAILS);
  if (rows.length === 0) return 0;
  const runs = rows.map((r) => ({ flow: r[0] as string, runId: r[1] as string }));
  const details = await readDetails(ds, runs);
  await db.append("tasks", details.tasks);
  await db.append("artifacts", details.artifacts);
  await db.append(
    "details_loaded",
    runs.map((r) => [r.flow, r.runId]),
  );
  return runs.length;
}

/** Reads the details of several runs (in parallel). */
export async function readDetails(ds: Datastore, runs: readonly RunKey[]): Promise<RunDetails> {
  const out: RunDetails = { tasks: [], artifacts: [] };
  const steps = (await mapLimit(runs, 32, async (r) => (await ds.listSteps(r.flow, r.runId)).map((step) => ({ ...r, step })))).flat();
  const tasks = (await mapLimit(steps, 32, async (s) => (await ds.listTaskIds(s.flow, s.runId, s.step)).map((taskId) => ({ ...s, taskId })))).flat();
  await mapLimit(tasks, 64, (t) => readTask(ds, t, out));
  return out;
}

interface TaskKey extends RunKey {
  step: string;
  taskId: string;
}

async function readTask(ds: Datastore, t: TaskKey, out: RunDetails): Promise<void> {
  if (t.step.startsWith("_")) return;
  const [record, attempts] = await Promise.all([ds.readTask(t.flow, t.runId, t.step, t.taskId), ds.listAttempts(t.flow, t.runId, t.step, t.taskId)]);
  const attempt = attempts[attempts.length - 1];
  const done = attempt === undefined ? undefined : await ds.readDone(t.flow, t.runId, t.step, t.taskId, attempt);
  out.tasks.push([
    t.flow,
    t.runId,
    t.step,
    t.taskId,
    record?.index ?? null,
    attempts.length,
    done ? done.success : null,
    done?.startedAt ?? record?.createdAt ?? null,
    done?.finishedAt ?? null,
  ]);
  if (attempt === undefined) return;
  pushArtifacts(t, await ds.readArtifacts(t.flow, t.runId, t.step, t.taskId, attempt), out);
}

function pushArtifacts(t: TaskKey, refs: ArtifactsRecord, out: RunDetails): void {
  for (const [name, ref] of Object.entries(refs)) {
    if (name.startsWith("_")) continue;
    out.artifacts.push([t.flow, t.runId, t.step, t.taskId, name, ref.sha, ref.size, ref.format, ref.type, ref.createdAt]);
  }
}
