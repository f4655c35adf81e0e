/**
 * Runs one attempt of one task: builds the flow instance, runs the step with its decorators,
 * checks the transition, persists new or changed artifacts, and records the outcome last. The
 * same code runs in-process and in worker processes, so the datastore output is identical.
 */
import { hostname } from "node:os";
import type { FlowSpec, TaskState } from "../flow/flow-spec.js";
import { TASK_STATE } from "../flow/markers.js";
import type { FlowClass, FlowGraph, GraphNode } from "../flow/graph.js";
import { runWithTask, type TaskInfo } from "../flow/current.js";
import type { Datastore } from "../store/datastore.js";
import type { ArtifactRef, ArtifactsRecord, AttemptRecord, ExceptionInfo } from "../store/records.js";
import { MissingArtifactError, StepError, StepTimeoutError, isTsflowError } from "../util/errors.js";
import type { ArtifactStore } from "./artifact-store.js";
import { FlowInstance } from "./flow-instance.js";
import { makeInputs, mergeInputs } from "./join-inputs.js";
import { captureOutput } from "./output-capture.js";
import type { TaskOutcome, TaskSpec } from "./task-spec.js";
import { TaskLog } from "./task-log.js";
import { ReadLog } from "./read-log.js";
import { runPinsOf } from "./run-pins.js";

// The reads of each running attempt, saved by `writeDone` just before the outcome.
const readLogs = new WeakMap<TaskSpec, ReadLog>();
// The outcome each attempt recorded: an end task's goes into its journal event.
const recorded = new WeakMap<TaskSpec, AttemptRecord>();

/** What a task runner works with. */
export interface TaskContext {
  datastore: Datastore;
  store: ArtifactStore;
  flowClass: FlowClass;
  graph: FlowGraph;
  /** Receives the task's output live (the runtime prefixes and prints it). */
  onOutput?: (spec: TaskSpec, stream: "stdout" | "stderr", text: string) => void;
}

/** Runs one task attempt to its recorded outcome; never throws for a failure of the step. */
export async function runTask(spec: TaskSpec, ctx: TaskContext): Promise<TaskOutcome> {
  const { datastore: ds } = ctx;
  const startedAt = Date.now();
  if (spec.attempt === 0) await ds.writeTask(taskRecord(spec, startedAt));
  const log = new TaskLog(ds, spec, ctx.onOutput);
  const reads = new ReadLog(spec);
  readLogs.set(spec, reads);
  const node = ctx.graph.steps.get(spec.step)!;
  let outcome: TaskOutcome;
  let instance: FlowInstance | undefined;
  try {
    instance = await prepareInstance(spec, ctx, node);
    const parents = node.isJoin ? await readParents(spec, ctx) : [];
    const inputs = node.isJoin ? makeInputs(parents, ctx.store) : undefined;
    const lists = await readForeachLists(spec, ctx);
    await ctx.store.prepare(allRefs(spec, instance, lists, ...parents.map((p) => Object.values(p.refs))));
    const state = attachState(instance, spec, node, ctx, lists);
    instance.guardLost(spec.lost, (name) => missingArtifact(spec.step, name, node.isJoin && parents.some((p) => name in p.refs)));
    const args = inputs ? [inputs] : [];
    await captureOutput(log.sink, () => runWithTask({ ...taskInfo(spec), reads, pins: runPinsOf(ds, spec) }, () => runStep(instance!.flow, args, node, spec)));
    outcome = await finish(instance, state, spec, node, ctx, startedAt);
  } catch (err) {
    outcome = await fail(err, { spec, node, ctx, log, startedAt, instance });
  }
  // The outcome is recorded already; output or an index event lost to a full disk must not undo it.
  await log.flush().catch(() => undefined);
  // The end task's outcome decides the run's: tell the run index now, not only when the runtime
  // records the run's status (it may be killed in between). An outcome that could not be recorded
  // leaves the index to re-read the run.
  if (node.type === "end") {
    const done = recorded.get(spec);
    await (done ? ds.notifyRunEnded(spec.flow, spec.runId, done) : ds.notifyRunChanged(spec.flow, spec.runId)).catch(() => undefined);
  }
  return outcome;
}

