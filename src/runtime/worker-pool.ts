/**
 * `WorkerPoolExecutor` runs tasks in worker processes, one task per worker at a time, so CPU-bound
 * foreach tasks use every core and a task that crashes, exits or hangs fails alone: the runtime
 * records its failure and replaces the worker. A pool made for one flow file (what `tsflow run`
 * uses) loads it in each worker before the first task; a pool made without one (what `tsflow worker`
 * uses) is generic: each task names its code and root, and a worker keeps every flow it has loaded,
 * so the same warm processes serve every run that comes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Datastore } from "../store/datastore.js";
import type { TaskExecutor, TaskHooks } from "./executor.js";
import type { TaskOutcome, TaskSpec } from "./task-spec.js";
import { WORKER_CONFIG_ENV, type FromWorker, type TaskCode, type WorkerConfig } from "./worker-protocol.js";

/** Options of `WorkerPoolExecutor`. */
export interface WorkerPoolOptions {
  /** The flow every task runs, loaded in each worker up front. @default none: a generic pool (`runCode`) */
  flowFile?: string;
  className?: string;
  /** The root of the pool's flow (required with `flowFile`). */
  datastore?: Datastore;
  /** Worker processes at most. @default the number of CPUs */
  size?: number;
  /** The production token the flow's code runs with in the workers. @default none (the environment's) */
  productionToken?: string;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

const TIMEOUT_GRACE_MS = 2000;

/** Runs tasks in a pool of worker processes. */
export class WorkerPoolExecutor implements TaskExecutor {
  readonly kind = "workers";
  readonly capacity: number;
  private readonly workers: Worker[] = [];
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.capacity = Math.max(1, options.size ?? availableParallelism());
  }

  /** Starts workers ahead of the first task (one by default), so their start-up overlaps other work. */
  warm(count = 1): void {
    while (this.workers.length < Math.min(count, this.capacity)) this.workers.push(this.spawn());
  }

  /** Runs a task of the pool's flow. */
  async run(spec: TaskSpec, hooks: TaskHooks): Promise<TaskOutcome> {
    const code = this.ownCode();
    if (!code || !this.options.datastore) throw new Error("a generic worker pool runs tasks with runCode(), which names their code");
    return this.runCode(spec, hooks, code, this.options.datastore);
  }

  /** Runs a task of any flow: `code` says which, on `datastore` (its root). */
  async runCode(spec: TaskSpec, hooks: TaskHooks, code: TaskCode, datastore: Datastore): Promise<TaskOutcome> {
    const worker = this.acquire();
    try {
      await worker.ready;
      return await this.dispatch(worker, spec, hooks, code, datastore);
    } finally {
      worker.busy = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => stop(w.child)));
    this.workers.length = 0;
  }

  private acquire(): Worker {
    const live = (w: Worker) => w.child.exitCode === null && w.child.signalCode === null;
    if (!this.workers.every(live)) this.workers.splice(0, this.workers.length, ...this.workers.filter(live));
    const idle = this.workers.find((w) => !w.busy);
    const worker = idle ?? this.spawn();
    if (!idle) this.workers.push(worker);
    worker.busy = true;
    return worker;
  }

  private spawn(): Worker {
    const code = this.ownCode();
    const { productionToken } = this.options;
    const config: WorkerConfig = { ...code, ...(productionToken ? { productionToken } : {}) };
    return (code ? adoptPrewarmed(config) : undefined) ?? startWorker(config);
  }

  // The flow a pool made for one flow file runs (undefined: a generic pool).
  private ownCode(): TaskCode | undefined {
    const { flowFile, className, datastore } = this.options;
    return flowFile && datastore ? { flowFile, datastoreRoot: datastore.location, ...(className ? { className } : {}) } : undefined;
  }

  // A worker that retires (it has loaded many flows) leaves the pool; a replacement starts at once.
  private retire(worker: Worker): void {
    const at = this.workers.indexOf(worker);
    if (at >= 0) this.workers.splice(at, 1);
    if (!this.closed) this.workers.push(this.spawn());
  }

  private dispatch(worker: Worker, spec: TaskSpec, hooks: TaskHooks, code: TaskCode, datastore: Datastore): Promise<TaskOutcome> {
    const { child } = worker;
    return new Promise<TaskOutcome>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: TaskOutcome | Error) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === "output") hooks.onOutput(m.stream, m.text, child.pid ?? 0);
        if (m.type === "load-failed") settle(new Error(m.message));
        if (m.type === "done") {
          if (m.retire) this.retire(worker);
          settle(m.outcome);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        const why =
          signal === "SIGKILL" && timer === undefined
            ? `it was killed after its @timeout`
            : signal === "SIGABRT" || code === 134
              ? `${signal ?? code}: most likely out of memory; raise ${HEAP_ENV}`
              : `code ${code ?? signal}`;
        void this.recordLoss(datastore, spec, `the worker process running the task exited (${why}): a crash, process.exit() or running out of memory`).then(
          settle,
        );
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (hooks.timeoutMs)
        timer = setTimeout(() => {
          timer = undefined;
          child.kill("SIGKILL");
        }, hooks.timeoutMs + TIMEOUT_GRACE_MS);
      child.send({ type: "run", spec, code });
    });
  }

  // A worker that died wrote no outcome: record the attempt as failed so nothing looks successful.
  private async recordLoss(ds: Datastore, spec: TaskSpec, message: string): Promise<TaskOutcome> {
    const exception = { type: "WorkerExit", message, stack: message };
    const existing = await ds.readDone(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt).catch(() => undefined);
    if (existing) return { success: existing.success, next: existing.next, ...(existing.exception ? { exception: existing.exception } : {}) };
    const now = Date.now();
    // If even this record cannot be written (disk full), the attempt still has no outcome file,
    // which reads as "not successful": report the failure rather than hang the run.
    await ds
      .writeDone(spec.flow, spec.runId, spec.step, spec.taskId, {
        attempt: spec.attempt,
        success: false,
        startedAt: now,
        finishedAt: now,
        pid: process.pid,
        next: [],
        exception,
      })
      .catch((err: Error) => (exception.message += ` (and its failure could not be recorded: ${err.message})`));
    return { success: false, next: [], exception };
  }
}

