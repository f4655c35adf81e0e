/**
 * The worker side of a remote executor: runs the task attempts a queue or a batch scheduler
 * delivers to this machine. Each task names its datastore root and code package; the runner
 * fetches the package once, claims the attempt, and runs it in a pool of worker processes (the
 * same pool `tsflow run` uses locally), so a crash or a timeout fails the task, not the worker.
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

/** Code packages whose worker processes are kept warm; older ones are stopped. */
const WARM_PACKAGES = 4;

/** Runs delivered tasks on this machine. */
export class RemoteTaskRunner {
  private readonly pools = new Map<string, WorkerPoolExecutor>();

  constructor(private readonly options: RemoteTaskRunnerOptions) {}

  /** Runs one delivered task to its outcome (a failure of the step is an outcome, not a rejection). */
  async run(task: RemoteTask, onOutput: TaskHooks["onOutput"], onStart?: (attempt: number) => void): Promise<TaskOutcome> {
    const { executor } = this.options;
    const ds = openDatastore(task.root);
    const claim = await claimAttempt(ds, task.spec, executor);
    if ("done" in claim) return outcomeOf(ds, task.spec, claim.done);
    onStart?.(claim.attempt);
    const file = await fetchCodePackage(ds.storage, task.code.sha, this.options.cacheDir);
    const spec: TaskSpec = { ...task.spec, attempt: claim.attempt, executor };
    const runner = this.options.inProcess ? await inProcess(file, task.code.className, ds) : this.pool(file, task.code.className, ds);
    const outcome = await runner.run(spec, { onOutput, ...(task.timeoutMs ? { timeoutMs: task.timeoutMs } : {}) });
    return { ...outcome, attempt: claim.attempt, host: hostname() };
  }

  /** Stops every worker process. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }

  private pool(file: string, className: string, ds: Datastore): WorkerPoolExecutor {
    const key = `${file}\0${className}\0${ds.location}`;
    let pool = this.pools.get(key);
    if (pool) {
      this.pools.delete(key); // re-inserted below: the map's order is least recently used first
    } else {
      pool = new WorkerPoolExecutor({ flowFile: file, className, datastore: ds, size: this.options.concurrency });
      if (this.pools.size >= WARM_PACKAGES) {
        const [oldest, old] = this.pools.entries().next().value as [string, WorkerPoolExecutor];
        this.pools.delete(oldest);
        void old.close();
      }
    }
    this.pools.set(key, pool);
    return pool;
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
