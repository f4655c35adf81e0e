/**
 * The scheduler runs a flow's graph: it creates the run, hands tasks to an executor as their
 * inputs become ready (fan-out for branches and foreach, barriers for joins), retries failed
 * attempts (`@retry`), clones reusable tasks when resuming, and records how the run ended.
 */
import type { FlowGraph, GraphNode } from "../flow/graph.js";
import { graphInfo } from "../flow/graph.js";
import type { Datastore } from "../store/datastore.js";
import { PARAMETERS_STEP, PARAMETERS_TASK } from "../store/layout.js";
import type { ArtifactsRecord, ForeachFrame, RunPinsRecord, RunRecord } from "../store/records.js";
import type { ArtifactStore } from "./artifact-store.js";
import type { TaskExecutor } from "./executor.js";
import type { RunEvent } from "./run-events.js";
import type { ResumePlan } from "./resume.js";
import type { ForeachSource, TaskAddress, TaskOutcome, TaskSpec } from "./task-spec.js";

/** Everything a run needs. */
export interface ScheduleOptions {
  datastore: Datastore;
  store: ArtifactStore;
  graph: FlowGraph;
  executor: TaskExecutor;
  /** Parameter values keyed by field name (already resolved). */
  parameters: Record<string, unknown>;
  userTags: string[];
  systemTags: string[];
  username: string;
  identity: string;
  maxWorkers: number;
  flowFile?: string;
  /** The pins the run's tasks follow (recorded once with the run); absent: none. */
  pins?: RunPinsRecord;
  resume?: ResumePlan;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
}

/** How a run ended. */
export interface RunResult {
  flow: string;
  runId: string;
  success: boolean;
  reason?: string;
}

/** Where a task sits in the run: its foreach frames, where their values come from, and the lineage's artifact names. */
interface Lineage {
  stack: ForeachFrame[];
  sources: ForeachSource[];
  seen: ReadonlySet<string>;
  carried: ReadonlySet<string>;
}

interface Waiting {
  expected: number;
  parents: { address: TaskAddress; order: number; seen: ReadonlySet<string> }[];
  stack: ForeachFrame[];
  sources: ForeachSource[];
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** Creates a run and executes it to the end. */
export async function executeRun(options: ScheduleOptions): Promise<RunResult> {
  const run = await createRun(options);
  return new Scheduler(options, run).execute();
}

async function createRun(o: ScheduleOptions): Promise<RunRecord> {
  return o.datastore.createRun(
    {
      flow: o.graph.flow,
      user: o.username,
      systemTags: o.systemTags,
      originRunId: o.resume?.originRunId ?? null,
      startStep: "start",
      endStep: "end",
      graph: graphInfo(o.graph),
      parameters: Object.keys(o.parameters),
      ...(o.flowFile ? { flowFile: o.flowFile } : {}),
    },
    o.userTags,
  );
}

class Scheduler {
  private nextTaskId = 1;
  private running = 0;
  private readonly queue: TaskSpec[] = [];
  private readonly joins = new Map<string, Waiting>();
  // Artifact names set anywhere upstream of each queued or running task, by task id.
  private readonly upstream = new Map<string, ReadonlySet<string>>();
  private failure: string | undefined;
  private endSucceeded = false;
  private parameterRefs: ArtifactsRecord = {};
  private finish!: () => void;

  constructor(
    private readonly o: ScheduleOptions,
    private readonly run: RunRecord,
  ) {}

  private get flow() {
    return this.run.flow;
  }

  async execute(): Promise<RunResult> {
    const { flow, runId } = this.run;
    this.emit({ type: "run-started", flow, runId, identity: this.o.identity });
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    const onAbort = () => this.abort("interrupted");
    this.o.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (this.o.pins) await this.o.datastore.writeRunPins(flow, runId, this.o.pins);
      await this.writeParameters();
      this.enqueue(this.spec("start", [], { stack: [], sources: [], seen: NO_NAMES, carried: NO_NAMES }));
      this.pump();
      await done;
    } catch (err) {
      this.failure = (err as Error).message;
    } finally {
      this.o.signal?.removeEventListener("abort", onAbort);
    }
    return this.record();
  }

  private abort(reason: string): void {
    this.failure ??= reason;
    this.queue.length = 0;
    this.finish?.();
  }

