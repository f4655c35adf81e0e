/**
 * `Flow`: a flow as the client sees it: the runs made of one flow class, newest first. The top of
 * the object model; its children are `Run`s.
 */
import { NamespaceMismatchError } from "../util/errors.js";
import type { RunRow } from "./backend.js";
import { branded, ClientObject } from "./client-object.js";
import { currentContext, mustCheck, type ReadContext } from "./context.js";
import { LazyPromise } from "./lazy-promise.js";
import { getNamespace } from "./namespace.js";
import { checkAttempt, componentsValid, notFound, parsePathspec } from "./model.js";
import { registerLoader } from "./registry.js";
import { RunObject } from "./run.js";
import { pinnedRun } from "./pins.js";

const PAGE = 200;

/**
 * A `FlowObject` is one flow of the datastore; it contains `Run`s. Its synchronous fields were read
 * when it was made; `latestRun`, `latestSuccessfulRun` and `runs()` query the run index each time,
 * in the namespace the flow was read in.
 */
export class FlowObject extends ClientObject<RunObject> {
  /** @internal Use `Flow(name)`. */
  constructor(ctx: ReadContext, name: string, createdAt: Date) {
    super({ kind: "Flow", parts: [name], ctx, createdAt });
  }

  /** The newest run in the flow's namespace (it may be running or failed), or null when none. */
  get latestRun(): Promise<RunObject | null> {
    return this.firstRun(false);
  }

  /** The newest successful run in the flow's namespace, or null when none. */
  get latestSuccessfulRun(): Promise<RunObject | null> {
    return this.firstRun(true);
  }

  /**
   * The runs that carry every one of `tags`, within the flow's namespace, newest first.
   * @example
   * for await (const run of flow.runs("exp1", "user:alice")) console.log(run.id);
   */
  runs(...tags: string[]): AsyncIterable<RunObject> {
    return { [Symbol.asyncIterator]: () => this.pages(tags)[Symbol.asyncIterator]() };
  }

  /** Tells whether at least one run of the flow is in the *current* global namespace. */
  override async isInNamespace(): Promise<boolean> {
    const ns = getNamespace();
    return ns === null || (await (await this.ctx.backend.index()).countRuns(this.id, ns)) > 0;
  }

  protected listChildren(): AsyncIterable<RunObject> {
    return this.runs();
  }

  private filter(): string | null {
    return mustCheck(this.ctx) ? this.ctx.namespace : null;
  }

  private async firstRun(successfulOnly: boolean): Promise<RunObject | null> {
    if (successfulOnly) {
      const pinned = await pinnedRun(this.ctx, this.id);
      if (pinned) return pinned;
    }
    const index = await this.ctx.backend.index();
    const [row] = await index.listRuns(this.id, { namespace: this.filter(), successfulOnly, limit: 1 });
    return row ? runFromRow(this.ctx, row) : null;
  }

  private async *pages(tags: readonly string[]): AsyncGenerator<RunObject> {
    const index = await this.ctx.backend.index();
    const seen = new Set<string>();
    for (let offset = 0; ; offset += PAGE) {
      const rows = await index.listRuns(this.id, { namespace: this.filter(), tags, limit: PAGE, offset });
      for (const row of rows) {
        // A run created while paging shifts the pages by one: skip what was already yielded.
        if (seen.has(row.runId)) continue;
        seen.add(row.runId);
        yield runFromRow(this.ctx, row);
      }
      if (rows.length < PAGE) return;
    }
  }
}

/** Makes a `Run` from an index row, in the context it was listed in. */
export function runFromRow(ctx: ReadContext, row: RunRow): RunObject {
  return new RunObject(ctx, { row: { ...row, tags: [...row.tags], userTags: [...row.userTags], systemTags: [...row.systemTags] } });
}

/**
 * What `Flow(name)` returns: a Promise of the checked `FlowObject` that also answers `latestRun`,
 * `latestSuccessfulRun` and `runs()` directly, so `await Flow("X").latestSuccessfulRun` is one await.
 * The checks start when it is first awaited.
 */
export class FlowPromise extends LazyPromise<FlowObject> {
  #name = "";
  #ctx: ReadContext | undefined;

  /** @internal */
  static create(name: string, ctx: ReadContext | undefined, work: () => Promise<FlowObject>): FlowPromise {
    const promise = LazyPromise.from.call(FlowPromise, work) as FlowPromise;
    promise.#name = name;
    promise.#ctx = ctx;
    return promise;
  }

  /** The flow's newest run in the namespace, or null; rejects as `Flow(name)` would. */
  get latestRun(): Promise<RunObject | null> {
    return this.shortcut(false);
  }

  /**
   * The flow's newest successful run in the namespace, or null; rejects as `Flow(name)` would.
   * When such a run exists this is a single indexed query.
   */
  get latestSuccessfulRun(): Promise<RunObject | null> {
    return this.shortcut(true);
  }

  /** The runs carrying every one of `tags`, in the namespace, newest first (after the flow's checks). */
  runs(...tags: string[]): AsyncIterable<RunObject> {
    const flow = this as Promise<FlowObject>;
    return {
      async *[Symbol.asyncIterator]() {
        yield* (await flow).runs(...tags);
      },
    };
  }

  private async shortcut(successfulOnly: boolean): Promise<RunObject | null> {
    const ctx = this.#ctx;
    const pinned = ctx && successfulOnly ? await pinnedRun(ctx, this.#name) : undefined;
    if (pinned) return pinned;
    if (ctx) {
      // A run found in the namespace proves the flow exists and is in it: skip the flow's checks.
      const filter = mustCheck(ctx) ? ctx.namespace : null;
      const index = await ctx.backend.index();
      const [row] = await index.listRuns(this.#name, { namespace: filter, successfulOnly, limit: 1 });
      if (row) return runFromRow(ctx, row);
    }
    const flow = await this;
    return successfulOnly ? flow.latestSuccessfulRun : flow.latestRun;
  }
}

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

/**
 * Reads a flow in the current namespace. A `Flow` is the top of the client model; its children are
 * the flow's `Run`s, newest first.
 * @param name The flow's class name, e.g. `"TeamCollabFlow"`.
 * @returns A Promise of the `Flow` that also has `latestRun`, `latestSuccessfulRun` and `runs()`.
 * @throws InvalidPathspecError `Expects Flow('FlowName')` (checked before any I/O).
 * @throws NotFoundError `Flow('X') does not exist` when the flow has never run (wins over a mismatch).
 * @throws NamespaceMismatchError `Object not in namespace 'user:bob'` when none of its runs is in the namespace.
 * @example
 * const run = await Flow("TeamCollabFlow").latestSuccessfulRun;
 * console.log(run?.id, await run?.data.choice);
 */
export const Flow = branded<FlowObject, (name: string) => FlowPromise>(
  "Flow",
  function Flow(name: string, options?: { attempt?: unknown }): FlowPromise {
    try {
      checkAttempt("Flow", options?.attempt);
      parsePathspec("Flow", name);
      const ctx = currentContext();
      return FlowPromise.create(name, ctx, () => loadFlow(ctx, { parts: [name] }));
    } catch (err) {
      return FlowPromise.create(String(name), undefined, () => Promise.reject(err));
    }
  },
);

/** A `Flow` object (the type of `await Flow(name)`). */
export type Flow = FlowObject;