function missingArtifact(step: string, name: string, inInputs: boolean): MissingArtifactError {
  const message = inInputs
    ? `Step *${step}* reads this.${name} before setting it: its inputs carry '${name}', but a join starts with no artifacts of its own. ` +
      `Call this.mergeArtifacts(inputs) first, read it from inputs (inputs[0].${name}), or set this.${name}.`
    : `Step *${step}* reads this.${name}, but no input of this step carries the artifact '${name}': an earlier step set it and a join before this step did not merge it. ` +
      `Call this.mergeArtifacts(inputs) in that join (or set this.${name} there), or set this.${name} in this step before reading it.`;
  return new MissingArtifactError(message, name, step);
}

function taskRecord(spec: TaskSpec, createdAt: number) {
  return {
    flow: spec.flow,
    runId: spec.runId,
    step: spec.step,
    taskId: spec.taskId,
    createdAt,
    index: spec.foreachStack.at(-1)?.index ?? null,
    foreachStack: spec.foreachStack,
    parents: spec.parents.map((p) => `${p.step}/${p.taskId}`),
    originRunId: spec.originRunId,
  };
}

function taskInfo(spec: TaskSpec): TaskInfo {
  return {
    flowName: spec.flow,
    runId: spec.runId,
    stepName: spec.step,
    taskId: spec.taskId,
    username: spec.username,
    namespace: spec.identity,
    tags: spec.userTags,
    retryCount: spec.attempt,
    originRunId: spec.originRunId,
    isProduction: spec.identity.startsWith("production:"),
    parameterNames: Object.keys(spec.parameters),
  };
}

async function prepareInstance(spec: TaskSpec, ctx: TaskContext, node: GraphNode): Promise<FlowInstance> {
  const instance = new FlowInstance(new ctx.flowClass(), ctx.store, spec.step);
  instance.bindParameters(spec.parameters);
  if (!node.isJoin && spec.parents.length === 1) {
    const p = spec.parents[0]!;
    instance.bindArtifacts(await ctx.datastore.readArtifacts(spec.flow, spec.runId, p.step, p.taskId, p.attempt));
  }
  return instance;
}

function allRefs(spec: TaskSpec, instance: FlowInstance, ...more: (ArtifactRef | undefined)[][]): ArtifactRef[] {
  const refs = [...Object.values(spec.parameters), ...instance.inheritedRefs()];
  for (const m of more) for (const ref of m) if (ref) refs.push(ref);
  return refs;
}

// One ref per foreach level: the list each level's element comes from (values load when read).
async function readForeachLists(spec: TaskSpec, ctx: TaskContext): Promise<(ArtifactRef | undefined)[]> {
  return Promise.all((spec.foreachSources ?? []).map(async (src) => (await readAddress(ctx, spec, src))[src.artifact]));
}

function readAddress(ctx: TaskContext, spec: TaskSpec, a: { step: string; taskId: string; attempt: number }): Promise<ArtifactsRecord> {
  return ctx.datastore.readArtifacts(spec.flow, spec.runId, a.step, a.taskId, a.attempt);
}

async function readParents(spec: TaskSpec, ctx: TaskContext): Promise<{ step: string; refs: ArtifactsRecord }[]> {
  return Promise.all(spec.parents.map(async (p) => ({ step: p.step, refs: await readAddress(ctx, spec, p) })));
}

function attachState(instance: FlowInstance, spec: TaskSpec, node: GraphNode, ctx: TaskContext, lists: (ArtifactRef | undefined)[]): TaskState {
  const state: TaskState = {
    step: spec.step,
    foreachStack: spec.foreachStack,
    isJoin: node.isJoin,
    foreachValue: foreachValues(spec, lists, ctx),
    merge: (inputs, options) => mergeInputs(instance, spec.step, inputs, instance.parameterNames, options),
  };
  Object.defineProperty(instance.flow, TASK_STATE, { value: state, enumerable: false });
  return state;
}

