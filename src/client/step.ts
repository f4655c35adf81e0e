/**
 * `Step`: one step of a run, as the tasks that ran it. Read from the run's files.
 */
import type { FlowClass } from "../flow/graph.js";
import { branded, CLIENT_OBJECT_MEMBERS, ClientObject } from "./client-object.js";
import type { ReadContext, RunHandle } from "./context.js";
import { installMembers, lookupHandle, memberList, ObjectPromise, type HandleMembers } from "./handle.js";
import { notFound } from "./model.js";
import { load, registerLoader, type LoadRequest } from "./registry.js";
import { checkNamespace, runStateFor } from "./run-state.js";
import type { TaskObject } from "./task.js";

/**
 * A `StepObject` is one step of a `Run`; it contains `Task`s (several for a foreach), newest first.
 * `task`, `finishedAt` and iteration read the tasks' files when awaited. `F` types its tasks' data
 * from the flow class, as for `RunObject`.
 */
export class StepObject<F extends FlowClass = FlowClass> extends ClientObject<TaskObject<F>> {
  readonly #taskIds: readonly string[];

  /** @internal Use `Step(pathspec)` or `run.get(name)`. */
  constructor(ctx: ReadContext, run: RunHandle, parts: string[], createdAt: Date, taskIds: readonly string[]) {
    super({ kind: "Step", parts, ctx, createdAt, run });
    this.#taskIds = taskIds;
  }

  /** The newest task of the step (not index 0), or null. */
  get task(): Promise<TaskObject<F> | null> {
    return this.loadTasks().then((tasks) => tasks[0] ?? null);
  }

  /** When the last task finished, or null while any task is unfinished. */
  get finishedAt(): Promise<Date | null> {
    return this.loadTasks().then((tasks) => {
      if (tasks.length === 0 || tasks.some((t) => t.finishedAt === null)) return null;
      return new Date(Math.max(...tasks.map((t) => t.finishedAt!.getTime())));
    });
  }

  /** The step's tasks, newest first (the same as iterating the step). */
  tasks(): AsyncIterable<TaskObject<F>> {
    return this.listChildren();
  }

  protected async *listChildren(): AsyncGenerator<TaskObject<F>> {
    yield* await this.loadTasks();
  }

  private async loadTasks(): Promise<TaskObject<F>[]> {
    const tasks = await Promise.all(this.#taskIds.map((id) => this.get(id)));
    // Newest first; tasks created in the same millisecond keep the higher id first.
    return tasks.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || Number(b.id) - Number(a.id));
  }
}

async function loadStep(ctx: ReadContext, request: LoadRequest): Promise<StepObject> {
  const run = await runStateFor("Step", ctx, request);
  const [flow, runId, step] = request.parts as [string, string, string];
  const { datastore } = ctx.backend;
  const taskIds = await datastore.listTaskIds(flow, runId, step);
  if (taskIds.length === 0) throw notFound("Step", request.parts.join("/"));
  checkNamespace(ctx, run);
  const first = await datastore.readTask(flow, runId, step, taskIds[0]!);
  const createdAt = first ? new Date(first.createdAt) : run.row.createdAt;
  return new StepObject(ctx, run, request.parts, createdAt, taskIds);
}

registerLoader("Step", loadStep);

const STEP_MEMBERS = memberList<StepObject>()([...CLIENT_OBJECT_MEMBERS, "task", "finishedAt", "tasks"]);

/**
 * What `Step(pathspec)` returns: a Promise of the `StepObject` that also answers every member of the
 * step directly (`await Step(p).task`) and iterates its tasks (`for await (const task of Step(p))`).
 */
class StepPromise<F extends FlowClass = FlowClass> extends ObjectPromise<StepObject<F>> {}
interface StepPromise<F extends FlowClass = FlowClass> extends HandleMembers<StepObject<F>> {}
installMembers(StepPromise, { objectClass: StepObject, members: STEP_MEMBERS, dataView: false });
export { StepPromise };

/** The signature of `Step`. */
export type StepFunction = <F extends FlowClass = FlowClass>(pathspec: string) => StepPromise<F>;

/**
 * Reads a step by pathspec in the current namespace. A `Step` belongs to a `Run`; it contains `Task`s.
 * @param pathspec `FlowName/RunID/StepName`.
 * @returns A lazy handle: a Promise of the `Step` that also answers its members and iterates its tasks.
 * @throws InvalidPathspecError `Expects Step('FlowName/RunID/StepName')` (before any I/O).
 * @throws NotFoundError `Step('F/R/nosuch') does not exist` (wins over a namespace mismatch).
 * @throws NamespaceMismatchError when the step's run is not in the namespace.
 * @example
 * import { Flow, Step } from "tsflow";
 *
 * const run = (await Flow("TeamCollabFlow").latestSuccessfulRun)!;
 * for await (const task of Step(`TeamCollabFlow/${run.id}/end`)) console.log(String(task), task.successful);
 */
export const Step = branded<StepObject, StepFunction>("Step", function Step(pathspec: string, options?: { attempt?: unknown }): StepPromise {
  return lookupHandle(StepPromise, "Step", pathspec, options?.attempt, (ctx, request) => load<StepObject>("Step", ctx, request));
} as StepFunction);

/** A `Step` object (the type of `await Step(pathspec)`). */
export type Step<F extends FlowClass = FlowClass> = StepObject<F>;
