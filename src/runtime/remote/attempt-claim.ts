/**
 * Which attempt a delivered task runs as. Queues and batch schedulers deliver at least once: a task
 * whose worker died is delivered again. Each delivery claims an attempt number with a create-only
 * write (`claim.json`, `If-None-Match: *` on S3), so two deliveries never write the same attempt;
 * a delivery of an attempt that already finished returns that outcome instead of running again.
 */
import { hostname } from "node:os";
import type { Datastore } from "../../store/datastore.js";
import { keys } from "../../store/layout.js";
import type { AttemptRecord } from "../../store/records.js";
import { ExecutorError } from "../../util/errors.js";
import type { TaskOutcome, TaskSpec } from "../task-spec.js";

/** Deliveries of one task attempt tolerated before the task is given up. */
const MAX_REDELIVERIES = 20;

/**
 * The result of a claim: run as `attempt`, or report the outcome an earlier delivery recorded.
 * `recorded`: the claim is being written while the attempt starts; settles once it is stored.
 */
export type Claim = { attempt: number; recorded?: Promise<void> } | { done: AttemptRecord };

/**
 * Claims the first attempt number from `spec.attempt` on that no delivery has taken.
 *
 * `delivery`, when the engine counts deliveries atomically (BullMQ counts the times a job became
 * active): the first delivery owns `spec.attempt` without a round trip (its claim is written
 * while the attempt starts, so a lost attempt still shows); a later one never takes `spec.attempt`, whose first delivery may
 * still be running, and claims from the next attempt on.
 */
export async function claimAttempt(ds: Datastore, spec: TaskSpec, executor: string, o: { delivery?: number } = {}): Promise<Claim> {
  const { flow, runId, step, taskId } = spec;
  const who = JSON.stringify({ host: hostname(), pid: process.pid, executor, at: Date.now() });
  if (o.delivery === 1) {
    const write = ds.storage.write(keys.claim(flow, runId, step, taskId, spec.attempt), who, { ifAbsent: true });
    return {
      attempt: spec.attempt,
      recorded: write.then(
        () => undefined,
        () => undefined,
      ),
    };
  }
  let from = spec.attempt;
  if (o.delivery !== undefined) {
    const done = await ds.readDone(flow, runId, step, taskId, from);
    if (done) return { done };
    from++;
  }
  for (let n = from; n <= spec.attempt + MAX_REDELIVERIES; n++) {
    if (await ds.storage.write(keys.claim(flow, runId, step, taskId, n), who, { ifAbsent: true })) return { attempt: n };
    const done = await ds.readDone(flow, runId, step, taskId, n);
    if (done) return { done };
  }
  throw new ExecutorError(
    `Task ${flow}/${runId}/${step}/${taskId} was delivered more than ${MAX_REDELIVERIES} times without finishing: its workers keep dying (out of memory? killed?). Look at the attempts' stderr with \`tsflow show ${flow}/${runId}/${step}/${taskId}\`.`,
  );
}

/** The outcome an attempt recorded, as the scheduler takes it (with the names of the artifacts it ended with). */
export async function outcomeOf(ds: Datastore, spec: TaskSpec, d: AttemptRecord): Promise<TaskOutcome> {
  const refs = d.success ? await ds.readArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, d.attempt).catch(() => ({})) : {};
  return {
    artifacts: Object.keys(refs).filter((name) => !(name in spec.parameters)),
    success: d.success,
    next: d.next,
    attempt: d.attempt,
    ...(d.host ? { host: d.host } : {}),
    ...(d.foreachCount !== undefined ? { foreachCount: d.foreachCount } : {}),
    ...(d.exception ? { exception: d.exception } : {}),
  };
}

/** The newest recorded outcome of a task from `spec.attempt` on, if any (a redelivered task ran as a later attempt). */
export async function readOutcome(ds: Datastore, spec: TaskSpec): Promise<TaskOutcome | undefined> {
  const { flow, runId, step, taskId } = spec;
  const attempts = (await ds.listAttempts(flow, runId, step, taskId)).filter((n) => n >= spec.attempt).sort((a, b) => b - a);
  for (const n of attempts) {
    const done = await ds.readDone(flow, runId, step, taskId, n);
    if (done) return outcomeOf(ds, spec, done);
  }
  return undefined;
}
