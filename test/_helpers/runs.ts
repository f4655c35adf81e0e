/** Reads runs straight from a datastore root (the source of truth), for runtime tests. */
import { rm } from "node:fs/promises";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { Datastore } from "../../src/store/datastore.js";
import { LocalStorage } from "../../src/store/local-storage.js";
import { S3Storage, isS3Url } from "../../src/store/s3-storage.js";
import { keys } from "../../src/store/layout.js";
import { createArtifactStore } from "../../src/runtime/datastore-artifacts.js";
import type { AttemptRecord } from "../../src/store/records.js";

/** A datastore over a test root. */
export function datastoreAt(root: string): Datastore {
  return new Datastore(isS3Url(root) ? new S3Storage(root) : new LocalStorage(root));
}

/** Deletes a run's whole folder from a test root (as a user deleting it by hand would), local or S3. */
export async function removeRunFolder(root: string, flow: string, runId: string): Promise<void> {
  const dir = keys.runDir(flow, runId);
  if (isS3Url(root)) await new S3Storage(root).deletePrefix(`${dir}/`);
  else await rm(join(root, dir), { recursive: true });
}

/** The run id a `tsflow run` printed (`Workflow starting (run-id N)`). */
export function runIdFrom(stdout: string): string {
  const m = /run-id (\d+)/.exec(stdout);
  if (!m) throw new Error(`no run id in output:\n${stdout}`);
  return m[1]!;
}

/** One task's newest attempt: its record, outcome and artifact values. */
export async function readTask(root: string, flow: string, runId: string, step: string, taskId?: string) {
  const ds = datastoreAt(root);
  const id = taskId ?? (await ds.listTaskIds(flow, runId, step))[0];
  if (!id) throw new Error(`no task for ${flow}/${runId}/${step}`);
  const attempts = await ds.listAttempts(flow, runId, step, id);
  const attempt = attempts.at(-1)!;
  const done = (await ds.readDone(flow, runId, step, id, attempt)) as AttemptRecord | undefined;
  const refs = await ds.readArtifacts(flow, runId, step, id, attempt);
  const store = createArtifactStore(ds);
  await store.prepare(Object.values(refs));
  const value = (name: string) => store.loadSync(refs[name]!);
  return {
    taskId: id,
    attempt,
    attempts,
    done,
    refs,
    value,
    task: await ds.readTask(flow, runId, step, id),
    stdout: await ds.readLog(flow, runId, step, id, attempt, "stdout"),
  };
}

/**
 * Asserts every first attempt of `step` ran through `executor` (e.g. `redis:tsflow`) on a named host,
 * in a process other than this one; returns how many tasks there are and the pids they ran in.
 */
export async function remoteTaskPids(root: string, flow: string, runId: string, step: string, executor: string): Promise<{ tasks: number; pids: Set<number> }> {
  const ds = datastoreAt(root);
  const ids = await ds.listTaskIds(flow, runId, step);
  const pids = new Set<number>();
  for (const id of ids) {
    const done = await ds.readDone(flow, runId, step, id, 0);
    assert.is(done?.executor, executor, `${step}/${id}`);
    assert.ok(done?.host, `${step}/${id} records its host`);
    assert.is.not(done!.pid, process.pid, `${step}/${id} ran in another process`);
    pids.add(done!.pid);
  }
  return { tasks: ids.length, pids };
}
