/**
 * `Flow`: a flow as the client sees it: the runs made of one flow class, newest first. The top of
 * the object model; its children are `Run`s.
 */
import { FlowSpec } from "../flow/flow-spec.js";
import type { FlowClass } from "../flow/graph.js";
import { InvalidPathspecError, NamespaceMismatchError } from "../util/errors.js";
import type { RunRow } from "./backend.js";
import { branded, CLIENT_OBJECT_MEMBERS, ClientObject } from "./client-object.js";
import { currentContext, mustCheck, type ReadContext } from "./context.js";
import { installMembers, memberList, ObjectPromise, type HandleMembers } from "./handle.js";
import { getNamespace } from "./namespace.js";
import { checkAttempt, componentsValid, notFound, parsePathspec } from "./model.js";
import { registerLoader } from "./registry.js";
import { RunObject } from "./run.js";
import { pinnedRun } from "./pins.js";

const PAGE = 200;

/**
 * A `FlowObject` is one flow of the datastore; it contains `Run`s. Its synchronous fields were read
 * when it was made; `latestRun`, `latestSuccessfulRun` and `runs()` query the run index each time,
 * in the namespace the flow was read in. `F` is the flow's class when it was looked up by class
 * (`Flow(TeamCollabFlow)`): its runs' `data` and `parameters` are then typed from the class.
 */
export class FlowObject<F extends FlowClass = FlowClass> extends ClientObject<RunObject<F>> {
  /** @internal Use `Flow(name)`. */
  constructor(ctx: ReadContext, name: string, createdAt: Date) {
    super({ kind: "Flow", parts: [name], ctx, createdAt });
  }

  /** The newest run in the flow's namespace (it may be running or failed), or null when none. */
  get latestRun(): Promise<RunObject<F> | null> {
    return this.firstRun(false);
  }

  /** The newest successful run in the flow's namespace, or null when none. */
  get latestSuccessfulRun(): Promise<RunObject<F> | null> {
    return this.firstRun(true);
  }

  /**
   * The runs that carry every one of `tags`, within the flow's namespace, newest first.
   * @example
   * for await (const run of flow.runs("exp1", "user:alice")) console.log(run.id);
   */
  runs(...tags: string[]): AsyncIterable<RunObject<F>> {
    return { [Symbol.asyncIterator]: () => this.pages(tags)[Symbol.asyncIterator]() };
  }

  /** Tells whether at least one run of the flow is in the *current* global namespace. */
  override async isInNamespace(): Promise<boolean> {
    const ns = getNamespace();
    return ns === null || (await (await this.ctx.backend.index()).countRuns(this.id, ns)) > 0;
  }

  protected listChildren(): AsyncIterable<RunObject<F>> {
    return this.runs();
  }

  private filter(): string | null {
    return mustCheck(this.ctx) ? this.ctx.namespace : null;
  }

  private async firstRun(successfulOnly: boolean): Promise<RunObject<F> | null> {
    if (successfulOnly) {
      const pinned = await pinnedRun(this.ctx, this.id);
      if (pinned) return pinned as unknown as RunObject<F>;
    }
    const index = await this.ctx.backend.index();
    const [row] = await index.listRuns(this.id, { namespace: this.filter(), successfulOnly, limit: 1 });
    return row ? runFromRow<F>(this.ctx, row) : null;
  }

  private async *pages(tags: readonly string[]): AsyncGenerator<RunObject<F>> {
    const index = await this.ctx.backend.index();
    const seen = new Set<string>();
    for (let offset = 0; ; offset += PAGE) {
      const rows = await index.listRuns(this.id, { namespace: this.filter(), tags, limit: PAGE, offset });
      for (const row of rows) {
        // A run created while paging shifts the pages by one: skip what was already yielded.
        if (seen.has(row.runId)) continue;
        seen.add(row.runId);
        yield runFromRow<F>(this.ctx, row);
      }
      if (rows.length < PAGE) return;
    }
  }
}

/** Makes a `Run` from an index row, in the context it was listed in. */
export function runFromRow<F extends FlowClass = FlowClass>(ctx: ReadContext, row: RunRow): RunObject<F> {
  return new RunObject<F>(ctx, { row: { ...row, tags: [...row.tags], userTags: [...row.userTags], systemTags: [...row.systemTags] } });
}

const FLOW_MEMBERS = memberList<FlowObject>()([...CLIENT_OBJECT_MEMBERS, "latestRun", "latestSuccessfulRun", "runs"]);

/**
 * What `Flow(name)` returns: a Promise of the checked `FlowObject` that also answers every member of
 * the flow directly (`latestRun`, `latestSuccessfulRun`, `runs()`, `tags`...) and iterates its runs,
 * so `await Flow("X").latestSuccessfulRun` is one await and `for await (const run of Flow("X"))`
 * needs none. The checks start when it is first awaited (or iterated).
 */
class FlowPromise<F extends FlowClass = FlowClass> extends ObjectPromise<FlowObject<F>> {
  #name = "";
  #ctx: ReadContext | undefined;

  /** @internal */
  static create<F extends FlowClass>(name: string, ctx: ReadContext | undefined, work: () => Promise<FlowObject<F>>): FlowPromise<F> {
    const promise = FlowPromise.make(`Flow('${name}')`, work) as FlowPromise<F>;
    promise.#name = name;
    promise.#ctx = ctx;
    return promise;
  }

  /** The flow's newest run in the namespace, or null; rejects as `Flow(name)` would. */
  get latestRun(): Promise<RunObject<F> | null> {
    return this.shortcut(false);
  }