// Each level's element is read from the split task's list the first time a step asks for it.
function foreachValues(spec: TaskSpec, lists: (ArtifactRef | undefined)[], ctx: TaskContext): (level: number) => unknown {
  const cache = new Map<number, unknown>();
  return (level) => {
    if (cache.has(level)) return cache.get(level);
    const ref = lists[level];
    const frame = spec.foreachStack[level];
    const value = ref && frame ? (ctx.store.loadSync(ref) as unknown[])[frame.index] : undefined;
    cache.set(level, value);
    return value;
  };
}

async function runStep(flow: FlowSpec, args: unknown[], node: GraphNode, spec: TaskSpec): Promise<void> {
  const method = (flow as unknown as Record<string, (...a: unknown[]) => unknown>)[spec.step]!;
  const run = Promise.resolve().then(() => method.apply(flow, args));
  const ms = node.options.timeoutMs;
  if (!ms) return void (await run);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StepTimeoutError(`Step *${spec.step}* timed out after ${ms / 1000} s (@timeout): make it faster or raise the timeout.`)),
      ms,
    );
  });
  try {
    await Promise.race([run, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function finish(instance: FlowInstance, state: TaskState, spec: TaskSpec, node: GraphNode, ctx: TaskContext, startedAt: number): Promise<TaskOutcome> {
  const next = checkTransition(state, node);
  const foreachCount = node.foreach === undefined ? undefined : countForeach(instance.flow, node);
  // As in Metaflow, a caught step that did not fail stores its error artifact as null.
  const catchVar = node.options.catch?.var;
  if (catchVar) (instance.flow as unknown as Record<string, unknown>)[catchVar] = null;
  const refs = await instance.persist(spec.parameters);
  await ctx.datastore.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt, refs);
  await writeDone(ctx.datastore, spec, { success: true, startedAt, next, foreachCount });
  return { success: true, next, foreachCount, artifacts: artifactNames(spec, refs) };
}

function artifactNames(spec: TaskSpec, refs: ArtifactsRecord): string[] {
  return Object.keys(refs).filter((name) => !(name in spec.parameters));
}

function checkTransition(state: TaskState, node: GraphNode): string[] {
  const t = state.transition;
  if (node.type === "end") return [];
  if (!t) throw new StepError(`Step *${node.name}* did not call this.next(): end the step with this.next(${node.next.map((s) => `this.${s}`).join(", ")}).`);
  const same = t.steps.length === node.next.length && t.steps.every((s, i) => s === node.next[i]) && t.foreach === node.foreach;
  if (!same) {
    throw new StepError(
      `Step *${node.name}* called this.next(${t.steps.map((s) => `this.${s}`).join(", ")}) but its code says this.next(${node.next.map((s) => `this.${s}`).join(", ")}): the transition must not depend on conditions.`,
    );
  }
  return t.steps;
}

function countForeach(flow: FlowSpec, node: GraphNode): number {
  const list = (flow as unknown as Record<string, unknown>)[node.foreach!];
  if (!Array.isArray(list)) {
    throw new StepError(
      `Step *${node.name}* starts a foreach over this.${node.foreach}, which is ${list === undefined ? "not set" : `a ${typeof list}`}: set it to an array first.`,
    );
  }
  if (list.length === 0) {
    throw new StepError(`Step *${node.name}* starts a foreach over this.${node.foreach}, which is empty: a foreach needs at least one element.`);
  }
  return list.length;
}

/** What a failed attempt is recorded with. */
interface Failure {
  spec: TaskSpec;
  node: GraphNode;
  ctx: TaskContext;
  log: TaskLog;
  startedAt: number;
  /** The flow instance the step ran on, when it got that far. */
  instance?: FlowInstance;
}

async function fail(err: unknown, f: Failure): Promise<TaskOutcome> {
  const exception = toExceptionInfo(err);
  const caught = f.node.options.catch;
  if (caught && f.spec.lastAttempt) {
    try {
      return await catchFailure(exception, f);
    } catch (err) {
      exception.message += ` (and @catchErrors could not record the task: ${(err as Error).message})`;
    }
  } else {
    // tsflow's own refusals (an artifact it cannot store, a misused step) say what to do: their stack
    // is tsflow's internals, not the user's code, so the log gets the error line (the record keeps the stack).
    f.log.write("stderr", `${isTsflowError(err) ? `${exception.type}: ${exception.message}` : exception.stack}\n`);
  }
  const { spec, ctx } = f;
  // Like Metaflow, keep what the failed attempt set (readable with Task(pathspec, { attempt })); an
  // artifact that cannot be stored must not hide the step's own error.
  const refs = await f.instance?.persist(spec.parameters).catch(() => undefined);
  if (refs) await ctx.datastore.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt, refs).catch(() => undefined);
  // A failure that cannot even be recorded (disk full) is still this attempt's outcome: no done.json
  // reads as "not successful", so report it instead of crashing the process that runs the task.
  await writeDone(ctx.datastore, spec, { success: false, startedAt: f.startedAt, next: [], exception }).catch(
    (err: Error) => (exception.message += ` (and the failure could not be recorded: ${err.message})`),
  );
  return { success: false, next: [], exception };
}

/**
 * `@catchErrors` on the last attempt: the task succeeds with what the failing attempt set before it
 * threw, plus the error in the `var` artifact; the attempt records the error as `caught`, not as
 * its exception (it was handled). If those artifacts cannot be stored, the task keeps its inherited
 * artifacts and the error.
 */
async function catchFailure(exception: ExceptionInfo, f: Failure): Promise<TaskOutcome> {
  const { spec, node, ctx, log, instance } = f;
  const options = node.options.catch!;
  if (options.printException !== false) log.write("stderr", `@catch caught an exception from step *${spec.step}*\n${exception.stack}\n`);
  const error = { type: exception.type, message: exception.message, stack: exception.stack };
  let refs: ArtifactsRecord | undefined;
  if (instance) {
    if (options.var) (instance.flow as unknown as Record<string, unknown>)[options.var] = error;
    refs = await instance.persist(spec.parameters).catch((err: Error) => {
      log.write("stderr", `@catch could not store the artifacts the attempt set (${err.message}): keeping the inherited ones\n`);
      return undefined;
    });
  }
  refs ??= await inheritedWith(error, f);
  await ctx.datastore.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt, refs);
  await writeDone(ctx.datastore, spec, { success: true, startedAt: f.startedAt, next: node.next, caught: exception });
  return { success: true, next: node.next, artifacts: artifactNames(spec, refs) };
}

