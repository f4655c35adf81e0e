/**
 * `Run`: one execution of a flow. A run's fields come from the run index (one row, no file reads);
 * its steps, end task and data are read from the run's files when asked for.
 */
import type { ArtifactsOf, ParametersOf } from "../flow/flow-types.js";
import type { FlowClass } from "../flow/graph.js";
import { NotFoundError } from "../util/errors.js";
import { PARAMETERS_STEP, PARAMETERS_TASK } from "../store/layout.js";
import type { RunRow } from "./backend.js";
import { branded, CLIENT_OBJECT_MEMBERS, ClientObject } from "./client-object.js";
import { currentContext, type ReadContext, type RunHandle } from "./context.js";
import { installMembers, lookupHandle, memberList, ObjectPromise, type HandleMembers } from "./handle.js";
import { isHidden, parsePathspec } from "./model.js";
import { load, registerLoader, type LoadRequest } from "./registry.js";
import { checkNamespace, runStateFor } from "./run-state.js";
import { readConsumers, readLineage, type UpstreamRunOf } from "./lineage.js";
import { applyTagEdit, planTagEdit } from "./tags.js";
import { type LaunchPins, runPinsOf } from "./pin-file.js";
import { createRunData, type RunData, type TaskData } from "./task-data.js";
import type { StepObject } from "./step.js";
import type { TaskObject } from "./task.js";

/**
 * A `RunObject` is one execution of a `Flow`; it contains `Step`s (the internal `_parameters` step is
 * hidden from iteration but `get("_parameters")` reaches it). `successful`, `finished`, `finishedAt`
 * and the tags are synchronous (the index row read when the run was looked up); `endTask`, `data`,
 * `parameters` and the steps are read from the run's files when awaited. `F` is the flow's class
 * when the run was looked up by class (`Flow(MyFlow)`, `Run<typeof MyFlow>(p)`): `data`,
 * `parameters` and its steps' tasks are then typed from it.
 */
export class RunObject<F extends FlowClass = FlowClass> extends ClientObject<StepObject<F>> {
  #endData: Promise<TaskData | null> | undefined;

  /** @internal Use `Run(pathspec)`, `flow.get(id)` or `flow.latestRun`. */
  constructor(ctx: ReadContext, run: RunHandle) {
    super({ kind: "Run", parts: [run.row.flow, run.row.runId], ctx, createdAt: run.row.createdAt, run });
  }

  private get row() {
    return this.runState!.row;
  }

  /** True when the run's end task succeeded. */
  get successful(): boolean {
    return this.row.successful;
  }

  /**
   * True when the run's end task finished successfully: as in Metaflow (the end task's `_task_ok`),
   * false while running and after a failure; `status` tells those apart.
   */
  get finished(): boolean {
    return this.row.finished && this.row.successful;
  }

  /** When the run's end task ended (after a failure too, as in Metaflow), or null. */
  get finishedAt(): Date | null {
    return this.row.finishedAt;
  }

  /** The user who launched the run. */
  get user(): string {
    return this.row.user;
  }

  /** How the run stands: `running` (or its runtime died), `successful` or `failed`. */
  get status(): RunRow["status"] {
    return this.row.status;
  }

  /** `Flow/<origin run id>` for a resumed run, else null. */
  get originPathspec(): string | null {
    return this.row.originRunId ? `${this.row.flow}/${this.row.originRunId}` : null;
  }

  /** The task of the run's end step, or null when the end step has not started. */
  get endTask(): Promise<TaskObject<F> | null> {
    return this.findEndTask();
  }

  /**
   * The end task's artifacts: `await run.data.choice` loads one value; `await run.data` gives the
   * whole `TaskData`, or null when the run has no end task (then `run.data.x` rejects with NotFoundError).
   */
  get data(): RunData<ArtifactsOf<F>> {
    return createRunData(this.toString(), () => this.endData()) as unknown as RunData<ArtifactsOf<F>>;
  }

  /** The run's parameter values (the artifacts of the hidden `_parameters` task), by field name. */
  get parameters(): Promise<ParametersOf<F>> {
    return this.loadParameters() as Promise<ParametersOf<F>>;
  }