  /**
   * The flow's newest successful run in the namespace, or null; rejects as `Flow(name)` would.
   * When such a run exists this is a single indexed query.
   */
  get latestSuccessfulRun(): Promise<RunObject<F> | null> {
    return this.shortcut(true);
  }

  /** The runs carrying every one of `tags`, in the namespace, newest first (after the flow's checks). */
  runs(...tags: string[]): AsyncIterable<RunObject<F>> {
    const flow = this as Promise<FlowObject<F>>;
    return {
      async *[Symbol.asyncIterator]() {
        yield* (await flow).runs(...tags);
      },
    };
  }

  private async shortcut(successfulOnly: boolean): Promise<RunObject<F> | null> {
    const ctx = this.#ctx;
    const pinned = ctx && successfulOnly ? await pinnedRun(ctx, this.#name) : undefined;
    if (pinned) return pinned;
    if (ctx) {
      // A run found in the namespace proves the flow exists and is in it: skip the flow's checks.
      const filter = mustCheck(ctx) ? ctx.namespace : null;
      const index = await ctx.backend.index();
      const [row] = await index.listRuns(this.#name, { namespace: filter, successfulOnly, limit: 1 });
      if (row) return runFromRow<F>(ctx, row);
    }
    const flow = await this;
    return successfulOnly ? flow.latestSuccessfulRun : flow.latestRun;
  }
}

// The members the class above defines itself are left out: the merged declarations must agree.
interface FlowPromise<F extends FlowClass = FlowClass> extends Omit<HandleMembers<FlowObject<F>>, "latestRun" | "latestSuccessfulRun" | "runs"> {}

installMembers(FlowPromise, { objectClass: FlowObject, members: FLOW_MEMBERS, dataView: false });

export { FlowPromise };

async function loadFlow(ctx: ReadContext, request: { parts: string[]; attempt?: number | undefined }): Promise<FlowObject> {
  const name = request.parts[0]!;
  if (!componentsValid([name])) throw notFound("Flow", name);
  const index = await ctx.backend.index();
  const all = await index.countRuns(name, null);
  if (all === 0) throw notFound("Flow", name);
  if (mustCheck(ctx) && (await index.countRuns(name, ctx.namespace)) === 0) {
    throw new NamespaceMismatchError(ctx.namespace);
  }
  // A flow has no record of its own: it was created with its first run.
  const [oldest] = await index.listRuns(name, { namespace: null, limit: 1, offset: all - 1 });
  return new FlowObject(ctx, name, oldest?.createdAt ?? new Date(0));
}

registerLoader("Flow", loadFlow);

/** The flow name of `Flow(arg)`: the name given, or the name of the flow class given. */
function flowName(arg: unknown): string {
  if (typeof arg !== "function") return parsePathspec("Flow", arg)[0]!;
  if (!((arg as { prototype?: unknown }).prototype instanceof FlowSpec)) {
    throw new InvalidPathspecError(
      `Expects Flow('FlowName') or Flow(FlowClass), a class that extends FlowSpec; got ${arg.name ? `the function ${arg.name}` : "a function"}`,
    );
  }
  return arg.name;
}

/** The signatures of `Flow`. */
export interface FlowFunction {
  /**
   * Reads a flow by its class, in the current namespace: its runs' `data` and `parameters` are
   * typed from the class (`await run.data.choice` is `number | undefined` for `choice?: number`).
   */
  <F extends FlowClass>(flowClass: F): FlowPromise<F>;
  /** Reads a flow by name, in the current namespace; `Flow<typeof MyFlow>("MyFlow")` types it. */
  <F extends FlowClass = FlowClass>(name: string): FlowPromise<F>;
}

/**
 * Reads a flow in the current namespace. A `Flow` is the top of the client model; its children are
 * the flow's `Run`s, newest first.
 * @param flow The flow's class name, e.g. `"TeamCollabFlow"`, or the flow class itself (then its
 * runs' `data` and `parameters` are typed from the class).
 * @returns A lazy handle: a Promise of the `Flow` that also answers the flow's members
 * (`latestRun`, `latestSuccessfulRun`, `runs()`...) and iterates its runs.
 * @throws InvalidPathspecError `Expects Flow('FlowName')` (checked before any I/O).
 * @throws NotFoundError `Flow('X') does not exist` when the flow has never run (wins over a mismatch).
 * @throws NamespaceMismatchError `Object not in namespace 'user:bob'` when none of its runs is in the namespace.
 * @example
 * import { Flow } from "tsflow";
 * import { TeamCollabFlow } from "./examples/team-collab.js";
 *
 * const run = await Flow(TeamCollabFlow).latestSuccessfulRun;
 * const choice: number | undefined = await run?.data.choice;
 * for await (const r of Flow("TeamCollabFlow")) console.log(r.id, r.successful);
 */
export const Flow = branded<FlowObject, FlowFunction>("Flow", function Flow(flow: unknown, options?: { attempt?: unknown }): FlowPromise {
  try {
    checkAttempt("Flow", options?.attempt);
    const name = flowName(flow);
    const ctx = currentContext();
    return FlowPromise.create(name, ctx, () => loadFlow(ctx, { parts: [name] }));
  } catch (err) {
    return FlowPromise.create(typeof flow === "function" ? flow.name : String(flow), undefined, () => Promise.reject(err));
  }
} as FlowFunction);

/** A `Flow` object (the type of `await Flow(name)`). */
export type Flow<F extends FlowClass = FlowClass> = FlowObject<F>;
