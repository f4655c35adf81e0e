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
import { StepError } from "../util/errors.js";
import type { ArtifactStore } from "./artifact-store.js";
import { FlowInstance } from "./flow-instance.js";
import { makeInputs, mergeInputs } from "./join-inputs.js";
import { captureOutput } from "./output-capture.js";
import type { TaskOutcome, TaskSpec } from "./task-spec.js";
import { TaskLog } from "./task-log.js";

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
  const node = ctx.graph.steps.get(spec.step)!;
  let outcome: TaskOutcome;
  try {
    const instance = await prepareInstance(spec, ctx, node);
    const parents = node.isJoin ? await readParents(spec, ctx) : [];
    const inputs = node.isJoin ? makeInputs(parents, ctx.store) : undefined;
    const listRefs = spec.input ? await readAddress(ctx, spec, spec.input) : undefined;
    await ctx.store.prepare(allRefs(spec, instance, listRefs, ...parents.map((p) => p.refs)));
    const state = attachState(instance, spec, node, ctx, listRefs);
    const args = inputs ? [inputs] : [];
    await captureOutput(log.sink, () => runWithTask(taskInfo(spec), () => runStep(instance.flow, args, node, spec)));
    outcome = await finish(instance, state, spec, node, ctx, startedAt);
  } catch (err) {
    outcome = await fail(err, spec, node, ctx, log, startedAt);
  }
  // The outcome is recorded already; output or an index event lost to a full disk must not undo it.
  await log.flush().catch(() => undefined);
  // The end task's outcome decides the run's: tell the run index now, not only when the runtime
  // records the run's status (it may be killed in between).
  if (node.type === "end") await ds.notifyRunChanged(spec.flow, spec.runId).catch(() => undefined);
  return outcome;
}

function taskRecord(spec: TaskSpec, createdAt: number) {
  return {
    flow: spec.flow, runId: spec.runId, step: spec.step, taskId: spec.taskId, createdAt,
    index: spec.foreachStack.at(-1)?.index ?? null, foreachStack: spec.foreachStack,
    parents: spec.parents.map((p) => `${p.step}/${p.taskId}`), originRunId: spec.originRunId,
  };
}

