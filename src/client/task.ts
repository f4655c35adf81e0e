/**
 * `Task`: one execution of a step (one per foreach item), at one attempt. Its record, outcome and
 * artifact list are read when the task is looked up; artifact values and logs when awaited.
 */
import type { ArtifactsOf } from "../flow/flow-types.js";
import type { FlowClass } from "../flow/graph.js";
import type { ExceptionInfo } from "../store/records.js";
import { branded, CLIENT_OBJECT_MEMBERS, ClientObject } from "./client-object.js";
import type { ReadContext, RunHandle } from "./context.js";
import { installMembers, lookupHandle, memberList, ObjectPromise, type HandleMembers } from "./handle.js";
import { artifactOfSnapshot, type DataArtifactObject } from "./data-artifact.js";
import { componentsValid, isHidden, notFound } from "./model.js";
import { load, registerLoader, type LoadRequest } from "./registry.js";
import { checkNamespace, runStateFor } from "./run-state.js";
import { createTaskData, type TaskData } from "./task-data.js";
import { readTaskSnapshot, type TaskLookupOptions, type TaskSnapshot } from "./task-snapshot.js";

export type { TaskLookupOptions } from "./task-snapshot.js";

/** The exception a failed attempt raised. */
export interface TaskException {
  /** The error's class name, e.g. `TypeError`. */
  type: string;
  message: string;
  stack: string;
}

/**
 * A `TaskObject` is one execution of a `Step` at one attempt; it contains `DataArtifact`s. Its status
 * fields are synchronous (read at lookup); `data` values, `stdout`, `stderr`, `parentTasks` and
 * `childTasks` are read when awaited. `F` types `data` from the flow class, as for `RunObject`.
 */
export class TaskObject<F extends FlowClass = FlowClass> extends ClientObject<DataArtifactObject> {
  readonly #snap: TaskSnapshot;
  #data: TaskData<ArtifactsOf<F>> | undefined;

  /** @internal Use `Task(pathspec)` or `step.get(id)`. */
  constructor(ctx: ReadContext, run: RunHandle, parts: string[], snap: TaskSnapshot, requested: number | undefined) {
    super({ kind: "Task", parts, ctx, createdAt: new Date(snap.record.createdAt), run, attempt: requested });
    this.#snap = snap;
  }

  /** The attempt this object reads (the newest one unless one was asked for). */
  get currentAttempt(): number {
    return this.#snap.attempt;
  }

  /** True when the attempt ended successfully. */
  get successful(): boolean {
    return this.#snap.done?.success === true;
  }

  /** True when the attempt finished successfully (false while running and after a failure, as in Metaflow). */
  get finished(): boolean {
    return this.#snap.done?.success === true;
  }

  /** When the attempt ended (also after a failure), or null while it runs or if it never ran. */
  get finishedAt(): Date | null {
    return this.#snap.done ? new Date(this.#snap.done.finishedAt) : null;
  }

  /** The exception the attempt raised, or null. */
  get exception(): TaskException | null {
    const e: ExceptionInfo | undefined = this.#snap.done?.exception;
    return e ? { type: e.type, message: e.message, stack: e.stack } : null;
  }

  /** The task's foreach index, or null outside a foreach. */
  get index(): number | null {
    return this.#snap.record.index;
  }

  /** For a task cloned by resume, `Flow/<origin run>/<step>/<origin task>`; else null. */
  get originPathspec(): string | null {
    const { originRunId, originTaskId } = this.#snap.record;
    return originRunId && originTaskId ? `${this.parts[0]}/${originRunId}/${originTaskId}` : null;
  }