  /**
   * The runs this run's tasks read through the client, each with what was read (artifact pathspecs,
   * the reading task, the namespace it was read in). Lineage links are not namespace-checked.
   * @example
   * for (const up of await run.lineage()) console.log(up.pathspec, up.reads.map((r) => r.pathspec));
   */
  lineage(): Promise<UpstreamRun[]> {
    return readLineage<RunObject>(this.ctx, this.row);
  }

  /** The runs whose tasks read this run, newest first (one run index query; not namespace-checked). */
  consumers(): Promise<RunObject[]> {
    return readConsumers<RunObject>(this.ctx, this.row);
  }

  /**
   * The pins the run was launched with: inside its tasks, wherever they ran, `latestSuccessfulRun`
   * followed them (see `usePins`); null when it was launched without pins.
   * @example
   * const launched = await run.launchPins();
   * for (const p of launched?.pins ?? []) console.log(p.pathspec, p.namespace); // TeamCollabFlow/1795778912128093 user:alice
   */
  async launchPins(): Promise<LaunchPins | null> {
    const { flow, runId } = this.row;
    const record = await this.ctx.backend.datastore.readRunPins(flow, runId);
    return record ? { pins: runPinsOf(record, this.pathspec), file: record.source, reusedFrom: record.reusedFrom ?? null } : null;
  }

  /** Adds one user tag (adding a system tag is a no-op); updates `tags` in place. */
  addTag(tag: string): Promise<void> {
    return this.editTags([tag], []);
  }

  /** Adds user tags (system tags among them are ignored); updates `tags` in place. */
  addTags(tags: Iterable<string>): Promise<void> {
    return this.editTags(tags, []);
  }

  /**
   * Removes one user tag (removing an absent tag is a no-op).
   * @throws TaggingError `Cannot remove a tag that is an existing system tag (['user:alice'])`.
   */
  removeTag(tag: string): Promise<void> {
    return this.editTags([], [tag]);
  }

  /** Removes user tags; a system tag among them is an error and nothing changes. */
  removeTags(tags: Iterable<string>): Promise<void> {
    return this.editTags([], tags);
  }

  /** Removes `remove` then adds `add`, as one atomic edit. */
  replaceTag(remove: string, add: string): Promise<void> {
    return this.editTags([add], [remove]);
  }

  /** Removes `remove` then adds `add`, as one atomic edit. */
  replaceTags(remove: Iterable<string>, add: Iterable<string>): Promise<void> {
    return this.editTags(add, remove);
  }