function taskInfo(spec: TaskSpec): TaskInfo {
  return {
    flowName: spec.flow, runId: spec.runId, stepName: spec.step, taskId: spec.taskId, username: spec.username,
    namespace: spec.identity, tags: spec.userTags, retryCount: spec.attempt, originRunId: spec.originRunId,
    isProduction: spec.identity.startsWith("production:"), parameterNames: Object.keys(spec.parameters),
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

function allRefs(spec: TaskSpec, instance: FlowInstance, ...more: (ArtifactsRecord | undefined)[]): ArtifactRef[] {
  const refs = [...Object.values(spec.parameters), ...instance.inheritedRefs()];
  for (const m of more) if (m) refs.push(...Object.values(m));
  return refs;
}

function readAddress(ctx: TaskContext, spec: TaskSpec, a: { step: string; taskId: string; attempt: number }): Promise<ArtifactsRecord> {
  return ctx.datastore.readArtifacts(spec.flow, spec.runId, a.step, a.taskId, a.attempt);
}

async function readParents(spec: TaskSpec, ctx: TaskContext): Promise<{ step: string; refs: ArtifactsRecord }[]> {
  return Promise.all(spec.parents.map(async (p) => ({ step: p.step, refs: await readAddress(ctx, spec, p) })));
}

function attachState(
  instance: FlowInstance, spec: TaskSpec, node: GraphNode, ctx: TaskContext, listRefs?: ArtifactsRecord,
): TaskState {
  const state: TaskState = {
    step: spec.step, foreachStack: spec.foreachStack, isJoin: node.isJoin,
    index: spec.foreachStack.at(-1)?.index,
    merge: (inputs, options) => mergeInputs(instance, spec.step, inputs, instance.parameterNames, options),
  };
  if (spec.input && listRefs) state.input = lazyInput(spec.input, listRefs, ctx);
  Object.defineProperty(instance.flow, TASK_STATE, { value: state, enumerable: false });
  return state;
}

function lazyInput(src: NonNullable<TaskSpec["input"]>, refs: ArtifactsRecord, ctx: TaskContext): () => unknown {
  let list: unknown[] | undefined;
  return () => {
    list ??= ctx.store.loadSync(refs[src.artifact]!) as unknown[];
    return list[src.index];
  };
}

async function runStep(flow: FlowSpec, args: unknown[], node: GraphNode, spec: TaskSpec): Promise<void> {
  const method = (flow as unknown as Record<string, (...a: unknown[]) => unknown>)[spec.step]!;
  const run = Promise.resolve().then(() => method.apply(flow, args));
  const ms = node.options.timeoutMs;
  if (!ms) return void (await run);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepError(`Step *${spec.step}* timed out after ${ms / 1000} s (@timeout): make it faster or raise the timeout.`)), ms);
  });
  try {
    await Promise.race([run, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function finish(
  instance: FlowInstance, state: TaskState, spec: TaskSpec, node: GraphNode, ctx: TaskContext, startedAt: number,
): Promise<TaskOutcome> {
  const next = checkTransition(state, node);
  const foreachCount = node.foreach === undefined ? undefined : countForeach(instance.flow, node);
  const refs = await instance.persist(spec.parameters);
  await ctx.datastore.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt, refs);
  await writeDone(ctx.datastore, spec, { success: true, startedAt, next, foreachCount });
  return { success: true, next, foreachCount };
}

function checkTransition(state: TaskState, node: GraphNode): string[] {
  const t = state.transition;
  if (node.type === "end") return [];
  if (!t) throw new StepError(`Step *${node.name}* did not call this.next(): end the step with this.next(${node.next.map((s) => `this.${s}`).join(", ")}).`);
  const same = t.steps.length === node.next.length && t.steps.every((s, i) => s === node.next[i]) && t.foreach === node.foreach;
  if (!same) {
    throw new StepError(`Step *${node.name}* called this.next(${t.steps.map((s) => `this.${s}`).join(", ")}) but its code says this.next(${node.next.map((s) => `this.${s}`).join(", ")}): the transition must not depend on conditions.`);
  }
  return t.steps;
}

function countForeach(flow: FlowSpec, node: GraphNode): number {
  const list = (flow as unknown as Record<string, unknown>)[node.foreach!];
  if (!Array.isArray(list)) {
    throw new StepError(`Step *${node.name}* starts a foreach over this.${node.foreach}, which is ${list === undefined ? "not set" : `a ${typeof list}`}: set it to an array first.`);
  }
  if (list.length === 0) {
    throw new StepError(`Step *${node.name}* starts a foreach over this.${node.foreach}, which is empty: a foreach needs at least one element.`);
  }
  return list.length;
}

async function fail(
  err: unknown, spec: TaskSpec, node: GraphNode, ctx: TaskContext, log: TaskLog, startedAt: number,
): Promise<TaskOutcome> {
  const exception = toExceptionInfo(err);
  log.write("stderr", `${exception.stack}\n`);
  const caught = node.options.catch;
  if (caught && spec.lastAttempt && node.type !== "foreach") return catchFailure(exception, spec, node, ctx, log, startedAt);
  // A failure that cannot even be recorded (disk full) is still this attempt's outcome: no done.json
  // reads as "not successful", so report it instead of crashing the process that runs the task.
  await writeDone(ctx.datastore, spec, { success: false, startedAt, next: [], exception })
    .catch((err: Error) => (exception.message += ` (and the failure could not be recorded: ${err.message})`));
  return { success: false, next: [], exception };
}

async function catchFailure(
  exception: ExceptionInfo, spec: TaskSpec, node: GraphNode, ctx: TaskContext, log: TaskLog, startedAt: number,
): Promise<TaskOutcome> {
  log.write("stderr", `@catch caught an exception from step *${spec.step}*\n`);
  const refs: ArtifactsRecord = { ...spec.parameters };
  const parent = spec.parents.length === 1 && !node.isJoin ? spec.parents[0] : undefined;
  if (parent) Object.assign(refs, await ctx.datastore.readArtifacts(spec.flow, spec.runId, parent.step, parent.taskId, parent.attempt));
  const name = node.options.catch?.var;
  if (name) refs[name] = await ctx.store.put({ ...exception }, { artifact: name, step: spec.step });
  await ctx.datastore.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, spec.attempt, refs);
  await writeDone(ctx.datastore, spec, { success: true, startedAt, next: node.next, exception });
  return { success: true, next: node.next, exception };
}

async function writeDone(ds: Datastore, spec: TaskSpec, r: Omit<AttemptRecord, "attempt" | "finishedAt" | "pid">): Promise<void> {
  const where = { host: hostname(), ...(spec.executor ? { executor: spec.executor } : {}) };
  await ds.writeDone(spec.flow, spec.runId, spec.step, spec.taskId, { attempt: spec.attempt, finishedAt: Date.now(), pid: process.pid, ...where, ...r });
}

/** Turns anything thrown into the stored exception record. */
export function toExceptionInfo(err: unknown): ExceptionInfo {
  if (err instanceof Error) {
    const type = (err as { code?: string }).code && err.name !== "Error" ? err.name : err.constructor?.name ?? err.name;
    return { type: type || "Error", message: err.message, stack: err.stack ?? `${type}: ${err.message}` };
  }
  return { type: typeof err, message: String(err), stack: `thrown value: ${String(err)}` };
}