  /** The task's artifacts as properties; each value is loaded when awaited. Hidden `_` ones are left out. */
  get data(): TaskData<ArtifactsOf<F>> {
    return (this.#data ??= createTaskData({
      owner: this.toString(),
      names: Object.keys(this.#snap.artifacts),
      load: (name) => this.artifactObject(name).data,
    }) as TaskData<ArtifactsOf<F>>);
  }

  /** The task's visible artifacts as `DataArtifact` objects, by name (no values are loaded). */
  get artifacts(): Readonly<Record<string, DataArtifactObject>> {
    const names = Object.keys(this.#snap.artifacts)
      .filter((n) => !isHidden(n))
      .sort();
    return Object.fromEntries(names.map((n) => [n, this.artifactObject(n)]));
  }

  /** The attempt's standard output. */
  get stdout(): Promise<string> {
    return this.readLog("stdout");
  }

  /** The attempt's standard error. */
  get stderr(): Promise<string> {
    return this.readLog("stderr");
  }

  /** The tasks this one ran after (across foreach fan-out and joins); not namespace-checked. */
  get parentTasks(): Promise<TaskObject<F>[]> {
    const ctx: ReadContext = { ...this.ctx, check: false };
    const [flow, runId] = this.parts as [string, string];
    return Promise.all(this.#snap.record.parents.map((p) => load<TaskObject<F>>("Task", ctx, { parts: [flow, runId, ...p.split("/")], run: this.runState })));
  }

  /** The tasks that ran after this one; not namespace-checked. */
  get childTasks(): Promise<TaskObject<F>[]> {
    return this.findChildTasks();
  }

  /**
   * Looks up an artifact of this task's attempt by name (hidden `_` ones too), without I/O.
   * @throws NotFoundError `DataArtifact('F/R/S/T/nope') does not exist`.
   */
  override get(name: string): Promise<DataArtifactObject> {
    return Promise.resolve(name).then((n) => this.artifactObject(String(n)));
  }

  /** Tells whether this task's attempt has an artifact of that name (hidden ones too). */
  override async has(name: string): Promise<boolean> {
    return Object.hasOwn(this.#snap.artifacts, String(name));
  }

  protected async *listChildren(): AsyncGenerator<DataArtifactObject> {
    const visible = Object.values(this.artifacts);
    yield* visible.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  protected override summary(): Record<string, unknown> {
    const { currentAttempt, successful, finished, index } = this;
    return { currentAttempt, successful, finished, finishedAt: this.finishedAt?.toISOString() ?? null, index, artifacts: Object.keys(this.artifacts) };
  }

  private artifactObject(name: string): DataArtifactObject {
    return artifactOfSnapshot(this.ctx, this.runState!, [...this.parts, name], this.#snap, this.requestedAttempt);
  }

  private readLog(stream: "stdout" | "stderr"): Promise<string> {
    const [flow, runId, step, taskId] = this.parts as [string, string, string, string];
    return this.ctx.backend.datastore.readLog(flow, runId, step, taskId, this.#snap.attempt, stream);
  }

  private async findChildTasks(): Promise<TaskObject<F>[]> {
    const [flow, runId, step, taskId] = this.parts as [string, string, string, string];
    const { datastore } = this.ctx.backend;
    const record = await datastore.readRun(flow, runId);
    const next = record?.graph.steps.find((s) => s.name === step)?.next ?? [];
    const me = `${step}/${taskId}`;
    const ctx: ReadContext = { ...this.ctx, check: false };
    const found: TaskObject<F>[] = [];
    for (const child of next) {
      for (const id of await datastore.listTaskIds(flow, runId, child)) {
        const rec = await datastore.readTask(flow, runId, child, id);
        if (rec?.parents.includes(me)) found.push(await load<TaskObject<F>>("Task", ctx, { parts: [flow, runId, child, id], run: this.runState }));
      }
    }
    return found;
  }
}

async function loadTask(ctx: ReadContext, request: LoadRequest): Promise<TaskObject> {
  const run = await runStateFor("Task", ctx, request);
  const parts = request.parts.slice(0, 4);
  const snap = componentsValid(parts) ? await readTaskSnapshot(ctx, parts, request.attempt) : undefined;
  if (!snap) throw notFound("Task", parts.join("/"), request.attempt);
  checkNamespace(ctx, run);
  return new TaskObject(ctx, run, parts, snap, request.attempt);
}

registerLoader("Task", loadTask);

const TASK_MEMBERS = memberList<TaskObject>()([
  ...CLIENT_OBJECT_MEMBERS,
  "currentAttempt",
  "successful",
  "finished",
  "finishedAt",
  "exception",
  "index",
  "originPathspec",
  "data",
  "artifacts",
  "stdout",
  "stderr",
  "parentTasks",
  "childTasks",
]);

/**
 * What `Task(pathspec)` returns: a Promise of the `TaskObject` that also answers every member of the
 * task directly (`await Task(p).data.choice`, `await Task(p).stdout`) and iterates its artifacts.
 */
class TaskPromise<F extends FlowClass = FlowClass> extends ObjectPromise<TaskObject<F>> {}
interface TaskPromise<F extends FlowClass = FlowClass> extends HandleMembers<TaskObject<F>> {}
installMembers(TaskPromise, { objectClass: TaskObject, members: TASK_MEMBERS, dataView: true });
export { TaskPromise };

/** The signature of `Task`. */
export type TaskFunction = <F extends FlowClass = FlowClass>(pathspec: string, options?: TaskLookupOptions) => TaskPromise<F>;

/**
 * Reads a task by pathspec in the current namespace. A `Task` is one execution of a `Step`; it
 * contains `DataArtifact`s. `Task<typeof MyFlow>(pathspec)` types its `data` from the flow class.
 * @param pathspec `FlowName/RunID/StepName/TaskID`.
 * @param options `attempt`: which attempt to read (default: the newest).
 * @returns A lazy handle: a Promise of the `Task` that also answers its members and iterates its artifacts.
 * @throws InvalidPathspecError `Expects Task('FlowName/RunID/StepName/TaskID')` (before any I/O).
 * @throws NotFoundError `Task('F/R/end/99') does not exist`, or a bad attempt (`Attempt can only be smaller than 6`).
 * @throws NamespaceMismatchError when the task's run is not in the namespace.
 * @example
 * import { Flow, Task } from "tsflow";
 *
 * const end = (await (await Flow("TeamCollabFlow").latestSuccessfulRun)!.endTask)!;
 * const first = await Task(end.pathspec, { attempt: 0 });
 * console.log(first.successful, await first.stdout); // true Random choice was 3
 */
export const Task = branded<TaskObject, TaskFunction>("Task", function Task(pathspec: string, options: TaskLookupOptions = {}): TaskPromise {
  return lookupHandle(TaskPromise, "Task", pathspec, options?.attempt, loadTask);
} as TaskFunction);

/** A `Task` object (the type of `await Task(pathspec)`). */
export type Task<F extends FlowClass = FlowClass> = TaskObject<F>;
