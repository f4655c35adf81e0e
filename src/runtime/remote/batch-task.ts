/**
 * One task of a batch a scheduler submitted: what a Slurm array job runs (`tsflow-task`, or the
 * hidden `tsflow task`). The batch is a JSON list of `RemoteTask`s in the datastore; the job's index
 * picks one, which runs in this process (a batch job is already a process of its own).
 */
import { openDatastore } from "../../store/root.js";
import { keys } from "../../store/layout.js";
import { UsageError } from "../../util/errors.js";
import { writeUncaptured } from "../output-capture.js";
import type { TaskOutcome } from "../task-spec.js";
import { RemoteTaskRunner, type RemoteTask } from "./remote-task.js";

/** Where a batch task is: the root, the batch's key in it, and the task's index in the batch. */
export interface BatchTaskAddress {
  root: string;
  batch: string;
  /** @default 0 */
  index?: number;
}

/** Runs task `index` of the batch, its output to this process's stdout/stderr. @throws UsageError for a batch or index that is not there */
export async function runBatchTask({ root, batch, index = 0 }: BatchTaskAddress): Promise<TaskOutcome> {
  const ds = openDatastore(root);
  const match = /^flows\/([^/]+)\/runs\/([^/]+)\/remote\/([^/]+)\.json$/.exec(batch);
  if (!match || keys.remoteBatch(match[1]!, match[2]!, match[3]!) !== batch) throw new UsageError(`'${batch}' is not a task batch key.`);
  const text = await ds.storage.readText(batch);
  const task = text === undefined ? undefined : (JSON.parse(text) as RemoteTask[])[index];
  if (!task) throw new UsageError(`No task ${index} in batch ${batch} of ${ds.location}.`);
  const runner = new RemoteTaskRunner({ concurrency: 1, executor: `slurm:${slurmJob() ?? "?"}`, inProcess: true });
  try {
    return await runner.run(task, (stream, out) => writeUncaptured(stream, out));
  } finally {
    await runner.close();
  }
}

function slurmJob(): string | undefined {
  const { SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURM_JOB_ID } = process.env;
  return SLURM_ARRAY_JOB_ID ? `${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}` : SLURM_JOB_ID;
}