  private async writeParameters(): Promise<void> {
    const ds = this.o.datastore;
    const { flow, runId } = this.run;
    const origin = this.o.resume?.parameters;
    for (const [name, value] of Object.entries(this.o.parameters)) {
      this.parameterRefs[name] = origin?.[name] ?? (await this.o.store.put(value, { artifact: name, step: PARAMETERS_STEP }));
    }
    const now = Date.now();
    await ds.writeTask({
      flow,
      runId,
      step: PARAMETERS_STEP,
      taskId: PARAMETERS_TASK,
      createdAt: now,
      index: null,
      foreachStack: [],
      parents: [],
      originRunId: this.run.originRunId,
    });
    await ds.writeArtifacts(flow, runId, PARAMETERS_STEP, PARAMETERS_TASK, 0, this.parameterRefs);
    await ds.writeDone(flow, runId, PARAMETERS_STEP, PARAMETERS_TASK, {
      attempt: 0,
      success: true,
      startedAt: now,
      finishedAt: Date.now(),
      pid: process.pid,
      next: ["start"],
    });
  }

  private spec(step: string, parents: TaskAddress[], at: Lineage): TaskSpec {
    const node = this.node(step);
    const taskId = String(this.nextTaskId++);
    this.upstream.set(taskId, at.seen);
    return {
      flow: this.flow,
      runId: this.run.runId,
      step,
      taskId,
      attempt: 0,
      lastAttempt: !node.options.retry?.times,
      parents,
      foreachStack: at.stack,
      foreachSources: at.sources,
      lost: [...at.seen].filter((name) => !at.carried.has(name)),
      parameters: this.parameterRefs,
      username: this.o.username,
      identity: this.o.identity,
      userTags: this.o.userTags,
      originRunId: this.run.originRunId,
      ...(this.o.pins ? { pins: true as const } : {}),
    };
  }

  private node(step: string): GraphNode {
    return this.o.graph.steps.get(step)!;
  }

  private enqueue(spec: TaskSpec): void {
    this.queue.push(spec);
  }

  private pump(): void {
    const limit = Math.max(1, this.o.maxWorkers);
    while (!this.failure && this.running < limit && this.queue.length) void this.launch(this.queue.shift()!);
    if (this.running === 0 && (this.queue.length === 0 || this.failure)) this.finish();
  }

  private async launch(spec: TaskSpec): Promise<void> {
    this.running++;
    let outcome: TaskOutcome;
    try {
      outcome = (await this.o.resume?.tryClone(spec, this.o.datastore, this.emit)) ?? (await this.runOnExecutor(spec));
    } catch (err) {
      outcome = { success: false, next: [], exception: { type: "RuntimeError", message: (err as Error).message, stack: String((err as Error).stack) } };
    }
    this.running--;
    this.onDone(spec, outcome);
    this.pump();
  }

  private async runOnExecutor(spec: TaskSpec): Promise<TaskOutcome> {
    const base = { flow: spec.flow, runId: spec.runId, step: spec.step, taskId: spec.taskId };
    this.emit({ type: "task-started", ...base, attempt: spec.attempt });
    const { timeoutMs, resources } = this.node(spec.step).options;
    const outcome = await this.o.executor.run(spec, {
      timeoutMs,
      ...(resources ? { resources } : {}),
      onOutput: (stream, text, pid) => this.emit({ type: "task-output", ...base, pid, stream, text }),
    });
    this.emit({
      type: "task-finished",
      ...base,
      attempt: outcome.attempt ?? spec.attempt,
      success: outcome.success,
      ...(outcome.host ? { host: outcome.host } : {}),
      message: outcome.exception && `${outcome.exception.type}: ${outcome.exception.message}`,
      foreachCount: outcome.foreachCount,
    });
    return outcome;
  }

  private onDone(spec: TaskSpec, outcome: TaskOutcome): void {
    if (!outcome.success) {
      this.onFailure(spec, outcome);
      return;
    }
    if (spec.step === "end") this.endSucceeded = true;
    if (!this.failure) this.successors(spec, outcome);
  }

