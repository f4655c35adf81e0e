/**
 * The key layout of a datastore root. Every key is built here from validated names, so no
 * caller can address anything outside the root.
 */
import { assertFlowName, assertRunId, assertStepName, assertTaskId } from "../util/validate.js";

const run = (flow: string, runId: string) => `flows/${assertFlowName(flow)}/runs/${assertRunId(runId)}`;
const task = (flow: string, runId: string, step: string, taskId: string) => `${run(flow, runId)}/steps/${assertStepName(step)}/${assertTaskId(taskId)}`;
const attempt = (flow: string, runId: string, step: string, taskId: string, n: number) => `${task(flow, runId, step, taskId)}/attempt-${n}`;

/** Keys of every file kind in a datastore root. */
export const keys = {
  flowsDir: () => "flows",
  runsDir: (flow: string) => `flows/${assertFlowName(flow)}/runs`,
  runDir: run,
  run: (flow: string, runId: string) => `${run(flow, runId)}/run.json`,
  /** Tag revisions are immutable, create-only files: the newest revision is the run's user tags. */
  tagsDir: (flow: string, runId: string) => `${run(flow, runId)}/tags`,
  tagsRevision: (flow: string, runId: string, rev: number) => `${run(flow, runId)}/tags/${String(rev).padStart(10, "0")}.json`,
  status: (flow: string, runId: string) => `${run(flow, runId)}/status.json`,
  /** The pins the run was launched with (absent: none). */
  runPins: (flow: string, runId: string) => `${run(flow, runId)}/pins.json`,
  stepsDir: (flow: string, runId: string) => `${run(flow, runId)}/steps`,
  tasksDir: (flow: string, runId: string, step: string) => `${run(flow, runId)}/steps/${assertStepName(step)}`,
  taskDir: task,
  task: (flow: string, runId: string, step: string, taskId: string) => `${task(flow, runId, step, taskId)}/task.json`,
  attemptDir: attempt,
  artifacts: (flow: string, runId: string, step: string, taskId: string, n: number) => `${attempt(flow, runId, step, taskId, n)}/artifacts.json`,
  log: (flow: string, runId: string, step: string, taskId: string, n: number, stream: "stdout" | "stderr") =>
    `${attempt(flow, runId, step, taskId, n)}/${stream}.log`,
  /** On storage without append (S3): the folder of a log's numbered immutable chunks, and one chunk. */
  logChunksDir: (flow: string, runId: string, step: string, taskId: string, n: number, stream: "stdout" | "stderr") =>
    `${attempt(flow, runId, step, taskId, n)}/${stream}`,
  logChunk: (flow: string, runId: string, step: string, taskId: string, n: number, stream: "stdout" | "stderr", seq: number) =>
    `${attempt(flow, runId, step, taskId, n)}/${stream}/${String(seq).padStart(6, "0")}.log`,
  done: (flow: string, runId: string, step: string, taskId: string, n: number) => `${attempt(flow, runId, step, taskId, n)}/done.json`,
  /** Lineage records of a run's tasks, one file per task (`<step>.<taskId>.json`). */
  lineageDir: (flow: string, runId: string) => `${run(flow, runId)}/lineage`,
  lineage: (flow: string, runId: string, step: string, taskId: string) => `${run(flow, runId)}/lineage/${assertStepName(step)}.${assertTaskId(taskId)}.json`,
  object: (sha: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`invalid object id '${sha}'`);
    return `objects/${sha.slice(0, 2)}/${sha}`;
  },
  deployment: (flow: string) => `deployments/${assertFlowName(flow)}.json`,
  /** A flow's code as one ES module, by the SHA-256 of its bytes (what remote workers run). */
  codePackage: (sha: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`invalid code package id '${sha}'`);
    return `code/${sha}.mjs`;
  },
  /** The tasks of one batch-scheduler submission (a Slurm job array): index i is task i. */
  remoteBatch: (flow: string, runId: string, name: string) => {
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(name)) throw new Error(`invalid batch name '${name}'`);
    return `${run(flow, runId)}/remote/${name}.json`;
  },
  /** Created once by the worker that takes an attempt: a second delivery of the task takes the next number. */
  claim: (flow: string, runId: string, step: string, taskId: string, n: number) => `${attempt(flow, runId, step, taskId, n)}/claim.json`,
  indexDir: () => "index",
  indexFile: () => "index/index.duckdb",
  journalDir: () => "index/journal",
  /** The compaction lease of a shared root (`lease.ts`) and the marker of its first snapshot. */
  indexLease: () => "index/compact.lease",
  indexBuiltMarker: () => "index/snapshot-ever-built",
  /** The name of an attempt directory, and its inverse. */
  attemptName: (n: number) => `attempt-${n}`,
  parseAttemptName: (name: string): number | undefined => {
    const m = /^attempt-(\d+)$/.exec(name);
    return m ? Number(m[1]) : undefined;
  },
};

/** The pseudo-step that holds a run's parameter values (task 0), hidden from listings. */
export const PARAMETERS_STEP = "_parameters";
export const PARAMETERS_TASK = "0";
