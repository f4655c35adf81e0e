/**
 * Listings over the run index: the flows of a namespace (Metaflow's `Metaflow().flows`), the
 * namespaces that exist, runs of a flow with filters, and read-only SQL. Each is indexed queries only.
 */
import { isTsflowError, NamespaceMismatchError } from "../util/errors.js";
import { assertNamespace } from "../util/validate.js";
import { currentBackend, type SqlResult } from "./backend.js";
import type { ListRunsQuery, NamespaceCount } from "../run-index/run-index.js";
import type { ReadContext } from "./context.js";
import { runFromRow, type FlowObject } from "./flow.js";
import { getNamespace } from "./namespace.js";
import { load } from "./registry.js";
import type { RunObject } from "./run.js";

/** Options of `listFlows`, `listRuns` and `querySql`. */
export interface NamespaceOptions {
  /**
   * The namespace to read in; `null` for global.
   * @default the current namespace (`getNamespace()`)
   */
  namespace?: string | null;
}

/** Options of `listRuns`: the run index's query, with the namespace defaulting to the current one. */
export type ListRunsOptions = NamespaceOptions & Omit<ListRunsQuery, "namespace">;

/** One namespace in use (a tag some run carries) with how many runs carry it. */
export type { NamespaceCount };

function contextFor(options: NamespaceOptions): ReadContext {
  const namespace = options.namespace === undefined ? getNamespace() : assertNamespace(options.namespace);
  return { backend: currentBackend(), namespace, check: true };
}

/**
 * Lists the flows that have at least one run in the namespace (Metaflow's `Metaflow().flows`); a flow
 * with no run in it is left out silently.
 * @example
 * for (const flow of await listFlows()) console.log(String(flow));
 */
export async function listFlows(options: NamespaceOptions = {}): Promise<FlowObject[]> {
  const ctx = contextFor(options);
  const names = await (await ctx.backend.index()).listFlows(ctx.namespace);
  const flows = await Promise.all(
    names.map((name) =>
      load<FlowObject>("Flow", ctx, { parts: [name] }).catch((err: unknown) => {
        // A flow whose runs left the namespace between the two queries is skipped, as in Metaflow.
        if (isTsflowError(err) && (err instanceof NamespaceMismatchError || err.code === "NOT_FOUND")) return undefined;
        throw err;
      }),
    ),
  );
  return flows.filter((f): f is FlowObject => f !== undefined);
}

/**
 * Lists the runs of a flow in a namespace, newest first, in one indexed query (for tools: a flow
 * that does not exist simply has no runs).
 * @example
 * const last20 = await listRuns("TeamCollabFlow", { limit: 20, namespace: null });
 */
export async function listRuns(flow: string, options: ListRunsOptions = {}): Promise<RunObject[]> {
  const ctx = contextFor(options);
  const rows = await (await ctx.backend.index()).listRuns(flow, {
    namespace: ctx.namespace,
    tags: options.tags ?? [],
    successfulOnly: options.successfulOnly ?? false,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.offset === undefined ? {} : { offset: options.offset }),
  });
  return rows.map((row) => runFromRow(ctx, row));
}

/**
 * Lists every namespace in use (every tag some run carries: `user:alice`, `production:...`, user
 * tags) with its run count.
 */
export async function listNamespaces(): Promise<NamespaceCount[]> {
  return (await currentBackend().index()).listNamespaces();
}

/**
 * Runs read-only SQL over the run index, seeing only the runs of the namespace.
 * @throws SqlRefusedError when the SQL would write or reach outside the index.
 * @example
 * const rows = await querySql("select flow, count(*) as n from runs group by flow");
 */
export async function querySql(sql: string, options: NamespaceOptions = {}): Promise<SqlResult> {
  const ctx = contextFor(options);
  return (await ctx.backend.index()).querySql(sql, { namespace: ctx.namespace });
}
