/**
 * Resume: a new run that reuses the successful tasks of an origin run and re-executes from the
 * failed (or named) step on. Reused tasks are cloned (new task ids, `originTaskId` recorded, the
 * same artifacts); every task of the new run records the origin run id.
 */
import type { FlowGraph } from "../flow/graph.js";
import type { Datastore } from "../store/datastore.js";
import { PARAMETERS_STEP, PARAMETERS_TASK } from "../store/layout.js";
import type { ArtifactsRecord, AttemptRecord, ForeachFrame } from "../store/records.js";
import { NotFoundError, UsageError } from "../util/errors.js";
import type { RunEvent } from "./run-events.js";
import type { TaskOutcome, TaskSpec } from "./task-spec.js";

interface OriginTask {
  taskId: string;
  attempt: number;
  done: AttemptRecord;
}

const keyOf = (step: string, stack: ForeachFrame[]) => `${step}|${stack.map((f) => f.index).join("/")}`;

/** Which tasks of the origin run a resumed run reuses. */
export class ResumePlan {
  private constructor(
    readonly originRunId: string,
    readonly resumeStep: string,
    readonly parameters: ArtifactsRecord,
    private readonly rerun: ReadonlySet<string>,
    private readonly origin: ReadonlyMap<string, OriginTask>,
    private readonly flow: string,
  ) {}

  /**
   * Reads the origin run and decides where to resume: `step` if given, else the first step (in
   * graph order) with a task that did not succeed.
   * @throws NotFoundError when the origin run does not exist; UsageError when there is nothing to resume.
   */
  static async create(ds: Datastore, graph: FlowGraph, originRunId: string, step?: string): Promise<ResumePlan> {
    const flow = graph.flow;
    if (!(await ds.readRun(flow, originRunId)))
      throw new NotFoundError(`Run('${flow}/${originRunId}') does not exist: pass an existing run with --origin-run-id.`);
    // A runtime killed mid-run may not have told the run index how far the origin got.
    await ds.notifyRunChanged(flow, originRunId);
    const origin = await readOrigin(ds, flow, originRunId);
    const resumeStep = step ?? firstUnfinished(graph, origin);
    if (!resumeStep) throw new UsageError(`Run ${flow}/${originRunId} was successful: name the step to re-run from, e.g. tsflow resume <file> end.`);
    if (!graph.steps.has(resumeStep))
      throw new UsageError(`Step '${resumeStep}' is not a step of ${flow}: choose one of ${[...graph.steps.keys()].join(", ")}.`);
    const parameters = await ds.readArtifacts(flow, originRunId, PARAMETERS_STEP, PARAMETERS_TASK, 0);
    return new ResumePlan(originRunId, resumeStep, parameters, descendants(graph, resumeStep), origin.tasks, flow);
  }

  /** Clones the origin's task for `spec` when it can be reused; undefined when it must run. */
  async tryClone(spec: TaskSpec, ds: Datastore, emit: (e: RunEvent) => void): Promise<TaskOutcome | undefined> {
    if (this.rerun.has(spec.step)) return undefined;
    const from = this.origin.get(keyOf(spec.step, spec.foreachStack));
    if (!from) return undefined;
    const refs = await ds.readArtifacts(this.flow, this.originRunId, spec.step, from.taskId, from.attempt);
    const now = Date.now();
    await ds.writeTask({
      flow: spec.flow,
      runId: spec.runId,
      step: spec.step,
      taskId: spec.taskId,
      createdAt: now,
      index: spec.foreachStack.at(-1)?.index ?? null,
      foreachStack: spec.foreachStack,
      parents: spec.parents.map((p) => `${p.step}/${p.taskId}`),
      originRunId: this.originRunId,
      originTaskId: `${spec.step}/${from.taskId}`,
    });
    await ds.writeArtifacts(spec.flow, spec.runId, spec.step, spec.taskId, 0, refs);
    await cloneLineage(ds, this.flow, this.originRunId, spec, from.taskId);
    await ds.writeDone(spec.flow, spec.runId, spec.step, spec.taskId, { ...from.done, attempt: 0, startedAt: now, finishedAt: Date.now(), pid: process.pid });
    emit({
      type: "task-finished",
      flow: spec.flow,
      runId: spec.runId,
      step: spec.step,
      taskId: spec.taskId,
      attempt: 0,
      success: true,
      cloned: true,
      message: `${this.flow}/${this.originRunId}/${spec.step}/${from.taskId}`,
    });
    const artifacts = Object.keys(refs).filter((name) => !(name in spec.parameters));
    return { success: true, next: from.done.next, artifacts, ...(from.done.foreachCount ? { foreachCount: from.done.foreachCount } : {}) };
  }
}

/** Gives a cloned task the lineage of the task it was cloned from (it read what that task read). */
async function cloneLineage(ds: Datastore, flow: string, originRunId: string, spec: TaskSpec, fromTaskId: string): Promise<void> {
  const record = await ds.readLineage(flow, originRunId, spec.step, fromTaskId);
  if (!record) return;
  const clonedFrom = record.clonedFrom ?? `${flow}/${originRunId}/${spec.step}/${fromTaskId}`;
  await ds.writeLineage(spec.flow, spec.runId, spec.step, spec.taskId, { ...record, task: `${spec.step}/${spec.taskId}`, attempt: 0, clonedFrom });
}

interface Origin {
  tasks: Map<string, OriginTask>;
  failedSteps: Set<string>;
}

async function readOrigin(ds: Datastore, flow: string, runId: string): Promise<Origin> {
  const found = new Map<string, OriginTask>();
  const failedSteps = new Set<string>();
  for (const step of await ds.listSteps(flow, runId)) {
    if (step === PARAMETERS_STEP) continue;
    for (const taskId of await ds.listTaskIds(flow, runId, step)) {
      const [task, attempts] = await Promise.all([ds.readTask(flow, runId, step, taskId), ds.listAttempts(flow, runId, step, taskId)]);
      const attempt = attempts.at(-1);
      const done = attempt === undefined ? undefined : await ds.readDone(flow, runId, step, taskId, attempt);
      if (task && done?.success) found.set(keyOf(step, task.foreachStack), { taskId, attempt: attempt!, done });
      else failedSteps.add(step);
    }
  }
  return { tasks: found, failedSteps };
}

function firstUnfinished(graph: FlowGraph, origin: Origin): string | undefined {
  const succeeded = new Set([...origin.tasks.keys()].map((k) => k.split("|")[0]));
  return graph.order.find((step) => !succeeded.has(step) || origin.failedSteps.has(step));
}

function descendants(graph: FlowGraph, step: string): Set<string> {
  const out = new Set<string>([step]);
  const queue = [step];
  while (queue.length) {
    for (const next of graph.steps.get(queue.shift()!)!.next) {
      if (!out.has(next)) {
        out.add(next);
        queue.push(next);
      }
    }
  }
  return out;
}