async function inheritedWith(error: ExceptionInfo, { spec, node, ctx }: Failure): Promise<ArtifactsRecord> {
  const refs: ArtifactsRecord = { ...spec.parameters };
  const parent = spec.parents.length === 1 && !node.isJoin ? spec.parents[0] : undefined;
  if (parent) Object.assign(refs, await readAddress(ctx, spec, parent));
  const name = node.options.catch?.var;
  if (name) refs[name] = await ctx.store.put(error, { artifact: name, step: spec.step });
  return refs;
}

async function writeDone(ds: Datastore, spec: TaskSpec, r: Omit<AttemptRecord, "attempt" | "finishedAt" | "pid">): Promise<void> {
  await readLogs.get(spec)?.save(ds);
  const where = { host: hostname(), ...(spec.executor ? { executor: spec.executor } : {}) };
  const record: AttemptRecord = { attempt: spec.attempt, finishedAt: Date.now(), pid: process.pid, ...where, ...r };
  if (await ds.writeDone(spec.flow, spec.runId, spec.step, spec.taskId, record)) recorded.set(spec, record);
}

/** Turns anything thrown into the stored exception record. */
export function toExceptionInfo(err: unknown): ExceptionInfo {
  if (err instanceof Error) {
    const type = (err as { code?: string }).code && err.name !== "Error" ? err.name : (err.constructor?.name ?? err.name);
    return { type: type || "Error", message: err.message, stack: err.stack ?? `${type}: ${err.message}` };
  }
  return { type: typeof err, message: String(err), stack: `thrown value: ${String(err)}` };
}