  private onFailure(spec: TaskSpec, outcome: TaskOutcome): void {
    const retry = this.node(spec.step).options.retry;
    const attempt = outcome.attempt ?? spec.attempt;
    if (retry && attempt < retry.times && !this.failure) {
      const next = { ...spec, attempt: attempt + 1, lastAttempt: attempt + 1 >= retry.times };
      const delay = retry.secondsBetweenRetries * 1000;
      this.running++;
      setTimeout(() => {
        this.running--;
        this.enqueue(next);
        this.pump();
      }, delay);
      return;
    }
    const what = outcome.exception ? `${outcome.exception.type}: ${outcome.exception.message}` : "failed";
    this.failure ??= `Step *${spec.step}* (task ${this.flow}/${spec.runId}/${spec.step}/${spec.taskId}) failed: ${what}`;
  }

  private successors(spec: TaskSpec, outcome: TaskOutcome): void {
    const node = this.node(spec.step);
    const address: TaskAddress = { step: spec.step, taskId: spec.taskId, attempt: outcome.attempt ?? spec.attempt };
    const carried: ReadonlySet<string> = new Set(outcome.artifacts ?? []);
    const seen = new Set([...(this.upstream.get(spec.taskId) ?? NO_NAMES), ...carried]);
    this.upstream.delete(spec.taskId);
    if (node.type === "foreach") {
      const count = outcome.foreachCount ?? 0;
      const sources = [...spec.foreachSources, { ...address, artifact: node.foreach! }];
      for (let index = 0; index < count; index++) {
        const stack = [...spec.foreachStack, { step: spec.step, index, count }];
        this.enqueue(this.spec(node.next[0]!, [address], { stack, sources, seen, carried }));
      }
      return;
    }
    for (const next of outcome.next) {
      if (this.node(next).isJoin) this.arriveAtJoin(next, address, spec, seen);
      else this.enqueue(this.spec(next, [address], { stack: spec.foreachStack, sources: spec.foreachSources, seen, carried }));
    }
  }

  // A join starts with no artifacts of its own: everything its lineage set counts as lost until
  // the join merges or sets it.
  private arriveAtJoin(step: string, address: TaskAddress, from: TaskSpec, seen: ReadonlySet<string>): void {
    const stack = from.foreachStack;
    const join = this.node(step);
    const opener = this.node(join.matchingSplit!);
    const isForeach = opener.type === "foreach";
    const outer = isForeach ? stack.slice(0, -1) : stack;
    const key = `${step}|${outer.map((f) => `${f.step}:${f.index}`).join("/")}`;
    const sources = isForeach ? from.foreachSources.slice(0, -1) : from.foreachSources;
    const waiting = this.joins.get(key) ?? { expected: isForeach ? stack.at(-1)!.count : join.inEdges.length, parents: [], stack: outer, sources };
    const order = isForeach ? stack.at(-1)!.index : join.inEdges.indexOf(address.step);
    waiting.parents.push({ address, order, seen });
    this.joins.set(key, waiting);
    if (waiting.parents.length < waiting.expected) return;
    this.joins.delete(key);
    const sorted = waiting.parents.sort((a, b) => a.order - b.order);
    const union = new Set(sorted.flatMap((p) => [...p.seen]));
    this.enqueue(
      this.spec(
        step,
        sorted.map((p) => p.address),
        { stack: waiting.stack, sources: waiting.sources, seen: union, carried: NO_NAMES },
      ),
    );
  }

  private async record(): Promise<RunResult> {
    const { flow, runId } = this.run;
    const success = this.endSucceeded && !this.failure;
    let reason = success ? undefined : (this.failure ?? "the run did not reach its end step");
    // status.json is for display (the end task's outcome decides): a full or read-only disk must
    // not turn the run's own report into a crash of the runtime.
    try {
      await this.o.datastore.writeStatus(flow, runId, { state: success ? "successful" : "failed", finishedAt: Date.now(), ...(reason ? { reason } : {}) });
    } catch (err) {
      if (!success) reason = `${reason} (the run's status could not be recorded either: ${(err as Error).message})`;
    }
    this.emit({ type: "run-finished", flow, runId, success, ...(reason ? { reason } : {}) });
    return { flow, runId, success, ...(reason ? { reason } : {}) };
  }

  private readonly emit = (event: RunEvent): void => {
    this.o.onEvent?.(event);
  };
}
