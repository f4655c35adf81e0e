/**
 * The worker side of a remote executor: runs the task attempts a queue or a batch scheduler
 * delivers to this machine. Each task names its datastore root and code package; the runner
 * fetches the package once, claims the attempt, and runs it in a pool of worker processes (the
 * same worker code `tsflow run` uses locally), so a crash or a timeout fails the task, not the
 * worker. The pool is generic: its processes start with the worker and load each code package
 * the first time a task needs it, so a new run (new code, another root) finds them warm.
 */
import { hostname } from "node:os";
import { openDatastore } from "../../store/root.js";
import type { Datastore } from "../../store/datastore.js";
import type { TaskHooks } from "../executor.js";
import type { TaskOutcome, TaskSpec } from "../task-spec.js";
import { WorkerPoolExecutor } from "../worker-pool.js";
import { claimAttempt, outcomeOf } from "./attempt-claim.js";
import { InProcessExecutor, type TaskExecutor } from "../executor.js";
import { loadFlowFile } from "../load-flow-file.js";
import { buildGraph } from "../../flow/graph.js";
import { createArtifactStore } from "../datastore-artifacts.js";
import { type CodePackage, fetchCodePackage } from "./code-package.js";
import { FlowFileError } from "../../util/errors.js";

/** One task attempt as a remote executor ships it: plain JSON. */
export interface RemoteTask {
  /** The datastore root every machine reaches (`s3://bucket/prefix`, or a shared folder). */
  root: string;
  code: CodePackage;
  spec: TaskSpec;
  /** The step's `@timeout`, enforced here by killing the task's process. */
  timeoutMs?: number;
}

/** Options of `RemoteTaskRunner`. */
export interface RemoteTaskRunnerOptions {
  /** Tasks run at once on this machine. */
  concurrency: number;
  /** Recorded with every attempt: `redis:<queue>`, `slurm:<job>`. */
  executor: string;
  /** Where code packages are cached. @default `$TSFLOW_CACHE_DIR/code` */
  cacheDir?: string;
  /** Run the task in this process (a batch job is already a process of its own). @default false */
  inProcess?: boolean;
}

/** Runs delivered tasks on this machine. */
export class RemoteTaskRunner {
  private pool: WorkerPoolExecutor | undefined;

  constructor(private readonly options: RemoteTaskRunnerOptions) {}

  /** Starts the worker processes now, ahead of the first task. */
  warm(): void {
    if (!this.options.inProcess) this.workers().warm(this.options.concurrency);
  }

  /**
   * Runs one delivered task to its outcome (a failure of the step is an outcome, not a rejection).
   * `delivery`: which delivery of the task this is (1 for the first), when the engine counts them.
   */
  async run(task: RemoteTask, onOutput: TaskHooks["onOutput"], onStart?: (attempt: number) => void, delivery?: number): Promise<TaskOutcome> {
    const { executor } = this.options;
    const ds = openDatastore(task.root);
    const claim = await claimAttempt(ds, task.spec, executor, delivery === undefined ? {} : { delivery });
    if ("done" in claim) return outcomeOf(ds, task.spec, claim.done);
    // Said once the claim is stored: a worker that dies after saying so leaves the attempt on record.
    if (onStart) void (claim.recorded ?? Promise.resolve()).then(() => onStart(claim.attempt));
    const file = await fetchCodePackage(ds.storage, task.code.sha, this.options.cacheDir);
    const spec: TaskSpec = { ...task.spec, attempt: claim.attempt, executor };
    const hooks = { onOutput, ...(task.timeoutMs ? { timeoutMs: task.timeoutMs } : {}) };
    const { className } = task.code;
    const outcome = this.options.inProcess
      ? await (await inProcess(file, className, ds)).run(spec, hooks)
      : await this.workers()
          .runCode(spec, hooks, { flowFile: file, className, datastoreRoot: ds.location }, ds)
          .catch((err: Error) => Promise.reject(codeLoadError(task.code, err)));
    return { ...outcome, attempt: claim.attempt, host: hostname() };
  }

  /** Stops every worker process. */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }

  private workers(): WorkerPoolExecutor {
    this.pool ??= new WorkerPoolExecutor({ size: this.options.concurrency });
    return this.pool;
  }
}

async function inProcess(file: string, className: string, ds: Datastore): Promise<TaskExecutor> {
  const loaded = await loadFlowFile(file, className);
  return new InProcessExecutor({
    datastore: ds,
    store: createArtifactStore(ds),
    flowClass: loaded.flowClass,
    graph: buildGraph(loaded.flowClass, loaded.docs),
  });
}

// A package that loads on the launcher but not here (a top-level throw, a module this machine
// lacks): name the flow file it came from and this host, not the cache's file name.
function codeLoadError(code: CodePackage, err: Error): FlowFileError {
  const detail = err.message.replace(/^Cannot load flow file [0-9a-f]{64}\.mjs: /, "");
  return new FlowFileError(`Cannot load the run's code (${code.source}, package ${code.sha.slice(0, 12)}) on ${hostname()}: ${detail}`, { cause: err });
}