/** Caps a worker's JavaScript heap (MB), so a step that allocates without end fails alone, early. */
export const HEAP_ENV = "TSFLOW_WORKER_MAX_OLD_SPACE_MB";

function heapLimit(): string[] {
  const mb = Number(process.env[HEAP_ENV]);
  return Number.isInteger(mb) && mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

function startWorker(config: WorkerConfig): Worker {
  const child = fork(workerEntry(), [], {
    env: {
      ...process.env,
      ...(config.datastoreRoot ? { TSFLOW_DATASTORE_ROOT: config.datastoreRoot } : {}),
      [WORKER_CONFIG_ENV]: JSON.stringify(config),
      ...(config.productionToken ? { TSFLOW_PRODUCTION_TOKEN: config.productionToken } : {}),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [...process.execArgv, ...heapLimit()],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (m: FromWorker) => {
      if (m.type === "ready") resolve();
      if (m.type === "load-failed") reject(new Error(m.message));
    });
    child.once("exit", (code) => reject(new Error(`the worker process exited with code ${code} while starting`)));
  });
  ready.catch(() => {});
  return { child, ready, busy: false };
}

let prewarmed: { config: WorkerConfig; worker: Worker } | undefined;

/**
 * Starts a worker for a flow file before the runtime needs it (the CLI calls this first thing), so
 * the worker's start-up overlaps the CLI's own; the pool adopts it when the file and root match.
 */
export function prewarmWorker(config: WorkerConfig): void {
  if (prewarmed) return;
  prewarmed = { config, worker: startWorker(config) };
  prewarmed.worker.child.unref();
  prewarmed.worker.child.channel?.unref();
}

/** Stops a prewarmed worker nobody adopted (the command ended before running anything). */
export function discardPrewarmed(): void {
  prewarmed?.worker.child.kill("SIGKILL");
  prewarmed = undefined;
}

function adoptPrewarmed(config: WorkerConfig): Worker | undefined {
  const p = prewarmed;
  if (!p || p.config.flowFile !== config.flowFile || p.config.datastoreRoot !== config.datastoreRoot) return undefined;
  if (p.config.productionToken !== config.productionToken) return undefined;
  if (p.config.className && p.config.className !== config.className) return undefined;
  prewarmed = undefined;
  p.worker.child.ref();
  p.worker.child.channel?.ref();
  return p.worker;
}

function workerEntry(): string {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./worker-main${ext}`, import.meta.url));
}

// A worker exits as soon as its channel closes (it holds no state): closing the channel is enough,
// and not waiting for the exit lets the CLI finish ~20-50 ms sooner. A worker stuck in a step is
// killed if it has not exited two seconds later (while this process lives).
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.disconnect?.();
  const killer = setTimeout(() => child.kill("SIGKILL"), 2000).unref();
  child.once("exit", () => clearTimeout(killer));
  child.unref();
  return Promise.resolve();
}
