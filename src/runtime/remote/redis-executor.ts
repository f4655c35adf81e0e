/**
 * `RedisExecutor` queues a run's tasks through BullMQ on Redis; `tsflow worker` processes on any
 * number of machines take them (`startRedisWorker`). The launcher still walks the graph: each ready
 * task becomes one job (`<flow>.<run>.<step>.<task>.<attempt>`, so a resubmission is deduplicated),
 * its output streams back as job progress, and the job's return value is the task's outcome.
 * Delivery is at least once: a job whose worker died is delivered again and runs as the next attempt.
 */
import type { Queue, QueueEvents } from "bullmq";
import type { TaskExecutor, TaskHooks } from "../executor.js";
import type { TaskOutcome, TaskSpec } from "../task-spec.js";
import type { CodePackage } from "./code-package.js";
import type { RemoteTask } from "./remote-task.js";
import { type RedisTarget, checkReachable, connectionOptions } from "./redis-target.js";
import { type OutputBatch, decodeOutput } from "./output-batch.js";

/** Options of `RedisExecutor.create`. */
export interface RedisExecutorOptions {
  target: RedisTarget;
  /** The datastore root the workers write to (its location string). */
  root: string;
  code: CodePackage;
  /** Says that no worker has taken a task for this long, and how to start one. @default 30000 */
  pickupWarnMs?: number;
  /** Where notices go (the CLI: stderr). */
  notice: (message: string) => void;
}

interface Waiter {
  resolve: (outcome: TaskOutcome) => void;
  reject: (err: Error) => void;
}

/** Runs task attempts as BullMQ jobs. */
export class RedisExecutor implements TaskExecutor {
  readonly kind = "redis";
  /** Workers pull what they can: every ready task is queued at once. */
  readonly capacity = 100_000;
  private readonly outputs = new Map<string, TaskHooks["onOutput"]>();
  /** Jobs of this run not finished yet, with their pickup watch. */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private lastPickup = Date.now();
  /** The tasks waiting for their job to finish, by job id. */
  private readonly waiters = new Map<string, Waiter>();
  private warned = 0;
  private closed = false;

  private constructor(
    private readonly o: RedisExecutorOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    events.on("progress", ({ jobId, data }) => {
      const sink = this.outputs.get(jobId);
      if (sink) for (const [stream, text, pid] of decodeOutput(data as OutputBatch)) sink(stream, text, pid);
    });
    events.on("active", () => (this.lastPickup = Date.now()));
    events.on("completed", ({ jobId, returnvalue }) => this.settle(jobId, (w) => w.resolve(returnvalue as unknown as TaskOutcome)));
    events.on("failed", ({ jobId, failedReason }) => this.settle(jobId, (w) => w.reject(new Error(failedReason))));
  }

  /** Connects (failing fast when Redis does not answer). @throws ExecutorError */
  static async create(o: RedisExecutorOptions): Promise<RedisExecutor> {
    await checkReachable(o.target);
    // Loaded here, not at the top: every task process imports the library, and BullMQ (with ioredis)
    // is ~0.2 s of its start-up that only a launcher with a Redis executor needs.
    const { Queue, QueueEvents } = await import("bullmq");
    const queue = new Queue(o.target.queue, { connection: connectionOptions(o.target, false) as never });
    const events = new QueueEvents(o.target.queue, { connection: connectionOptions(o.target, true) as never });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new RedisExecutor(o, queue, events);
  }

  async run(spec: TaskSpec, hooks: TaskHooks): Promise<TaskOutcome> {
    const jobId = [spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt].join(".");
    const data: RemoteTask = { root: this.o.root, code: this.o.code, spec, ...(hooks.timeoutMs ? { timeoutMs: hooks.timeoutMs } : {}) };
    this.outputs.set(jobId, hooks.onOutput);
    const watch = setInterval(() => void this.checkPickup(jobId), Math.min(this.pickupWarnMs, 5000));
    this.pending.set(jobId, watch);
    // Waited for before the job exists, on the events stream that also carries its output, so the
    // outcome comes after all of it (BullMQ's waitUntilFinished may learn of a fast job from its
    // state first; its last output then arrived after the sink was gone). One listener serves all.
    const finished = this.finished(jobId);
    try {
      await this.queue.add("task", data, { jobId, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
      return await finished;
    } catch (err) {
      const message = `the task's job failed on the worker: ${(err as Error).message}`;
      return { success: false, next: [], exception: { type: "ExecutorError", message, stack: message } };
    } finally {
      clearInterval(watch);
      this.outputs.delete(jobId);
      this.pending.delete(jobId);
    }
  }

  /** Resolves with the job's return value when the events stream says it completed; rejects when it failed. */
  private finished(jobId: string): Promise<TaskOutcome> {
    return new Promise<TaskOutcome>((resolve, reject) => this.waiters.set(jobId, { resolve, reject }));
  }

  private settle(jobId: string, how: (w: Waiter) => void): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    this.waiters.delete(jobId);
    how(waiter);
  }

  /** Removes the run's jobs no worker has taken yet (an interrupted run), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.waiters.keys()]) this.settle(id, (w) => w.reject(new Error("the run was stopped")));
    for (const watch of this.pending.values()) clearInterval(watch);
    await Promise.all([...this.pending.keys()].map((id) => this.queue.remove(id).catch(() => 0)));
    await Promise.all([this.events.close(), this.queue.close()]);
  }

  private get pickupWarnMs(): number {
    return this.o.pickupWarnMs ?? 30_000;
  }

  private async checkPickup(jobId: string): Promise<void> {
    const idle = Date.now() - this.lastPickup;
    if (idle < this.pickupWarnMs || Date.now() - this.warned < this.pickupWarnMs) return;
    if ((await this.queue.getJobState(jobId).catch(() => "unknown")) !== "waiting") return;
    this.warned = Date.now();
    const t = this.o.target;
    this.o.notice(
      `No worker has taken a task from queue '${t.queue}' at ${t.display} for ${Math.round(idle / 1000)} s. Start one on a machine that reaches Redis and the datastore: tsflow worker --executor ${t.display}${t.queue === "tsflow" ? "" : ` --queue ${t.queue}`}`,
    );
  }
}
