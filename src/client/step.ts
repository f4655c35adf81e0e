/**
 * `Step`: one step of a run, as the tasks that ran it. Read from the run's files.
 */
import { branded, ClientObject } from "./client-object.js";
import { currentContext, type ReadContext, type RunHandle } from "./context.js";
import { checkAttempt, notFound, parsePathspec } from "./model.js";
import { load, registerLoader, type LoadRequest } from "./registry.js";
import { checkNamespace, runStateFor } from "./run-state.js";
import type { TaskObject } from "./task.js";

/**
 * A `StepObject` is one step of a `Run`; it contains `Task`s (several for a foreach), newest first.
 * `task`, `finishedAt` and iteration read the tasks' files when awaited.
 */
export class StepObject extends ClientObject<TaskObject> {
  readonly #taskIds: readonly string[];

  /** @internal Use `Step(pathspec)` or `run.get(name)`. */
  constructor(ctx: ReadContext, run: RunHandle, parts: string[], createdAt: Date, taskIds: readonly string[]) {
    super({ kind: "Step", parts, ctx, createdAt, run });
    this.#taskIds = taskIds;
  }

  /** The newest task of the step (not index 0), or null. */
  get task(): Promise<TaskObject | null> {
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
  tasks(): AsyncIterable<TaskObject> {
    return this.listChildren();
  }

  protected async *listChildren(): AsyncGenerator<TaskObject> {
    yield* await this.loadTasks();
  }

  private async loadTasks(): Promise<TaskObject[]> {
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

/**
 * Reads a step by pathspec in the current namespace. A `Step` belongs to a `Run`; it contains `Task`s.
 * @param pathspec `FlowName/RunID/StepName`.
 * @throws InvalidPathspecError `Expects Step('FlowName/RunID/StepName')` (before any I/O).
 * @throws NotFoundError `Step('F/R/nosuch') does not exist` (wins over a namespace mismatch).
 * @throws NamespaceMismatchError when the step's run is not in the namespace.
 * @example
 * const step = await Step(`TeamCollabFlow/${run.id}/end`);
 */
export const Step = branded<StepObject, (pathspec: string) => Promise<StepObject>>(
  "Step",
  async function Step(pathspec: string, options?: { attempt?: unknown }): Promise<StepObject> {
    checkAttempt("Step", options?.attempt);
    const parts = parsePathspec("Step", pathspec);
    return load<StepObject>("Step", currentContext(), { parts });
  },
);

/** A `Step` object (the type of `await Step(pathspec)`). */
export type Step = StepObject;
