/**
 * `SlurmExecutor` submits a run's tasks to Slurm: the tasks of a foreach that become ready together
 * are one job array (`sbatch --array`), a single task is a single job, all with `--requeue` so a
 * task whose node died runs again (as its next attempt). `@resources` maps to `--cpus-per-task`,
 * `--mem` and `--gres=gpu:N`; `--slurm-option` passes anything else through. Status comes from
 * `squeue`, outcomes from the datastore, and a running task's output is read from its log in the
 * datastore as it grows (live; for a requeued job, the log of the attempt it runs now); `@retry`
 * resubmits failed tasks; closing cancels the jobs.
 * Each job runs `bin/tsflow-task.js` (one task, without the CLI's start-up), with the same node and
 * tsflow as the launcher (a cluster's shared software path; `TSFLOW_SLURM_COMMAND` overrides it).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatastore } from "../../store/root.js";
import type { Datastore } from "../../store/datastore.js";
import { keys } from "../../store/layout.js";
import { LogTail } from "../../store/log-tail.js";
import { mapLimit } from "../../util/concurrency.js";
import { ExecutorError } from "../../util/errors.js";
import type { ResourcesOptions } from "../../flow/step.js";
import type { TaskExecutor, TaskHooks } from "../executor.js";
import type { TaskOutcome, TaskSpec } from "../task-spec.js";
import type { CodePackage } from "./code-package.js";
import { defaultCodeCache } from "./code-package.js";
import type { RemoteTask } from "./remote-task.js";
import { readOutcome } from "./attempt-claim.js";

/** Options of `SlurmExecutor.create`. */
export interface SlurmExecutorOptions {
  root: string;
  code: CodePackage;
  /** `--partition`. @default the cluster's default partition */
  partition?: string;
  /** More sbatch options, passed through as given (`--account=lab`, `--time=01:00:00`, ...). */
  extra: string[];
  notice: (message: string) => void;
  /** How often squeue is asked. @default 200 */
  pollMs?: number;
}

interface Pending {
  spec: TaskSpec;
  hooks: TaskHooks;
  resources?: ResourcesOptions;
  resolve: (o: TaskOutcome) => void;
  /** `<job>` or `<job>_<index>` once submitted. */
  slurmId?: string;
  /** The attempt's logs as read so far, and the reads in order (live ones, then the last). */
  tail?: LogTail;
  logs?: Promise<void>;
  /** Its outcome is being looked for while Slurm still lists the job. */
  checking?: boolean;
  /** Slurm's restart count of the job: a requeued task runs as a later attempt, whose log the live tail then follows. */
  restarts?: number;
}

/** How often the logs of running tasks are read for their live output. */
const TAIL_MS = 1000;
/** Logs read at once: a wide array on S3 costs a bounded number of requests at a time. */
const TAIL_CONCURRENCY = 8;
const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"]);

/** Runs task attempts as Slurm jobs. */
export class SlurmExecutor implements TaskExecutor {
  readonly kind = "slurm";
  readonly capacity = 100_000;
  private gathered: Pending[] = [];
  private gatherTimer: NodeJS.Immediate | undefined;
  private readonly running = new Map<string, Pending>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private tailing = false;
  private lastTail = 0;
  private batches = 0;
  private readonly ds: Datastore;
  private readonly logDir: string;
  private closed = false;

  private constructor(private readonly o: SlurmExecutorOptions) {
    this.ds = openDatastore(o.root);
    this.logDir = path.join(path.dirname(defaultCodeCache()), "slurm");
    mkdirSync(this.logDir, { recursive: true });
  }

  /** Checks that Slurm's commands are there. @throws ExecutorError */
  static async create(o: SlurmExecutorOptions): Promise<SlurmExecutor> {
    for (const cmd of ["sbatch", "squeue", "scancel"]) await requireCommand(cmd);
    return new SlurmExecutor(o);
  }