  protected async *listChildren(): AsyncGenerator<StepObject<F>> {
    const names = await this.ctx.backend.datastore.listSteps(this.row.flow, this.row.runId);
    const steps = await Promise.all(names.filter((n) => !isHidden(n)).map((n) => this.get(n)));
    yield* steps.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  protected override summary(): Record<string, unknown> {
    const { successful, finished, finishedAt, status, user, originPathspec } = this;
    return { successful, finished, finishedAt: finishedAt?.toISOString() ?? null, status, user, originPathspec };
  }

  /** The end task's data, kept once found (so each value loads once); looked up again while absent. */
  private endData(): Promise<TaskData | null> {
    const found = (this.#endData ??= this.findEndTask().then((task) => task?.data ?? null));
    found.then(
      (data) => data ?? (this.#endData = undefined),
      () => (this.#endData = undefined),
    );
    return found;
  }

  private async findEndTask(): Promise<TaskObject<F> | null> {
    const { flow, runId, endStep } = this.row;
    const [taskId] = await this.ctx.backend.datastore.listTaskIds(flow, runId, endStep);
    if (taskId === undefined) return null;
    return load<TaskObject<F>>("Task", this.ctx, { parts: [flow, runId, endStep, taskId], run: this.runState });
  }

  private async loadParameters(): Promise<Record<string, unknown>> {
    const parts = [this.row.flow, this.row.runId, PARAMETERS_STEP, PARAMETERS_TASK];
    let data: TaskData;
    try {
      data = (await load<TaskObject>("Task", this.ctx, { parts, run: this.runState })).data;
    } catch (err) {
      if (err instanceof NotFoundError) return {};
      throw err;
    }
    const names = Object.keys(data);
    const values = await Promise.all(names.map((n) => data[n]));
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  }

  private async editTags(add: unknown, remove: unknown): Promise<void> {
    const row = this.row;
    const edit = planTagEdit(row.systemTags, add, remove);
    const { datastore } = this.ctx.backend;
    const saved = await datastore.updateTags(row.flow, row.runId, (current) => applyTagEdit(current, edit));
    // Update in place: every step, task and artifact made from this run shares `row`.
    row.userTags = [...saved.userTags];
    row.tags = [...new Set([...row.systemTags, ...row.userTags])];
  }
}

async function loadRun(ctx: ReadContext, request: LoadRequest): Promise<RunObject> {
  const run = await runStateFor("Run", ctx, request);
  checkNamespace(ctx, run);
  return new RunObject(ctx, run);
}

registerLoader("Run", loadRun);

const RUN_MEMBERS = memberList<RunObject>()([
  ...CLIENT_OBJECT_MEMBERS,
  "successful",
  "finished",
  "finishedAt",
  "user",
  "status",
  "originPathspec",
  "endTask",
  "data",
  "parameters",
  "addTag",
  "addTags",
  "removeTag",
  "removeTags",
  "replaceTag",
  "replaceTags",
  "lineage",
  "consumers",
  "launchPins",
]);

/**
 * What `Run(pathspec)` returns: a Promise of the `RunObject` that also answers every member of the
 * run directly (`await Run(p).data.choice`, `await Run(p).successful`) and iterates its steps
 * (`for await (const step of Run(p))`). The lookup starts when it is first awaited (or iterated).
 */
class RunPromise<F extends FlowClass = FlowClass> extends ObjectPromise<RunObject<F>> {}
interface RunPromise<F extends FlowClass = FlowClass> extends HandleMembers<RunObject<F>> {}
installMembers(RunPromise, { objectClass: RunObject, members: RUN_MEMBERS, dataView: true });
export { RunPromise };

/**
 * Reads a run without the namespace check, as Metaflow's runner result is read: the run a caller
 * just launched is readable whatever the current namespace, which it still records (and shows).
 * @param pathspec `FlowName/RunID`.
 */
export async function readRunUnchecked<F extends FlowClass = FlowClass>(pathspec: string): Promise<RunObject<F>> {
  const ctx: ReadContext = { ...currentContext(), check: false };
  return (await loadRun(ctx, { parts: parsePathspec("Run", pathspec) })) as RunObject<F>;
}

/** The signature of `Run`. */
export type RunFunction = <F extends FlowClass = FlowClass>(pathspec: string) => RunPromise<F>;

/**
 * Reads a run by pathspec in the current namespace. A `Run` is one execution of a `Flow`; it
 * contains `Step`s.
 * `Run<typeof MyFlow>(pathspec)` types the run's `data` and `parameters` from the flow class.
 * @param pathspec `FlowName/RunID`.
 * @returns A lazy handle: a Promise of the `Run` that also answers the run's members and iterates its steps.
 * @throws InvalidPathspecError `Expects Run('FlowName/RunID')` (checked before any I/O).
 * @throws NotFoundError `Run('F/9') does not exist` (wins over a namespace mismatch).
 * @throws NamespaceMismatchError `Object not in namespace 'user:alice'`.
 * @example
 * import { Flow, Run, namespace } from "tsflow";
 * import type { TeamCollabFlow } from "./examples/team-collab.js";
 *
 * namespace(null);
 * const { id } = (await Flow("TeamCollabFlow").latestSuccessfulRun)!;
 * const run = await Run<typeof TeamCollabFlow>(`TeamCollabFlow/${id}`);
 * console.log(run.successful, await run.data.choice); // true 3
 * for await (const step of Run(`TeamCollabFlow/${id}`)) console.log(step.id); // end, start
 */
export const Run = branded<RunObject, RunFunction>("Run", function Run(pathspec: string, options?: { attempt?: unknown }): RunPromise {
  return lookupHandle(RunPromise, "Run", pathspec, options?.attempt, loadRun);
} as RunFunction);

/** A run that `run.lineage()` found this run read, with what was read from it. */
export type UpstreamRun = UpstreamRunOf<RunObject>;

/** A `Run` object (the type of `await Run(pathspec)`). */
export type Run<F extends FlowClass = FlowClass> = RunObject<F>;
