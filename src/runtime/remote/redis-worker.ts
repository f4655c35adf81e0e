/**
 * `tsflow worker --executor redis://...`: takes tasks from a BullMQ queue and runs them on this
 * machine, `concurrency` at a time, each in a worker process. Job locks are short (10 s) so that a
 * task whose machine died is delivered again within ~15 s; the lock is renewed while the task runs.
 */
import { hostname } from "node:os";
import { RemoteTaskRunner, type RemoteTask } from "./remote-task.js";
import { type RedisTarget, checkReachable, connectionOptions } from "./redis-target.js";
import { OutputBatcher } from "./output-batch.js";
import type { TaskOutcome } from "../task-spec.js";

/** Options of `startRedisWorker`. */
export interface RedisWorkerOptions {
  target: RedisTarget;
  /** Tasks run at once. @default 1 */
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a dead worker's task is re-delivered after it. @default 10000 */
  lockMs?: number;
  /** Where the worker reports what it does (the CLI: stdout). */
  log: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** Stops taking tasks, waits for the running ones, stops the worker processes. */
  close(): Promise<void>;
}

/** Connects to the queue and starts taking tasks. @throws ExecutorError when Redis does not answer */
export async function startRedisWorker(o: RedisWorkerOptions): Promise<QueueWorker> {
  await checkReachable(o.target);
  const concurrency = o.concurrency ?? 1;
  const executor = `redis:${o.target.queue}`;
  const runner = new RemoteTaskRunner({ concurrency, executor });
  runner.warm();
  const lockDuration = o.lockMs ?? 10_000;
  const { Worker } = await import("bullmq"); // loaded by a worker only, not by every importer of the library
  const worker = new Worker<RemoteTask, TaskOutcome>(
    o.target.queue,
    async (job) => {
      const { spec } = job.data;
      const batcher = new OutputBatcher((batch) => job.updateProgress(batch));
      const started = Date.now();
      const task = `${spec.flow}/${spec.runId}/${spec.step}/${spec.taskId}`;
      try {
        const outcome = await runner.run(
          job.data,
          (stream, text, pid) => batcher.push(stream, text, pid),
          (attempt) => {
            o.log(`${task} attempt ${attempt}: started (delivery ${job.attemptsStarted})`);
          },
          // BullMQ counts, atomically, the times the job became active: 1 is the only delivery so far.
          job.attemptsStarted,
        );
        o.log(`${task} attempt ${outcome.attempt ?? spec.attempt}: ${outcome.success ? "succeeded" : "failed"} in ${Date.now() - started} ms`);
        return outcome;
      } finally {
        await batcher.flush();
      }
    },
    {
      connection: connectionOptions(o.target, true) as never,
      concurrency,
      lockDuration,
      stalledInterval: Math.max(1000, lockDuration / 2),
      maxStalledCount: 3,
      autorun: true,
    },
  );
  worker.on("error", (err) => o.log(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  o.log(`tsflow worker on ${hostname()} taking tasks from queue '${o.target.queue}' at ${o.target.display} (concurrency ${concurrency})`);
  return {
    async close() {
      await worker.close();
      await runner.close();
    },
  };
}