  run(spec: TaskSpec, hooks: TaskHooks): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.gathered.push({ spec, hooks, resolve, ...(hooks.resources ? { resources: hooks.resources } : {}) });
      // The scheduler hands over the tasks that became ready together (a foreach's children) in one turn
      // of the event loop: they are one array, and a single task waits for no timer before its sbatch.
      this.gatherTimer ??= setImmediate(() => void this.submitGathered());
    });
  }

  /** Cancels every job of the run still queued or running. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearImmediate(this.gatherTimer);
    clearInterval(this.poller);
    const jobs = [...new Set([...this.running.values()].map((p) => p.slurmId!.split("_")[0]!))];
    if (jobs.length) await run("scancel", jobs).catch(() => undefined);
    for (const p of this.running.values()) p.resolve(failure("the run was interrupted: its Slurm job was cancelled"));
    this.running.clear();
  }

  private async submitGathered(): Promise<void> {
    this.gatherTimer = undefined;
    const items = this.gathered;
    this.gathered = [];
    const groups = new Map<string, Pending[]>();
    for (const p of items) {
      const key = `${p.spec.step}|${JSON.stringify(p.resources ?? {})}|${p.hooks.timeoutMs ?? 0}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    await Promise.all(
      [...groups.values()].map((g) =>
        this.submit(g).catch((err: Error) => {
          for (const p of g) p.resolve(failure(`sbatch refused the job: ${err.message}`));
        }),
      ),
    );
  }

  private async submit(group: Pending[]): Promise<void> {
    const first = group[0]!.spec;
    const name = `${first.step}-${first.taskId}-${++this.batches}`;
    const batchKey = keys.remoteBatch(first.flow, first.runId, name);
    const tasks: RemoteTask[] = group.map((p) => ({
      root: this.o.root,
      code: this.o.code,
      spec: p.spec,
      ...(p.hooks.timeoutMs ? { timeoutMs: p.hooks.timeoutMs } : {}),
    }));
    await this.ds.storage.write(batchKey, JSON.stringify(tasks));
    const args = [
      "--parsable",
      "--requeue",
      `--job-name=tsflow-${first.runId}-${first.step}`,
      `--output=${this.logDir}/%A_%a.out`,
      ...this.resourceArgs(group[0]!),
      ...(group.length > 1 ? [`--array=0-${group.length - 1}`] : []),
    ];
    const script = `#!/bin/sh\nexec ${taskCommand()} --root ${quote(this.o.root)} --batch ${quote(batchKey)} --index "\${SLURM_ARRAY_TASK_ID:-0}"\n`;
    const jobId = (await run("sbatch", args, script)).trim().split(";")[0]!;
    if (!/^\d+$/.test(jobId)) throw new Error(`unexpected sbatch output '${jobId}'`);
    group.forEach((p, i) => {
      p.slurmId = group.length > 1 ? `${jobId}_${i}` : jobId;
      this.running.set(p.slurmId, p);
    });
    this.poller ??= setInterval(() => void this.poll(), this.o.pollMs ?? 200);
  }

  private resourceArgs(p: Pending): string[] {
    const r = p.resources ?? {};
    const minutes = p.hooks.timeoutMs ? Math.ceil(p.hooks.timeoutMs / 60_000) + 1 : undefined;
    return [
      ...(this.o.partition ? [`--partition=${this.o.partition}`] : []),
      ...(r.cpu ? [`--cpus-per-task=${r.cpu}`] : []),
      ...(r.memory ? [`--mem=${r.memory}M`] : []),
      ...(r.gpu ? [`--gres=gpu:${r.gpu}`] : []),
      ...(minutes ? [`--time=${minutes}`] : []),
      ...this.o.extra,
    ];
  }

  // squeue lists what is pending or running; a job that left it has ended, and its outcome is in the datastore.
  private async poll(): Promise<void> {
    if (this.polling || this.closed || this.running.size === 0) return;
    this.polling = true;
    try {
      const jobs = [...new Set([...this.running.keys()].map((id) => id.split("_")[0]!))];
      const out = await run("squeue", ["-h", "-r", "-O", "JobArrayID:|,State:|,RestartCnt:|", "-j", jobs.join(",")]).catch(() => "");
      const jobStates = new Map(
        out
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split("|").map((field) => field.trim())) // -O pads a field to a width on some Slurm versions
          .map(([id, state, restarts]) => [id!, { state: state!, restarts: Number(restarts) || 0 }]),
      );
      const live: Pending[] = [];
      for (const [id, p] of [...this.running]) {
        const state = jobStates.get(id)?.state;
        if (state === "RUNNING") {
          p.restarts = jobStates.get(id)!.restarts;
          live.push(p);
        }
        if (state === "COMPLETING") this.finishIfRecorded(p, id);
        if (state && !FINAL.has(state)) continue;
        this.running.delete(id);
        void this.finish(p, id, state);
      }
      this.tailLive(live);
    } finally {
      this.polling = false;
      if (this.running.size === 0) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    }
  }

  // A job whose task process ended is COMPLETING while Slurm cleans up after it: a recorded outcome need not wait.
  private finishIfRecorded(p: Pending, id: string): void {
    if (p.checking) return;
    p.checking = true;
    void readOutcome(this.ds, p.spec)
      .then((outcome) => {
        if (outcome && this.running.delete(id)) void this.finish(p, id, "COMPLETING", outcome);
      })
      .catch(() => undefined)
      .finally(() => (p.checking = false));
  }

  private async finish(p: Pending, id: string, state: string | undefined, recorded?: TaskOutcome): Promise<void> {
    const outcome = recorded ?? (await readOutcome(this.ds, p.spec));
    if (outcome) {
      await this.emitLog(p, outcome.attempt ?? p.spec.attempt);
      return p.resolve(outcome);
    }
    const log = this.slurmLog(id);
    p.resolve(
      failure(`Slurm job ${id} ended${state ? ` (${state})` : ""} without recording the task's outcome${log ? `; its output ends with:\n${log}` : ""}`),
    );
  }

  // Running tasks' output, live: what their logs in the datastore gained, read at most every TAIL_MS.
  private tailLive(live: Pending[]): void {
    if (this.tailing || live.length === 0 || Date.now() - this.lastTail < TAIL_MS) return;
    this.tailing = true;
    this.lastTail = Date.now();
    void mapLimit(live, TAIL_CONCURRENCY, async (p) => this.emitLog(p, await this.liveAttempt(p))).finally(() => (this.tailing = false));
  }

  // The attempt a running job runs: the task's own, until Slurm requeued the job (its node died). The
  // requeued delivery claimed a later attempt, the newest one in the datastore (none yet: the last one).
  private async liveAttempt(p: Pending): Promise<number> {
    const current = p.tail?.address.attempt ?? p.spec.attempt;
    if (!p.restarts) return current;
    const { flow, runId, step, taskId } = p.spec;
    return Math.max(current, ...(await this.ds.listAttempts(flow, runId, step, taskId).catch(() => [])));
  }

  // One task's reads are chained, so a live read and the last one at its end never repeat a line. On
  // moving to a later attempt, what the attempt followed so far still gained is shown first.
  private emitLog(p: Pending, attempt: number): Promise<void> {
    p.logs = (p.logs ?? Promise.resolve()).then(async () => {
      if (p.tail && p.tail.address.attempt !== attempt) await this.emitTail(p, p.tail);
      if (p.tail?.address.attempt !== attempt) p.tail = new LogTail(this.ds.storage, { ...p.spec, attempt });
      await this.emitTail(p, p.tail);
    });
    return p.logs;
  }

  private async emitTail(p: Pending, tail: LogTail): Promise<void> {
    for (const { stream, text } of await tail.read().catch(() => [])) p.hooks.onOutput(stream, text, 0);
  }

  private slurmLog(id: string): string {
    const [job, index] = id.split("_");
    const file = path.join(this.logDir, `${job}_${index ?? "4294967294"}.out`);
    if (!existsSync(file)) return "";
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n").trim();
  }
}

function failure(message: string): TaskOutcome {
  return { success: false, next: [], exception: { type: "ExecutorError", message, stack: message } };
}

// The command a job runs: this node and tsflow's light task entry, unless TSFLOW_SLURM_COMMAND names another tsflow.
function taskCommand(): string {
  const custom = process.env.TSFLOW_SLURM_COMMAND;
  if (custom) return `${custom} task`;
  const bin = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../../../bin/tsflow-task.js" : "../../bin/tsflow-task.js", import.meta.url));
  return `${quote(process.execPath)} ${quote(bin)}`;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function requireCommand(cmd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, ["--version"], { timeout: 10_000 }, (err) => {
      if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") {
        reject(
          new ExecutorError(
            `The Slurm command '${cmd}' is not on PATH: run tsflow on a machine of the cluster (a login node), or install Slurm's client commands (Debian: slurm-client).`,
          ),
        );
      } else resolve();
    });
  });
}

function run(cmd: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(err.trim() || `${cmd} exited with code ${code}`))));
    if (stdin !== undefined) {
      child.stdin!.on("error", () => undefined); // a command that exits first reports through its code
      child.stdin!.end(stdin);
    }
  });
}
